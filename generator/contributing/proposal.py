"""The candidates pull request's title and description: the records its branch adds to the feed, each
linked to arXiv, for a curator to prune before merging."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from generator.model import Paper

MAX_BODY = 60_000  # GitHub refuses a description longer than 65,536 characters
MAX_LOG = 20_000
# What Markdown could read as markup in a link's text. Mentions and issue references need no escape
# there: GitHub links neither inside a link.
_MARKUP_RE = re.compile(r"([\\`*_\[\]<>&$~])")


def title(day: dt.date, count: int) -> str:
    return f"Candidates for {day.isoformat()}: {count} paper{'' if count == 1 else 's'}"


def _escape(text: str) -> str:
    return _MARKUP_RE.sub(r"\\\1", text)


def item(paper: Paper) -> str:
    """One candidate as a list item: its title linked to arXiv, its file and its tags."""
    name = _escape(paper.title)
    linked = f"[{name}]({paper.arxiv_url})" if paper.arxiv_url else name
    tags = ", ".join(f"`{tag}`" for tag in paper.tags)
    return f"1. {linked}: `{paper.source}`, tags {tags}"


def _fenced(text: str) -> str:
    """Text in a code block whose fence no run of backticks in it can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text.rstrip()}\n{fence}"


def description(papers: Sequence[Paper], day: dt.date, log: str | None = None) -> str:
    """The pull request's description, in GitHub Markdown, at most MAX_BODY characters."""
    count = len(papers)
    lines = [
        f"**{count} candidate{'' if count == 1 else 's'}** from the arXiv queries of `content/sources.yml`,"
        f" proposed by `paperfeed import` on {day.isoformat()}.",
        "",
        "Keep what belongs in the feed: delete the record of each paper that does not (**Files changed**,"
        " then **⋯ > Delete file**), correct its tags where needed, then merge. Merging publishes them."
        " Until then, each daily run adds its new candidates here and keeps your changes.",
        "",
    ]
    if log and log.strip():
        shown = log if len(log) <= MAX_LOG else f"{log[:MAX_LOG]}\n… (cut; the workflow run has it all)"
        tail = ["", "<details><summary>What the import did</summary>", "", _fenced(shown), "", "</details>"]
    else:
        tail = []
    room = MAX_BODY - sum(len(line) + 1 for line in [*lines, *tail]) - 100
    for number, paper in enumerate(papers):
        line = item(paper)
        if len(line) + 1 > room:
            lines.append(f"\n… and {count - number} more: see **Files changed**.")
            break
        lines.append(line)
        room -= len(line) + 1
    return "\n".join([*lines, *tail]) + "\n"
