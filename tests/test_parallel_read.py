"""A large content tree is read on two cores (records/content.py), in runs each side takes in turn: the
report is the one a single core gives, problems and cross-record checks included, whichever run a record
fell in."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator import records
from generator.records import content
from tests.forks import counted

FIXTURE = Path(__file__).parent / "fixtures" / "small" / "content"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """The small fixture, with a record broken at each end and a title repeated across them."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE, root)
    papers = sorted((root / "papers").rglob("*.md"))
    first, last = papers[0], papers[-1]
    first.write_text(first.read_text(encoding="utf-8").replace("date:", "dated:", 1), encoding="utf-8")
    last.write_text(last.read_text(encoding="utf-8").replace("upvotes: ", "upvotes: -", 1), encoding="utf-8")
    twin = papers[-2].with_name("a-twin-of-the-first.md")
    twin.write_text(papers[1].read_text(encoding="utf-8"), encoding="utf-8")  # same title and arXiv id
    return root


def _report(tree: Path, monkeypatch: pytest.MonkeyPatch, minimum: int) -> tuple[content.Report, int]:
    monkeypatch.setattr(content, "PARALLEL_MIN", minimum)
    monkeypatch.setattr(content, "READ_RUN", 2)  # runs of two records: several on each side
    forks = counted(monkeypatch)
    return content.check(tree), len(forks)


def test_two_cores_report_what_one_core_does(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one, one_forks = _report(tree, monkeypatch, 10**9)
    two, two_forks = _report(tree, monkeypatch, 1)
    assert (one_forks, two_forks) == (0, 1)
    assert two.problems == one.problems
    assert two.feed.papers == one.feed.papers and two.checked == one.checked
    fields = {(Path(p.path).name, p.field) for p in two.problems}
    assert {f for _, f in fields} >= {"date", "upvotes", "dated", "title"}, fields  # both halves, and across


def test_a_large_tree_that_loads_gives_the_same_feed(monkeypatch: pytest.MonkeyPatch) -> None:
    one, _ = _report(FIXTURE, monkeypatch, 10**9)
    two, forks = _report(FIXTURE, monkeypatch, 1)
    assert forks == 1 and not two.problems
    assert two.feed == one.feed == records.load_feed(FIXTURE)


def test_a_reader_given_reads_every_record_here(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # serve's record cache keeps what it reads: a child's reads would be lost to it.
    seen: list[int] = []

    def reader(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(os.getpid())
        return records.paper.read_record(path, *args, **kwargs)

    monkeypatch.setattr(content, "PARALLEL_MIN", 1)
    report = content.check(tree, reader=reader)
    assert set(seen) == {os.getpid()} and len(seen) == report.checked
