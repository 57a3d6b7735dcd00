"""The site's permanent URLs, as paths relative to the site root (no leading slash, directory style)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from urllib.parse import urljoin, urlsplit


def paper(slug: str) -> str:
    return f"papers/{slug}/"


def tags_index() -> str:
    return "tags/"


def tag(slug: str, page: int = 1) -> str:
    return f"tags/{slug}/" if page == 1 else f"tags/{slug}/page/{page}/"


def tag_of(url_path: str) -> str | None:
    """The tag whose page (or one of its list's pages) `url_path` is (tag's URL or its source), if any."""
    parts = url_path.split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "tags" and parts[1] else None


def day(date: dt.date) -> str:
    return f"date/{date.isoformat()}/"


def week_key(date: dt.date) -> str:
    """The ISO week of a day, as 2025-W11."""
    year, week, _ = date.isocalendar()
    return f"{year}-W{week:02d}"


def week(date: dt.date) -> str:
    return f"week/{week_key(date)}/"


def month_key(date: dt.date) -> str:
    return f"{date.year:04d}-{date.month:02d}"


def month(date: dt.date) -> str:
    return f"month/{month_key(date)}/"


def digests() -> str:
    return "digests/"


def digest(period_id: str) -> str:
    """A digest's web copy: digests/2025-03-14/, digests/2025-W11/."""
    return f"digests/{period_id}/"


def trending() -> str:
    return "trending/"


TRENDING_FEED = "trending.xml"  # RSS 2.0, beside the site's feed.xml


def feed(kind: str, tag_slug: str | None = None) -> str:
    """A feed file: kind is rss, atom or json; per-tag feeds live beside the tag's page."""
    name = {"rss": "feed.xml", "atom": "atom.xml", "json": "feed.json"}[kind]
    return f"tags/{tag_slug}/{name}" if tag_slug else name


def papers_json(tag_slug: str | None = None) -> str:
    """Every paper (or a tag's) as JSON, for programs: papers.json, tags/<tag>/papers.json."""
    return f"tags/{tag_slug}/papers.json" if tag_slug else "papers.json"


def papers_bib(tag_slug: str | None = None) -> str:
    """Every paper's (or a tag's) BibTeX entry, for reference managers: papers.bib, tags/<tag>/papers.bib."""
    return f"tags/{tag_slug}/papers.bib" if tag_slug else "papers.bib"


def absolute(site_url: str, path: str) -> str:
    """`path` under the site's URL, which may itself have a path (https://user.github.io/repo/)."""
    return site_url.rstrip("/") + "/" + path.lstrip("/")


# A page URL of plain segments: unreserved characters, each segment ending with a slash ("" the home page).
PLAIN_PAGE = re.compile(r"(?:[A-Za-z0-9_~-]+/)*")


@functools.cache
def joined_prefixes(site_url: str) -> tuple[str, str] | None:
    """What joining a PLAIN_PAGE URL to the site's URL puts before it (urllib's urljoin, as MkDocs joins
    each page's), in the absolute URL and in that URL's path; None where joining does more than append
    (dots in the site's path, a query), which is then left to urljoin."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    joined = urljoin(base, "x/")
    if joined != base + "x/":
        return None
    return base, urlsplit(joined).path[: -len("x/")]
