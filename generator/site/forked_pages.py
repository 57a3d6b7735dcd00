"""The largest kind of generated pages (the papers') filled and written by a second process.

Before MkDocs reads any page, the plugin withholds most of the largest kind's pages: MkDocs neither reads
nor renders them (which cost this process a tenth of a millisecond each, on one core), and they stay in
the site's files (for links to them, and the sitemap). Once the theme has rendered the kind's first page,
and the kind's chrome gives that page exactly, a forked child fills and writes the withheld pages from
their text, while MkDocs goes on here with every other page (the kind's last too: the theme renders it, to
check the chrome); then this process fills and writes them too. Both take runs of them in turn (as
generator/site/parallel.py's page makers do), so both end about together, however long the theme's pages
took here. If the chrome fails, the withheld pages are given back, and go through the theme here.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeAlias

from generator import forked
from generator.site import fastpath
from generator.site.front_matter import Front

# A page MkDocs has not read: its src_uri, URL, text and front matter, and what else its kind depends on.
Unread: TypeAlias = tuple[str, str, str, Front, Sequence[object]]

MIN_PAGES = 500  # below this many, the fork costs more than it saves
# Withheld pages a process takes at a time: about 25 ms of work (a quarter of a millisecond a page, where
# MkDocs took a third), so the later side ends at most that after the other.
RUN = 100
LINKS_LOG = "mkdocs.structure.pages"  # MkDocs' logger for a link to a page it does not build
EXCLUDED = "' which is excluded from the built site."
PAGE_EVENTS = ("pre_page", "page_markdown", "page_content", "page_context", "post_page")  # MkDocs'


def hooked_alone(events: Mapping[str, Sequence[object]]) -> bool:
    """Whether the plugin is alone with a hook on pages, of MkDocs' `events` (each one's hooks): a withheld
    page passes none of them."""
    return all(len(events.get(event, ())) <= 1 for event in PAGE_EVENTS)


def write(path: str, page: str) -> None:
    """A built page written as MkDocs writes it (a character UTF-8 cannot hold as an HTML reference)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as out:
        out.write(page.encode("utf-8", errors="xmlcharrefreplace"))


class ForkedPages:
    """One build's withheld pages: which they are, their kind, and the child that writes them with this
    process."""

    def __init__(self) -> None:
        self.taken: tuple[str, ...] = ()  # their src_uri, in build order
        self.kind: str | None = None
        self._taken: frozenset[str] = frozenset()
        self._unread: dict[str, tuple[str, str, Front]] = {}  # each one's URL, text and front matter
        self._runs: list[tuple[str, ...]] = []  # the withheld pages in runs, taken in turns
        self._writing: forked.InTurns[int] | None = None  # the child, and the turns left here
        self._quiet = _ExcludedLinks(self)

    def withhold(self, unread: Sequence[Unread]) -> tuple[str, ...]:
        """The pages to leave out of MkDocs' reading and rendering, chosen before it reads any (once a
        build): of the `unread` generated pages (in build order), the largest kind's, but its first and
        last, which the theme renders. None if they are few, or if a child cannot be forked safely (not
        while another thread runs)."""
        if self.taken or not forked.can_fork():
            return ()
        kinds: dict[str, str] = {}
        sizes: dict[str, int] = {}
        for src, url, text, (start, meta), extra in unread:
            if kind := fastpath.unread_kind(url, text, start, meta, extra):
                kinds[src] = kind
                sizes[kind] = sizes.get(kind, 0) + 1
        if not sizes:
            return ()
        largest = max(sizes, key=sizes.__getitem__)
        chosen = tuple(src for src, kind in kinds.items() if kind == largest)[1:-1]
        if len(chosen) < MIN_PAGES:
            return ()
        self.taken, self.kind, self._taken = chosen, largest, frozenset(chosen)
        self._unread = {src: (url, text, front) for src, url, text, front, _ in unread if src in self._taken}
        logging.getLogger(LINKS_LOG).addFilter(self._quiet)
        return chosen

    def takes(self, src_uri: str) -> bool:
        """Whether the page is withheld from MkDocs (the child is to write it)."""
        return src_uri in self._taken

    @contextlib.contextmanager
    def shown(self, files: Mapping[str, Any], included: object, excluded: object) -> Iterator[None]:
        """The withheld pages of `files` (MkDocs' by src_uri) `included` meanwhile, then `excluded` again:
        in the sitemap, as the pages they are."""
        withheld = [files[src] for src in self.taken]
        for file in withheld:
            file.inclusion = included
        try:
            yield
        finally:
            for file in withheld:
                file.inclusion = excluded

    def start(self, write_page: Callable[[str, str, str, dict[str, Any]], None]) -> None:
        """Start writing the withheld pages in a forked child, in runs taken in turns with this process
        (finish): write_page(src_uri, url, markdown, meta) writes one, from its Markdown after the front
        matter and its front matter."""
        if not self.taken or self._writing is not None:
            return

        def write_run(number: int) -> int:
            for src_uri in self._runs[number]:
                url, text, (start, meta) = self._unread[src_uri]
                write_page(src_uri, url, text[start:], meta)
            return len(self._runs[number])

        size = max(RUN, math.ceil(len(self.taken) / forked.Turns.LIMIT))
        self._runs = [self.taken[i : i + size] for i in range(0, len(self.taken), size)]
        self._writing = forked.InTurns(len(self._runs), write_run)

    def give_back(self) -> tuple[str, ...]:
        """The withheld pages, if no child was started to write them (their kind's chrome failed): MkDocs
        is to read and render them after all."""
        if self._writing is not None:
            return ()
        given = self.taken
        self._end()
        return given

    def finish(self) -> int:
        """Write here the runs the child has not taken, then wait for it: how many withheld pages were
        written. The runs it took and did not write (it failed) are written here, which raises its error."""
        writing, self._writing = self._writing, None
        try:
            return sum(writing.finish()) if writing else 0
        finally:
            self._end()

    def cancel(self) -> None:
        """Stop the child (the build failed)."""
        writing, self._writing = self._writing, None
        if writing:
            writing.cancel()
        self._end()

    def _end(self) -> None:
        logging.getLogger(LINKS_LOG).removeFilter(self._quiet)
        self.taken, self.kind, self._taken = (), None, frozenset()
        self._unread, self._runs = {}, []


class _ExcludedLinks(logging.Filter):
    """MkDocs' line for a link to a page "excluded from the built site" left out for a withheld page,
    which is built all the same."""

    def __init__(self, pages: ForkedPages) -> None:
        super().__init__()
        self.pages = pages

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if not message.endswith(EXCLUDED):
            return True
        return not self.pages.takes(message[: -len(EXCLUDED)].rpartition("'")[2])
