"""Which feeds there are and how pages name them: each feed's title, address and type, the site's and each
tag's, and the trending feed."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import escape

from generator import urls
from generator.config import SiteConfig
from generator.model import Tag

KINDS = ("rss", "atom", "json")
MIME_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}
LABELS = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}


@dataclass(frozen=True)
class FeedLink:
    """One feed as pages link to it: `<link rel="alternate" type={mime} href={url} title={title}>`."""

    title: str
    url: str
    mime: str
    kind: str
    tag: str | None = None


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


def page_feed_links(site: SiteConfig, tag: Tag | None, *, trending: bool, paper: bool) -> list[FeedLink]:
    """The feeds a page names in its head: a listing every feed of its tag (or the site's), the trending
    page its own first; a paper page the site's RSS feed alone (for feed readers that look for one on any
    page): ten thousand paper pages each carry the difference."""
    links = [trending_feed_link(site), *feed_links(site, tag)] if trending else feed_links(site, tag)
    return [link for link in links if link.kind == "rss"] if paper else links


def of_page(site: SiteConfig, tags: Mapping[str, Tag], meta: Mapping[str, Any], src_uri: str) -> str:
    """The links of a page of the site to its feeds (page_feed_links), as its head has them: a tag's pages
    name the tag's feeds; the front matter's `feed_trending` (the trending page's) the trending feed."""
    tag = tags.get(urls.tag_of(src_uri) or "")
    return head_links(site, tag, bool(meta.get("feed_trending")), src_uri.startswith("papers/"))


@functools.cache
def head_links(site: SiteConfig, tag: Tag | None, trending: bool, paper: bool) -> str:
    """page_feed_links as `<link>` elements, each value escaped into its attribute; made once for all the
    pages that have the same (every paper's page). The relation is "alternate feed", not just "alternate":
    Material's script reads every link[rel=alternate] as a language version of the site and downloads
    sitemap.xml from beside it on each page view (a 404 beside a tag's feed). Feed readers match the
    alternate token, which is still there."""
    return "\n  ".join(
        f'<link rel="alternate feed" type="{escape(link.mime)}" title="{escape(link.title)}"'
        f' href="{escape(link.url)}">'
        for link in page_feed_links(site, tag, trending=trending, paper=paper)
    )


def trending_feed_link(site: SiteConfig) -> FeedLink:
    """The trending feed, as the trending page links to it."""
    return FeedLink(
        title=f"{site.site_name}: trending this week (RSS)",
        url=urls.absolute(site.site_url, urls.TRENDING_FEED),
        mime=MIME_TYPES["rss"],
        kind="rss",
    )
