"""The large kinds of generated pages (the papers', the days'...) filled and written by a second process.

Before MkDocs reads any page, the plugin withholds most of each large kind's pages: MkDocs neither reads
nor renders them (which cost this process a tenth of a millisecond each, on one core), and they stay in
the site's files (for links to them, and the sitemap). Once MkDocs has read the other pages, the plugin
has the theme render each withheld kind's first page (its chrome), and a forked child fills and writes
the withheld pages of the kinds whose chrome gives that page exactly, from their text, while MkDocs goes
on here with every other page (each kind's last too: the theme renders it, to check the chrome); then
this process fills and writes them too. Both take runs of them in turns (as generator/site/parallel.py's
page makers do), so both end about together, however long the theme's pages took here. The pages of a
kind whose chrome fails are given back, and go through the theme here.
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
# A kind of fewer pages is left to MkDocs: its first page, rendered before the child starts, would delay
# the child more than the kind's pages save.
MIN_KIND = 50
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
    """One build's withheld pages: which they are, their kinds, each kind's first page, and the child that
    writes them with this process."""

    def __init__(self) -> None:
        self.taken: tuple[str, ...] = ()  # their src_uri, in build order
        self.firsts: dict[str, str] = {}  # each withheld kind's first page (the theme renders it), by kind
        self._kinds: dict[str, str] = {}  # each withheld page's kind, by its src_uri
        self._unread: dict[str, tuple[str, str, Front]] = {}  # each one's URL, text and front matter
        self._runs: list[tuple[str, ...]] = []  # the withheld pages in runs, taken in turns
        self._writing: forked.InTurns[int] | None = None  # the child, and the turns left here
        self._quiet = _ExcludedLinks(self)

    def withhold(self, unread: Sequence[Unread]) -> tuple[str, ...]:
        """The pages to leave out of MkDocs' reading and rendering, chosen before it reads any (once a
        build): of the `unread` generated pages (in build order), those of each kind of MIN_KIND pages
        or more, but its first and last, which the theme renders. None if they are few, or if a child
        cannot be forked safely (not while another thread runs)."""
        if self.taken or not forked.can_fork():
            return ()
        of_kind: dict[str, list[str]] = {}
        for src, url, text, (start, meta), extra in unread:
            if kind := fastpath.unread_kind(url, text, start, meta, extra):
                of_kind.setdefault(kind, []).append(src)
        large = {kind: srcs for kind, srcs in of_kind.items() if len(srcs) >= MIN_KIND}
        kinds = {src: kind for kind, srcs in large.items() for src in srcs[1:-1]}
        if len(kinds) < MIN_PAGES:
            return ()
        self.firsts = {kind: srcs[0] for kind, srcs in large.items()}
        self.taken = tuple(src for src, _, _, _, _ in unread if src in kinds)
        self._kinds = kinds
        self._unread = {src: (url, text, front) for src, url, text, front, _ in unread if src in kinds}
        logging.getLogger(LINKS_LOG).addFilter(self._quiet)
        return self.taken

    def takes(self, src_uri: str) -> bool:
        """Whether the page is withheld from MkDocs (the child is to write it)."""
        return src_uri in self._kinds

    def kind_of(self, src_uri: str) -> str:
        """A withheld page's kind."""
        return self._kinds[src_uri]

    @contextlib.contextmanager
    def shown(self, files: Mapping[str, Any], levels: Any, listed: Callable[[Any], object]) -> Iterator[None]:
        """The withheld pages and the kinds' first pages of `files` (MkDocs' by src_uri), which MkDocs does
        not build, not in the nav meanwhile, then excluded again (`levels`: MkDocs' InclusionLevel): in the
        sitemap, as the pages they are. A withheld page has no page of MkDocs' meanwhile: `listed(file)`
        gives it one, for the sitemap."""
        withheld = [files[src] for src in (*self.taken, *self.firsts.values())]
        bare = [file for file in withheld if file.page is None]
        for file in withheld:
            file.inclusion = levels.NOT_IN_NAV
        for file in bare:
            file.page = listed(file)
        try:
            yield
        finally:
            for file in withheld:
                file.inclusion = levels.EXCLUDED
            for file in bare:
                file.page = None

    def start(
        self,
        write_page: Callable[[str, str, str, dict[str, Any]], None],
        fits: Callable[[str, str], bool],
    ) -> tuple[str, ...]:
        """Start writing the withheld pages of each kind that `fits(first page, kind)` (its chrome gives
        its first page) in a forked child, in runs taken in turns with this process (finish):
        write_page(src_uri, url, markdown, meta) writes one, from its Markdown after the front matter and
        its front matter. The pages of the other kinds are given back: MkDocs is to read and render them
        after all."""
        if self._writing is not None:
            return ()
        failed = {kind for kind, first in self.firsts.items() if not fits(first, kind)}
        given = tuple(src for src in self.taken if self._kinds[src] in failed)
        if given:
            self.taken = tuple(src for src in self.taken if self._kinds[src] not in failed)
            self._kinds = {src: self._kinds[src] for src in self.taken}
        if not self.taken:
            return given

        def write_run(number: int) -> int:
            for src_uri in self._runs[number]:
                url, text, (start, meta) = self._unread[src_uri]
                write_page(src_uri, url, text[start:], meta)
            return len(self._runs[number])

        size = max(RUN, math.ceil(len(self.taken) / forked.Turns.LIMIT))
        self._runs = [self.taken[i : i + size] for i in range(0, len(self.taken), size)]
        self._writing = forked.InTurns(len(self._runs), write_run)
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
        self.taken, self.firsts, self._kinds = (), {}, {}
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
