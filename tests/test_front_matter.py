"""A generated page's front matter, read without YAML, is what MkDocs' YAML reader gives: for every page the
fixture feeds make, for titles of any characters, and for any front matter at all (what the fast reader
does not know, it leaves to YAML)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mkdocs.utils import meta

from generator.config import SiteConfig
from generator.site import assemble, front_matter, pages
from tests.test_fastpath import write_content

SMALL = Path(__file__).parent / "fixtures" / "small" / "content"


def _site(content: Path) -> SiteConfig:
    return SiteConfig(
        site_name="Feed & 'co'", site_url="https://example.org/", content_dir=content, page_size=2
    )


@pytest.mark.parametrize("which", ["small", "every character to escape"])
def test_every_generated_page_is_read_as_yaml_reads_it(which: str, tmp_path: Path) -> None:
    content = SMALL if which == "small" else write_content(tmp_path)
    made = assemble.full(_site(content)).pages
    assert len(made) > 10
    for page in made:
        assert front_matter.read(page.text, meta.YAML_RE, meta.get_data) == meta.get_data(page.text), page.src
        assert front_matter._data(meta.YAML_RE.match(page.text).group(1)) is not None, page.src  # type: ignore[union-attr]


# Any characters; and text made of those YAML reads apart (the line breaks it folds, those it refuses, the
# BOM) among a few plain ones and those JSON escapes.
_TITLES = st.one_of(
    st.text(), st.text(st.sampled_from("ab &\"'\\\n\t\r\x00\x7f\x85\x9f\u2028\u2029\ufeff\ufffe"))
)


@given(_TITLES, _TITLES)
def test_titles_of_any_characters_are_read_as_yaml_reads_them(title: str, description: str) -> None:
    page = (
        f"---\ntitle: {pages.front_value(title)}\ndescription: {pages.front_value(description)}\n"
        "hide: [navigation, toc]\nsearch: {exclude: true}  # a comment\n---\n<p>body</p>\n"
    )
    assert front_matter.read(page, meta.YAML_RE, meta.get_data) == meta.get_data(page)


# Lines like the templates' and near them: quotes, escapes, comments, literals, plain values.
_PIECES = st.sampled_from(
    [
        '"',
        "\\",
        "\\n",
        "\\u2028",
        "\\x41",
        "\\/",
        "#",
        " #",
        "\t",
        " ",
        ":",
        "[toc]",
        "{exclude: true}",
        "true",
    ]
)
_VALUES = st.lists(st.one_of(_PIECES, st.text(max_size=4)), max_size=6).map("".join)
_LINES = st.tuples(st.sampled_from(["title", "hide", "search", "feed_tag", "a_b", "Title"]), _VALUES).map(
    lambda kv: f"{kv[0]}: {kv[1]}"
)


@given(st.lists(_LINES, max_size=5), st.text(max_size=20))
def test_any_front_matter_is_read_as_yaml_reads_it(lines: list[str], body: str) -> None:
    page = "---\n" + "".join(line + "\n" for line in lines) + "---\n" + body
    assert front_matter.read(page, meta.YAML_RE, meta.get_data) == meta.get_data(page)


@pytest.mark.parametrize(
    "line",
    [
        'title: "a\x85b"',  # a line break YAML folds (NEL)
        'title: "a\x7fb"',  # a character YAML refuses
        'title: "\\x41"',  # an escape YAML has, JSON not
        "feed_tag: yes",  # a plain value YAML types
        'title: "open',  # not a string at all
        "title: [a, b]",  # a list the templates do not write
    ],
)
def test_what_the_fast_reader_does_not_know_is_left_to_yaml(line: str) -> None:
    page = f"---\n{line}\n---\nbody\n"
    assert front_matter._data(f"{line}\n") is None
    assert front_matter.read(page, meta.YAML_RE, meta.get_data) == meta.get_data(page)


@pytest.mark.parametrize(
    "text",
    [
        '---\ntitle: "A"\nhide: [toc]\n---\n\n<p>body</p>\n',  # the fast reader's
        "---\ntitle: [a, b]\nother: {x: 1}\n---\n<p>body</p>\n",  # YAML's
        "<p>no front matter</p>\n",
        "---\ntitle: unclosed\n<p>body</p>\n",
    ],
)
def test_front_says_where_the_markdown_starts_and_what_the_data_is(text: str) -> None:
    # What the build's children send for each page instead of the page read again (site/parallel.py).
    start, data = front_matter.front(text, meta.YAML_RE, meta.get_data)
    assert (text[start:], data) == front_matter.read(text, meta.YAML_RE, meta.get_data)


def test_the_pages_of_a_build_carry_their_front_matter_read_where_they_were_made(tmp_path: Path) -> None:
    content = write_content(tmp_path)

    def read(text: str) -> front_matter.Front:
        return front_matter.front(text, meta.YAML_RE, meta.get_data)

    made = assemble.full(_site(content), read).pages
    generated = [page for page in made if not page.src.startswith("digests/")]
    assert generated and all(page.front == read(page.text) for page in generated)
    assert all(page.front is None for page in assemble.full(_site(content)).pages)
