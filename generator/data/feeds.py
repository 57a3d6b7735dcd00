"""Feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 for the site and for every tag, and an OPML list of them all;
the only module that imports feedgen.

A feed carries whole days, newest first, until it holds at least `feed_size` papers: a reader that polls
it after each build is never skipped past a paper, however many papers one day adds.

feedgen has traps that this module steps around on purpose: its dates default to the clock (every date is
set here, from the papers), `add_entry` prepends (entries are appended), the RSS channel link is the last
link added (the self link goes first, the page last), and its generator tag carries its version (replaced by
a constant). So rebuilding unchanged content gives byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from feedgen.feed import FeedGenerator

from generator import urls
from generator.config import SiteConfig
from generator.data import trending
from generator.data.feed_items import ItemContent, tag_name
from generator.data.feed_links import MIME_TYPES, feed_title
from generator.data.paperlinks import OutsideLink
from generator.errors import PaperfeedError
from generator.model import Feed, Paper, Tag

# The namespace of item ids. Changing it changes every id, and every reader would show every paper again.
ID_NAMESPACE = uuid.UUID("9cc1e264-cd4d-49a5-b685-98cd9719fc93")
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
GENERATOR = "paperfeed"
OPML_PATH = "feeds.opml"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# The last second that every date format here can write (a four-digit year).
LAST_EPOCH_SECOND = 253402300799  # 9999-12-31T23:59:59Z


class FeedError(PaperfeedError, ValueError):
    """The feeds cannot be built as asked; the message says what to change."""


@dataclass(frozen=True)
class _Channel:
    """What one feed says about itself, whatever its format."""

    tag: Tag | None
    title: str
    description: str
    page_url: str
    papers: tuple[Paper, ...]
    updated: dt.datetime

    def url(self, site: SiteConfig, kind: str) -> str:
        return urls.absolute(site.site_url, self.path(kind))

    def path(self, kind: str) -> str:
        return urls.feed(kind, self.tag.slug if self.tag else None)


def item_id(slug: str) -> str:
    """The permanent id of a paper's item: from its slug alone, so no title, tag or host change touches it."""
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, 'paperfeed:paper:' + slug)}"


def render_feeds(feed: Feed, site: SiteConfig) -> dict[str, bytes]:
    """Every feed file by its site-relative path: the site's, each tag's (empty ones too), and the OPML."""
    # Read even when no feed is empty, so that a bad value stops every build the same way (and before
    # MkDocs, which reads it too, fails on it with a traceback).
    empty_date = empty_feed_date()
    channels = _channels(feed, site, empty_date)
    content = ItemContent(site)
    files: dict[str, bytes] = {}
    for channel in channels:
        rss, atom = _rss_and_atom(channel, site, content, feed.tags)
        files[channel.path("rss")] = rss
        files[channel.path("atom")] = atom
        files[channel.path("json")] = _json_feed(channel, site, content, feed.tags)
    files[OPML_PATH] = _opml(channels, site)
    return files


# --- what goes into the feeds ------------------------------------------------------------------------------


def takes(carried: list[Paper], paper: Paper, size: int) -> bool:
    """Whether a feed that carries `carried` (feed order) takes `paper`, the next one in feed order.

    Whole days until at least `size` papers: the day that brings the count to `size` or more is carried
    whole and is the last. So the newest day is never cut, however big: a day of 10,000 papers gives a
    feed of 10,000 items, because a subscriber who polls after each build must be offered every paper.
    """
    return len(carried) < size or carried[-1].date == paper.date


def _newest(papers: Sequence[Paper], size: int) -> list[Paper]:
    """What a feed of `size` carries of `papers` (feed order): see takes."""
    carried: list[Paper] = []
    for paper in papers:
        if not takes(carried, paper, size):
            break  # feed order is newest day first: every paper after this one is older still
        carried.append(paper)
    return carried


def _channels(feed: Feed, site: SiteConfig, empty_date: dt.datetime) -> list[_Channel]:
    """The site's channel, then one per tag of the vocabulary in slug order; papers stay in feed order."""
    size = site.feed_size
    newest = _newest(feed.papers, size)
    tags = sorted(feed.tags.values(), key=lambda t: t.slug)
    tagged = {slug: _newest(papers, size) for slug, papers in feed.by_tag().items()}
    channels = [
        _channel(
            None,
            site.site_name,
            site.site_description or f"The newest papers of {site.site_name}.",
            urls.absolute(site.site_url, ""),
            newest,
            empty_date,
        )
    ]
    for tag in tags:
        channels.append(
            _channel(
                tag,
                feed_title(site, tag),
                tag.description or f"The newest papers tagged {tag.name}.",
                urls.absolute(site.site_url, urls.tag(tag.slug)),
                tagged[tag.slug],
                empty_date,
            )
        )
    return channels


