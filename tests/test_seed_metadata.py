"""The seed papers carry the verified facts of tests/seed/seed-arxiv.tsv (a copy of the seed's table), and
nothing it does not give: arXiv id, authors, first-version date, and the code link where the abstract
named none. Papers are found by title wherever they are, so a fork that drops the seed passes too."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from generator import records

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "tests" / "seed" / "seed-arxiv.tsv"
ROWS = list(csv.DictReader(TABLE.open(encoding="utf-8", newline=""), delimiter="\t"))


def test_the_table_has_a_row_for_each_of_the_84_seed_papers() -> None:
    assert len(ROWS) == 84
    assert len({row["title"] for row in ROWS}) == 84
    assert all(row["arxiv_id"] and row["source"] for row in ROWS)


@pytest.fixture(scope="module")
def by_title() -> dict[str, records.Paper]:
    return {p.title: p for p in records.load_feed(ROOT / "content").papers}


@pytest.mark.parametrize("row", ROWS, ids=[row["arxiv_id"] for row in ROWS])
def test_a_seed_record_agrees_with_the_table(row: dict[str, str], by_title: dict[str, records.Paper]) -> None:
    paper = by_title.get(row["title"])
    if paper is None:
        pytest.skip("this seed paper is not in the feed (a fork may drop it)")
    assert paper.arxiv == row["arxiv_id"]
    assert paper.authors == tuple(a.strip() for a in row["authors"].split(";") if a.strip())
    assert paper.published == (dt.date.fromisoformat(row["published"]) if row["published"] else None)
    code = {link.label: link.url for link in paper.links}.get("code")
    if row["code_url"]:
        # The record's own code link wins only where the abstract itself names it.
        assert code == row["code_url"] or (code is not None and code in paper.abstract)
    else:
        assert code is None or code in paper.abstract, "a code link that neither source gives"
