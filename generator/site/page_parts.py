"""The pieces the generated pages share (templates/_macros.md.j2 and _trending.md.j2), made once for all the
pages at one depth.

Imported "with context" by each page's template, Jinja made the two modules again for every page (twice for
a paper page, a third of its time); their only value that changes from page to page is the links' prefix.
So they are made here once per prefix, and the pieces that come out the same for many pages (a paper's line
in its week's, month's and tags' lists; a list of tags) once per prefix and value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import jinja2
from markupsafe import Markup

from generator.model import Paper


class Linker(Protocol):
    """Links relative to one page: `prefix` leads from it to the site's root."""

    prefix: str

    def __call__(self, target: str) -> str: ...


@dataclass(frozen=True)
class Parts:
    """What a page's template renders with: the values the pieces use, and the two modules."""

    values: dict[str, Any]
    macros: Any  # _macros.md.j2, as a module
    signals: Any  # _trending.md.j2, as a module


class PageParts:
    """The parts of one build's pages, by depth; `common()` gives the values that are the same everywhere."""

    def __init__(self, env: jinja2.Environment, common: Callable[[], dict[str, Any]]) -> None:
        self.env = env
        self.common = common
        self._made: dict[tuple[str, bool], Parts] = {}

    def at(self, link: Linker, signal_always: bool) -> Parts:
        """The parts for a page whose links are `link`'s; `signal_always`: its cards say where no trending
        signal is known (the trending page's)."""
        key = (link.prefix, signal_always)
        found = self._made.get(key)
        if found is None:
            found = self._made[key] = self._make(link, signal_always)
        return found

    def _make(self, link: Linker, signal_always: bool) -> Parts:
        items: dict[tuple[str, bool], Markup] = {}
        tag_lists: dict[tuple[str, ...], Markup] = {}

        def title_items(papers: Iterable[Paper], dated: bool = False) -> Markup:
            """The papers' lines in a list, each ending its line. A paper's line is the same in its week's,
            its month's and its tags' lists: made once (and the list in one call: a call from a template
            costs more than the line, once made)."""
            lines = []
            for paper in papers:
                item = items.get((paper.slug, dated))
                if item is None:
                    item = items[paper.slug, dated] = macros.title_item(paper, dated=dated)
                lines.append(item)
            return Markup("\n".join(lines) + "\n" if lines else "")

        def paper_tags(slugs: tuple[str, ...]) -> Markup:
            """A paper's tags, as its page and its card list them: the same for every paper so tagged."""
            made = tag_lists.get(slugs)
            if made is None:
                made = tag_lists[slugs] = macros.tag_list(slugs)
            return made

        values = {
            **self.common(),
            "link": link,
            "signal_always": signal_always,
            "title_items": title_items,
            "paper_tags": paper_tags,
        }
        macros: Any = self.env.get_template("_macros.md.j2").make_module(values)
        signals = self.env.get_template("_trending.md.j2").make_module(values)
        return Parts(values, macros, signals)
