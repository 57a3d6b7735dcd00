"""The search index's documents are written by the first process of its chain, not by the build's: the
same documents as write_documents here, a failure to write them named and the chain stopped, and the
shards' bundles merged into the same index whatever order they are given in; the scratch files in memory
where it has room, and deleted."""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path

import pytest

from generator.site import search
from generator.site.pagefind_run import Indexing, merge_step, pagefind_step
from tests.test_pagefind_chain import until
from tests.test_search_shards import assert_same_index, feed_of, pages_of, single_run


def test_the_documents_are_written_by_another_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def not_here(*_: object, **__: object) -> int:
        raise AssertionError("the build's own process wrote the documents")

    feed, pages = feed_of(7), pages_of(2)
    monkeypatch.setattr(search, "write_documents", not_here)
    count, indexing = search.start_index(feed, pages, tmp_path / "index", shard_size=4)
    assert count == 9 and indexing is not None
    indexing.wait()
    monkeypatch.undo()
    assert_same_index(tmp_path / "index", single_run(feed, pages, tmp_path / "one", shard_size=4))


def test_documents_that_cannot_be_written_stop_the_chain(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file where the documents' folder goes", encoding="utf-8")
    documents = tmp_path / "taken" / "documents"
    steps = [
        *search.documents_steps(feed_of(3), [], documents, "en", 2)[:1],
        pagefind_step(documents, tmp_path / "index", "en"),
    ]
    indexing = Indexing(steps, tmp_path / "index", tmp_path)
    with pytest.raises(search.SearchIndexError) as caught:
        indexing.wait()
    assert str(caught.value) == (
        f"the search index's documents could not be written (shard 1): [Errno 20] Not a directory: "
        f"'{documents}'"
    )
    assert indexing.ran == 1 and not (tmp_path / "index").exists()  # Pagefind never started


def test_bundles_given_in_another_order_merge_into_the_same_index(tmp_path: Path) -> None:
    feed, pages = feed_of(9), pages_of(1)
    documents = tmp_path / "documents"
    search.write_documents(feed, pages, documents, shard_size=4)
    names = search.shards(documents)
    assert len(names) == 3
    steps = [pagefind_step(documents, tmp_path / "b" / n, "en", f"{n}/**/*.{{html}}") for n in names]
    backwards = [tmp_path / "b" / n for n in reversed(names)]
    steps.append(merge_step(backwards, tmp_path / "merged"))
    Indexing(steps, tmp_path / "merged", documents).wait()
    assert_same_index(tmp_path / "merged", single_run(feed, pages, tmp_path / "one", shard_size=4))


def test_a_shards_documents_failing_beside_a_run_stop_the_chain(tmp_path: Path) -> None:
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "1").write_text("a file where shard 2's folder goes", encoding="utf-8")
    first, second = search.documents_steps(feed_of(4), [], documents, "en", 2)
    bundles = [tmp_path / "b0", tmp_path / "b1"]
    steps = [
        first,
        dataclasses.replace(pagefind_step(documents, bundles[0], "en", "0/**/*.{html}"), beside=(second,)),
        pagefind_step(documents, bundles[1], "en", "1/**/*.{html}"),
        merge_step(bundles, tmp_path / "index"),
    ]
    indexing = Indexing(steps, tmp_path / "index", documents)
    with pytest.raises(search.SearchIndexError) as caught:
        indexing.wait()
    assert str(caught.value).startswith(
        "the search index's documents could not be written (shard 2): [Errno 17] File exists:"
    )
    # Shard 1's documents, its run and shard 2's documents beside it; shard 2's run and the merge never.
    assert indexing.ran == 3 and (bundles[0] / "pagefind-entry.json").exists()
    assert not bundles[1].exists() and not (tmp_path / "index").exists()


def test_the_scratch_files_go_to_memory_where_it_has_room_and_are_deleted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory = tmp_path / "memory"
    memory.mkdir()
    monkeypatch.setattr(search, "MEMORY", memory)
    for name in search.CHOSEN:
        monkeypatch.delenv(name, raising=False)
    feed, pages = feed_of(7), pages_of(2)
    count, indexing = search.start_index(feed, pages, tmp_path / "index", shard_size=4)
    assert count == 9 and indexing is not None
    (scratch,) = memory.iterdir()
    assert scratch.name.startswith("paperfeed-search-")
    indexing.wait()
    assert list(memory.iterdir()) == []
    assert_same_index(tmp_path / "index", single_run(feed, pages, tmp_path / "one", shard_size=4))


def test_the_scratch_files_stay_out_of_memory_without_room_or_where_tmpdir_is_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "MEMORY", tmp_path)
    for name in search.CHOSEN:
        monkeypatch.delenv(name, raising=False)
    stats = os.statvfs(tmp_path)
    room = stats.f_bavail * stats.f_frsize // search.SCRATCH_BYTES
    assert search.scratch_folder(min(room, 10_000)) == str(tmp_path)
    assert search.scratch_folder(room + 1000) is None  # more documents than the room for them
    for name in search.CHOSEN:
        monkeypatch.setenv(name, str(tmp_path / "chosen"))
        assert search.scratch_folder(1) is None  # the user's folder: the system's temporary folder is it
        monkeypatch.delenv(name)
    monkeypatch.setattr(search, "MEMORY", tmp_path / "missing")
    assert search.scratch_folder(1) is None


@pytest.mark.parametrize(("papers", "pages", "shard_size"), [(7, 2, 4), (3, 6, 4), (5, 2, 20)])
def test_pages_given_late_make_the_index_given_them_at_once(
    tmp_path: Path, papers: int, pages: int, shard_size: int
) -> None:
    feed, given = feed_of(papers), pages_of(pages)
    late = search.LatePages(pages)
    count, indexing = search.start_index(feed, [], tmp_path / "late", shard_size=shard_size, late=late)
    assert count == papers + pages and indexing is not None
    # The runs over the pages wait for them: the first run, if it holds no page, may go on meanwhile.
    until(lambda: indexing.ran >= 1, "the chain did not start")
    time.sleep(0.5)
    assert not (tmp_path / "late").exists()
    late.write(reversed(given))  # in any order: they are ordered by URL, as start_index orders them
    indexing.wait()
    _, at_once = search.start_index(feed, given, tmp_path / "at-once", shard_size=shard_size)
    assert at_once is not None
    at_once.wait()
    assert_same_index(tmp_path / "late", tmp_path / "at-once")
