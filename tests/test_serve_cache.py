"""What `paperfeed serve` keeps between rebuilds gives what a build makes anew: the records (re-read only
when their bytes change), the related papers (words kept per paper), the citation keys and data files."""

from __future__ import annotations

import dataclasses
import os
import re
import time
from pathlib import Path

import pytest

from generator import records
from generator.config import SiteConfig
from generator.data import citations, exports
from generator.model import Feed
from generator.records.cache import RecordCache
from generator.site import related

TAGS_YML = 'nlp:\n  name: "NLP"\nvision:\n  name: "Vision"\n'
HOUR_AGO = time.time() - 3600


def record(title: str, day: str, tags: str, abstract: str) -> str:
    return f'---\ntitle: "{title}"\ndate: {day}\ntags: [{tags}]\nauthors: ["Grace Hopper"]\n---\n{abstract}\n'


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    (root / "papers" / "2025").mkdir(parents=True)
    (root / "tags.yml").write_text(TAGS_YML, encoding="utf-8")
    abstracts = [
        "Attention over long sequences of text, and language models that read them.",
        "Images seen by convolutions and by attention, for vision tasks.",
        "Language models that see images: attention across text and vision.",
        "Sequences of frames: video as language for models of vision.",
    ]
    for i, abstract in enumerate(abstracts):
        text = record(f"Paper {i}", f"2025-01-0{1 + i % 2}", "nlp" if i % 2 else "vision", abstract)
        (root / "papers" / "2025" / f"paper-{i}.md").write_text(text, encoding="utf-8")
    for path in (root / "papers" / "2025").iterdir():
        os.utime(path, (HOUR_AGO, HOUR_AGO))  # old enough for its size and time to be trusted
    return root


def paper_path(content: Path, i: int) -> Path:
    return content / "papers" / "2025" / f"paper-{i}.md"


def test_a_second_load_reads_nothing_and_keeps_the_papers(content: Path) -> None:
    cache = RecordCache()
    first = cache.load_feed(content)
    assert cache.read == 4 and first == records.load_feed(content)
    again = cache.load_feed(content)
    assert cache.read == 0
    assert all(a is b for a, b in zip(first.papers, again.papers, strict=True))


def test_only_the_record_that_changed_is_read_again(content: Path) -> None:
    cache = RecordCache()
    cache.load_feed(content)
    path = paper_path(content, 2)
    path.write_text(path.read_text(encoding="utf-8").replace("see images", "look at images"))
    feed = cache.load_feed(content)
    assert cache.read == 1
    assert feed == records.load_feed(content)
    assert "look at images" in feed.by_slug()["paper-2"].abstract


def test_a_change_that_keeps_size_and_time_is_found_by_its_inode(content: Path) -> None:
    """An editor that saves by writing a new file and renaming it over the old one."""
    cache = RecordCache()
    cache.load_feed(content)
    path = paper_path(content, 1)
    new = path.with_suffix(".tmp")
    new.write_text(path.read_text(encoding="utf-8").replace("Images", "Photos"), encoding="utf-8")
    os.utime(new, (HOUR_AGO, HOUR_AGO))
    new.replace(path)
    assert "Photos" in cache.load_feed(content).by_slug()["paper-1"].abstract


def test_the_same_bytes_written_again_are_not_read_again(content: Path) -> None:
    cache = RecordCache()
    cache.load_feed(content)
    path = paper_path(content, 0)
    path.write_bytes(path.read_bytes())  # a new time: the file is hashed, and found the same
    cache.load_feed(content)
    assert cache.read == 0


def test_a_broken_record_is_reported_on_every_load_until_fixed(content: Path) -> None:
    cache = RecordCache()
    cache.load_feed(content)
    path = paper_path(content, 3)
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("date: 2025-01-02", "date: someday"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(records.ContentError, match=re.escape("paper-3.md:3: date:")):
            cache.load_feed(content)
    path.write_text(good, encoding="utf-8")
    assert cache.load_feed(content) == records.load_feed(content)


def test_a_deleted_record_leaves_the_feed(content: Path) -> None:
    cache = RecordCache()
    cache.load_feed(content)
    paper_path(content, 0).unlink()
    assert [p.slug for p in cache.load_feed(content).papers] == [
        p.slug for p in records.load_feed(content).papers
    ] and "paper-0" not in cache.load_feed(content).by_slug()


def test_a_vocabulary_change_reads_every_record_again(content: Path) -> None:
    cache = RecordCache()
    cache.load_feed(content)
    (content / "tags.yml").write_text('nlp:\n  name: "Language"\n', encoding="utf-8")
    with pytest.raises(records.ContentError, match="vision"):  # two records name a tag now unknown
        cache.load_feed(content)
    assert cache.read == 4


def edited(feed: Feed) -> list[Feed]:
    """The feed after a sequence of edits: an abstract, a paper gone, a paper with a new word, a date."""
    papers = list(feed.papers)
    steps = []
    papers[1] = dataclasses.replace(papers[1], abstract="Zebra quagga: words no other paper has.")
    steps.append(Feed.of(papers, feed.tags))
    del papers[0]
    steps.append(Feed.of(papers, feed.tags))
    papers.append(dataclasses.replace(papers[0], slug="paper-9", title="Paper 9", abstract="Text and video."))
    steps.append(Feed.of(papers, feed.tags))
    papers[2] = dataclasses.replace(papers[2], date=papers[-1].date)
    steps.append(Feed.of(papers, feed.tags))
    return steps


def test_related_papers_with_words_kept_are_those_made_anew(content: Path) -> None:
    feed = records.load_feed(content)
    words = related.Words()
    assert related.related(feed, words=words) == related.related(feed)
    assert any(related.related(feed).values())  # the fixture's papers share words
    for step in edited(feed):
        assert related.related(step, words=words) == related.related(step)


def test_keys_and_data_files_kept_are_those_made_anew(content: Path) -> None:
    feed = records.load_feed(content)
    site = SiteConfig.from_options({"site_name": "Papers", "site_url": "https://example.org/"}, {}, content)
    bases: dict[records.Paper, str] = {}
    kept: dict[tuple[records.Paper, str], tuple[str, str]] = {}
    for step in [feed, *edited(feed)]:
        keys = citations.citation_keys(step, bases)
        assert keys == citations.citation_keys(step)
        assert exports.render_exports(step, site, keys, kept) == exports.render_exports(step, site, keys)
