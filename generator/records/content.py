"""Checking a whole content tree (or some files of it, against the rest) and loading it as a Feed."""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from generator import forked
from generator.model import Feed, Tag
from generator.records.across import check_arxiv_ids, check_slugs, check_titles
from generator.records.paper import Record, read_record, today_utc
from generator.records.problems import ContentError, Problem, Problems, display_path
from generator.records.tree import record_paths
from generator.records.vocabulary import read_vocabulary

# Below this many records, a fork costs more than reading half of them saves.
PARALLEL_MIN = 2000
READ_RUN = 250  # records a side reads at a time (about 30 ms)

# read_record's signature: a record's path, the vocabulary, the collector, the tags declared, and today.
Reader = Callable[..., Record | None]


@dataclass(frozen=True)
class Report:
    """What a check found: the feed as far as it is valid, and every problem."""

    feed: Feed
    problems: tuple[Problem, ...]
    checked: int


def load_feed(content_dir: Path) -> Feed:
    """Load the whole content tree; raise ContentError listing every problem if any."""
    report = check(content_dir)
    if report.problems:
        raise ContentError(report.problems)
    return report.feed


def check(
    content_dir: Path,
    only: Iterable[Path] | None = None,
    *,
    today: dt.date | None = None,
    new: Collection[Path] = (),
    reader: Reader | None = None,
) -> Report:
    """Validate `content_dir`; with `only`, report just those files (checked against the whole tree).

    A folder in `only` stands for every record under it. Problems of `tags.yml` are always reported, since
    no record can be checked against a broken vocabulary. `today` bounds the dates (default: the clock,
    in UTC). A record that repeats another (slug, arXiv id, title) is reported on the file being checked
    or in `new` (the files not in the base commit), else on the one that entered the feed later, else on
    the later one in path order. `reader` reads each record in read_record's place (records/cache.py's
    reads only the files that changed since it last read them).
    """
    tags_path = content_dir / "tags.yml"
    papers_dir = content_dir / "papers"
    found: list[Problem] = []
    problems = Problems(found)
    tags, declared = read_vocabulary(tags_path, problems)
    paths = list(record_paths(papers_dir, problems))
    fresh = {os.path.normpath(p) for p in new}
    if fresh:
        paths.sort(key=lambda p: os.path.normpath(p) in fresh)  # stable: new files last, each in path order
    given: list[Path] = []
    if only is not None:
        in_tree = {p.resolve(): p for p in paths}  # a given file may be in the tree under another spelling
        expanded = _expand(only, paths, tags_path)
        given = list(dict.fromkeys(in_tree.get(p.resolve(), p) for p in expanded))
        # Given files go last, so that a duplicate is reported on the file being checked, not its twin.
        chosen = set(given)
        paths = [p for p in paths if p not in chosen]
        paths += [p for p in given if p.suffix == ".md" and p.is_file()]
    records, read_problems = _read_all(paths, reader, tags, declared, today or today_utc())
    found.extend(read_problems)
    check_slugs(paths, problems)
    # The twin reported is the new one: a file given or not in the base commit, else the later feed day.
    late = {display_path(p) for p in given} | {display_path(Path(p)) for p in fresh}
    ranked = sorted(records, key=lambda r: (r.paper.source in late, r.paper.date))
    check_arxiv_ids(ranked, problems)
    check_titles(ranked, problems)
    bad = {p.path for p in found}
    good = [r.paper for r in records if r.paper.source not in bad]
    if only is not None:
        wanted = {display_path(p) for p in given} | {display_path(tags_path), display_path(papers_dir)}
        found[:] = [p for p in found if p.path in wanted]
        for path in given:
            _check_given(path, tags_path, problems)
    checked = len(given) if only is not None else len(paths)
    return Report(Feed.of(good, tags), tuple(sorted(found)), checked)


def _read_all(
    paths: list[Path],
    reader: Reader | None,
    tags: dict[str, Tag],
    declared: Collection[str] | None,
    today: dt.date,
) -> tuple[list[Record], list[Problem]]:
    """Every record read, in path order, and their problems; a large tree's read in runs that this process
    and a forked child take in turn (not with a `reader`: records/cache.py's keeps what it read, in this
    process)."""
    if reader is not None or len(paths) < PARALLEL_MIN or not forked.can_fork():
        return _read(paths, reader or read_record, tags, declared, today)
    size = max(READ_RUN, math.ceil(len(paths) / forked.Turns.LIMIT))
    runs, _ = forked.in_turns(
        math.ceil(len(paths) / size),
        lambda n: _read(paths[n * size : (n + 1) * size], read_record, tags, declared, today),
    )
    return [r for records, _ in runs for r in records], [p for _, found in runs for p in found]


def _read(
    paths: list[Path], read: Reader, tags: dict[str, Tag], declared: Collection[str] | None, today: dt.date
) -> tuple[list[Record], list[Problem]]:
    found: list[Problem] = []
    problems = Problems(found)
    read_records = (read(path, tags, problems, declared, today=today) for path in paths)
    return [record for record in read_records if record is not None], found


def _check_given(path: Path, tags_path: Path, problems: Problems) -> None:
    """A path given to check is a record or the vocabulary."""
    if not path.exists():
        message = "does not exist"
    elif not path.is_file():
        message = "is not a file"
    elif path.suffix != ".md" and path.resolve() != tags_path.resolve():
        message = "is not a paper record (.md) or content/tags.yml"
    else:
        return
    problems.add(path=display_path(path), line=1, field="file", message=message)


def _expand(paths: Iterable[Path], tree: Iterable[Path], tags_path: Path) -> Iterator[Path]:
    """The given paths, a folder replaced by the tree's records under it (and tags.yml), in sorted order.

    Only what the tree holds counts: `check content` checks the records and the vocabulary, not the
    hand-written pages in content/pages/.
    """
    tree = list(tree)
    for path in paths:
        if path.is_dir():
            folder = path.resolve()
            inside = [p for p in [tags_path, *tree] if p.resolve().is_relative_to(folder) and p.is_file()]
            yield from sorted(inside)
        else:
            yield path
