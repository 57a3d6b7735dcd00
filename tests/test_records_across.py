"""The rules across files: a bad file name's fix, every bad name of the tree reported, and the title rule
past a title that has no letters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_records_tree import good, make_tree

from generator import records

DAY = dt.date(2025, 3, 14)


def problems_of(tmp_path: Path, files: dict[str, str]) -> list[str]:
    make_tree(tmp_path, files)
    content = tmp_path / "content"
    return [str(p).replace(content.as_posix() + "/", "") for p in records.check(content, today=DAY).problems]


@pytest.mark.parametrize(
    ("name", "shown", "fix"),
    [
        # cut to the longest slug, 80 characters (the name is shown cut at 80 too)
        ("A" * 81 + "_b", "'" + "A" * 80 + "…'", "a" * 80 + ".md"),
        ("Ä", "'Ä'", "my-paper-title.md"),  # one letter is too short for a slug
        ("Attention_", "'Attention_'", "like my-paper-title.md"),  # its fix is taken by another record
    ],
)
def test_a_bad_file_name_is_offered_a_fix_that_is_a_free_slug(
    tmp_path: Path, name: str, shown: str, fix: str
) -> None:
    files = {"2025/attention.md": good(1), f"2025/{name}.md": good(2)}
    assert problems_of(tmp_path, files) == [
        f"papers/2025/{name}.md:1: slug: {shown} (the file name) must be lowercase letters, digits and"
        f" hyphens; rename it {fix}"
    ]


def test_every_bad_file_name_is_reported_also_after_a_good_one(tmp_path: Path) -> None:
    files = {"2025/a-good.md": good(1), "2025/b_Bad.md": good(2)}
    assert problems_of(tmp_path, files) == [
        "papers/2025/b_Bad.md:1: slug: 'b_Bad' (the file name) must be lowercase letters, digits and hyphens;"
        " rename it b-bad.md"
    ]


def test_a_title_without_letters_does_not_stop_the_title_rule(tmp_path: Path) -> None:
    files = {
        "2025/first.md": good(1, title='"!!!"', date="2025-01-01"),
        "2025/second.md": good(2, date="2025-02-01"),
        "2025/third.md": good(2, date="2025-03-01"),
    }
    assert problems_of(tmp_path, files) == [
        "papers/2025/third.md:2: title: is already in the feed: papers/2025/second.md ('Paper number 2'); a"
        " paper is listed once, so delete this file if it is the same paper"
    ]
