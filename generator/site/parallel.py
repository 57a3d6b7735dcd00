"""Both cores for the generated pages: the paper pages (and the related papers they list) made in a forked
child while this process makes every other page and file of the site, in the order SiteBuilder.pages()
gives the pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from generator import forked
from generator.site.pages import Page, SiteBuilder

# Below this many papers a fork costs more than it saves.
MIN_PAPERS = 500

_T = TypeVar("_T")


def build_pages(builder: SiteBuilder, rest: Callable[[], _T]) -> tuple[list[Page], _T]:
    """builder.pages(), and `rest()` (what else the site needs, made here), the paper pages made in a child
    process where one can be forked safely."""
    if len(builder.feed.papers) < MIN_PAPERS or not forked.can_fork():
        return list(builder.pages()), rest()
    # Both sides show each paper's trending signal: ranked once, before the fork. The related papers are
    # made in the child, where the paper pages that list them are.
    _ = builder.trend
    papers, (listings, made) = forked.split(
        lambda: list(builder.paper_pages()), lambda: (list(builder.listing_pages()), rest())
    )
    return [*papers, *listings], made
