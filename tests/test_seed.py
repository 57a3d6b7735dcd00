"""The seed's 84 papers, wherever they are in content/, keep their titles and abstracts exactly as written."""

from __future__ import annotations

import json
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


def differences(papers: tuple[Paper, ...], seed: list[tuple[str, str]]) -> list[str]:
    """How the records that carry a seed paper's title or abstract differ from the seed, one line each.

    A seed paper may be anywhere (any year folder, any slug) or gone (a fork deletes it); other records are
    not the seed's business. A record with a seed title but another abstract, or the other way round, is an
    edit of a seed paper, and that is what this reports."""
    by_title = {title: abstract for title, abstract in seed}
    by_abstract = {abstract: title for title, abstract in seed}
    found = []
    for paper in papers:
        title = paper.title if paper.title in by_title else by_abstract.get(paper.abstract)
        if title is None:
            continue
        if paper.title != title:
            found.append(f"{paper.source}: title: {paper.title!r} is not the seed's {title!r}")
            continue
        abstract = by_title[title].encode("utf-8")
        text = Path(paper.source).read_bytes()
        body = text.split(b"\n---\n", 1)[1] if b"\n---\n" in text else b""
        if paper.abstract != by_title[title] or body != abstract + b"\n":
            # The file, not only the loader's reading of it: the abstract as written, then one newline.
            found.append(f"{paper.source}: abstract: is not the seed's abstract of {title!r}, byte for byte")
    return found


def test_the_seed_holds_84_papers_with_distinct_titles() -> None:
    assert len(SEED_PAPERS) == 84
    assert len({title for title, _ in SEED_PAPERS}) == 84
    assert len({abstract for _, abstract in SEED_PAPERS}) == 84


@pytest.mark.content
def test_the_seed_papers_in_the_content_are_verbatim() -> None:
    papers = records.load_feed(ROOT / "content").papers
    seed_titles = {title for title, _ in SEED_PAPERS}
    seed_abstracts = {abstract for _, abstract in SEED_PAPERS}
    if not any(p.title in seed_titles or p.abstract in seed_abstracts for p in papers):
        pytest.skip("none of the seed's papers is in content/ (a feed of its own): nothing to compare")
    assert differences(papers, SEED_PAPERS) == []


def _write(folder: Path, name: str, title: str, abstract: str, crlf: bool = False) -> None:
    path = folder / "papers" / name
    day = f"{name[:4]}-03-14"  # in the year of its folder
    path.parent.mkdir(parents=True, exist_ok=True)
    text = f"---\ntitle: {json.dumps(title)}\ndate: {day}\ntags: [t]\n---\n{abstract}\n"
    path.write_bytes(text.replace("\n", "\r\n" if crlf else "\n").encode("utf-8"))


SAMPLE = [("A seed title", "The seed's abstract, with 13\\% kept."), ("Another one", "Its abstract.")]


def test_seed_papers_anywhere_beside_other_records_are_no_difference(tmp_path: Path) -> None:
    (tmp_path / "tags.yml").write_text('t:\n  name: "T"\n', encoding="utf-8")
    _write(tmp_path, "2019/moved-and-renamed.md", *SAMPLE[0])
    _write(tmp_path, "2025/a-new-paper.md", "A new paper", "Not from the seed.")
    # SAMPLE[1] is not there at all: a deleted seed paper is no difference either.
    assert differences(records.load_feed(tmp_path).papers, SAMPLE) == []


def test_an_edited_seed_abstract_or_title_is_a_difference(tmp_path: Path) -> None:
    (tmp_path / "tags.yml").write_text('t:\n  name: "T"\n', encoding="utf-8")
    _write(tmp_path, "2025/edited-abstract.md", SAMPLE[0][0], "The seed's abstract, with 13% kept.")
    _write(tmp_path, "2025/edited-title.md", "Another one, retitled", SAMPLE[1][1])
    papers = records.load_feed(tmp_path).papers
    assert differences(papers, SAMPLE) == [
        f"{tmp_path.as_posix()}/papers/2025/edited-abstract.md: abstract: is not the seed's abstract of"
        " 'A seed title', byte for byte",
        f"{tmp_path.as_posix()}/papers/2025/edited-title.md: title: 'Another one, retitled' is not the"
        " seed's 'Another one'",
    ]


def test_a_seed_abstract_the_loader_reads_the_same_but_the_file_changed_is_a_difference(
    tmp_path: Path,
) -> None:
    (tmp_path / "tags.yml").write_text('t:\n  name: "T"\n', encoding="utf-8")
    _write(tmp_path, "2025/crlf.md", *SAMPLE[0], crlf=True)
    (paper,) = records.load_feed(tmp_path).papers
    assert paper.abstract == SAMPLE[0][1]  # CRLF reads as LF, but the bytes are not the seed's
    assert differences((paper,), SAMPLE) == [
        f"{paper.source}: abstract: is not the seed's abstract of 'A seed title', byte for byte"
    ]
