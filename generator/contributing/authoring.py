"""Write new paper records: a good slug, the record text, and refusal of duplicates; one record, or a batch
that is written whole or not at all."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import PaperfeedError
from generator.model import Feed, Link
from generator.records import (
    HANDLE_RE,
    LINK_LABEL_RE,
    SLUG_RE,
    TAG_SLUG_RE,
    ContentError,
    Problem,
    arxiv_base,
    check,
    display_path,
    slugify,
    title_key,
)
from generator.records import SLUG_MAX as SLUG_MAX  # the limit of slugify's slugs, as paperfeed new uses it


class RefusedError(PaperfeedError):
    """The record was not written; the message says why."""


class DuplicateError(RefusedError):
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


def find_duplicate(feed: Feed, slug: str, draft: Draft) -> str | None:
    """Why the draft duplicates a paper of the feed, or None; the same paper first, then the same slug."""
    for paper in feed.papers:
        if draft.arxiv and paper.arxiv and arxiv_base(paper.arxiv) == arxiv_base(draft.arxiv):
            return f"arXiv {draft.arxiv} is already in the feed: {paper.source}"
    key = title_key(draft.title)
    for paper in feed.papers:
        if title_key(paper.title) == key:
            return f"the title is already in the feed: {paper.source} ({paper.title})"
    for paper in feed.papers:
        if paper.slug.casefold() == slug.casefold():
            return f"the slug '{slug}' is taken by {paper.source}; choose another with --slug"
    return None


class Taken:
    """The arXiv ids, titles and slugs of a feed, and of the drafts added to it, for telling at a glance
    whether a draft repeats a paper (or its slug is used), at any size of feed."""

    def __init__(self, feed: Feed) -> None:
        self.arxiv = {arxiv_base(p.arxiv): p.source for p in feed.papers if p.arxiv}
        self.titles = {title_key(p.title): p.source for p in feed.papers}
        self.slugs = {p.slug.casefold() for p in feed.papers}

    def repeated(self, draft: Draft) -> str | None:
        """Where the paper is already (a record's path, or the draft's slug), or None."""
        if draft.arxiv and arxiv_base(draft.arxiv) in self.arxiv:
            return self.arxiv[arxiv_base(draft.arxiv)]
        return self.titles.get(title_key(draft.title))

    def slug_free(self, slug: str) -> bool:
        return slug.casefold() not in self.slugs

    def add(self, slug: str, draft: Draft) -> None:
        if draft.arxiv:
            self.arxiv[arxiv_base(draft.arxiv)] = slug
        self.titles[title_key(draft.title)] = slug
        self.slugs.add(slug.casefold())


def record_text(draft: Draft) -> str:
    """The record file's text; strings are JSON-quoted, which YAML reads back exactly."""

    def quote(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)

    def plain(text: str, pattern: re.Pattern[str]) -> str:
        # Slugs and handles as contributors write them by hand; anything else quoted, for check to judge.
        return text if pattern.fullmatch(text) else quote(text)

    lines = ["---", f"title: {quote(draft.title)}", f"date: {draft.date.isoformat()}"]
    lines.append(f"tags: [{', '.join(plain(tag, TAG_SLUG_RE) for tag in draft.tags)}]")
    if draft.authors:
        lines.append(f"authors: [{', '.join(quote(a) for a in draft.authors)}]")
    if draft.arxiv:
        lines.append(f"arxiv: {quote(draft.arxiv)}")
    if draft.published:
        lines.append(f"published: {draft.published.isoformat()}")
    if draft.links:
        lines.append("links:")
        lines += [f"  {plain(link.label, LINK_LABEL_RE)}: {quote(link.url)}" for link in draft.links]
    if draft.submitted_by:
        lines.append(f"submitted_by: {plain(draft.submitted_by, HANDLE_RE)}")
    lines.append("---")
    return "\n".join(lines) + "\n" + draft.abstract.strip() + "\n"


