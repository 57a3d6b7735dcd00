"""The feed as Markdown pages (jinja2 templates in site/templates/): papers, days, weeks, months, tags.

Pages carry their body as escaped HTML inside Markdown, so that no contributed text is ever read as
Markdown or markup; the only unescaped HTML is the abstract, which `abstracts.render` has sanitized.
Titles and descriptions go into front matter already HTML-escaped, because Material prints `page.title`
and `page.meta` unescaped in `<title>`, meta tags and the header (MkDocs renders themes without
autoescape).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from itertools import groupby
from pathlib import PurePosixPath
from typing import Any

import jinja2
from markupsafe import Markup

from generator import urls
from generator.config import SiteConfig
from generator.data import citations, paperlinks, trending
from generator.data.starfile import StarData
from generator.model import Feed, Paper
from generator.periods import Period, long_date, month_label, short_date, week_label
from generator.records import abstracts
from generator.site import front_matter, page_parts, related, wording


@dataclass(frozen=True)
class Page:
    """A generated Markdown page: its path in the virtual docs folder, its text, and its last change."""

    src: str
    text: str
    updated: dt.date | None
    in_nav: bool = False
    front: front_matter.Front | None = None  # read where the page was made, if it was (site/parallel.py)


@dataclass(frozen=True)
class DigestCopy:
    """A digest that went out, as its web copy shows it: the papers it carried that the feed still has,
    how many it carried, and the day it first went out (mail/digest.py reads them from the ledger)."""

    period: Period
    papers: tuple[Paper, ...]
    carried: int
    first_sent: dt.date

    @property
    def web_path(self) -> str:
        return urls.digest(self.period.id)


@cache
def environment() -> jinja2.Environment:
    """The one Jinja environment of site/templates/, for the pages and the digest's e-mail alike: HTML
    escaped everywhere but in plain-text templates (*.txt.j2, the e-mail's text part)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator.site", "templates"),
        autoescape=lambda name: name is None or not name.endswith(".txt.j2"),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        # The templates are the package's, unchanged while it runs: without this, every page's render and
        # each of its imports checks every template file's time again (8 file system calls a paper page).
        auto_reload=False,
    )
    env.filters["long_date"] = long_date
    env.filters["short_date"] = short_date
    env.filters["front"] = front_value
    env.filters["breakable"] = breakable
    env.filters["authors_short"] = authors_short
    env.filters["counted"] = wording.count  # {{ n | counted("paper") }}: "1 paper", "2 papers"
    env.filters["wrap"] = _wrap
    return env


def _wrap(text: str, indent: str = "") -> str:
    """Plain text in lines of 76 characters at most (e-mail's), each starting with `indent`."""
    return textwrap.fill(
        text, width=76, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
    )


def front_value(text: str) -> Markup:
    """A front-matter value: HTML-escaped (Material prints it raw), then JSON-quoted (valid YAML)."""
    return Markup(json.dumps(html.escape(text, quote=True), ensure_ascii=False))


def authors_short(authors: Sequence[str]) -> str:
    """The first three authors, and "et al." for more: a card's byline."""
    return ", ".join(authors[:3]) + (" et al." if len(authors) > 3 else "")


def breakable(url: str) -> Markup:
    """A URL shown as text that a narrow screen may break after a slash of its path, and nowhere else."""
    scheme, sep, rest = url.partition("://")
    return Markup(html.escape(scheme + sep)) + Markup("/<wbr>").join(rest.split("/"))


def src_of(url_path: str) -> str:
    """The docs-relative Markdown source of a directory URL: papers/x/ -> papers/x.md, '' -> index.md."""
    if url_path.startswith("papers/"):
        return url_path.rstrip("/") + ".md"
    return url_path + "index.md"


class _Linker:
    """Relative links from one page to another, so the site works under any base path."""

    def __init__(self, here: str) -> None:
        self.prefix = "../" * here.count("/")  # every page URL is a directory: papers/x/ is two deep

    def __call__(self, target: str) -> str:
        return self.prefix + target if self.prefix or target else "./"


