"""The shipped content is the seed's 84 papers: every title and abstract verbatim, and nothing invented."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator import records
from generator.model import Paper

ROOT = Path(__file__).resolve().parent.parent
SEED = Path(__file__).resolve().parent / "seed" / "trending-papers.txt"
HEADER = [
    "new",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "byAK and the research community",
    "Mar 14",
]


def seed_papers() -> list[tuple[str, str]]:
    """(title, abstract) pairs: the non-blank lines after the page header, two by two."""
    lines = [line for line in SEED.read_text(encoding="utf-8").split("\n") if line.strip()]
    assert lines[:5] == HEADER  # "Mar 14" is the day every seed paper entered the feed
    body = lines[5:]
    assert len(body) % 2 == 0
    return list(zip(body[0::2], body[1::2], strict=True))


SEED_PAPERS = seed_papers()


@pytest.fixture(scope="module")
def shipped() -> dict[str, Paper]:
    feed = records.load_feed(ROOT / "content")
    by_title = {paper.title: paper for paper in feed.papers}
    assert len(by_title) == len(feed.papers)
    return by_title


def test_the_seed_holds_84_papers_with_distinct_titles() -> None:
    assert len(SEED_PAPERS) == 84
    assert len({title for title, _ in SEED_PAPERS}) == 84


def test_the_content_is_exactly_the_seed(shipped: dict[str, Paper]) -> None:
    assert sorted(shipped) == sorted(title for title, _ in SEED_PAPERS)
    assert len(list((ROOT / "content" / "papers").rglob("*.md"))) == 84


@pytest.mark.parametrize(("title", "abstract"), SEED_PAPERS, ids=[t[:40] for t, _ in SEED_PAPERS])
def test_seed_paper_is_in_the_content_verbatim(shipped: dict[str, Paper], title: str, abstract: str) -> None:
    paper = shipped[title]
    assert paper.abstract == abstract
    body = (ROOT / paper.source).read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert body == abstract + "\n"  # the file holds it as written, not only the loader's reading of it
    assert paper.source == f"{(ROOT / 'content/papers/2025').as_posix()}/{paper.slug}.md"
    assert paper.date == dt.date(2025, 3, 14)
    assert 1 <= len(paper.tags) <= 4
    assert (paper.authors, paper.arxiv, paper.published) == ((), None, None)  # the seed gives none
