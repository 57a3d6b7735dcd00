"""Making a slug from text: the cut at a word boundary, at the edges of the limit."""

from __future__ import annotations

import pytest

from generator import records


@pytest.mark.parametrize(
    ("text", "limit", "slug"),
    [
        ("one two", 7, "one-two"),  # exactly the limit: nothing is cut
        ("one two three", 7, "one-two"),  # the hyphen just after the limit is a word boundary
        ("one two three", 8, "one-two"),
        ("a bcdef", 3, "a"),  # a first word of one letter is still a word
        ("abcdef ghi", 3, "abc"),  # no boundary before the limit: cut at the limit
    ],
)
def test_a_slug_is_cut_at_the_last_word_boundary_within_the_limit(text: str, limit: int, slug: str) -> None:
    assert records.hyphenate(text, limit) == slug


def test_a_papers_slug_is_at_most_sixty_characters_unless_told_otherwise() -> None:
    title = "word " * 20
    assert records.slugify(title) == "-".join(["word"] * 12)  # 59 characters; a 13th word makes 64
    assert records.slugify(title, 10) == "word-word"
