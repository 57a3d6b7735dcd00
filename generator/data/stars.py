"""`paperfeed stars`: sample the GitHub stars of every paper's code repository into the samples file, once a
day, and keep what was fetched whatever stops the run.

A run asks GitHub for each repository not sampled yet that day (the longest unsampled first, so that a run
cut short by the rate limit is taken up by the next), with the ETag of the last answer. It stops at a rate
limit that lasts longer than it waits, or when the API cannot be used at all, and still writes what it
fetched. A repository that is gone is recorded and asked again only after GONE_RETRY_DAYS.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.data import github
from generator.data.ledger_branch import LedgerBranch
from generator.data.starfile import (
    ETAG_RE,
    Entry,
    Sample,
    StarData,
    StarsError,
    dumps,
    load,
    parse,
    repository,
    thin,
)
from generator.model import Feed, Paper

GONE_RETRY_DAYS = 30
MAX_FAILURES_IN_A_ROW = 3  # then the API is down, not one repository: stop rather than wait out every one
ATTEMPTS = 5  # compare-and-swap rounds when another run writes the branch meanwhile
EMPTY = dumps(StarData())  # no samples: what a run that fetched nothing has to write where there was none


@dataclass(frozen=True)
class Skipped:
    """A code link that names no repository to sample, and why."""

    paper: Paper
    url: str
    why: str


@dataclass(frozen=True)
class Links:
    """The repositories the papers' code links name (key -> the papers naming it) and the links skipped."""

    repos: dict[str, tuple[Paper, ...]]
    skipped: tuple[Skipped, ...]


def code_links(feed: Feed) -> Links:
    repos: dict[str, list[Paper]] = {}
    skipped = []
    for paper in feed.papers:
        for link in paper.links:
            if link.label != "code":
                continue
            key, why = repository(link.url)
            if key is None:
                skipped.append(Skipped(paper, link.url, why))
            else:
                repos.setdefault(key, []).append(paper)
    return Links({k: tuple(v) for k, v in sorted(repos.items())}, tuple(skipped))


def due(links: Links, data: StarData, today: dt.date) -> list[str]:
    """The repositories to ask for today: not sampled today, not found gone in the last GONE_RETRY_DAYS;
    never sampled first, then the longest unsampled, then by name."""
    waiting = []
    for key in links.repos:
        entry = data.entries.get(key)
        if entry is None:
            waiting.append((dt.date.min, key))
            continue
        if entry.gone_since and (today - entry.gone_since).days < GONE_RETRY_DAYS:
            continue
        last = entry.samples[0].day if entry.samples else dt.date.min
        if last < today:
            waiting.append((last, key))
    return [key for _, key in sorted(waiting)]


@dataclass
class Results:
    """What one run learnt: each repository's answer, and why it stopped early (if it did)."""

    answers: dict[str, github.Answer] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    stopped: str | None = None  # why the run stopped before asking for every repository
    fatal: bool = False  # stopped because the API could not be used at all
    left: int = 0  # repositories not asked because it stopped