@dataclass(frozen=True)
class _Nav:
    """Links to the neighbours of a day, week or month page."""

    prev_url: str | None
    prev_label: str | None
    next_url: str | None
    next_label: str | None


def _neighbours(keys: Sequence[str], i: int, url: Callable[[str], str], label: Callable[[str], str]) -> _Nav:
    """The neighbours of `keys[i]`, `keys` newest first: "previous" is older, "next" is newer."""
    older = keys[i + 1] if i + 1 < len(keys) else None
    newer = keys[i - 1] if i > 0 else None
    return _Nav(
        url(older) if older else None,
        label(older) if older else None,
        url(newer) if newer else None,
        label(newer) if newer else None,
    )


class SiteBuilder:
    """Writes every page of the site for one feed."""

    def __init__(self, feed: Feed, site: SiteConfig, stars: StarData | None = None) -> None:
        self.feed = feed
        self.site = site
        self.stars = stars or StarData()
        self.env = environment()
        self.days = [(d, list(ps)) for d, ps in groupby(feed.papers, key=lambda p: p.date)]
        self.day_keys = [d.isoformat() for d, _ in self.days]
        self.weeks = _group(feed.papers, lambda p: urls.week_key(p.date))
        self.months = _group(feed.papers, lambda p: urls.month_key(p.date))
        self.slugs = feed.by_slug()
        self._card_meta: dict[tuple[str, bool, bool], Markup] = {}
        self._card_links: dict[str, list[str]] = {}  # each paper's, in each of its card lines
        self.parts = page_parts.PageParts(self.env, self._common)

    @cached_property
    def keys(self) -> dict[str, str]:
        return citations.citation_keys(self.feed)

    @cached_property
    def related(self) -> dict[str, tuple[str, ...]]:
        # Made when the paper pages are (the digest's pages use this builder too, and need none of it).
        return related.related(self.feed)

    @cached_property
    def trend(self) -> trending.Trending:
        """The trending ranking, made once for every page that shows it (cards show each paper's signal)."""
        return trending.rank(self.feed, self.stars)

    def render(self, template: str, here: str, **context: Any) -> str:
        """A page's Markdown from `template`, with its links relative to `here`; `signal_always=True`: its
        cards say where no trending signal is known (the trending page's)."""
        parts = self.parts.at(_Linker(here), bool(context.pop("signal_always", False)))
        return self.env.get_template(template).render(
            m=parts.macros, trending=parts.signals, **parts.values, **context
        )

    def _common(self) -> dict[str, Any]:
        """What the pages' shared pieces use, the same on every page (site/page_parts.py)."""
        return {
            "site": self.site,
            "tags": self.feed.tags,
            "urls": urls,
            "excerpt": _excerpt,
            "card_meta": self.card_meta,
            "trend": self.trend,
            "signal_words": trending.words,
        }

    def card_meta(self, paper: Paper, dated: bool = False, listed: bool = False) -> Markup:
        """A card's line of small items (the day on tag pages, arXiv, PDF and code links; the upvotes in a
        week's or month's list, where no trending line shows them), made once per paper: a paper is on five
        listings or more, and the line has no relative link. A link made from the arXiv id needs no rel;
        one the record gives is nofollow. Without a class in a week's or month's list (paperfeed.css styles
        .pf-titles li > p), which may hold hundreds."""
        key = (paper.slug, dated, listed)
        cached = self._card_meta.get(key)
        if cached is None:
            items = []
            if dated:
                items.append(f'<time datetime="{paper.date.isoformat()}">{short_date(paper.date)}</time>')
            links = self._card_links.get(paper.slug)
            if links is None:
                links = self._card_links[paper.slug] = list(map(_card_link, paperlinks.card_links(paper)))
            items += links
            if paper.upvotes and listed:  # a card shows them on its trending line (_trending.md.j2)
                items.append(f"<span>{wording.count(paper.upvotes, 'upvote')}</span>")
            attribute = "" if listed else ' class="pf-card__meta"'
            cached = Markup(f"<p{attribute}>{' '.join(items)}</p>" if items else "")
            self._card_meta[key] = cached
        return cached

    def pages(self) -> Iterable[Page]:
        yield from self.paper_pages()
        yield from self.listing_pages()

    def listing_pages(self) -> Iterable[Page]:
        """Every page but the papers' (generator/site/parallel.py renders them beside the papers')."""
        yield from self.day_pages()
        yield self.trending_page()
        yield from self.period_pages("week", self.weeks, week_label, urls.week)
        yield from self.period_pages("month", self.months, month_label, urls.month)
        yield from self.tag_pages()
        yield self.archive_page()
        yield self.feeds_page()
        yield self.search_page()

    def paper_pages(self, part: slice = slice(None)) -> Iterable[Page]:
        """The paper pages, newest day first (`part` of them: generator/site/parallel.py shares them out)."""
        return (self.paper_page(papers, i) for papers, i in self._places[part])

    @cached_property
    def _places(self) -> list[tuple[Sequence[Paper], int]]:
        """Each paper as its day's papers and its place among them, newest day first."""
        return [(papers, i) for _, papers in self.days for i in range(len(papers))]

    def paper_page(self, papers: Sequence[Paper], i: int) -> Page:
        """The page of `papers[i]`, one of the papers of a day (its neighbours there are linked)."""
        paper = papers[i]
        here = urls.paper(paper.slug)
        text = self.render(
            "paper.md.j2",
            here,
            paper=paper,
            abstract=Markup(abstracts.render(paper.abstract)),
            description=abstracts.excerpt(paper.abstract, 200),
            cite=citations.bibtex(paper, self.keys[paper.slug]),
            links=paperlinks.outside_links(paper, huggingface_page=True),
            related=[self.slugs[slug] for slug in self.related[paper.slug]],
            edit_url=self.site.record_edit_url(PurePosixPath(paper.source).parent.name, paper.slug),
            prev=papers[i - 1] if i > 0 else None,
            next=papers[i + 1] if i + 1 < len(papers) else None,
        )
        return Page(src_of(here), text, paper.date)

    def day_pages(self) -> Iterable[Page]:
        for n, (day, papers) in enumerate(self.days):
            nav = _neighbours(self.day_keys, n, lambda k: urls.day(dt.date.fromisoformat(k)), _day_label)
            context = {"day": day, "papers": papers, "nav": nav}
            here = urls.day(day)
            yield Page(src_of(here), self.render("day.md.j2", here, home=False, **context), day)
            if n == 0:
                yield Page("index.md", self.render("day.md.j2", "", home=True, **context), day, in_nav=True)
        if not self.days:
            yield Page("index.md", self.render("empty.md.j2", ""), None, in_nav=True)

    def period_pages(
        self,
        kind: str,
        groups: dict[str, list[Paper]],
        label: Callable[[str], str],
        url: Callable[[dt.date], str],
    ) -> Iterable[Page]:
        keys = list(groups)
        for n, (key, papers) in enumerate(groups.items()):
            here = url(papers[0].date)
            nav = _neighbours(keys, n, lambda k: url(groups[k][0].date), label)
            by_day = [(d, list(ps)) for d, ps in groupby(papers, key=lambda p: p.date)]
            # A month page leads on to its weeks (newest first), so the archive reaches every week.
            weeks = {urls.week_key(d): d for d, _ in reversed(by_day)} if kind == "month" else {}
            text = self.render(
                "period.md.j2",
                here,
                kind=kind,
                title=label(key),
                by_day=by_day,
                nav=nav,
                count=len(papers),
                weeks=[(week_label(k), urls.week(d)) for k, d in sorted(weeks.items(), reverse=True)],
            )
            yield Page(src_of(here), text, papers[0].date)

    def tag_pages(self) -> Iterable[Page]:
        tagged = self.feed.by_tag()
        counts = {slug: len(papers) for slug, papers in tagged.items()}
        newest = self.feed.papers[0].date if self.feed.papers else None
        text = self.render("tags.md.j2", urls.tags_index(), counts=counts)
        yield Page(src_of(urls.tags_index()), text, newest, in_nav=True)
        size = self.site.page_size
        for slug, papers in tagged.items():
            tag = self.feed.tags[slug]
            pages = max(1, -(-len(papers) // size))
            for number in range(1, pages + 1):
                here = urls.tag(slug, number)
                chunk = papers[(number - 1) * size : number * size]
                text = self.render(
                    "tag.md.j2", here, tag=tag, papers=chunk, number=number, pages=pages, total=len(papers)
                )
                yield Page(src_of(here), text, chunk[0].date if chunk else None)

    def archive_page(self) -> Page:
        years = [(y, list(ms)) for y, ms in groupby(self.months.items(), key=lambda kv: kv[0][:4])]
        text = self.render(
            "archive.md.j2", "archive/", years=years, month_label=month_label, weeks=self.weeks
        )
        newest = self.feed.papers[0].date if self.feed.papers else None
        return Page("archive/index.md", text, newest, in_nav=True)

    def feeds_page(self) -> Page:
        newest = self.feed.papers[0].date if self.feed.papers else None
        return Page("feeds/index.md", self.render("feeds.md.j2", "feeds/"), newest, in_nav=True)

    def trending_page(self) -> Page:
        here = urls.trending()
        text = self.render(
            "trending.md.j2", here, signal_always=True, formula=trending, feed_url=urls.TRENDING_FEED
        )
        return Page(src_of(here), text, self.trend.now, in_nav=True)

    def digest_pages(self, copies: Sequence[DigestCopy]) -> list[Page]:
        """The /digests/ page (`copies` newest first) and each digest's web copy."""
        here = urls.digests()
        index = self.render("digest_index.md.j2", here, copies=copies)
        pages = [Page(src_of(here), index, copies[0].first_sent if copies else None, in_nav=True)]
        for copy in copies:
            text = self.render("digest_page.md.j2", copy.web_path, digest=copy)
            pages.append(Page(src_of(copy.web_path), text, copy.first_sent))
        return pages

    def search_page(self) -> Page:
        # The page the header's search box submits to without script, and that a shared search opens.
        return Page("search/index.md", self.render("search.md.j2", "search/"), None)


def _card_link(link: paperlinks.OutsideLink) -> str:
    """One of a card's links, as HTML."""
    rel = ' rel="nofollow"' if link.contributed else ""
    return f'<a href="{html.escape(link.url)}"{rel}>{html.escape(link.title)}</a>'


def _excerpt(text: str) -> Markup:
    """A card's excerpt of an abstract, as HTML."""
    return Markup(abstracts.excerpt_html(text))


def _day_label(key: str) -> str:
    return long_date(dt.date.fromisoformat(key))


def _group(papers: Iterable[Paper], key: Callable[[Paper], str]) -> dict[str, list[Paper]]:
    """Papers grouped by key, groups and papers in feed order (newest first)."""
    groups: dict[str, list[Paper]] = {}
    for paper in papers:
        groups.setdefault(key(paper), []).append(paper)
    return groups


def build_pages(
    feed: Feed, site: SiteConfig, stars: StarData | None = None, keys: dict[str, str] | None = None
) -> list[Page]:
    """Every generated page of the site, in a stable order; `stars` are the samples the trending page
    ranks by (none: upvotes and recency alone), `keys` the citation keys if made already."""
    builder = SiteBuilder(feed, site, stars)
    if keys is not None:
        builder.keys = keys  # a cached_property: set, it is not made again
    return list(builder.pages())
