"""Data for programs: every paper as JSON (`papers.json`) and as BibTeX (`papers.bib`), for the site and
for each tag, newest first.

papers.json is an object: `{"version": 1, "title", "home_page_url", "papers": [...]}`, and each paper
`{"slug", "url", "title", "authors", "arxiv", "published", "date", "tags", "links", "upvotes",
"citation_key"}` (README.md, "Data for programs", says what each holds). A change that could break a
reader of version 1 (a field renamed, removed or of another type) makes a new version; new fields may
join version 1.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from generator import urls
from generator.config import SiteConfig
from generator.data import citations
from generator.model import Feed, Paper

SCHEMA_VERSION = 1


def paper_record(paper: Paper, site: SiteConfig, key: str) -> dict[str, object]:
    """One paper as papers.json holds it: every field always present (null or empty when unknown)."""
    return {
        "slug": paper.slug,
        "url": urls.absolute(site.site_url, urls.paper(paper.slug)),
        "title": paper.title,
        "authors": list(paper.authors),
        "arxiv": paper.arxiv,
        "published": paper.published.isoformat() if paper.published else None,
        "date": paper.date.isoformat(),
        "tags": list(paper.tags),
        "links": {link.label: link.url for link in paper.links},
        "upvotes": paper.upvotes,
        "citation_key": key,
    }


def papers_json(lines: Sequence[str], site: SiteConfig, title: str, page: str) -> str:
    """The JSON document of papers given as their JSON lines, in feed order (newest first): compact, with
    one paper to a line, so that it stays small and a change of one paper is a change of one line."""
    head = {"version": SCHEMA_VERSION, "title": title, "home_page_url": urls.absolute(site.site_url, page)}
    body = "[\n" + ",\n".join(lines) + "\n]" if lines else "[]"
    return _compact(head)[:-1] + ',"papers":' + body + "}\n"


def _paper_data(paper: Paper, site: SiteConfig, key: str) -> tuple[str, str]:
    """A paper's JSON line and its BibTeX entry."""
    return _compact(paper_record(paper, site, key)), citations.bibtex(paper, key) + "\n\n"


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def render_exports(
    feed: Feed,
    site: SiteConfig,
    keys: dict[str, str] | None = None,
    kept: dict[tuple[Paper, str], tuple[str, str]] | None = None,
) -> dict[str, bytes]:
    """Every data file by its site-relative path: the site's, then each tag's (empty ones too). Each
    paper's JSON line and BibTeX entry is made once, however many tags list it; `kept` keeps them from
    one call to the next, for the same site (`paperfeed serve`'s rebuilds)."""
    keys = keys if keys is not None else citations.citation_keys(feed)
    if kept is None:  # a build: each paper once (a paper's hash, for `kept`, takes longer than its line)
        made = {p.slug: _paper_data(p, site, keys[p.slug]) for p in feed.papers}
    else:
        found = {(p, keys[p.slug]): kept.get((p, keys[p.slug])) for p in feed.papers}
        kept.clear()
        kept.update({key: data or _paper_data(key[0], site, key[1]) for key, data in found.items()})
        made = {p.slug: data for (p, _), data in kept.items()}
    lines = {slug: data[0] for slug, data in made.items()}
    entries = {slug: data[1] for slug, data in made.items()}

    def write(papers: Sequence[Paper], title: str, page: str, tag: str | None = None) -> dict[str, str]:
        return {
            urls.papers_json(tag): papers_json([lines[p.slug] for p in papers], site, title, page),
            urls.papers_bib(tag): "".join(entries[p.slug] for p in papers),
        }

    files = write(feed.papers, site.site_name, "")
    for slug, papers in feed.by_tag().items():
        files |= write(papers, f"{site.site_name}: {feed.tags[slug].name}", urls.tag(slug), slug)
    return {path: text.encode("utf-8") for path, text in files.items()}
