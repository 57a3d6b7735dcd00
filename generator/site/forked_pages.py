"""The largest kind of generated pages (the papers') filled and written by a second process.

Once the theme has rendered the kind's first page, and the kind's chrome gives that page exactly, a forked
child fills and writes the kind's other pages (but its last, which this process renders through the theme
too, to check them) while MkDocs goes on here with every other page. MkDocs is given an empty page for each
page the child writes, and does not write it: the line it logs for each is left out of its log.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence

from generator import forked

MIN_PAGES = 500  # below this many, the fork costs more than it saves
# The child's share of all the pages the build writes: a page left here costs about what one of the child's
# does, and this process also passes over the child's, to give MkDocs their empty output, and renders the
# sitemap meanwhile. At 10,000 papers both processes end within two tenths of a second of each other with
# this share (0.55 left this one 0.7 s alone at the end, 0.72 the child 0.2 s).
CHILD_SHARE = 0.65
BUILD_LOG = "mkdocs.commands.build"  # MkDocs' logger for "Page skipped: '...'. Generated empty output."


def write(path: str, page: str) -> None:
    """A built page written as MkDocs writes it (a character UTF-8 cannot hold as an HTML reference)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as out:
        out.write(page.encode("utf-8", errors="xmlcharrefreplace"))


class ForkedPages:
    """One build's pages written by the child: which they are, and the child."""

    def __init__(self) -> None:
        self.taken: frozenset[str] = frozenset()  # their src_uri
        self._child: forked.Child[int] | None = None
        self._quiet = _SkippedLines(self)

    def start(self, src_uris: Sequence[str], write_page: Callable[[str], None], pages: int) -> None:
        """Write some of the pages (`write_page` writes one; `pages` are the build's in all) in a forked
        child, if they are many and a child can be forked safely (not while another thread runs: mkdocs
        serve's); once a build. It writes the last ones, so that this process starts at once on the others."""
        src_uris = src_uris[-min(len(src_uris), round(pages * CHILD_SHARE)) :]
        if len(src_uris) < MIN_PAGES or not forked.can_fork() or self.taken:
            return
        self.taken = frozenset(src_uris)
        logging.getLogger(BUILD_LOG).addFilter(self._quiet)

        def write_all() -> int:
            for src_uri in src_uris:
                write_page(src_uri)
            return len(src_uris)

        self._child = forked.Child(write_all)

    def takes(self, src_uri: str) -> bool:
        """Whether the child writes the page (MkDocs is to write nothing for it)."""
        return src_uri in self.taken

    def finish(self) -> int:
        """Wait for the child: how many pages it wrote. If it failed, they are written here instead, which
        raises its error."""
        child, self._child = self._child, None
        try:
            return child.result() if child else 0
        finally:
            self._end()

    def cancel(self) -> None:
        """Stop the child (the build failed)."""
        child, self._child = self._child, None
        if child:
            child.cancel()
        self._end()

    def _end(self) -> None:
        logging.getLogger(BUILD_LOG).removeFilter(self._quiet)
        self.taken = frozenset()


class _SkippedLines(logging.Filter):
    """MkDocs' "Page skipped" line left out for a page the child writes."""

    def __init__(self, pages: ForkedPages) -> None:
        super().__init__()
        self.pages = pages

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if not message.startswith("Page skipped: '"):
            return True
        return not self.pages.takes(message.split("'")[1])
