"""The search index's documents: one small HTML document per paper and hand-written page, and where each
goes (a shard's folder, when there are many). They are written by processes of their own, steps of the
index's chain (pagefind_run.py): some 10,000 small files took the build's own process 1 to 5 seconds to
write, time it now spends on its pages; each shard's are written while Pagefind indexes the shard before,
by the chain's own process (`run`: each process of its own took 0.3 to 0.6 CPU-seconds to start and read
the feed).

`python -m generator.site.search_documents FOLDER LANGUAGE SHARD_SIZE LATER [SHARD]` (LATER: how many
hand-written pages the build writes itself, LatePages; SHARD: that shard's documents only), with the feed
and the hand-written pages pickled on stdin (site/search.py's documents_steps).
"""

from __future__ import annotations

import functools
import html
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator import urls
from generator.config import SiteConfig
from generator.model import Feed, Paper, Tag
from generator.records import abstracts

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


# A document to write: its folder, its file's name, and how to make its HTML (made only if it is written).
_Made = tuple[str, str, Callable[[], str]]


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
    evenly as they divide, in the order of _documents: `0/<slug>.html`, `2/pages/0000.html`. (Pagefind's
    fragment of a page names its document: the shorter, the smaller the index.) With `only`, the
    documents of that shard alone are written; `pages_later` hand-written pages, written afterwards by
    LatePages, count in the division."""
    pages = list(pages)
    total = len(feed.papers) + len(pages) + pages_later
    count = shard_count(total, shard_size)
    folder.mkdir(parents=True, exist_ok=True)
    newest_first = _listed_newest_first(folder.parent)
    if newest_first and count > 1 and pages_later:
        # The hand-written pages' folder made before the papers' documents of its shard, so that it is
        # listed (and Pagefind walks it) after them, as its path sorts; the pages come later (LatePages).
        for shard in {i * count // total for i in range(total - pages_later, total)}:
            if only in (None, shard):
                (folder / str(shard) / "pages").mkdir(parents=True, exist_ok=True)
    _write(_documents(feed, pages, language), folder, total, count, only, newest_first=newest_first)
    return len(feed.papers) + len(pages)


def _listed_newest_first(folder: Path) -> bool:
    """Whether the file system of `folder` lists a folder's files newest first (tmpfs does, on some
    kernels; ext4 lists them in an order of its own hash)."""
    with tempfile.TemporaryDirectory(dir=folder, prefix="paperfeed-listing-") as probe:
        for name in ("a", "b"):
            (Path(probe) / name).touch()
        return [entry.name for entry in os.scandir(probe)] == ["b", "a"]


def _write(
    documents: Sequence[_Made],
    folder: Path,
    total: int,
    count: int,
    only: int | None,
    first: int = 0,
    newest_first: bool = False,
) -> None:
    """Write the documents, the first of them the `first`-th of `total` in `count` shards (only those of
    shard `only`, if given); in reverse if the file system lists a folder's files `newest_first`, so that
    it lists them in their order."""
    chosen = [
        (i, document)
        for i, document in enumerate(documents, start=first)
        if only is None or i * count // total == only
    ]
    made: set[Path] = set()
    for i, (kind, name, text) in reversed(chosen) if newest_first else chosen:
        shard = folder / str(i * count // total)
        where = folder / kind if count <= 1 else shard if kind == "papers" else shard / kind
        if where not in made:
            where.mkdir(parents=True, exist_ok=True)
            made.add(where)
        (where / f"{name}.html").write_text(text(), encoding="utf-8")


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
        documents = _page_documents(pages, self.language)
        newest_first = _listed_newest_first(self.folder.parent)
        _write(documents, self.folder, self.papers + self.due, self.count, None, self.papers, newest_first)
        self.ready.write_bytes(b"")


def _documents(feed: Feed, pages: list[Document], language: str) -> list[_Made]:
    """The documents: the papers in order of their files' names, then the hand-written pages. Pagefind
    numbers the pages in the order in which the file system lists a folder's files, and the merge numbers
    them in order of their paths: a bundle whose order is the merge's is merged without renumbering its
    words (pagefind_words.prepare), and _write writes them so that the file system lists them in order."""
    papers = sorted(feed.papers, key=lambda paper: f"{paper.slug}.html")
    documents: list[_Made] = [
        ("papers", paper.slug, functools.partial(paper_document, paper, feed.tags, language))
        for paper in papers
    ]
    return documents + _page_documents(pages, language)


def _page_documents(pages: list[Document], language: str) -> list[_Made]:
    """The hand-written pages' documents, numbered in the order given."""
    return [
        ("pages", f"{i:04d}", functools.partial(page_document, page, language))
        for i, page in enumerate(pages)
    ]


def shard_count(total: int, shard_size: int) -> int:
    """The fewest shards of at most `shard_size` documents that hold `total` (1: no shards)."""
    return -(-total // shard_size)


USAGE = "usage: python -m generator.site.search_documents FOLDER LANGUAGE SHARD_SIZE LATER [SHARD]"

_loaded: dict[
    int, tuple[bytes, tuple[Feed, list[Document]]]
] = {}  # the data of the chain's steps, unpickled once for them all


def run(argv: Sequence[str], data: bytes) -> str | None:
    """Write the documents; why they could not be (None: they were). The chain's process runs this
    itself for each shard (pagefind_chain.py), the feed unpickled once."""
    if len(argv) not in (4, 5):
        return USAGE
    folder, language, shard_size, later = Path(argv[0]), argv[1], int(argv[2]), int(argv[3])
    only = int(argv[4]) if len(argv) == 5 else None
    if id(data) not in _loaded:
        _loaded[id(data)] = (data, pickle.loads(data))  # (data kept: its id stays its own)
    feed, pages = _loaded[id(data)][1]
    try:
        write_documents(feed, pages, folder, language, shard_size, only, later)
    except OSError as err:
        return str(err)  # after the chain's own words for this step (search.documents_step)
    return None


def main(argv: Sequence[str]) -> int:
    """Write the documents; a failure is one line on stderr and exit status 1."""
    error = run(argv, sys.stdin.buffer.read())
    if error is not None:
        print(error, file=sys.stderr)
        return 2 if error == USAGE else 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