def _channel(
    tag: Tag | None,
    title: str,
    description: str,
    page: str,
    papers: Iterable[Paper],
    empty_date: dt.datetime,
) -> _Channel:
    papers = tuple(papers)
    updated = max((_day(p.date) for p in papers), default=empty_date)
    return _Channel(tag, title, description, page, papers, updated)


def _day(date: dt.date) -> dt.datetime:
    """The day a paper entered the feed, as midnight UTC: a date that needs no clock."""
    return dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)


def empty_feed_date() -> dt.datetime:
    """A feed with no papers still needs a date; reproducible builds say which through SOURCE_DATE_EPOCH.

    Unset, it is 1970-01-01: a fixed date, never the clock. Set, it must be what the reproducible-builds
    spec says, a whole number of seconds (ASCII digits; int() alone would take '1_000' or Arabic digits).
    """
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw is None:
        return EPOCH
    value = raw.strip()
    how = "give a whole number of seconds since 1970-01-01 UTC, or unset it"
    if not re.fullmatch(r"[0-9]+", value):
        raise FeedError(f"SOURCE_DATE_EPOCH '{raw}' is not a number; {how}")
    if int(value) > LAST_EPOCH_SECOND:
        raise FeedError(f"SOURCE_DATE_EPOCH '{raw}' is after the year 9999; {how}")
    return EPOCH + dt.timedelta(seconds=int(value))


# --- the formats -------------------------------------------------------------------------------------------


class _NoExtension:
    """The feed-level half of a feedgen extension, which feedgen requires and which adds nothing."""

    def extend_ns(self) -> dict[str, str]:
        return {}

    def extend_rss(self, element: Any) -> Any:
        return element

    def extend_atom(self, element: Any) -> Any:
        return element


class _RelatedLinks(_NoExtension):
    """Writes an Atom entry's `<link rel="related">` links, with their titles and types.

    feedgen 1.0's own entry.link() drops every attribute but href when it writes Atom, which would turn
    these into extra alternate links (the spec allows one per type); so they are written here.
    """

    def __init__(self) -> None:
        self.links: list[OutsideLink] = []

    def extend_atom(self, element: Any) -> Any:
        for link in self.links:
            attributes = {"href": link.url, "rel": "related", "title": link.title}
            if link.mime:
                attributes["type"] = link.mime
            element.append(element.makeelement("link", attributes))
        return element


def _rss_and_atom(
    channel: _Channel, site: SiteConfig, content: ItemContent, vocabulary: dict[str, Tag]
) -> tuple[bytes, bytes]:
    """One feedgen feed, written as RSS 2.0 and as Atom 1.0.

    An item's outside links (arXiv, PDF, code) are in its HTML content in every format. Atom also names
    them as rel="related" links. RSS has no element for them: <comments> is a page of comments on the
    item and <source> the channel an item was copied from, and an <enclosure> would have podcast-style
    readers download every PDF; so an RSS item carries them in its description only.
    """
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)  # RSS's own <author> must be an e-mail address
    fg.register_extension("paperfeed_links", _NoExtension, _RelatedLinks, atom=True, rss=False)
    fg.id(channel.url(site, "atom"))
    fg.title(channel.title)
    # feedgen keeps one value for the RSS description and the Atom subtitle, but readers take the first for
    # HTML (the channel's too) and the second, of type text, as it is: the plain text of tags.yml is escaped
    # for RSS here, and set again as it is for Atom below.
    fg.description(html.escape(channel.description, quote=False))
    fg.author({"name": site.site_name})  # Atom needs a feed author for entries that name none
    fg.generator(GENERATOR)
    fg.docs("https://www.rssboard.org/rss-specification")
    fg.updated(channel.updated)  # also the RSS lastBuildDate
    # RSS takes its channel link from the last link added, so the page goes last.
    fg.link(href=channel.url(site, "rss"), rel="self", type=MIME_TYPES["rss"])
    fg.link(href=channel.page_url, rel="alternate", type="text/html")
    for paper in channel.papers:
        entry = fg.add_entry(order="append")
        entry.guid(item_id(paper.slug), permalink=False)
        entry.title(paper.title)
        entry.link(href=content.page_url(paper), rel="alternate", type="text/html")
        entry.content(content.html(paper), type="html")
        entry.paperfeed_links.links = content.links(paper)
        entry.published(_day(paper.date))
        entry.updated(_day(paper.date))
        if paper.authors:
            entry.author([{"name": name} for name in paper.authors])
            entry.dc.dc_creator(list(paper.authors))
        entry.category([{"term": slug, "label": tag_name(slug, vocabulary)} for slug in paper.tags])
    rss: bytes = fg.rss_str(pretty=True)
    fg.subtitle(channel.description)
    # The Atom self link is the Atom file's own URL.
    fg.link(href=channel.url(site, "atom"), rel="self", type=MIME_TYPES["atom"], replace=True)
    fg.link(href=channel.page_url, rel="alternate", type="text/html")
    atom: bytes = fg.atom_str(pretty=True)
    return rss, atom


