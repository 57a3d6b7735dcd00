"""The search index: one small HTML document per paper, made from the model, indexed by Pagefind's binary.

Pagefind splits its index into small files that the browser fetches only for the words of a query, so a
search costs a reader a few hundred kilobytes whatever the size of the feed. It indexes HTML: rather than
let it parse the theme's pages back, each paper is written as a minimal document (title, authors and
abstract as text; tags as a filter; the date as metadata) into a temporary folder, beside the hand-written
pages' content, and the binary runs once over that folder. It runs beside the rest of the build: the
plugin starts it once the hand-written pages' content is known (MkDocs reads them before the thousands of
generated pages), and waits for it when the pages are written.
"""

from __future__ import annotations

import fnmatch
import html
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from generator import urls
from generator.errors import PaperfeedError
from generator.model import Feed, Paper, Tag
from generator.records import abstracts
from generator.site import pagefind_order

# What Pagefind writes that the site's search script never loads: its ready-made interfaces, and its web
# worker (the script searches on the page's own thread: see theme/assets/javascripts/paperfeed-search-ui.js).
UNUSED_PREFIXES = ("pagefind-ui", "pagefind-modular-ui", "pagefind-component-ui", "pagefind-highlight")
UNUSED_OUTPUT = ("pagefind-worker.js",)


# The element after the title: Pagefind reports where its text starts (an anchor), which tells the search
# script how many of the indexed words are the title's, however Pagefind split them.
BODY_ID = "pf-body"


class SearchIndexError(PaperfeedError):
    """The search index could not be built; the message says why."""


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


def write_documents(feed: Feed, pages: Iterable[Document], folder: Path, language: str = "en") -> int:
    """Write one document per paper and page into `folder`; how many were written."""
    (folder / "papers").mkdir(parents=True, exist_ok=True)
    count = 0
    for paper in feed.papers:
        path = folder / "papers" / f"{paper.slug}.html"
        path.write_text(paper_document(paper, feed.tags, language), encoding="utf-8")
        count += 1
    for i, page in enumerate(pages):
        path = folder / "pages" / f"{i:04d}.html"
        path.parent.mkdir(exist_ok=True)
        path.write_text(page_document(page, language), encoding="utf-8")
        count += 1
    return count


def pagefind_binary() -> Path:
    """The `pagefind` executable that the pagefind-bin wheel ships."""
    try:
        import pagefind_bin  # type: ignore[import-untyped]
    except ImportError:
        raise SearchIndexError("the search index needs pagefind-bin: pip install pagefind-bin") from None
    try:
        return Path(pagefind_bin.get_executable())
    except FileNotFoundError as err:
        raise SearchIndexError(f"pagefind-bin is installed without its binary: {err}") from None


def run_pagefind(source: Path, output: Path, language: str = "en") -> None:
    """Index every document under `source` into `output` (which is replaced), as one language."""
    Indexing.start(source, output, language).wait()


class Indexing:
    """A run of the pagefind binary under way: `start` it, and `wait` for it (or `cancel` it)."""

    def __init__(self, process: subprocess.Popen[str], output: Path, cleanup: Callable[[], None]) -> None:
        self.process = process
        self.output = output
        self.cleanup = cleanup

    @classmethod
    def start(
        cls, source: Path, output: Path, language: str = "en", cleanup: Callable[[], None] = lambda: None
    ) -> Indexing:
        """Start indexing every document under `source` into `output` (which is replaced)."""
        if output.exists():
            shutil.rmtree(output)
        command = [
            str(pagefind_binary()),
            "--site", str(source),
            "--output-path", str(output),
            "--force-language", language,
            "--silent",
        ]  # fmt: skip
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=_environment(),
        )
        return cls(process, output, cleanup)

    def wait(self) -> None:
        """Wait for Pagefind, then keep only what the site loads, in a stable order."""
        try:
            stdout, stderr = self.process.communicate()
        finally:
            self.cleanup()
        if self.process.returncode:
            shown = (stderr or stdout).strip() or f"exit status {self.process.returncode}"
            raise SearchIndexError(f"pagefind could not build the search index: {shown}")
        _prune(self.output)
        try:
            pagefind_order.stabilize(self.output)
        except pagefind_order.FormatError as err:
            raise SearchIndexError(
                f"pagefind wrote an index this version of paperfeed cannot read: {err}"
            ) from None

    def cancel(self) -> None:
        """Stop Pagefind (the build failed) and remove what it was given."""
        self.process.kill()
        self.process.communicate()
        self.cleanup()


def _prune(output: Path) -> None:
    """Delete what no page loads: the unused files, and the word stemmers of languages not indexed."""
    entry = json.loads((output / "pagefind-entry.json").read_text(encoding="utf-8"))
    stemmers = {f"wasm.{language['wasm']}.pagefind" for language in entry["languages"].values()}
    for path in output.iterdir():
        stemmer = path.name.startswith("wasm.") and path.name not in stemmers
        if stemmer or path.name in UNUSED_OUTPUT or path.name.startswith(UNUSED_PREFIXES):
            path.unlink()


def _environment() -> dict[str, str]:
    # Pagefind reads PAGEFIND_* variables as options; only the ones given here may change the index.
    return {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}


def start_index(
    feed: Feed, pages: Iterable[Document], output: Path, language: str = "en"
) -> tuple[int, Indexing | None]:
    """Write the documents into a temporary folder and start indexing them into `output`; how many there
    are, and the run to wait for (None when there is nothing to index: Pagefind refuses to run on
    nothing, so no index is written, and the search box says there is nothing to search)."""
    tmp = tempfile.TemporaryDirectory(prefix="paperfeed-search-")
    try:
        count = write_documents(feed, pages, Path(tmp.name), language)
        if not count:
            tmp.cleanup()
            if output.exists():
                shutil.rmtree(output)
            return 0, None
        return count, Indexing.start(Path(tmp.name), output, language, tmp.cleanup)
    except BaseException:
        tmp.cleanup()
        raise


def build_index(feed: Feed, pages: Iterable[Document], output: Path, language: str = "en") -> int:
    """Index the papers and pages into `output` and wait for it; how many were indexed."""
    count, indexing = start_index(feed, pages, output, language)
    if indexing:
        indexing.wait()
    return count


# Files of Material's that no page loads: its search's worker and lunr's languages (Pagefind replaces that
# search) and the source maps of its script and styles, 2 MB of every site.
UNUSED_THEME_FILES = ("assets/javascripts/lunr/*", "assets/javascripts/workers/*", "assets/*.map")


def unused_theme_file(src_uri: str) -> bool:
    """A file of the theme's that the site leaves out: Material's own search, which Pagefind replaces."""
    return any(fnmatch.fnmatchcase(src_uri, pattern) for pattern in UNUSED_THEME_FILES)
