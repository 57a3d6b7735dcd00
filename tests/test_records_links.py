"""Where an abstract links to, as the check reads it before any rendering: code spans and formulas hide what
is in them, and only that."""

from __future__ import annotations

import pytest

from generator.records import abstract_links


@pytest.mark.parametrize(
    ("abstract", "found"),
    [
        ("[r]: #top\n\nSee [it][r].", [(1, "#top")]),  # a reference that opens the abstract
        ("See [a](#x), `one` and `two`.", [(1, "#x")]),  # text before the first of two code spans
        ("See [a](#top`x`).", [(1, "#top")]),  # a destination ends where a code span starts
        ("`` a `[x](#top)` c", []),  # a run of backticks that nothing closes does not hide the span after it
        # a formula or a code span as the destination: nothing a page can link to, and refused as such
        ("See [a]($x$).", [(1, "")]),
        ("See [a](`c`).", [(1, "")]),
    ],
)
def test_the_destinations_of_an_abstract(abstract: str, found: list[tuple[int, str]]) -> None:
    assert list(abstract_links.destinations(abstract)) == found