def _json_feed(
    channel: _Channel, site: SiteConfig, content: ItemContent, vocabulary: dict[str, Tag]
) -> bytes:
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""
    items: list[dict[str, Any]] = []
    for paper in channel.papers:
        item: dict[str, Any] = {
            "id": item_id(paper.slug),
            "url": content.page_url(paper),
            # JSON Feed's "page elsewhere" that the item is about; the PDF and code are in content_html.
            **({"external_url": paper.arxiv_url} if paper.arxiv_url else {}),
            "title": paper.title,
            "content_html": content.html(paper),
            "date_published": _day(paper.date).isoformat(),
        }
        if paper.authors:
            item["authors"] = [{"name": name} for name in paper.authors]
        item["tags"] = [tag_name(slug, vocabulary) for slug in paper.tags]
        items.append(item)
    document = {
        "version": JSON_FEED_VERSION,
        "title": channel.title,
        "home_page_url": channel.page_url,
        "feed_url": channel.url(site, "json"),
        "description": channel.description,
        "authors": [{"name": site.site_name}],
        "items": items,
    }
    return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


def _opml(channels: list[_Channel], site: SiteConfig) -> bytes:
    """OPML 2.0 subscription list of the Atom feeds, the site's first and then every tag's, so a reader
    can follow the whole feed or pick tags in one step."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = f"{site.site_name}: every feed"
    body = ET.SubElement(root, "body")
    for channel in channels:
        ET.SubElement(
            body,
            "outline",
            type="rss",  # OPML 2.0's type for any subscription, Atom included
            text=channel.title,
            title=channel.title,
            description=channel.description,
            xmlUrl=channel.url(site, "atom"),
            htmlUrl=channel.page_url,
        )
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    return data + b"\n"


# --- the trending feed -------------------------------------------------------------------------------------


def trending_item_id(slug: str) -> str:
    """The id of a paper's item in the trending feed: from its slug, so it stays while the paper stays in
    the feed, and apart from its id in the other feeds (a trending item is news of its own)."""
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, 'paperfeed:trending:' + slug)}"


def trending_feed(trend: trending.Trending, site: SiteConfig, vocabulary: dict[str, Tag]) -> bytes:
    """RSS 2.0 of the trending papers, best first, each with its signal before its abstract. The feed is
    dated by the data's "now" (the newest sample or paper), an item by its paper's day: never the clock."""
    content = ItemContent(site)
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    page = urls.absolute(site.site_url, urls.trending())
    title = f"{site.site_name}: trending this week"
    description = f"The papers of {site.site_name} with the most activity this week: stars and upvotes."
    fg.title(title)
    fg.description(html.escape(description, quote=False))
    fg.generator(GENERATOR)
    fg.docs("https://www.rssboard.org/rss-specification")
    fg.updated(_day(trend.now) if trend.now else empty_feed_date())  # the RSS lastBuildDate
    # RSS takes its channel link from the last link added, so the page goes last.
    fg.link(href=urls.absolute(site.site_url, urls.TRENDING_FEED), rel="self", type=MIME_TYPES["rss"])
    fg.link(href=page, rel="alternate", type="text/html")
    for paper in trend.ranked:
        entry = fg.add_entry(order="append")
        entry.guid(trending_item_id(paper.slug), permalink=False)
        entry.title(paper.title)
        entry.link(href=content.page_url(paper), rel="alternate", type="text/html")
        words = trending.words(trend.signals.get(paper.slug))
        signal = f"<p>{html.escape(' · '.join(words), quote=False)}</p>\n" if words else ""
        entry.content(signal + content.html(paper), type="html")
        entry.published(_day(paper.date))
        if paper.authors:
            entry.dc.dc_creator(list(paper.authors))
        entry.category([{"term": slug, "label": tag_name(slug, vocabulary)} for slug in paper.tags])
    data: bytes = fg.rss_str(pretty=True)
    return data
