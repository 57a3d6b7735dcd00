"""The import's two files: the arXiv queries of content/sources.yml, and content/import-state.yml, the newest
paper each query has seen (so that the next run stops there)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import tempfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.model import Tag
from generator.records import (
    FORBIDDEN_CHAR_RE,
    FUTURE_GRACE,
    Fields,
    Problem,
    Problems,
    arxiv_base,
    display_path,
    read_yaml_file,
    yamlnodes,
)

SOURCES_FILE = "sources.yml"
STATE_FILE = "import-state.yml"
DEFAULT_LIMIT = 25
MAX_LIMIT = 500
QUERY_MAX = 1000
SEEN_MAX = 100
QUERY_FIELDS = ("query", "tags", "limit")
STATE_FIELDS = ("query", "newest", "seen")
_TIME_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
STATE_HEADER = """\
# Written by `paperfeed import`: for each arXiv query, the first-version time of the newest paper it has
# seen, and the ids of that time. The next run stops there. Delete a query's entry to look back again (as
# far as its limit).
"""


@dataclass(frozen=True)
class Query:
    """An arXiv search: its `search_query`, the tags its papers get, and how many papers a run takes."""

    search: str
    tags: tuple[str, ...]
    limit: int = DEFAULT_LIMIT


@dataclass(frozen=True)
class Mark:
    """The newest paper a query has seen: its first version's time (UTC), and the ids of that second."""

    newest: dt.datetime
    seen: tuple[str, ...]

    def is_older(self, submitted: dt.datetime) -> bool:
        return submitted < self.newest

    def has_seen(self, arxiv: str, submitted: dt.datetime) -> bool:
        return submitted == self.newest and arxiv_base(arxiv) in {arxiv_base(s) for s in self.seen}

    def after(self, arxiv: str, submitted: dt.datetime) -> Mark:
        """This mark moved on by a paper seen now: a newer one replaces it, one of the same second joins."""
        if submitted > self.newest:
            return Mark(submitted, (arxiv,))
        if submitted == self.newest and arxiv not in self.seen:
            return Mark(self.newest, (*self.seen, arxiv))
        return self


