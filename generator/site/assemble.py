"""Everything a build adds to the site, made from content/: the generated pages, and the feeds and data
files; `full` makes it all (a build), site/incremental.py again only what changed (`paperfeed serve`)."""

from __future__ import annotations

import atexit
import gc
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, partial
from typing import TypeAlias

from generator import forked, records, urls
from generator.config import SiteConfig
from generator.data import citations, exports, feeds, starfile
from generator.mail import digest, ledger
from generator.model import Feed, Paper
from generator.site import parallel
from generator.site.front_matter import Front
from generator.site.pages import Page, SiteBuilder

# What `content` makes beside the pages: the feeds, the digests' pages, the data files.
_Rest: TypeAlias = tuple[dict[str, bytes], list[Page], dict[str, bytes]]


@dataclass
class Kept:
    """What `paperfeed serve` keeps from one build to the next, for the same settings: each paper's
    citation base key, and its JSON line and BibTeX entry."""

    citation_bases: dict[Paper, str] = field(default_factory=dict)
    exports: dict[tuple[Paper, str], tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Content:
    """The feed, its pages (in the order they are added to the site), and the other files by path."""

    feed: Feed
    pages: list[Page]
    data: dict[str, bytes]


def full(
    site: SiteConfig,
    read: Callable[[str], Front] | None = None,
    loaded: Callable[[Feed], object] = lambda feed: None,
) -> Content:
    """Every page and file of the feed in content/, made anew (the pages' front matter read by `read`,
    if given, on both cores); `loaded` is given the feed as soon as its records are read."""
    _no_collection_at_exit()
    feed = records.load_feed(site.content_dir)
    loaded(feed)
    make_pages = partial(parallel.build_pages, read=read)
    made = content(site, feed, SiteBuilder(feed, site, stars(site)), make_pages)
    forked.freeze_held()
    return made


@cache
def _no_collection_at_exit() -> None:
    """At exit, the interpreter's collections walk every object the build made (half a second at 10,000
    papers) to free memory the system takes back anyway: frozen first, they are left out."""
    atexit.register(gc.freeze)


def stars(site: SiteConfig) -> starfile.StarData:
    """The star samples, fetched from their branch by the deploy (none: no activity data yet)."""
    return starfile.load(starfile.default_path(site.content_dir), recent=True)


def content(
    site: SiteConfig,
    feed: Feed,
    builder: SiteBuilder,
    make_pages: Callable[[SiteBuilder, Callable[[], _Rest]], tuple[list[Page], _Rest]],
    make_feeds: Callable[[Feed, SiteConfig], dict[str, bytes]] = feeds.render_feeds,
    kept: Kept | None = None,
) -> Content:
    """The feed's pages, made by `make_pages` with `builder` (given what else to make, beside the pages:
    parallel.build_pages makes it while a child makes the paper pages), the digests' pages, the feeds
    (made by `make_feeds`) and the data files; `kept`, what is kept from one build to the next."""
    if kept is not None:  # a session keeps each paper's key; a build makes them where first needed
        builder.keys = citations.citation_keys(feed, kept.citation_bases)  # (on both cores: parallel.py)
    ledger_copy = ledger.default_path(site.content_dir)  # fetched by the deploy, if any

    def rest() -> _Rest:
        feed_files = make_feeds(feed, site)
        digests = digest.digest_pages(feed, site, ledger_copy, builder)
        data = exports.render_exports(feed, site, builder.keys, kept.exports if kept else None)
        return feed_files, digests, data

    made, (feed_files, digests, data) = make_pages(builder, rest)
    feed_files[urls.TRENDING_FEED] = feeds.trending_feed(builder.trend, site, feed.tags)
    return Content(feed, [*made, *digests], {**feed_files, **data})


def sequential(builder: SiteBuilder, rest: Callable[[], _Rest]) -> tuple[list[Page], _Rest]:
    """`content`'s make_pages in one process: the pages, then the rest."""
    return list(builder.pages()), rest()
