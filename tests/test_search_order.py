"""The index's pages in order of their documents' paths, and the documents written so that Pagefind finds
them in that order where the file system lists a folder's files in their order of writing (in memory,
tmpfs): a bundle in that order has its words taken as Pagefind wrote them, the same bytes as the words
renumbered and encoded anew."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import cbor2
import pytest

from generator.site import pagefind_files, pagefind_merge, pagefind_words, search
from generator.site.pagefind_run import pagefind_step
from tests.test_search_shards import feed_of, pages_of

MEMORY = Path("/dev/shm")


def _lists_in_order_of_writing(folder: Path) -> bool:
    with tempfile.TemporaryDirectory(dir=folder) as probe:
        names = [f"{i:02d}" for i in range(20)]
        for name in names:
            (Path(probe) / name).touch()
        listed = [entry.name for entry in os.scandir(probe)]
    return listed in (names, names[::-1])


@pytest.fixture(scope="module")
def bundles() -> Iterator[list[Path]]:
    """Pagefind's bundles of 30 papers and 2 hand-written pages in shards of 10, the pages written after
    the papers (as the build writes them: search.LatePages), all in memory."""
    if not MEMORY.is_dir() or not _lists_in_order_of_writing(MEMORY):
        pytest.skip("no file system here lists a folder's files in their order of writing")
    with tempfile.TemporaryDirectory(dir=MEMORY) as scratch:
        documents = Path(scratch) / "documents"
        feed = feed_of(30, words=40)
        for shard in range(4):
            search.write_documents(feed, [], documents, shard_size=10, only=shard, pages_later=2)
        late = search.LatePages(2, "en", documents, len(feed.papers), 4, Path(scratch) / "ready")
        late.write(pages_of(2))
        found = []
        for name in search.shards(documents):
            found.append(Path(scratch) / "bundles" / name)
            step = pagefind_step(documents, found[-1], "en", f"{name}/**/*.{{html}}")
            subprocess.run(step.command, cwd=documents, env=step.env, check=True)
        yield found


def test_pagefind_numbers_the_pages_written_in_memory_in_the_merges_order(bundles: list[Path]) -> None:
    orders = [pagefind_merge.Order.read(pagefind_merge.Bundle.read(bundle)) for bundle in bundles]
    assert [len(order.pages) for order in orders] == [8, 8, 8, 8]
    assert any(url.endswith("/pages/0000.html") for url, *_ in orders[-1].pages)  # the last holds the pages
    for order in orders:
        assert order.numbers == list(range(len(order.pages)))


def test_words_taken_as_pagefind_wrote_them_are_the_words_encoded_anew(
    bundles: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    part = pagefind_words.part
    encoded: list[object] = []  # the pages that prepare encodes anew, not taken as Pagefind wrote them
    monkeypatch.setattr(pagefind_words, "part", lambda *given: encoded.append(given) or part(*given))
    for folder in bundles:
        bundle = pagefind_merge.Bundle.read(folder)
        order = pagefind_merge.Order.read(bundle)
        as_written = pagefind_words.Shard(folder, bundle.meta[2], order.numbers, None)
        # The same fields given as a renumbering (to the same numbers): every word encoded anew.
        anew = pagefind_words.Shard(folder, bundle.meta[2], order.numbers, list(range(len(bundle.meta[5]))))
        encoded.clear()
        ours = pagefind_words.prepare(as_written)
        taken = len(ours) - len(encoded)
        theirs = pagefind_words.prepare(anew)
        assert [w for w, *_ in ours] == [w for w, *_ in theirs] and len(ours) > 50
        for (word, size, pages, forms), (_, size_anew, pages_anew, forms_anew) in zip(
            ours, theirs, strict=True
        ):
            assert size == size_anew and forms == forms_anew, word
            assert pagefind_words._joined([(3, pages)]) == pagefind_words._joined([(3, pages_anew)]), word
        assert taken > len(ours) // 2


def test_a_word_pagefind_wrote_otherwise_is_encoded_anew(tmp_path: Path) -> None:
    # The word's one page in a list whose length takes two bytes (0x98 0x01), not the one byte of the
    # shortest encoding, which the merged index writes.
    entry = b"\x83" + cbor2.dumps("kal") + b"\x98\x01" + cbor2.dumps([0, [1, 2], []]) + b"\x80"
    (tmp_path / "index").mkdir()
    pagefind_files.write(tmp_path / "index" / "only.pf_index", b"\x81\x81" + entry)
    shard = pagefind_words.Shard(tmp_path, [["kal", "kal", "only"]], [0], None)
    ((word, size, pages, forms),) = pagefind_words.prepare(shard)
    assert (word, size, forms) == ("kal", 3, ())
    assert pagefind_words._joined([(0, pages)]) == cbor2.dumps([[0, [1, 2], []]])