def format_time(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- content/sources.yml ----------------------------------------------------------------------------------


def read_sources(path: Path, tags: Mapping[str, Tag], problems: list[Problem]) -> list[Query]:
    """The queries of sources.yml, in order; every problem is reported, and a bad entry left out."""
    shown = display_path(path)
    fields = Fields(Problems(problems).of(shown))
    if not path.is_file():
        missing = "is not a file" if path.exists() else "is missing"
        fields.problems.add(
            line=1,
            field="file",
            message=f"{missing}; list the arXiv queries to import there (see the README)",
        )
        return []
    node = read_yaml_file(path, problems, "queries", "list at least one query, or delete the file")
    if node is None:
        return []
    if not isinstance(node, yamlnodes.Sequence):
        fields.problems.add(
            line=node.line,
            field="queries",
            message="must be a list: '- query: ...' entries, each with its tags",
        )
        return []
    queries: list[Query] = []
    first: dict[str, int] = {}
    for number, item in enumerate(node.items, start=1):
        query = _read_query(item, f"queries[{number}]", tags, fields)
        if query is None:
            continue
        if query.search in first:
            fields.problems.add(
                line=item.line,
                field=f"queries[{number}].query",
                message=f"repeats the query of line {first[query.search]}",
            )
            continue
        first[query.search] = item.line
        queries.append(query)
    return queries


def _read_query(item: yamlnodes.Node, name: str, tags: Mapping[str, Tag], fields: Fields) -> Query | None:
    if not isinstance(item, yamlnodes.Mapping):
        fields.problems.add(
            line=item.line, field=name, message="must be a mapping: query, tags and (optionally) limit"
        )
        return None
    entry = {key.text: (key, value) for key, value in item.items}
    ok = True
    for unknown in sorted(set(entry) - set(QUERY_FIELDS)):
        fields.problems.add(
            line=entry[unknown][0].line,
            field=f"{name}.{unknown}",
            message="is not a known field; use query, tags, limit",
        )
        ok = False
    for required in ("query", "tags"):
        if required not in entry:
            fields.problems.add(
                line=item.line, field=f"{name}.{required}", message=f"is missing; add {required}: ..."
            )
            ok = False
    if not ok:
        return None
    search = fields.text(entry["query"][1], f"{name}.query", QUERY_MAX, required=True, plain=False)
    chosen = fields.tags(entry["tags"][1], f"{name}.tags", dict(tags), frozenset(tags))
    limit = read_limit(entry["limit"][1], f"{name}.limit", fields) if "limit" in entry else DEFAULT_LIMIT
    if search is None or chosen is None or limit is None:
        return None
    return Query(search, chosen, limit)


def read_limit(node: yamlnodes.Node, field: str, fields: Fields) -> int | None:
    value = fields.count(node, field)
    if value is not None and not 1 <= value <= MAX_LIMIT:
        fields.problems.add(line=node.line, field=field, message=f"{value} is not between 1 and {MAX_LIMIT}")
        return None
    return value


def check_query(search: str, tags: Collection[str], limit: int, known: Collection[str]) -> str | None:
    """What is wrong with a query given on the command line, or None."""
    search = search.strip()
    if not search or "\n" in search or len(search) > QUERY_MAX or FORBIDDEN_CHAR_RE.search(search):
        return f"--query must be one line of 1 to {QUERY_MAX} characters, without control characters"
    unknown = [tag for tag in tags if tag not in known]
    if unknown:
        return f"--tag '{unknown[0]}' is not a tag of content/tags.yml"
    if not 1 <= limit <= MAX_LIMIT:
        return f"--limit {limit} is not between 1 and {MAX_LIMIT}"
    return None


# --- content/import-state.yml ----------------------------------------------------------------------------


def read_state(path: Path, problems: list[Problem], now: dt.datetime | None = None) -> dict[str, Mark]:
    """Each query's mark; a missing file is a first run (no marks). Problems are reported, bad entries left
    out. A time after `now` (with a day's grace) is refused: the query would skip every paper."""
    if not path.exists():
        return {}
    shown = display_path(path)
    fields = Fields(Problems(problems).of(shown))
    if not path.is_file():
        fields.problems.add(
            line=1,
            field="file",
            message=f"is not a file; delete it, and `paperfeed import` writes {STATE_FILE} anew",
        )
        return {}
    node = read_yaml_file(path, problems, "state", "delete the file: `paperfeed import` writes it")
    if node is None:
        return {}
    if not isinstance(node, yamlnodes.Sequence):
        fields.problems.add(
            line=node.line,
            field="state",
            message="must be a list, one entry per query, as `paperfeed import` writes it",
        )
        return {}
    latest = (now or dt.datetime.now(dt.UTC)) + FUTURE_GRACE
    marks: dict[str, Mark] = {}
    first: dict[str, int] = {}
    for number, item in enumerate(node.items, start=1):
        read = _read_mark(item, f"state[{number}]", latest, fields)
        if read is None:
            continue
        query, mark = read
        if query in first:
            fields.problems.add(
                line=item.line,
                field=f"state[{number}].query",
                message=f"repeats the query of line {first[query]}",
            )
            continue
        first[query] = item.line
        marks[query] = mark
    return marks


def _read_mark(
    item: yamlnodes.Node, name: str, latest: dt.datetime, fields: Fields
) -> tuple[str, Mark] | None:
    if not isinstance(item, yamlnodes.Mapping):
        fields.problems.add(
            line=item.line,
            field=name,
            message="must have query, newest and seen, as `paperfeed import` writes them",
        )
        return None
    entry = {key.text: (key, value) for key, value in item.items}
    ok = True
    for unknown in sorted(set(entry) - set(STATE_FIELDS)):
        fields.problems.add(
            line=entry[unknown][0].line,
            field=f"{name}.{unknown}",
            message="is not a known field; use query, newest, seen",
        )
        ok = False
    for required in STATE_FIELDS:
        if required not in entry:
            fields.problems.add(
                line=item.line,
                field=f"{name}.{required}",
                message=f"is missing; add {required}: ..., or delete the entry",
            )
            ok = False
    if not ok:
        return None
    query = fields.text(entry["query"][1], f"{name}.query", QUERY_MAX, required=True, plain=False)
    newest = _read_time(entry["newest"][1], f"{name}.newest", latest, fields)
    seen = _read_seen(entry["seen"][1], f"{name}.seen", fields)
    if query is None or newest is None or seen is None:
        return None
    return query, Mark(newest, seen)


def _read_time(node: yamlnodes.Node, field: str, latest: dt.datetime, fields: Fields) -> dt.datetime | None:
    scalar = fields.scalar(node, field)
    if scalar is None:
        return None
    text = scalar.text.strip()
    when = None
    if _TIME_RE.fullmatch(text):
        with contextlib.suppress(ValueError):  # the 31st of a short month
            when = dt.datetime.fromisoformat(text)
    if when is None:
        fields.problems.add(
            line=scalar.line,
            field=field,
            message=f"'{text[:40]}' is not a time; write it as 2025-03-14T17:59:58Z (UTC)",
        )
        return None
    if when > latest:
        fields.problems.add(
            line=scalar.line,
            field=field,
            message=f"{text} is in the future; the query would skip every paper",
        )
        return None
    return when


def _read_seen(node: yamlnodes.Node, field: str, fields: Fields) -> tuple[str, ...] | None:
    if not isinstance(node, yamlnodes.Sequence) or not node.items:
        fields.problems.add(
            line=node.line,
            field=field,
            message='must list the arXiv ids of the newest time, e.g. seen: ["2503.01234"]',
        )
        return None
    if len(node.items) > SEEN_MAX:
        fields.problems.add(
            line=node.line, field=field, message=f"lists {len(node.items)} ids; the most is {SEEN_MAX}"
        )
        return None
    ids = [fields.arxiv(item, field) for item in node.items]
    return None if None in ids else tuple(i for i in ids if i is not None)


def state_text(marks: Mapping[str, Mark]) -> str:
    """The state file's text, queries in order; strings are JSON-quoted, which YAML reads back exactly."""
    lines = [STATE_HEADER.rstrip("\n")]
    for query, mark in sorted(marks.items()):
        seen = ", ".join(json.dumps(arxiv) for arxiv in mark.seen)
        lines.append(f"- query: {json.dumps(query, ensure_ascii=False)}")
        lines += [f"  newest: {format_time(mark.newest)}", f"  seen: [{seen}]"]
    return "\n".join(lines) + "\n"


def write_state(path: Path, marks: Mapping[str, Mark]) -> None:
    """Replace the state file in one step: a reader sees the old file or the new one, never half of one."""
    data = state_text(marks).encode("utf-8")
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(temp, 0o644)  # as git checks files out; mkstemp makes them private
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


# --- paperfeed check --------------------------------------------------------------------------------------


def check_files(content_dir: Path, tags: Mapping[str, Tag]) -> list[Problem]:
    """The problems of sources.yml and import-state.yml, for `paperfeed check` (each only if it exists)."""
    problems: list[Problem] = []
    sources = content_dir / SOURCES_FILE
    if sources.exists():
        read_sources(sources, tags, problems)
    read_state(content_dir / STATE_FILE, problems)
    return problems
