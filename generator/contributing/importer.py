"""`paperfeed import`: the new papers of arXiv queries become candidate records, written all at once or not
at all, and each query's newest paper is kept in content/import-state.yml for the next run."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator import records
from generator.contributing import arxiv, authoring, sources, suggest
from generator.contributing.arxiv import ArxivPaper, BadEntry
from generator.contributing.sources import Mark, Query
from generator.errors import PaperfeedError
from generator.model import Link, Tag


class ImportFailed(PaperfeedError):
    """A query could not be run, or the records could not be written; either way nothing was written."""


@dataclass
class Tally:
    """What a run did with the papers of one query, and a line for each paper it left out as unusable."""

    query: Query
    found: int = 0
    new: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"'{self.query.search}': found {self.found}, new {self.new}, skipped {self.skipped}"


@dataclass(frozen=True)
class Outcome:
    """A run's tallies, the records it wrote, and the state file if it wrote one."""

    tallies: list[Tally]
    written: list[Path]
    state: Path | None


@dataclass
class _Candidate:
    slug: str
    draft: authoring.Draft
    tally: Tally


def run(
    content_dir: Path, queries: Sequence[Query], day: dt.date, client: arxiv.Client | None = None
) -> Outcome:
    """Ask arXiv for every query's papers newer than the last run's, then write the new ones as records.

    Every query is asked before anything is written, so a failure (the API down, an answer that cannot be
    read) writes nothing: ImportFailed. A paper already in the feed (same arXiv id, any version; same
    title, ignoring case and punctuation) is skipped; so is one that would not pass `paperfeed check`
    (a title with '<', say), with a line saying why. A paper two queries find is written once, with the
    tags of both.
    """
    report = records.check(content_dir)
    if report.problems:
        raise records.ContentError(report.problems)
    state_path = content_dir / sources.STATE_FILE
    problems: list[records.Problem] = []
    marks = sources.read_state(state_path, problems)
    if problems:
        raise records.ContentError(problems)
    client = client or arxiv.Client()
    fetched = [(query, _fetch(query, marks.get(query.search), client)) for query in queries]

    taken = authoring.Taken(report.feed)
    candidates: dict[str, _Candidate] = {}
    tallies: list[Tally] = []
    moved = dict(marks)
    for query, entries in fetched:
        tally = Tally(query)
        tallies.append(tally)
        for entry in entries:
            tally.found += 1
            tally.skipped += 1  # until it is a candidate
            if isinstance(entry, BadEntry):
                tally.notes.append(
                    f"skipped {f'arXiv {entry.arxiv}' if entry.arxiv else 'an entry'}: {entry.reason}"
                )
                continue
            moved[query.search] = _moved(moved.get(query.search), entry)
            earlier = candidates.get(entry.arxiv)
            if earlier is not None:  # an earlier query of this run found it: it gets this query's tags too
                tags = dict.fromkeys([*earlier.draft.tags, *query.tags])
                earlier.draft = dataclasses.replace(earlier.draft, tags=tuple(tags))
                continue
            draft = _draft(entry, query.tags, day)
            if taken.repeated(draft):
                continue
            slug = _slug(entry, taken)
            if slug is None:
                tally.notes.append(
                    f"skipped arXiv {entry.arxiv}: its slug and the slug with its id are both taken"
                )
                continue
            taken.add(slug, draft)
            candidates[entry.arxiv] = _Candidate(slug, draft, tally)
            tally.skipped -= 1
            tally.new += 1

    vocabulary = report.feed.tags
    for candidate in candidates.values():
        candidate.draft = _with_suggestions(candidate.draft, vocabulary)
    keep = _valid(content_dir / "tags.yml", list(candidates.values()))
    try:
        # No second check of the whole feed: each record passed check on its own (_valid), and Taken ruled
        # out what check looks for across files (a repeated id, title or slug). At 10,000 papers a check
        # takes seconds, and the first one is done already.
        written = authoring.write_records(content_dir, [(c.slug, c.draft) for c in keep], verify=False)
    except authoring.RefusedError as err:
        raise ImportFailed(str(err)) from None
    if moved == marks:
        return Outcome(tallies, written.paths, None)
    try:
        sources.write_state(state_path, moved)
    except OSError as err:
        written.take_back()
        shown = records.display_path(state_path)
        raise ImportFailed(f"cannot write {shown} ({err.strerror})") from None
    return Outcome(tallies, written.paths, state_path)


def _fetch(query: Query, mark: Mark | None, client: arxiv.Client) -> list[ArxivPaper | BadEntry]:
    """The query's papers newer than the mark, newest first; no page is asked for past the mark."""
    found: list[ArxivPaper | BadEntry] = []
    try:
        for entry in arxiv.newest_first(query.search, query.limit, client):
            if isinstance(entry, ArxivPaper) and mark is not None:
                if mark.is_older(_submitted(entry)):
                    break
                if mark.has_seen(entry.arxiv, _submitted(entry)):
                    continue
            found.append(entry)
    except arxiv.ArxivError as err:
        raise ImportFailed(f"'{query.search}': {err}") from None
    return found


def _submitted(paper: ArxivPaper) -> dt.datetime:
    """The first version's time, which every paper of a search has (arxiv.py reads it from the answer)."""
    if paper.submitted is None:
        raise ImportFailed(f"arXiv's answer gives {paper.arxiv} without the time of its first version")
    return paper.submitted


def _moved(mark: Mark | None, paper: ArxivPaper) -> Mark:
    if mark is None:
        return Mark(_submitted(paper), (paper.arxiv,))
    return mark.after(paper.arxiv, _submitted(paper))


def _draft(paper: ArxivPaper, tags: Sequence[str], day: dt.date) -> authoring.Draft:
    return authoring.Draft(
        title=paper.title,
        tags=tuple(tags),
        abstract=paper.abstract,
        date=day,
        authors=paper.authors,
        arxiv=paper.arxiv,
        published=paper.published,
        links=(Link("pdf", arxiv.pdf_url(paper.arxiv)),),
    )


def _with_suggestions(draft: authoring.Draft, vocabulary: dict[str, Tag]) -> authoring.Draft:
    """The query's tags, then those the paper names (generator/contributing/suggest.py), each once."""
    named = [s.tag for s in suggest.suggest(draft.title, draft.abstract, vocabulary)]
    return dataclasses.replace(draft, tags=tuple(dict.fromkeys([*draft.tags, *named])))


def _slug(paper: ArxivPaper, taken: authoring.Taken) -> str | None:
    """The title's slug, or if another paper has it, that slug and the arXiv id; None if both are taken."""
    slug = records.slugify(paper.title)
    if slug not in records.RESERVED_SLUGS and taken.slug_free(slug):
        return slug
    suffix = records.hyphenate(paper.arxiv)
    slug = f"{records.slugify(paper.title, records.SLUG_MAX - len(suffix) - 1)}-{suffix}"
    return slug if taken.slug_free(slug) else None


def _valid(tags_file: Path, candidates: list[_Candidate]) -> list[_Candidate]:
    """The candidates that `paperfeed check` accepts; each other one is noted, with its first problem."""
    if not candidates:
        return []
    found = authoring.draft_problems(tags_file, [(c.slug, c.draft) for c in candidates])
    keep = []
    for candidate in candidates:
        problems = found[candidate.slug]
        if not problems:
            keep.append(candidate)
            continue
        tally, first = candidate.tally, problems[0]
        tally.new -= 1
        tally.skipped += 1
        tally.notes.append(
            f"skipped arXiv {candidate.draft.arxiv}, which paperfeed check would refuse: {first.field}:"
            f" {first.message}"
        )
    return keep
