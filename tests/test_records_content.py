"""Checking a whole tree, or some files of it: the count checked, the paths given that are not records, the
twin reported on the new file, and load_feed's error."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from test_records_tree import good, make_tree

from generator import records
from generator.records.problems import quoted

DAY = dt.date(2025, 3, 14)


def test_a_whole_check_counts_every_record_read(tmp_path: Path) -> None:
    make_tree(
        tmp_path, {"2025/one.md": good(1), "2025/two.md": good(2), "2024/old.md": good(3, date="2024-01-01")}
    )
    report = records.check(tmp_path / "content", today=DAY)
    assert (report.checked, report.problems, len(report.feed.papers)) == (3, (), 3)


def test_a_path_given_that_is_not_a_regular_file_is_reported(tmp_path: Path) -> None:
    make_tree(tmp_path, {"2025/one.md": good(1)})
    os.mkfifo(tmp_path / "pipe.md")
    report = records.check(tmp_path / "content", [tmp_path / "pipe.md"], today=DAY)
    assert [str(p) for p in report.problems] == [
        f"{(tmp_path / 'pipe.md').as_posix()}:1: file: is not a file"
    ]


def test_a_slug_twin_is_reported_on_the_file_new_to_the_tree(tmp_path: Path) -> None:
    # The new one sorts first, and is dated earlier: only being new makes it the one to blame.
    make_tree(tmp_path, {"2024/paper.md": good(1, date="2024-01-01"), "2025/paper.md": good(2)})
    content = tmp_path / "content"
    new = content / "papers" / "2024" / "paper.md"
    found = records.check(content, today=DAY, new=[new]).problems
    assert [str(p).replace(content.as_posix() + "/", "") for p in found] == [
        "papers/2024/paper.md:1: slug: 'paper' is already used by papers/2025/paper.md; rename this file"
    ]


def test_load_feed_raises_with_every_problem(tmp_path: Path) -> None:
    make_tree(tmp_path, {"2025/one.md": good(1, upvotes="-1"), "2025/two.md": good(2, tags="[nope]")})
    with pytest.raises(records.ContentError) as caught:
        records.load_feed(tmp_path / "content")
    assert [(Path(p.path).name, p.field) for p in caught.value.problems] == [
        ("one.md", "upvotes"),
        ("two.md", "tags"),
    ]
    folder = (tmp_path / "content" / "papers" / "2025").as_posix()
    assert str(caught.value) == (  # what the build prints: one problem a line, in file order
        f"{folder}/one.md:5: upvotes: -1 is negative; write 0 or more\n"
        f"{folder}/two.md:4: tags: 'nope' is not a tag of content/tags.yml; the known ones are:"
        " computer-vision, reinforcement-learning, state-space-models, world-models"
    )


@pytest.mark.parametrize(("length", "shown"), [(80, "'" + "a" * 80 + "'"), (81, "'" + "a" * 80 + "…'")])
def test_a_quoted_value_is_cut_after_eighty_characters(length: int, shown: str) -> None:
    assert quoted("a" * length) == shown
