"""The search index: the documents Pagefind indexes, the index it writes, and its stable filter order."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from generator import records
from generator.model import Feed
from generator.site import search

FIXTURE = Path(__file__).parent / "fixtures" / "small" / "content"
ABOUT = search.Document("about/", "About", "<p>A feed of papers.</p>")


@pytest.fixture(scope="module")
def feed() -> Feed:
    return records.load_feed(FIXTURE)


@pytest.fixture(scope="module")
def bundle(feed: Feed, tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("index") / "pagefind"
    assert search.build_index(feed, [ABOUT], output) == len(feed.papers) + 1
    return output


def test_a_paper_is_indexed_from_the_model_escaped(feed: Feed) -> None:
    paper = feed.by_slug()["attention-and-memory"]
    assert search.paper_document(paper, feed.tags) == (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Attention &amp; &quot;Memory&quot;: What Transformers Store</title></head><body>"
        "<main data-pagefind-body><h1>Attention &amp; &quot;Memory&quot;: What Transformers Store</h1>"
        '<p id="pf-body">We probe what a transformer keeps in its key-value cache. With a temperature '
        "\\(\\alpha\\) and "
        "a cache of size $k$, recall falls off as \\(\\alpha^{-k}\\); the effect holds from 125M to 7B "
        "parameters.</p><p>Zoë Müller-Łukasiewicz, Grace Hopper</p></main>"
        '<span data-pagefind-meta="url:papers/attention-and-memory/"></span>'
        '<span data-pagefind-filter="tag">Language models</span>'
        '<span data-pagefind-meta="date:2025-03-04"></span></body></html>\n'
    )


def test_a_hand_written_page_is_indexed_with_its_title_and_content() -> None:
    assert search.page_document(ABOUT, "de") == (
        '<!doctype html><html lang="de"><head><meta charset="utf-8"><title>About</title></head><body>'
        '<main data-pagefind-body><h1>About</h1><div id="pf-body"><p>A feed of papers.</p></div></main>'
        '<span data-pagefind-meta="url:about/"></span></body></html>\n'
    )


def test_documents_are_flat_files_one_per_paper_and_page(feed: Feed, tmp_path: Path) -> None:
    assert search.write_documents(feed, [ABOUT], tmp_path) == 12
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.html"))
    assert written == sorted([f"papers/{p.slug}.html" for p in feed.papers] + ["pages/0000.html"])


def test_the_index_holds_every_document_and_only_what_the_site_loads(bundle: Path) -> None:
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["en"]
    assert entry["languages"]["en"]["page_count"] == 12
    top = sorted(p.name for p in bundle.iterdir())
    meta = f"pagefind.{entry['languages']['en']['hash']}.pf_meta"
    assert top == sorted(
        ["filter", "fragment", "index", "pagefind-entry.json", "pagefind.js", meta, "wasm.en.pagefind"]
    )
    assert len(list((bundle / "fragment").iterdir())) == 12
    assert len(list((bundle / "filter").iterdir())) == 1


def test_the_filter_file_is_named_in_the_metadata_and_sorted(bundle: Path) -> None:
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    meta = gzip.decompress((bundle / f"pagefind.{entry['languages']['en']['hash']}.pf_meta").read_bytes())
    (filter_file,) = (bundle / "filter").iterdir()
    assert filter_file.stem.encode() in meta
    raw = gzip.decompress(filter_file.read_bytes())
    names = [b"Computer vision", b"Efficiency", b"Language models", b"Robotics", b"State space models"]
    positions = [raw.index(name) for name in names]
    assert positions == sorted(positions)


def test_two_indexes_of_the_same_content_are_byte_identical(feed: Feed, bundle: Path, tmp_path: Path) -> None:
    again = tmp_path / "pagefind"
    search.build_index(feed, [ABOUT], again)
    first = {p.relative_to(bundle): p.read_bytes() for p in sorted(bundle.rglob("*")) if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in sorted(again.rglob("*")) if p.is_file()}
    assert first.keys() == second.keys()
    assert [str(path) for path in first if first[path] != second[path]] == []


def test_nothing_to_index_writes_no_index(tmp_path: Path) -> None:
    output = tmp_path / "pagefind"
    output.mkdir()
    (output / "stale.js").write_text("old", encoding="utf-8")
    assert search.build_index(Feed(()), [], output) == 0
    assert not output.exists()


def test_a_failing_pagefind_stops_with_its_message(tmp_path: Path) -> None:
    with pytest.raises(search.SearchIndexError) as caught:
        search.run_pagefind(tmp_path / "empty", tmp_path / "out")
    assert str(caught.value).startswith(
        "pagefind could not build the search index: Error: Pagefind was not able to build an index."
    )
