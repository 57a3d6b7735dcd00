"""Both cores for the generated pages: a forked child ranks the related papers, sends them at once, and
makes paper pages, while this process makes every other page and file of the site, then (with the
related papers) paper pages too. The paper pages are made in runs that each side takes in turn as it gets
free, so both end about together however long the related papers or the other pages took; they come out
in the order SiteBuilder.pages() gives them."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TypeVar, cast

from generator import forked
from generator.site.front_matter import Front
from generator.site.pages import Page, SiteBuilder

# Below this many papers a fork costs more than it saves.
MIN_PAPERS = 500
# Paper pages a side takes at a time (about 15 ms of work): the later side ends at most one run after.
RUN = 100

_T = TypeVar("_T")


def build_pages(
    builder: SiteBuilder, rest: Callable[[], _T], read: Callable[[str], Front] | None = None
) -> tuple[list[Page], _T]:
    """builder.pages(), and `rest()` (what else the site needs), made on both cores where a child can be
    forked safely; each page's front matter read by `read`, if given, where the page is made."""

    def made(pages: Iterable[Page]) -> list[Page]:
        return [replace(page, front=read(page.text)) for page in pages] if read else list(pages)

    count = len(builder.feed.papers)
    if count < MIN_PAPERS or not forked.can_fork():
        return made(builder.pages()), rest()
    # Both sides show each paper's trending signal: ranked once, before the fork.
    _ = builder.trend
    size = max(RUN, math.ceil(count / forked.Turns.LIMIT))

    def listings_and_rest(related: Callable[[], object]) -> tuple[list[Page], _T]:
        made_here = made(builder.listing_pages()), rest()
        builder.related = cast(dict[str, tuple[str, ...]], related())
        return made_here

    runs, made_here = forked.in_turns(
        math.ceil(count / size),
        lambda n: made(builder.paper_pages(slice(n * size, (n + 1) * size))),
        first=lambda: builder.related,
        here=listings_and_rest,
    )
    listings, other = cast(tuple[list[Page], _T], made_here)
    return [*(page for run in runs for page in run), *listings], other
