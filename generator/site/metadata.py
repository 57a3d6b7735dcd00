"""What a page's head tells other programs: its links to its feeds (feed readers), citation_* tags (Google
Scholar, Zotero), OpenGraph and Twitter card tags (link previews) and schema.org JSON-LD, all made from the
model. The head is one slot of the fast path's chrome (generator/site/fastpath.py): pages that differ only
here (each tag's, which link to their tag's feeds) share one.

Values are plain text until Head.html() escapes each one into its attribute. The JSON-LD is written so that
no value can end its <script> element: `<`, `>` and `&` are JSON escapes, which HTML leaves alone.
"""

from __future__ import annotations

import dataclasses
import html
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator import urls
from generator.config import SiteConfig
from generator.data import citations, feed_links, paperlinks
from generator.model import Feed, Paper


@dataclass(frozen=True)
class MetaTag:
    """`<meta {attribute}="{key}" content="{content}">`: attribute is name (citation_, twitter:) or property
    (og:, article:), as each vocabulary asks."""

    attribute: str
    key: str
    content: str


@dataclass(frozen=True)
class Head:
    """Everything a page adds to its head: its links to its feeds (`<link>` elements:
    generator/data/feed_links.py), meta tags in order, and the JSON-LD text (or none)."""

    tags: list[MetaTag] = field(default_factory=list)
    json_ld: str = ""
    feeds: str = ""

    def html(self) -> str:
        """The elements, each value escaped into its attribute (made here, not in the theme: a template
        loop over a dozen tags on each of 10,000 pages costs a build a second)."""
        lines = [self.feeds] if self.feeds else []
        lines += [
            f'<meta {t.attribute}="{html.escape(t.key)}" content="{html.escape(t.content)}">'
            for t in self.tags
        ]
        if self.json_ld:
            lines.append(f'<script type="application/ld+json">{self.json_ld}</script>')
        return "\n  ".join(lines)


def _name(key: str, content: str) -> MetaTag:
    return MetaTag("name", key, content)


def _property(key: str, content: str) -> MetaTag:
    return MetaTag("property", key, content)


def script_json(data: object) -> str:
    """JSON that can stand inside a <script> element: nothing in it reads as markup to HTML."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def opengraph(title: str, url: str, site_name: str, kind: str = "website") -> list[MetaTag]:
    """OpenGraph's required four and the site's name; a Twitter card that reads them. No og:description:
    the page's description meta, which previews read when it is missing, says it already (a paper page's
    weight counts on 10,000 pages)."""
    return [
        _property("og:type", kind),
        _property("og:title", title),
        _property("og:url", url),
        _property("og:site_name", site_name),
        # Twitter reads og:title (and the description) when its own are missing: the card type is enough.
        _name("twitter:card", "summary"),
    ]


def page_head(title: str, url: str, site_name: str) -> Head:
    """A listing's or hand-written page's head: OpenGraph alone."""
    return Head(opengraph(title, url, site_name))


def paper_head(paper: Paper, url: str, site_name: str) -> Head:
    """A paper page's head: Highwire Press citation_* tags, OpenGraph (an article) and a ScholarlyArticle,
    each with what its readers use (Google Scholar's required fields, a preview's title, an article's
    headline, authors, date and arXiv page)."""
    arxiv = citations.arxiv_id(paper)
    pdf = paperlinks.pdf_url(paper)
    abstract_page = paperlinks.arxiv_abs(arxiv) if arxiv else url
    cite = [_name("citation_title", paper.title)]
    cite += [_name("citation_author", author) for author in paper.authors]
    year = citations.year(paper)
    if paper.published:
        cite.append(_name("citation_publication_date", paper.published.strftime("%Y/%m/%d")))
    elif year:
        cite.append(_name("citation_publication_date", str(year)))
    if arxiv:
        cite.append(_name("citation_arxiv_id", arxiv))
    if pdf:
        cite.append(_name("citation_pdf_url", pdf))
    cite.append(_name("citation_abstract_html_url", abstract_page))
    graph = opengraph(paper.title, url, site_name, "article")
    article: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": paper.title,
    }
    if paper.authors:
        article["author"] = [{"@type": "Person", "name": author} for author in paper.authors]
    if paper.published:
        article["datePublished"] = paper.published.isoformat()
    if arxiv:
        article["identifier"] = f"arXiv:{arxiv}"
        article["sameAs"] = paperlinks.arxiv_abs(arxiv)
    return Head(cite + graph, script_json(article))


def of_page(
    site: SiteConfig,
    feed: Feed,
    paper: Paper | None,
    src_uri: str,
    meta: Mapping[str, Any] | None,
    title: object,
    path: str,
) -> Head:
    """A built page's head: its `paper`'s metadata, or any other page's from its front matter's title (held
    escaped) or its own, and its path; with its links to its feeds."""
    shown = html.unescape(str((meta or {}).get("title") or title or site.site_name))
    head = head_of(paper, shown, urls.absolute(site.site_url, path), site.site_name)
    return dataclasses.replace(head, feeds=feed_links.of_page(site, feed.tags, meta or {}, src_uri))


def head_of(paper: Paper | None, title: str, url: str, site_name: str) -> Head:
    """A page's metadata: a paper page's from its record, any other page's from its title."""
    return paper_head(paper, url, site_name) if paper is not None else page_head(title, url, site_name)
