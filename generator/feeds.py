"""Feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 for the site and for every tag, and an OPML list of the tag
feeds; the only module that imports feedgen.

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
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from feedgen.feed import FeedGenerator

from . import abstracts, urls
from .config import SiteConfig
from .model import Feed, Paper, Tag

# The namespace of item ids. Changing it changes every id, and every reader would show every paper again.
ID_NAMESPACE = uuid.UUID("9cc1e264-cd4d-49a5-b685-98cd9719fc93")
KINDS = ("rss", "atom", "json")
MIME_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}
LABELS = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
GENERATOR = "paperfeed"
OPML_PATH = "feeds.opml"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class FeedError(ValueError):
    """The feeds cannot be built as asked; the message says what to change."""


@dataclass(frozen=True)
class FeedLink:
    """One feed as pages link to it: `<link rel="alternate" type={mime} href={url} title={title}>`."""

    title: str
    url: str
    mime: str
    kind: str
    tag: str | None = None


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


def feed_title(site: SiteConfig, tag: Tag | None) -> str:
    return f"{site.site_name}: {tag.name}" if tag else site.site_name


def feed_links(site: SiteConfig, tag: Tag | None = None) -> list[FeedLink]:
    """The feeds a page links to: the tag's own first (the most specific), then the site's."""
    scopes = ([tag] if tag else []) + [None]
    return [
        FeedLink(
            title=f"{feed_title(site, scope)} ({LABELS[kind]})",
            url=urls.absolute(site.site_url, urls.feed(kind, scope.slug if scope else None)),
            mime=MIME_TYPES[kind],
            kind=kind,
            tag=scope.slug if scope else None,
        )
        for scope in scopes
        for kind in KINDS
    ]


def render_feeds(feed: Feed, site: SiteConfig) -> dict[str, bytes]:
    """Every feed file by its site-relative path: the site's, each tag's (empty ones too), and the OPML."""
    channels = _channels(feed, site)
    content = _ItemContent(site)
    files: dict[str, bytes] = {}
    for channel in channels:
        rss, atom = _rss_and_atom(channel, site, content, feed.tags)
        files[channel.path("rss")] = rss
        files[channel.path("atom")] = atom
        files[channel.path("json")] = _json_feed(channel, site, content, feed.tags)
    files[OPML_PATH] = _opml(channels[1:], site)
    return files


# --- what goes into the feeds ------------------------------------------------------------------------------


def _channels(feed: Feed, site: SiteConfig) -> list[_Channel]:
    """The site's channel, then one per tag of the vocabulary in slug order; papers stay in feed order."""
    limit = site.feed_size
    tags = sorted(feed.tags.values(), key=lambda t: t.slug)
    tagged: dict[str, list[Paper]] = {t.slug: [] for t in tags}
    for paper in feed.papers:  # one pass, not one scan of every paper per tag
        for slug in paper.tags:
            bucket = tagged.get(slug)
            if bucket is not None and len(bucket) < limit:
                bucket.append(paper)
    channels = [
        _channel(
            None,
            site.site_name,
            site.site_description or f"The newest papers of {site.site_name}.",
            urls.absolute(site.site_url, ""),
            feed.papers[:limit],
        )
    ]
    for tag in tags:
        channels.append(
            _channel(
                tag,
                feed_title(site, tag),
                tag.description or f"The newest papers tagged {tag.name}.",
                urls.absolute(site.site_url, urls.tag(tag.slug)),
                tuple(tagged[tag.slug]),
            )
        )
    return channels


def _channel(tag: Tag | None, title: str, description: str, page: str, papers: Iterable[Paper]) -> _Channel:
    papers = tuple(papers)
    updated = max((_day(p.date) for p in papers), default=None) or _empty_feed_date()
    return _Channel(tag, title, description, page, papers, updated)


def _day(date: dt.date) -> dt.datetime:
    """The day a paper entered the feed, as midnight UTC: a date that needs no clock."""
    return dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)


def _empty_feed_date() -> dt.datetime:
    """A feed with no papers still needs a date; reproducible builds say which through SOURCE_DATE_EPOCH."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return EPOCH
    if not value.isdigit():
        raise FeedError(f"SOURCE_DATE_EPOCH '{value}' must be a whole number of seconds since 1970-01-01 UTC")
    return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)


class _ItemContent:
    """Each paper's abstract as HTML, rendered once however many feeds carry it."""

    def __init__(self, site: SiteConfig) -> None:
        self.site = site
        self.cache: dict[str, str] = {}

    def page_url(self, paper: Paper) -> str:
        return urls.absolute(self.site.site_url, urls.paper(paper.slug))

    def html(self, paper: Paper) -> str:
        cached = self.cache.get(paper.slug)
        if cached is None:
            cached = self.cache[paper.slug] = abstracts.sanitize(
                abstracts.render(paper.abstract), base=self.page_url(paper)
            )
        return cached


def _tag_name(slug: str, vocabulary: dict[str, Tag]) -> str:
    tag = vocabulary.get(slug)
    return tag.name if tag else slug


# --- the formats -------------------------------------------------------------------------------------------


def _rss_and_atom(
    channel: _Channel, site: SiteConfig, content: _ItemContent, vocabulary: dict[str, Tag]
) -> tuple[bytes, bytes]:
    """One feedgen feed, written as RSS 2.0 and as Atom 1.0."""
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)  # RSS's own <author> must be an e-mail address
    fg.id(channel.url(site, "atom"))
    fg.title(channel.title)
    fg.subtitle(channel.description)
    # Readers take an RSS description for HTML (the channel's too); this one is plain text from tags.yml.
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
        entry.published(_day(paper.date))
        entry.updated(_day(paper.date))
        if paper.authors:
            entry.author([{"name": name} for name in paper.authors])
            entry.dc.dc_creator(list(paper.authors))
        entry.category([{"term": slug, "label": _tag_name(slug, vocabulary)} for slug in paper.tags])
    rss: bytes = fg.rss_str(pretty=True)
    # The Atom self link is the Atom file's own URL.
    fg.link(href=channel.url(site, "atom"), rel="self", type=MIME_TYPES["atom"], replace=True)
    fg.link(href=channel.page_url, rel="alternate", type="text/html")
    atom: bytes = fg.atom_str(pretty=True)
    return rss, atom


def _json_feed(
    channel: _Channel, site: SiteConfig, content: _ItemContent, vocabulary: dict[str, Tag]
) -> bytes:
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""
    items: list[dict[str, Any]] = []
    for paper in channel.papers:
        item: dict[str, Any] = {
            "id": item_id(paper.slug),
            "url": content.page_url(paper),
            "title": paper.title,
            "content_html": content.html(paper),
            "date_published": _day(paper.date).isoformat(),
        }
        if paper.authors:
            item["authors"] = [{"name": name} for name in paper.authors]
        item["tags"] = [_tag_name(slug, vocabulary) for slug in paper.tags]
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


def _opml(tag_channels: list[_Channel], site: SiteConfig) -> bytes:
    """OPML 2.0 subscription list of every tag's Atom feed, so a reader can follow all tags in one step."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = f"{site.site_name}: every tag"
    body = ET.SubElement(root, "body")
    for channel in tag_channels:
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
