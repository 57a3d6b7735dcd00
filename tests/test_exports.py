"""Data for programs: papers.json and papers.bib, for the site and each tag, as the README documents them."""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import pytest

from generator import records
from generator.config import SiteConfig
from generator.data import exports
from generator.model import Feed, Tag

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "fixtures" / "small" / "content"
SITE = SiteConfig(site_name="Small feed", site_url="https://example.org/feed/")
FIELDS = [
    "slug",
    "url",
    "title",
    "authors",
    "arxiv",
    "published",
    "date",
    "tags",
    "links",
    "upvotes",
    "citation_key",
]


@pytest.fixture(scope="module")
def feed() -> Feed:
    return records.load_feed(SMALL)


@pytest.fixture(scope="module")
def files(feed: Feed) -> dict[str, bytes]:
    return exports.render_exports(feed, SITE)


def test_every_data_file_of_the_site_and_of_each_tag_is_written(files: dict[str, bytes], feed: Feed) -> None:
    expected = {"papers.json", "papers.bib"}
    expected |= {f"tags/{slug}/papers.{kind}" for slug in feed.tags for kind in ("json", "bib")}
    assert set(files) == expected


def test_papers_json_holds_every_paper_newest_first_with_the_documented_fields(
    files: dict[str, bytes], feed: Feed
) -> None:
    data = json.loads(files["papers.json"])
    assert list(data) == ["version", "title", "home_page_url", "papers"]
    assert (data["version"], data["title"], data["home_page_url"]) == (
        1,
        "Small feed",
        "https://example.org/feed/",
    )
    assert [p["slug"] for p in data["papers"]] == [p.slug for p in feed.papers]
    assert all(list(p) == FIELDS for p in data["papers"])
    by_slug = {p["slug"]: p for p in data["papers"]}
    assert by_slug["attention-and-memory"] == {
        "slug": "attention-and-memory",
        "url": "https://example.org/feed/papers/attention-and-memory/",
        "title": 'Attention & "Memory": What Transformers Store',
        "authors": ["Zoë Müller-Łukasiewicz", "Grace Hopper"],
        "arxiv": "2503.02345v2",
        "published": "2025-03-01",
        "date": "2025-03-04",
        "tags": ["language-models"],
        "links": {"project": "https://example.org/attention-memory"},
        "upvotes": 17,
        "citation_key": "mullerlukasiewicz2025attention",
    }
    # What a record leaves out is there all the same, empty.
    bare = by_slug["quantized-inference-without-tears"]
    assert (bare["arxiv"], bare["published"], bare["links"]) == (None, None, {})
    # Text as written, not as \u escapes; one paper to a line.
    text = files["papers.json"].decode("utf-8")
    assert "Zoë" in text
    assert len(text.splitlines()) == len(feed.papers) + 2


def test_a_tags_files_hold_its_papers_alone(files: dict[str, bytes], feed: Feed) -> None:
    data = json.loads(files["tags/state-space-models/papers.json"])
    assert data["title"] == "Small feed: State space models"
    assert data["home_page_url"] == "https://example.org/feed/tags/state-space-models/"
    assert [p["slug"] for p in data["papers"]] == [p.slug for p in feed.papers_tagged("state-space-models")]
    bib = bibtexparser.parse_string(files["tags/state-space-models/papers.bib"].decode("utf-8"))
    assert [e.key for e in bib.entries] == [p["citation_key"] for p in data["papers"]]


def test_papers_bib_has_every_paper_under_the_key_papers_json_names(files: dict[str, bytes]) -> None:
    data = json.loads(files["papers.json"])
    bib = bibtexparser.parse_string(files["papers.bib"].decode("utf-8"))
    assert bib.failed_blocks == []
    assert [e.key for e in bib.entries] == [p["citation_key"] for p in data["papers"]]


def test_an_empty_feed_and_an_empty_tag_have_empty_data_files() -> None:
    files = exports.render_exports(Feed.of([], {"x": Tag("x", "X")}), SITE)
    for path in ("papers.json", "tags/x/papers.json"):
        assert json.loads(files[path])["papers"] == []
    assert files["papers.bib"] == files["tags/x/papers.bib"] == b""


def test_the_same_content_gives_the_same_bytes(feed: Feed, files: dict[str, bytes]) -> None:
    again = exports.render_exports(records.load_feed(SMALL), SITE)
    assert again == files
