"""Rules across files: a slug, an arXiv id and a title each belong to one record of the feed."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from generator.arxiv_ids import arxiv_base
from generator.records.paper import Record
from generator.records.problems import Problems, display_path, quoted
from generator.records.slugs import SLUG_RE, hyphenate


def title_key(title: str) -> str:
    """What is left of a title when case, punctuation and spacing are ignored: two papers never share it."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", title).casefold())


def check_slugs(paths: list[Path], problems: Problems) -> None:
    """A slug is the file stem: lowercase, and unique across year folders, also when case is ignored."""
    owners: dict[str, Path] = {}
    for path in paths:  # in order, so the later file is the one reported
        if SLUG_RE.fullmatch(path.stem):
            first = owners.setdefault(path.stem, path)
            if first is not path:
                message = f"'{path.stem}' is already used by {display_path(first)}; rename this file"
                problems.add(path=display_path(path), line=1, field="slug", message=message)
    for path in paths:
        slug = path.stem
        if SLUG_RE.fullmatch(slug):
            continue
        twin = owners.get(slug.casefold())
        if twin is not None:
            message = (
                f"{quoted(slug)} (the file name) differs only in case from {display_path(twin)}; slugs are"
                " lowercase and unique, so delete this file if it is the same paper, or rename it"
            )
        else:
            fix = _slug_fix(slug)
            rename = f"rename it {fix}.md" if fix not in owners else "rename it like my-paper-title.md"
            message = (
                f"{quoted(slug)} (the file name) must be lowercase letters, digits and hyphens; {rename}"
            )
        problems.add(path=display_path(path), line=1, field="slug", message=message)


def _slug_fix(slug: str) -> str:
    fixed = hyphenate(slug, 80)
    return fixed if SLUG_RE.fullmatch(fixed) else "my-paper-title"


def check_arxiv_ids(records: list[Record], problems: Problems) -> None:
    """One record per arXiv paper, whatever the version suffix; the later record is the one reported."""
    ids: dict[str, Record] = {}
    for record in records:
        paper = record.paper
        if not paper.arxiv:
            continue
        first = ids.setdefault(arxiv_base(paper.arxiv), record).paper
        if first is paper:
            continue
        same = "" if first.arxiv == paper.arxiv else f' as "{first.arxiv}" (the version does not count)'
        message = f'"{paper.arxiv}" is already in the feed{same}: {first.source}; a paper is listed once'
        problems.add(path=paper.source, line=record.line("arxiv"), field="arxiv", message=message)


def check_titles(records: list[Record], problems: Problems) -> None:
    """One record per title, ignoring case and punctuation; the later record is the one reported."""
    titles: dict[str, Record] = {}
    for record in records:
        paper = record.paper
        key = title_key(paper.title)
        if not key:
            continue  # a title of punctuation only is its own problem, not a duplicate of another one
        first = titles.setdefault(key, record).paper
        if first is not paper:
            message = (
                f"is already in the feed: {first.source} ({quoted(first.title)}); a paper is listed once,"
                " so delete this file if it is the same paper"
            )
            problems.add(path=paper.source, line=record.line("title"), field="title", message=message)