def write_record(content_dir: Path, draft: Draft, slug: str | None = None) -> Path:
    """Write the draft as a valid record; refuse duplicates, and leave no file behind when invalid."""
    tags_file = content_dir / "tags.yml"
    if tags_file.is_dir():
        raise RefusedError(
            f"{display_path(tags_file)} is a folder; it must be the file of the tag vocabulary"
            " (slug: {name, description})"
        )
    if not tags_file.is_file():  # most likely run outside the repository: say so, rather than write there
        raise RefusedError(
            f"{display_path(tags_file)} is missing; run this in the feed's repository, or give its content"
            " folder with --content"
        )
    report = check(content_dir)
    slug = slug or slugify(draft.title)
    folder = content_dir / "papers" / str(draft.date.year)
    path = folder / f"{slug}.md"
    if not SLUG_RE.fullmatch(slug):  # before any file is made: a slug such as ../x would leave the tree
        raise RefusedError(
            f"the slug '{slug}' must be lowercase letters, digits and hyphens, e.g. {slugify(slug)}"
        )
    reason = find_duplicate(report.feed, slug, draft)
    if reason:
        raise DuplicateError(reason)
    # Encoded before any file is made: an argument that was not UTF-8 (Python keeps its bytes as lone
    # surrogates) must not leave an empty file behind.
    try:
        data = record_text(draft).encode("utf-8")
    except UnicodeEncodeError:
        raise RefusedError(
            "an option holds bytes that are not UTF-8 text; check the terminal's encoding (locale)"
        ) from None
    made = [p for p in (folder, *folder.parents) if not p.exists()]
    _make_folder(folder)
    try:
        with path.open("xb") as out:
            out.write(data)
    except FileExistsError:
        raise DuplicateError(
            f"{display_path(path)} exists already; choose another slug with --slug"
        ) from None
    except OSError as err:
        _remove(path, made)
        raise RefusedError(f"cannot write {display_path(path)} ({err.strerror})") from None
    problems = check(content_dir, only=[path]).problems
    if problems:
        _remove(path, made)
        raise ContentError(problems)
    return path


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        # "File exists" or "Not a directory" for a file in the way: name the file.
        blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
        why = f"{display_path(blocker)} is a file, not a folder" if blocker else err.strerror
        raise RefusedError(f"cannot make the folder {display_path(folder)}: {why}") from None


def _remove(path: Path, folders: list[Path]) -> None:
    """Take back a record written in vain, and the folders made for it (innermost first)."""
    path.unlink(missing_ok=True)
    for folder in folders:
        folder.rmdir()


def draft_problems(tags_file: Path, drafts: Iterable[tuple[str, Draft]]) -> dict[str, list[Problem]]:
    """The problems `paperfeed check` would find in each draft (by slug) written as a record, on its own
    (against the vocabulary, not the feed: Taken tells repeats). Nothing is written in the content."""
    found: dict[str, list[Problem]] = {}
    with tempfile.TemporaryDirectory(prefix="paperfeed-drafts-") as stage:
        root = Path(stage)
        shutil.copyfile(tags_file, root / "tags.yml")
        paths: dict[str, str] = {}
        for slug, draft in drafts:
            folder = root / "papers" / str(draft.date.year)
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{slug}.md"
            path.write_bytes(record_text(draft).encode("utf-8"))
            paths[display_path(path)] = slug
            found[slug] = []
        for problem in check(root).problems:
            if problem.path in paths:
                found[paths[problem.path]].append(problem)
    return found


@dataclass
class Written:
    """Records written by write_records, and the folders made for them, so that both can be taken back."""

    paths: list[Path] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)

    def take_back(self) -> None:
        for path in self.paths:
            path.unlink(missing_ok=True)
        for folder in sorted(self.folders, key=lambda f: len(f.parts), reverse=True):  # innermost first
            with contextlib.suppress(OSError):  # not empty after all: something else is in it now
                folder.rmdir()


def write_records(content_dir: Path, drafts: Iterable[tuple[str, Draft]], *, verify: bool = True) -> Written:
    """Write each (slug, draft) as a record, all of them or none: each file appears whole (written aside,
    then linked into place, never over a file), and if one cannot be written, or (with `verify`) the tree
    with them does not pass `check`, every one is taken back. The caller has ruled out repeats (Taken)."""
    written = Written()
    try:
        for slug, draft in drafts:
            if not SLUG_RE.fullmatch(slug):
                raise RefusedError(f"the slug '{slug}' must be lowercase letters, digits and hyphens")
            folder = content_dir / "papers" / str(draft.date.year)
            written.folders += [p for p in (folder, *folder.parents) if not p.exists()]
            _make_folder(folder)
            path = folder / f"{slug}.md"
            _write_whole(path, record_text(draft).encode("utf-8"))
            written.paths.append(path)
        problems = check(content_dir, only=written.paths).problems if verify and written.paths else ()
        if problems:
            raise ContentError(problems)
    except BaseException:
        written.take_back()
        raise
    return written


def _write_whole(path: Path, data: bytes) -> None:
    """Make `path` with `data`, or refuse if it exists; a reader never sees it half-written."""
    aside = path.with_name(f".{path.name}.tmp")  # check skips dot files (records/tree.py)
    try:
        aside.write_bytes(data)
        try:
            os.link(aside, path)  # fails if the path exists: never over another record
        except FileExistsError:
            raise DuplicateError(f"{display_path(path)} exists already") from None
        except OSError:  # a file system without hard links
            if path.exists():
                raise DuplicateError(f"{display_path(path)} exists already") from None
            os.replace(aside, path)
    except OSError as err:
        raise RefusedError(f"cannot write {display_path(path)} ({err.strerror})") from None
    finally:
        aside.unlink(missing_ok=True)
