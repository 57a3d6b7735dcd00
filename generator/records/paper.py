"""One paper record: its fields read and checked against the rules a single file must keep."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.model import Paper, Tag
from generator.records import abstracts, yamlnodes
from generator.records.addresses import abstract_link_problems
from generator.records.fields import FIELDS, REQUIRED, Fields, suggest
from generator.records.frontmatter import read_source
from generator.records.problems import FileProblems, Problem, Problems, display_path
from generator.records.slugs import RESERVED_SLUGS
from generator.records.tree import YEAR_RE

TITLE_MAX = 300
ABSTRACT_MAX = 10_000
# arXiv opened in August 1991: no paper entered a feed of arXiv papers before that year.
FIRST_FEED_YEAR = 1991
# A day's grace after today (UTC): a maintainer east of Greenwich may already be on tomorrow.
FUTURE_GRACE = dt.timedelta(days=1)


def today_utc() -> dt.date:
    """The day it is now in UTC: the latest day a record's dates may name (with a day's grace)."""
    return dt.datetime.now(dt.UTC).date()


@dataclass(frozen=True)
class Record:
    """A paper as read, with the line of each field its front matter names (the rules across files cite
    them); kept beside the Paper, which stays the same value whatever the layout of its file."""

    paper: Paper
    lines: Mapping[str, int]

    def line(self, field: str) -> int:
        """The line of `field`'s key in the file (1 when the record does not name it)."""
        return self.lines.get(field, 1)


def read_paper(
    path: Path,
    tags: dict[str, Tag],
    problems: list[Problem],
    declared: Collection[str] | None = (),
    *,
    today: dt.date | None = None,
) -> Paper | None:
    """Read one record; on any problem, report it and return None.

    A tag in `declared` (named in tags.yml, but with a bad entry) is not reported again here; with
    `declared=None` the vocabulary could not be read at all, and tags are not checked against it. The slug
    rules that span files are `check`'s. Dates after `today` (default: the clock, UTC) are refused.
    """
    record = read_record(path, tags, Problems(problems), declared, today=today)
    return record.paper if record else None


def read_record(
    path: Path,
    tags: dict[str, Tag],
    problems: Problems,
    declared: Collection[str] | None = (),
    *,
    today: dt.date | None = None,
) -> Record | None:
    """`read_paper`, with the line of each field."""
    shown = display_path(path)
    mine = problems.of(shown)
    before = mine.count()
    source = read_source(path, mine)
    if source is None:
        return None
    fields = Fields(mine)
    node = source.front
    if node is None:
        node = yamlnodes.Mapping((), 1)
    if not isinstance(node, yamlnodes.Mapping):
        mine.add(line=node.line, field="front matter", message="must be 'field: value' lines, one per field")
        return None
    values = {key.text: (key, value) for key, value in node.items}
    for key, _ in node.items:
        if key.text not in FIELDS:
            mine.add(
                line=key.line, field=key.text, message=f"is not a known field{suggest(key.text, FIELDS)}"
            )
    for name in REQUIRED:
        if name not in values:
            mine.add(line=1, field=name, message=f"is missing; add a line '{name}: ...' to the front matter")

    def get(name: str, parse: Callable[[yamlnodes.Node, str], object]) -> object:
        return parse(values[name][1], name) if name in values else None

    title = get("title", lambda n, f: fields.text(n, f, TITLE_MAX))
    date = get("date", fields.date)
    paper_tags = get("tags", lambda n, f: fields.tags(n, f, tags, declared))
    authors = get("authors", lambda n, f: fields.text_list(n, f))
    arxiv = get("arxiv", fields.arxiv)
    published = get("published", fields.date)
    links = get("links", fields.links)
    submitted_by = get("submitted_by", fields.handle)
    upvotes = get("upvotes", fields.count)

    abstract = _check_abstract(source.body, source.body_line, mine)
    latest = (today or today_utc()) + FUTURE_GRACE
    if isinstance(date, dt.date):
        _check_date(date, values["date"][1].line, latest, mine)
    if isinstance(published, dt.date) and published > latest:
        message = f"{published} is after today; published is the day of the paper's first public version"
        mine.add(line=values["published"][1].line, field="published", message=message)
    if path.stem in RESERVED_SLUGS:
        message = (
            f"'{path.stem}' (the file name) is the name of a generated page; rename the file, e.g."
            f" {path.stem}-paper.md or a slug made of the title"
        )
        mine.add(line=1, field="slug", message=message)
    year_dir = path.parent.name
    if isinstance(date, dt.date) and YEAR_RE.fullmatch(year_dir) and int(year_dir) != date.year:
        message = f"is in {date.year} but the file is in papers/{year_dir}/; move it to papers/{date.year}/"
        mine.add(line=values["date"][0].line, field="date", message=message)
    if mine.count() > before:
        return None
    if not (isinstance(title, str) and isinstance(date, dt.date) and isinstance(paper_tags, tuple)):
        raise TypeError(f"{shown}: a record without problems lacks title, date or tags")  # not reachable
    paper = Paper(
        slug=path.stem,
        title=title,
        date=date,
        tags=paper_tags,
        abstract=abstract,
        authors=authors if isinstance(authors, tuple) else (),
        arxiv=arxiv if isinstance(arxiv, str) else None,
        published=published if isinstance(published, dt.date) else None,
        links=links if isinstance(links, tuple) else (),
        submitted_by=submitted_by if isinstance(submitted_by, str) else None,
        upvotes=upvotes if isinstance(upvotes, int) else 0,
        source=shown,
    )
    return Record(paper, {key.text: key.line for key, _ in node.items})


def _check_abstract(body: str, body_line: int, problems: FileProblems) -> str:
    """The abstract (the body, stripped), its problems reported: missing, too long, not shown as written."""
    abstract = body.strip()
    if not abstract:
        message = "is missing; write the abstract after the closing '---'"
        problems.add(line=body_line - 1, field="abstract", message=message)
        return abstract
    leading = body[: len(body) - len(body.lstrip())]
    first_line = body_line + leading.count("\n")
    if len(abstract) > ABSTRACT_MAX:
        message = f"is {len(abstract)} characters; the limit is {ABSTRACT_MAX}, shorten it"
        problems.add(line=first_line, field="abstract", message=message)
    else:
        problem = abstracts.abstract_problem(abstract)  # what the renderer would not show as written
        if problem:
            problems.add(line=first_line, field="abstract", message=problem)
    for line, problem in abstract_link_problems(abstract):
        problems.add(line=first_line + line - 1, field="abstract", message=problem)
    return abstract


def _check_date(date: dt.date, line: int, latest: dt.date, problems: FileProblems) -> None:
    """`date`, the day the paper entered the feed, lies between arXiv's opening and today (with grace)."""
    if date > latest:
        message = (
            f"{date} is after today; date is the day the paper entered the feed: today's date or earlier"
        )
        problems.add(line=line, field="date", message=message)
    elif date.year < FIRST_FEED_YEAR:
        message = (
            f"{date} is before {FIRST_FEED_YEAR}, when arXiv opened; date is the day the paper entered"
            " the feed (its first version goes in published)"
        )
        problems.add(line=line, field="date", message=message)
