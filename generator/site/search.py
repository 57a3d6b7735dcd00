"""The search index: one small HTML document per paper, made from the model, indexed by Pagefind's binary.

Pagefind splits its index into small files that the browser fetches only for the words of a query, so a
search costs a reader a few hundred kilobytes whatever the size of the feed. It indexes HTML: rather than
let it parse the theme's pages back, each paper is written as a minimal document (title, authors and
abstract as text; tags as a filter; the date as metadata) into a temporary folder, beside the hand-written
pages' content, and the binary runs once over that folder. It runs beside the rest of the build
(pagefind_run.py, pagefind_chain.py): the plugin starts it once the records are read, and waits for it when
the pages are written. The documents, and where each goes, are site/search_documents.py's: the papers'
are written by processes of the index's chain too, not by the build's own; the hand-written pages' by the
build once MkDocs has read them (LatePages), and the runs over them wait for that.

Pagefind's memory grows with the documents (1.5 GB at 10,000 papers), so more than SHARD_SIZE of them are
written into numbered folders of at most that many each, indexed one folder after another. The bundles,
one or many, are merged into the index (pagefind_merge.py), which numbers the pages in an order of its
own: Pagefind's is the file system's.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import functools
import os
import pickle
import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.model import Feed
from generator.site.pagefind_files import shards
from generator.site.pagefind_run import (
    Indexing,
    SearchIndexError,
    Step,
    merge_step,
    pagefind_step,
    prepare_step,
    python_step,
)
from generator.site.search_documents import (
    SHARD_SIZE,
    Document,
    LatePages,
    page_document,
    paper_document,
    shard_count,
    write_documents,
)

__all__ = [
    "SHARD_SIZE",
    "Document",
    "Indexing",
    "LatePages",
    "SearchIndexError",
    "build_index",
    "page_document",
    "paper_document",
    "shards",
    "start_index",
    "write_documents",
]


def documents_steps(
    feed: Feed, pages: list[Document], folder: Path, language: str, shard_size: int, pages_later: int = 0
) -> list[Step]:
    """write_documents as processes of the index's chain (site/search_documents.py): one for all the
    documents, or one a shard (each shard's written while Pagefind indexes the one before)."""
    data = pickle.dumps((feed, pages), protocol=pickle.HIGHEST_PROTOCOL)
    count = shard_count(len(feed.papers) + len(pages) + pages_later, shard_size)
    arguments = [str(folder), language, str(shard_size), str(pages_later)]
    failure = "the search index's documents could not be written"
    write = functools.partial(python_step, "generator.site.search_documents", input=data, in_chain=True)
    if count == 1:
        return [write(arguments, failure)]
    return [write([*arguments, str(k)], f"{failure} (shard {k + 1})") for k in range(count)]


def run_pagefind(source: Path, output: Path, language: str = "en") -> None:
    """Index every document under `source` into `output` (which is replaced), as one language."""
    Indexing.start(source, output, language).wait()


# The index's scratch files, its documents and Pagefind's bundles, are written once, read once and deleted:
# in memory they took 2 to 3 s less of a build of 10,000 papers than on an ext4 disk, where creating their
# 20,000 files, most of them in a few folders, was half of Pagefind's time in a profile (perf). So they go
# to MEMORY where it has room for them, SCRATCH_BYTES a document (twice what they take at 10,000 papers),
# unless TMPDIR (or TEMP, or TMP) names a folder of the user's choice. (The index's bytes are the same
# wherever it is made: pagefind_merge.py.)
MEMORY = Path("/dev/shm")
SCRATCH_BYTES = 20_000
CHOSEN = ("TMPDIR", "TEMP", "TMP")  # what tempfile reads


def scratch_folder(documents: int) -> str | None:
    """Where the index's scratch files go: MEMORY, or None (the system's temporary folder)."""
    if any(map(os.environ.get, CHOSEN)) or not MEMORY.is_dir() or not os.access(MEMORY, os.W_OK | os.X_OK):
        return None
    stats = os.statvfs(MEMORY)
    return str(MEMORY) if stats.f_bavail * stats.f_frsize >= documents * SCRATCH_BYTES else None


def start_index(
    feed: Feed,
    pages: Iterable[Document],
    output: Path,
    language: str = "en",
    shard_size: int = SHARD_SIZE,
    niceness: int = 0,
    late: LatePages | None = None,
) -> tuple[int, Indexing | None]:
    """Write the documents into a scratch folder (see scratch_folder) and start indexing them into
    `output`, in one run or, over `shard_size` documents, one run a shard then their merge (each process
    at `niceness`); how many documents there are, and the indexing to wait for (None when there is
    nothing to index: Pagefind refuses to run on nothing, so no index is written, and the search box says
    there is nothing to search). With `late`, the hand-written pages are not known yet: the runs over
    them wait for the build to write them (LatePages.write)."""
    pages = list(pages)
    later = late.due if late is not None else 0
    total = len(feed.papers) + len(pages) + later
    tmp = tempfile.TemporaryDirectory(prefix="paperfeed-search-", dir=scratch_folder(total))
    try:
        if not total:
            tmp.cleanup()
            if output.exists():
                shutil.rmtree(output)
            return 0, None
        source = Path(tmp.name) / "documents"
        source.mkdir()
        # The documents are written by the chain's processes: this one goes on with the build.
        writes = documents_steps(feed, pages, source, language, shard_size, later)
        count = len(writes)
        waiting: set[int] = set()
        if late is not None:
            late.folder, late.papers, late.count = source, len(feed.papers), count
            late.ready = Path(tmp.name) / "pages-ready"
            waiting = late.shards()
        bundles = [Path(tmp.name) / "bundles" / str(k) for k in range(count)]
        if count == 1:
            steps = [writes[0], pagefind_step(source, bundles[0], language)]
        else:
            steps = [writes[0]]
            for k, bundle in enumerate(bundles):
                what = f" (shard {k + 1} of {count})"
                run = pagefind_step(source, bundle, language, f"{k}/**/*.{{html}}", what)
                # Beside each run: the next shard's documents, and the bundle before prepared for the merge.
                beside = writes[k + 1 : k + 2] + ([prepare_step(bundles[k - 1])] if k else [])
                steps.append(dataclasses.replace(run, beside=tuple(beside)))
        for k in waiting:
            steps[1 + k] = dataclasses.replace(steps[1 + k], after=str(late.ready))  # type: ignore[union-attr]
        steps.append(merge_step(bundles, output))  # which orders the index, however many bundles
        return total, Indexing(steps, output, source, tmp.cleanup, niceness)
    except BaseException:
        tmp.cleanup()
        raise


def build_index(
    feed: Feed, pages: Iterable[Document], output: Path, language: str = "en", shard_size: int = SHARD_SIZE
) -> int:
    """Index the papers and pages into `output` and wait for it; how many were indexed."""
    count, indexing = start_index(feed, pages, output, language, shard_size)
    if indexing:
        indexing.wait()
    return count


@dataclass
class BuildIndex:
    """A build's search index: started once the records are read (Pagefind then runs on another core
    while the build goes on), given the hand-written pages once MkDocs has read them, waited for at the
    build's end."""

    output: Path
    language: str = "en"
    shard_size: int = SHARD_SIZE
    started: bool = False
    count: int = 0
    seconds: float = 0.0  # what starting it took the build
    indexing: Indexing | None = None
    feed: Feed | None = None
    due: int = 0  # hand-written pages the build reads, which the index waits for
    pages: list[Document] = dataclasses.field(default_factory=list)  # those read so far
    late: LatePages | None = None  # where they go, once read

    def expect(self, feed: Feed) -> None:
        """The build's feed: the index starts now, and its runs over the hand-written pages `due` wait for
        the build to read them (`add`)."""
        self.feed, self.pages = feed, []
        if self.started:
            return
        self.started = True
        start = time.perf_counter()
        self.late = LatePages(self.due, self.language)
        self.count, self.indexing = start_index(
            feed, [], self.output, self.language, self.shard_size, late=self.late
        )
        self.seconds = time.perf_counter() - start

    def add(self, page: Document) -> None:
        """A hand-written page the build has read: they go to the index with the last one due."""
        self.pages.append(page)
        if len(self.pages) >= self.due:
            self.give_pages()

    def give_pages(self) -> None:
        """Give the index the pages read so far (once), all there will be."""
        if self.late is not None:
            start = time.perf_counter()
            self.late.write(self.pages)
            self.seconds += time.perf_counter() - start

    def wait(self) -> str:
        """Wait for the index to be written: the build log's line about it."""
        self.give_pages()  # (done already, unless the pages due never came: the index waits for them)
        indexing, self.indexing = self.indexing, None
        start = time.perf_counter()
        if indexing is not None:
            indexing.wait()
        added = self.seconds + time.perf_counter() - start
        return f"Search index of {self.count} pages: it added {added:.2f} seconds to the build"

    def cancel(self) -> None:
        indexing, self.indexing = self.indexing, None
        if indexing is not None:
            indexing.cancel()


# Files of Material's that no page loads: its search's worker and lunr's languages (Pagefind replaces that
# search) and the source maps of its script and styles, 2 MB of every site.
UNUSED_THEME_FILES = ("assets/javascripts/lunr/*", "assets/javascripts/workers/*", "assets/*.map")


def unused_theme_file(src_uri: str) -> bool:
    """A file of the theme's that the site leaves out: Material's own search, which Pagefind replaces."""
    return any(fnmatch.fnmatchcase(src_uri, pattern) for pattern in UNUSED_THEME_FILES)
