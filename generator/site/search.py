"""The search index: one small HTML document per paper, made from the model, indexed by Pagefind's binary.

Pagefind splits its index into small files that the browser fetches only for the words of a query, so a
search costs a reader a few hundred kilobytes whatever the size of the feed. It indexes HTML: rather than
let it parse the theme's pages back, each paper is written as a minimal document (title, authors and
abstract as text; tags as a filter; the date as metadata) into a temporary folder, beside the hand-written
pages' content, and the binary runs once over that folder. It runs beside the rest of the build
(pagefind_run.py, pagefind_chain.py): the plugin starts it once the records are read, and waits for it when
the pages are written. The papers' documents are written by processes of the index's chain too
(site/search_documents.py), not by the build's own; the hand-written pages' by the build once MkDocs has
read them (LatePages), and the runs over them wait for that.

Pagefind's memory grows with the documents (1.5 GB at 10,000 papers), so more than SHARD_SIZE of them are
written into numbered folders of at most that many each, indexed one folder after another. The bundles,
one or many, are merged into the index (pagefind_merge.py), which numbers the pages in an order of its
own: Pagefind's is the file system's.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import functools
import html
import os
import pickle
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from generator import urls
from generator.config import SiteConfig
from generator.model import Feed, Paper, Tag
from generator.records import abstracts
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

__all__ = ["Document", "Indexing", "SearchIndexError", "build_index", "shards", "start_index"]

# Documents per run of Pagefind (the plugin's option search_shard_size): about 300 MB of its memory at the
# benchmark corpus's abstracts (benchmarks/README.md). The build's budget is 1 GB for all its processes, and
# the first runs go beside the child that makes the paper pages (400 MB at 10,000 papers): 4,000 took the
# sum to 1.1 GB.
SHARD_SIZE = SiteConfig.search_shard_size

# The element after the title: Pagefind reports where its text starts (an anchor), which tells the search
# script how many of the indexed words are the title's, however Pagefind split them.
BODY_ID = "pf-body"


@dataclass(frozen=True)
class Document:
    """A page to index that is not a paper (a hand-written page): its URL, title and body as HTML."""

    url: str
    title: str
    body: str


def paper_document(paper: Paper, tags: dict[str, Tag], language: str = "en") -> str:
    """A paper as the HTML that Pagefind indexes: every value escaped, the body plain text."""
    esc = html.escape
    names = [tags[t].name if t in tags else t for t in paper.tags]
    # Title first, then the abstract (from BODY_ID on), authors last.
    body = [
        f"<h1>{esc(paper.title)}</h1>",
        f'<p id="{BODY_ID}">{esc(abstracts.plain_text(paper.abstract))}</p>',
    ]
    if paper.authors:
        body.append(f"<p>{esc(', '.join(paper.authors))}</p>")
    # Filters and metadata outside the body: Pagefind reads them anywhere, and they stay out of excerpts.
    extra = "".join(f'<span data-pagefind-filter="tag">{esc(name)}</span>' for name in names)
    extra += f'<span data-pagefind-meta="date:{paper.date.isoformat()}"></span>'
    return _page(language, urls.paper(paper.slug), paper.title, "".join(body), extra)


def page_document(page: Document, language: str = "en") -> str:
    """A hand-written page as Pagefind indexes it: its title as the heading, then its content."""
    body = f'<h1>{html.escape(page.title)}</h1><div id="{BODY_ID}">{page.body}</div>'
    return _page(language, page.url, page.title, body, "")


def _page(language: str, url: str, title: str, body: str, extra: str) -> str:
    # The page's URL, relative to the site's root, is metadata: the documents are written as flat files
    # (no folder per page, which took most of the time of writing them), so Pagefind's own URL is not it.
    meta = f'<span data-pagefind-meta="url:{html.escape(url)}"></span>'
    return (
        f'<!doctype html><html lang="{html.escape(language)}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>"
        f"<body><main data-pagefind-body>{body}</main>{meta}{extra}</body></html>\n"
    )


def write_documents(
    feed: Feed,
    pages: Iterable[Document],
    folder: Path,
    language: str = "en",
    shard_size: int = SHARD_SIZE,
    only: int | None = None,
    pages_later: int = 0,
) -> int:
    """Write one document per paper and page into `folder` (`papers/<slug>.html`, `pages/0000.html`);
    how many were written. Over `shard_size`, they go into the folders `0`, `1`... (see shards), as
    evenly as they divide, in the order given: `0/<slug>.html`, `2/pages/0000.html`. (Pagefind's
    fragment of a page names its document: the shorter, the smaller the index.) With `only`, the
    documents of that shard alone are written; `pages_later` hand-written pages, written afterwards by
    LatePages, count in the division."""
    pages = list(pages)
    total = len(feed.papers) + len(pages) + pages_later
    documents = _documents(feed, pages, language)
    _write(documents, folder, total, shard_count(total, shard_size), only)
    return len(feed.papers) + len(pages)


def _write(
    documents: Iterable[tuple[str, str, str]],
    folder: Path,
    total: int,
    count: int,
    only: int | None,
    first: int = 0,
) -> None:
    """Write the documents, the first of them the `first`-th of `total` in `count` shards (only those of
    shard `only`, if given)."""
    made: set[Path] = set()
    for i, (kind, name, text) in enumerate(documents, start=first):
        if only is not None and i * count // total != only:
            continue
        shard = folder / str(i * count // total)
        where = folder / kind if count <= 1 else shard if kind == "papers" else shard / kind
        if where not in made:
            where.mkdir(parents=True, exist_ok=True)
            made.add(where)
        (where / f"{name}.html").write_text(text, encoding="utf-8")


@dataclass
class LatePages:
    """The hand-written pages of an index started before the build had read them (start_index's `late`):
    their documents are written by the build once it has, and the runs over them wait for the file
    `ready`, written after them."""

    due: int  # how many the build will read
    language: str = "en"
    folder: Path | None = None  # where the documents go, and the rest of the layout: set by start_index
    papers: int = 0
    count: int = 1
    ready: Path | None = None

    def shards(self) -> set[int]:
        """The shards that hold a page (once start_index has laid them out)."""
        total = self.papers + self.due
        return {i * self.count // total for i in range(self.papers, total)}

    def write(self, pages: Iterable[Document]) -> None:
        """Write the pages' documents (in order of their URLs, as start_index orders pages) and say they
        are ready; nothing if the index did not start (or these were written already)."""
        if self.folder is None or self.ready is None or self.ready.exists():
            return
        pages = sorted(pages, key=lambda page: page.url)[: self.due]
        documents = (
            ("pages", f"{i:04d}", page_document(page, self.language)) for i, page in enumerate(pages)
        )
        _write(documents, self.folder, self.papers + self.due, self.count, None, self.papers)
        self.ready.write_bytes(b"")


def _documents(feed: Feed, pages: list[Document], language: str) -> Iterator[tuple[str, str, str]]:
    """Each document's folder, file name and HTML: the papers, then the hand-written pages."""
    for paper in feed.papers:
        yield "papers", paper.slug, paper_document(paper, feed.tags, language)
    for i, page in enumerate(pages):
        yield "pages", f"{i:04d}", page_document(page, language)


def shard_count(total: int, shard_size: int) -> int:
    """The fewest shards of at most `shard_size` documents that hold `total` (1: no shards)."""
    return -(-total // shard_size)


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
