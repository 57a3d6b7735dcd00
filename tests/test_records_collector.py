"""The one problem collector: a problem's parts go in by name only, and the rules across files cite the
lines found while reading, not a second read of the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from records_support import run_check
from test_records_tree import good, make_tree

from generator import records


def test_a_problem_takes_its_parts_by_name_only() -> None:
    with pytest.raises(TypeError):
        records.Problem("paper.md", 3, "title", "must be on one line")  # type: ignore[misc]
    problem = records.Problem(path="paper.md", line=3, field="title", message="must be on one line")
    assert str(problem) == "paper.md:3: title: must be on one line"


def test_the_collector_takes_its_parts_by_name_only() -> None:
    found: list[records.Problem] = []
    problems = records.Problems(found)
    with pytest.raises(TypeError):
        problems.add("paper.md", 3, "title", "must be on one line")  # type: ignore[misc]
    with pytest.raises(TypeError):
        problems.of("paper.md").add(3, "title", "must be on one line")  # type: ignore[misc]
    problems.of("a.md").add(line=2, field="date", message="is missing")
    problems.add(path="b.md", line=1, field="slug", message="is taken")
    assert [str(p) for p in found] == ["a.md:2: date: is missing", "b.md:1: slug: is taken"]
    assert problems.of("c.md").count() == 2  # every file's so far: how read_paper sees it added one


def test_a_problem_stays_one_line_whatever_its_parts_hold() -> None:
    problem = records.Problem(path="a\nb.md", line=1, field="ti\ttle", message="holds \u202e and \x00")
    assert str(problem) == "a\\nb.md:1: ti\\ttle: holds \\u202e and \\x00"


def test_a_twin_is_reported_at_the_line_its_field_was_read_from(tmp_path: Path) -> None:
    # A flow mapping puts no key at the start of a line: a search of the file's lines for 'title:' (how
    # the line used to be found, by reading the file again) gives line 1; the read knows better.
    flow = (
        '---\n{date: 2025-03-14, tags: [world-models],\n  title: "Paper number 1",\n  arxiv: "2501.00001"}\n'
        "---\nThe same paper, again.\n"
    )
    make_tree(tmp_path, {"2025/first.md": good(1, arxiv='"2501.00001"'), "2025/second.md": flow})
    assert run_check(tmp_path) == (
        1,
        "content/papers/2025/second.md:3: title: is already in the feed: content/papers/2025/first.md"
        " ('Paper number 1'); a paper is listed once, so delete this file if it is the same paper\n"
        'content/papers/2025/second.md:4: arxiv: "2501.00001" is already in the feed:'
        " content/papers/2025/first.md; a paper is listed once\n"
        "2 problems in 1 file\n",
    )


def test_read_paper_reports_into_the_callers_list(tmp_path: Path) -> None:
    make_tree(tmp_path, {"2025/paper.md": good(1, upvotes="-1")})
    found: list[records.Problem] = []
    tags = records.read_tags(tmp_path / "content" / "tags.yml", found)
    path = tmp_path / "content" / "papers" / "2025" / "paper.md"
    assert records.read_paper(path, tags, found) is None
    assert [str(p) for p in found] == [f"{path.as_posix()}:5: upvotes: -1 is negative; write 0 or more"]
