"""Search-index entries for the papers, made from the model instead of parsed back out of their HTML.

Material's search plugin parses every page's HTML to index it, which took 40% of a 10,000-paper build. Paper
pages are kept out of its index (`search: {exclude: true}`) and these entries, in the same format (title and
text as escaped HTML), are added to the index it writes.
"""

from __future__ import annotations

import html

from . import abstracts, urls
from .model import Feed


def paper_entries(feed: Feed) -> list[dict[str, str]]:
    """One entry per paper: its title, and its authors, tags and abstract as text."""
    entries = []
    for paper in feed.papers:
        tags = ", ".join(feed.tags[t].name for t in paper.tags if t in feed.tags)
        parts = [", ".join(paper.authors), tags, abstracts.plain_text(paper.abstract)]
        text = "".join(f"<p>{html.escape(part, quote=False)}</p>" for part in parts if part)
        entries.append({"location": urls.paper(paper.slug), "title": html.escape(paper.title), "text": text})
    return entries
