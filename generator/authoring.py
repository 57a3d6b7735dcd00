"""Write new paper records: a good slug, the record text, and refusal of duplicates."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .model import Feed, Link
from .records import ContentError, arxiv_base, check, display_path

SLUG_MAX = 60


class DuplicateError(Exception):
    """The paper is already in the feed."""


@dataclass(frozen=True)
class Draft:
    """What a contributor gives for a new record."""

    title: str
    tags: tuple[str, ...]
    abstract: str
    date: dt.date
    authors: tuple[str, ...] = ()
    arxiv: str | None = None
    published: dt.date | None = None
    links: tuple[Link, ...] = field(default=())
    submitted_by: str | None = None


def slugify(title: str, limit: int = SLUG_MAX) -> str:
    """A URL slug from a title: ASCII lowercase words joined by hyphens, cut at a word boundary."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if len(slug) > limit:
        cut = slug.rfind("-", 0, limit + 1)
        slug = slug[: cut if cut > 0 else limit].strip("-")
    return slug or "paper"


def title_key(title: str) -> str:
    """What is left of a title when case, punctuation and spacing are ignored."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", title).casefold())


def find_duplicate(feed: Feed, slug: str, draft: Draft) -> str | None:
    """Why the draft duplicates a paper of the feed, or None."""
    for paper in feed.papers:
        if paper.slug.casefold() == slug.casefold():
            return f"the slug '{slug}' is taken by {paper.source}; choose another with --slug"
        if draft.arxiv and paper.arxiv and arxiv_base(paper.arxiv) == arxiv_base(draft.arxiv):
            return f"arXiv {draft.arxiv} is already in the feed: {paper.source}"
        if title_key(paper.title) == title_key(draft.title):
            return f"the title is already in the feed: {paper.source}"
    return None


def record_text(draft: Draft) -> str:
    """The record file's text; strings are JSON-quoted, which YAML reads back exactly."""

    def quote(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)

    lines = ["---", f"title: {quote(draft.title)}", f"date: {draft.date.isoformat()}"]
    lines.append(f"tags: [{', '.join(draft.tags)}]")
    if draft.authors:
        lines.append(f"authors: [{', '.join(quote(a) for a in draft.authors)}]")
    if draft.arxiv:
        lines.append(f"arxiv: {quote(draft.arxiv)}")
    if draft.published:
        lines.append(f"published: {draft.published.isoformat()}")
    if draft.links:
        lines.append("links:")
        lines += [f"  {link.label}: {link.url}" for link in draft.links]
    if draft.submitted_by:
        lines.append(f"submitted_by: {draft.submitted_by}")
    lines.append("---")
    return "\n".join(lines) + "\n" + draft.abstract.strip() + "\n"


def write_record(content_dir: Path, draft: Draft, slug: str | None = None) -> Path:
    """Write the draft as a valid record; refuse duplicates, and leave no file behind when invalid."""
    report = check(content_dir)
    slug = slug or slugify(draft.title)
    reason = find_duplicate(report.feed, slug, draft)
    if reason:
        raise DuplicateError(reason)
    path = content_dir / "papers" / str(draft.date.year) / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as out:
            out.write(record_text(draft))
    except FileExistsError:
        raise DuplicateError(
            f"{display_path(path)} exists already; choose another slug with --slug"
        ) from None
    problems = check(content_dir, only=[path]).problems
    if problems:
        path.unlink()
        raise ContentError(problems)
    return path
