"""Both cores for the generated pages: a forked child ranks the related papers, sends them at once, and
makes the first share of the paper pages, while this process makes every other page and file of the site,
then (with the related papers) the other paper pages; in the order SiteBuilder.pages() gives the pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

from generator import forked
from generator.site.pages import Page, SiteBuilder

# Below this many papers a fork costs more than it saves.
MIN_PAPERS = 500
# The child's share of the paper pages. At 10,000 papers the related papers take the child about 1.6 s, the
# listing pages, feeds, digests and data files this process about 2.1 s, the paper pages 2 s in all: both
# then end within a few tenths of a second of each other.
CHILD_SHARE = 0.7

_T = TypeVar("_T")


def build_pages(builder: SiteBuilder, rest: Callable[[], _T]) -> tuple[list[Page], _T]:
    """builder.pages(), and `rest()` (what else the site needs), made on both cores where a child can be
    forked safely."""
    count = len(builder.feed.papers)
    if count < MIN_PAPERS or not forked.can_fork():
        return list(builder.pages()), rest()
    # Both sides show each paper's trending signal: ranked once, before the fork.
    _ = builder.trend
    theirs = slice(0, round(count * CHILD_SHARE))
    child = forked.Child(lambda: list(builder.paper_pages(theirs)), first=lambda: builder.related)
    try:
        listings, made = list(builder.listing_pages()), rest()
        builder.related = cast(dict[str, tuple[str, ...]], child.first_result())
        mine = list(builder.paper_pages(slice(theirs.stop, None)))
        papers = child.result()
    except BaseException:
        child.cancel()
        raise
    return [*papers, *mine, *listings], made
