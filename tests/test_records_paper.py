"""The rules of one record beyond its fields' types: the abstract's lines and length, the dates' bounds, the
year folder, and `read_paper` as other modules call it."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_records_tree import good, make_tree

from generator import records

DAY = dt.date(2025, 3, 14)
P = "papers/2025/paper.md"


def check_one(tmp_path: Path, text: str, folder: str = "2025") -> list[str]:
    make_tree(tmp_path, {f"{folder}/paper.md": text})
    content = tmp_path / "content"
    return [str(p).removeprefix(content.as_posix() + "/") for p in records.check(content, today=DAY).problems]


def test_a_problem_of_the_abstract_is_on_its_line_after_blank_lines(tmp_path: Path) -> None:
    text = '---\ntitle: "A paper"\ndate: 2025-03-14\ntags: [world-models]\n---\n\n\nSee [this](#top).\n'
    assert check_one(tmp_path, text) == [
        f"{P}:8: abstract: links to '#top', an anchor or empty target that no page of the site has; link to"
        " a full address (https://...) or remove the link"
    ]


def test_an_abstract_of_exactly_the_limit_is_taken(tmp_path: Path) -> None:
    abstract = "abcd " * 1999 + "abcde"
    assert len(abstract) == records.ABSTRACT_MAX
    assert check_one(tmp_path, good(1).replace("The abstract of paper 1.", abstract)) == []


def test_published_may_be_tomorrow_in_utc(tmp_path: Path) -> None:
    assert check_one(tmp_path, good(1, published="2025-03-15")) == []


def test_a_date_in_the_wrong_year_folder_is_reported_on_its_key(tmp_path: Path) -> None:
    text = '---\ntitle: "A paper"\ndate:\n  2024-03-14\ntags: [world-models]\n---\nAn abstract.\n'
    assert check_one(tmp_path, text) == [
        f"{P}:3: date: is in 2024 but the file is in papers/2025/; move it to papers/2024/"
    ]


def read(tmp_path: Path, text: str, today: dt.date | None = None) -> tuple[records.Paper | None, list[str]]:
    make_tree(tmp_path, {"2025/paper.md": text})
    found: list[records.Problem] = []
    tags = records.read_tags(tmp_path / "content" / "tags.yml", found)
    folder = tmp_path / "content" / "papers" / "2025"
    paper = records.read_paper(folder / "paper.md", tags, found, today=today)
    return paper, [str(p).removeprefix(folder.as_posix() + "/") for p in found]


def test_read_paper_returns_the_paper_of_a_good_record(tmp_path: Path) -> None:
    paper, found = read(tmp_path, good(1))
    assert found == [] and paper is not None
    assert (paper.slug, paper.title, paper.date, paper.tags) == (
        "paper",
        "Paper number 1",
        DAY,
        ("world-models",),
    )


def test_read_paper_checks_tags_against_the_vocabulary(tmp_path: Path) -> None:
    assert read(tmp_path, good(1, tags="[world-modelz]")) == (
        None,
        ["paper.md:4: tags: 'world-modelz' is not a tag of content/tags.yml; did you mean 'world-models'?"],
    )


def test_read_paper_bounds_the_dates_by_the_day_it_is_given(tmp_path: Path) -> None:
    assert read(tmp_path, good(1), today=dt.date(2025, 3, 1)) == (
        None,
        [
            "paper.md:3: date: 2025-03-14 is after today; date is the day the paper entered the feed: today's"
            " date or earlier"
        ],
    )


@pytest.fixture
def far_from_greenwich() -> Iterator[None]:
    """A local time zone whose day is not the UTC day right now (12 hours behind, or 14 ahead)."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "Etc/GMT+12" if dt.datetime.now(dt.UTC).hour < 12 else "Etc/GMT-14"
    time.tzset()
    try:
        yield
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()


def test_today_is_the_day_in_utc_not_in_the_local_time_zone(far_from_greenwich: None) -> None:
    assert dt.date.today() != dt.datetime.now(dt.UTC).date()  # the zone is far enough
    assert records.today_utc() == dt.datetime.now(dt.UTC).date()