def sample(
    client: github.Client,
    keys: list[str],
    data: StarData,
    today: dt.date,
    say: Callable[[str], None],
    papers: dict[str, tuple[Paper, ...]] | None = None,
) -> Results:
    """Ask GitHub for each repository in turn; say a line for each that is renamed, gone or failed. The
    papers that link each repository are named in the line that asks to update their links."""
    results = Results()
    in_a_row = 0
    for n, key in enumerate(keys):
        entry = data.entries.get(key, Entry(key))
        etag = entry.etag if entry.samples else None  # a 304 repeats the last sample: there must be one
        try:
            answer = client.repo(entry.asked_as, etag)
        except github.RepoError as err:
            results.failed[key] = str(err)
            say(f"{key}: {err}; not sampled this run")
            in_a_row += 1
            if in_a_row >= MAX_FAILURES_IN_A_ROW:
                results.stopped = f"the GitHub API failed for {in_a_row} repositories in a row"
                results.left = len(keys) - n - 1
                return results
            continue
        except github.RateLimited as err:
            until = dt.datetime.fromtimestamp(err.until, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
            results.stopped = f"GitHub's rate limit is used up until {until} ({err.why})"
            results.left = len(keys) - n
            return results
        except github.GitHubError as err:
            results.stopped, results.fatal, results.left = str(err), True, len(keys) - n
            return results
        in_a_row = 0
        results.answers[key] = answer
        if isinstance(answer, github.Found) and answer.full_name.lower() != entry.asked_as:
            files = ", ".join(p.source for p in (papers or {}).get(key, ())) or "the papers"
            new = answer.full_name
            say(f"{key}: renamed on GitHub to {new}; sampled there (update links.code in {files})")
        elif isinstance(answer, github.Gone):
            again = today + dt.timedelta(days=GONE_RETRY_DAYS)
            say(
                f"{key}: gone from GitHub (HTTP {answer.status} {answer.reason}); recorded, asked again from"
                f" {again.isoformat()}"
            )
    return results


def apply(data: StarData, results: Results, links: Links, today: dt.date) -> StarData:
    """The samples with today's answers in, thinned; repositories no paper links any more are dropped."""
    entries: dict[str, Entry] = {}
    for key in links.repos:
        entry = data.entries.get(key, Entry(key))
        older = tuple(s for s in entry.samples if s.day < today)
        answer = results.answers.get(key)
        if isinstance(answer, github.Found):
            name = answer.full_name.lower()
            etag = answer.etag if answer.etag and ETAG_RE.match(answer.etag) else None  # else: ask afresh
            entry = Entry(key, (Sample(today, answer.stars), *older), etag, name if name != key else None)
        elif isinstance(answer, github.Unchanged) and entry.samples:
            entry = replace(entry, samples=(Sample(today, entry.samples[0].stars), *older), gone_since=None)
        elif isinstance(answer, github.Gone):
            entry = replace(entry, etag=None, moved_to=None, gone_since=today)
        if entry.samples or entry.gone_since:
            entries[key] = replace(entry, samples=thin(entry.samples, today))
    return StarData(entries)


@dataclass(frozen=True)
class Report:
    """A run's outcome: the links, the repositories it asked for, what it learnt, and where it wrote."""

    today: dt.date
    links: Links
    asked: int
    results: Results
    wrote: str | None  # what was written (None: nothing changed)

    @property
    def summary(self) -> str:
        """The run in one line: what it sampled, what it could not, and what it wrote."""
        found = self.results.answers.values()
        sampled = sum(isinstance(a, github.Found | github.Unchanged) for a in found)
        unchanged = sum(isinstance(a, github.Unchanged) for a in found)
        gone = sum(isinstance(a, github.Gone) for a in found)
        failed, left = len(self.results.failed), self.results.left
        not_due = len(self.links.repos) - self.asked
        parts = [f"{sampled} sampled" + (f" ({unchanged} unchanged)" if unchanged else "")]
        parts += [f"{gone} gone"] if gone else []
        parts += [f"{failed} failed"] if failed else []
        parts += [f"{left} left for the next run"] if left else []
        parts += [f"{not_due} not due (sampled today, or gone)"] if not_due else []
        repos = _count(len(self.links.repos), "repository", "repositories")
        line = f"{self.today.isoformat()}: {repos}: {', '.join(parts)}"
        if self.links.skipped:
            line += f"; {_count(len(self.links.skipped), 'code link')} skipped"
        return line + (f"; {self.wrote}" if self.wrote else "; nothing changed")

    @property
    def stop(self) -> str | None:
        """Why the run stopped before asking for every repository due, if it did."""
        if self.results.stopped is None:
            return None
        return (
            f"stopped: {self.results.stopped}; {self.results.left} of {self.asked} repositories not asked,"
            " left for the next run"
        )

    @property
    def changed(self) -> bool:
        return self.wrote is not None


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def _start(feed: Feed, data: StarData, today: dt.date, say: Callable[[str], None]) -> tuple[Links, list[str]]:
    if data.newest and data.newest > today:
        raise StarsError(
            f"the samples reach {data.newest.isoformat()}, after {today.isoformat()}: a run cannot go back in"
            " time; give a later --date"
        )
    links = code_links(feed)
    for skipped in links.skipped:
        say(f"{skipped.paper.source}: links.code {skipped.url}: {skipped.why}; not sampled")
    return links, due(links, data, today)


def run_local(
    feed: Feed, path: Path, client: github.Client, today: dt.date, say: Callable[[str], None]
) -> Report:
    """Sample into the file at `path` (the site's copy, content/stars.tsv)."""
    data = load(path)
    links, keys = _start(feed, data, today, say)
    results = sample(client, keys, data, today, say, links.repos)
    text = dumps(apply(data, results, links, today))
    old = path.read_text(encoding="utf-8") if path.exists() else EMPTY
    if text == old:
        return Report(today, links, len(keys), results, None)
    _write(path, text)
    return Report(today, links, len(keys), results, f"wrote {path.as_posix()}")


def run_branch(
    feed: Feed,
    branch: LedgerBranch,
    copy: Path,
    client: github.Client,
    today: dt.date,
    say: Callable[[str], None],
    run_id: str | None = None,
) -> Report:
    """Sample into the file on its branch (read from the branch's tip, pushed by compare-and-swap, the
    answers applied again on whatever another run wrote meanwhile), and into the site's copy at `copy`."""
    where = f"{branch.remote}/{branch.branch}:{branch.file_name}"
    tip = branch.read()
    data = parse(tip.text, where) if tip.text is not None else StarData()
    links, keys = _start(feed, data, today, say)
    results = sample(client, keys, data, today, say, links.repos)
    message = f"Star samples of {today.isoformat()}" + (f" (run {run_id})" if run_id else "")
    for _ in range(ATTEMPTS):
        text = dumps(apply(data, results, links, today))
        if text == (tip.text if tip.text is not None else EMPTY):
            if tip.text is not None:
                _write(copy, text)  # the site's copy is the branch's, even when this run adds nothing
            return Report(today, links, len(keys), results, None)
        if branch.write(tip, text, message):
            _write(copy, text)
            return Report(today, links, len(keys), results, f"pushed to {branch.where}")
        tip = branch.read()
        data = parse(tip.text, where) if tip.text is not None else StarData()
    raise StarsError(f"{where}: other runs wrote to it {ATTEMPTS} times while this one tried; run again")


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    except OSError as err:
        raise StarsError(f"cannot write {path.as_posix()} ({err.strerror})") from None
