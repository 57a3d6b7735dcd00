"""The star samples (stars.tsv): each code repository's GitHub stars by day, thinned as they age; no I/O
but reading and writing the one file.

One repository a line, tab-separated: its name as the papers link it (lowercase `owner/name`), its state
(`ok`; `moved:owner/new-name` once GitHub answers under another name; `gone:DAY`, the day GitHub last said
it is not there), the ETag of GitHub's last answer (`-` for none), and its samples, newest first, as
`DAY=STARS` separated by spaces (`-` for none). Lines are sorted by name, so the same samples give the
same bytes. The file is written by `paperfeed stars` and read by the build.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple

from generator.data.ledger_branch import STARS
from generator.errors import PaperfeedError

FILE_NAME = STARS.file_name
# Samples are kept daily while they may be a week's baseline (a week, and three missed days), then one a
# week (the newest of each ISO week) for 13 weeks, one a month for the rest of the year, and one a year
# after that: 34 samples for a repository sampled daily for a year, and one more for each year after.
DAILY_DAYS = 10
WEEKLY_DAYS = 91
MONTHLY_DAYS = 365
HEADER = """\
# GitHub stars of the papers' code repositories (links.code), sampled once a day by `paperfeed stars`;
# the trending page ranks papers by the stars they gained in the last 7 days. One repository a line,
# tab-separated: name, state (ok, moved:NEW-NAME, gone:DAY), ETag of the last answer, samples newest first
# (DAY=STARS). Written by paperfeed: delete a line to have the next run sample that repository afresh.
"""
KEY_RE = re.compile(r"^[a-z0-9-]{1,39}/[a-z0-9._-]{1,100}$")
ETAG_RE = re.compile(r'^(W/)?"[\x21\x23-\x7e]{1,200}"$')
_SAMPLE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})=(\d{1,9})$")
_PAIR_RE = re.compile(r"(\d{4}-\d{2}-\d{2})=(\d{1,9})")
_SAMPLES_RE = re.compile(r"\d{4}-\d{2}-\d{2}=\d{1,9}(?: \d{4}-\d{2}-\d{2}=\d{1,9})*")
# A link to a repository itself: https://github.com/owner/name, maybe with .git or a final slash.
_REPO_URL_RE = re.compile(
    r"^https?://(?:www\.)?github\.com/(?P<owner>[A-Za-z0-9-]{1,39})/(?P<name>[A-Za-z0-9._-]{1,100}?)"
    r"(?:\.git)?/?$",
    re.IGNORECASE,
)
_GITHUB_URL_RE = re.compile(r"^https?://(?:www\.)?github\.com(?:[/?#:]|$)", re.IGNORECASE)


class StarsError(PaperfeedError):
    """The samples file cannot be read; the message says where and how to fix it."""


class Sample(NamedTuple):
    """A repository's stars on a day. (A tuple: a year of samples of 10,000 repositories is 300,000 of them,
    and a tuple is made several times faster than a frozen dataclass.)"""

    day: dt.date
    stars: int


@dataclass(frozen=True)
class Entry:
    """One repository: its samples (newest first), ETag, new name if renamed, and when it was last gone."""

    repo: str
    samples: tuple[Sample, ...] = ()
    etag: str | None = None
    moved_to: str | None = None
    gone_since: dt.date | None = None

    @property
    def asked_as(self) -> str:
        """The name to ask GitHub for: the new one, once GitHub said it was renamed."""
        return self.moved_to or self.repo


@dataclass(frozen=True)
class StarData:
    """Every repository's entry, by name."""

    entries: dict[str, Entry] = field(default_factory=dict)

    @property
    def newest(self) -> dt.date | None:
        """The day of the newest sample of any repository: the data's "now"."""
        return max((e.samples[0].day for e in self.entries.values() if e.samples), default=None)


def repository(url: str) -> tuple[str | None, str]:
    """The repository a code link names, as a key (lowercase owner/name), or None and why it is not
    sampled: not on github.com, or a folder or file inside a repository (whose stars are not the paper's
    but the whole repository's)."""
    match = _REPO_URL_RE.match(url)
    if match and match["name"] not in (".", ".."):
        return f"{match['owner']}/{match['name']}".lower(), ""
    if _GITHUB_URL_RE.match(url):
        return None, "not a repository's own address (a folder, a file, a branch or a page of GitHub)"
    return None, "not on github.com"


def thin(samples: tuple[Sample, ...], today: dt.date) -> tuple[Sample, ...]:
    """Samples newest first, keeping every day of the last DAILY_DAYS, then the newest of each ISO week up
    to WEEKLY_DAYS old, then the newest of each month up to MONTHLY_DAYS, then the newest of each year."""
    kept: list[Sample] = []
    seen: set[tuple[str, int, int]] = set()
    for sample in samples:
        age = (today - sample.day).days
        if age <= DAILY_DAYS:
            bucket = ("day", sample.day.toordinal(), 0)
        elif age <= WEEKLY_DAYS:
            year, week, _ = sample.day.isocalendar()
            bucket = ("week", year, week)
        elif age <= MONTHLY_DAYS:
            bucket = ("month", sample.day.year, sample.day.month)
        else:
            bucket = ("year", sample.day.year, 0)
        if bucket not in seen:
            seen.add(bucket)
            kept.append(sample)
    return tuple(kept)


def dumps(data: StarData) -> str:
    """The file's text."""
    lines = [HEADER]
    for key in sorted(data.entries):
        entry = data.entries[key]
        if entry.gone_since:
            state = f"gone:{entry.gone_since.isoformat()}"
        elif entry.moved_to:
            state = f"moved:{entry.moved_to}"
        else:
            state = "ok"
        samples = " ".join(f"{s.day.isoformat()}={s.stars}" for s in entry.samples) or "-"
        lines.append(f"{key}\t{state}\t{entry.etag or '-'}\t{samples}\n")
    return "".join(lines)


def parse(text: str, where: str, recent: bool = False) -> StarData:
    """Read the file's text; StarsError naming `where` and the line of the first problem.

    With `recent`, each repository keeps only the samples a week's gain can need: those of the DAILY_DAYS
    before its newest, and the one before them (trending.weekly reads no other). That is what the build
    reads: a year of samples of 10,000 repositories is 340,000 of them. The rest of each line is still
    checked for its form, but not read; `paperfeed stars`, which writes the file again, reads it all.
    """
    entries: dict[str, Entry] = {}
    days = _Days()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        entry = _entry(line, f"{where}:{number}", days, recent)
        if entry.repo in entries:
            raise StarsError(f"{where}:{number}: {entry.repo} is listed twice; {_FIX}")
        entries[entry.repo] = entry
    return StarData(entries)


_FIX = "delete the line, and the next `paperfeed stars` samples the repository afresh"


class _Days:
    """Days read once each: every repository is sampled on the same days."""

    def __init__(self) -> None:
        self.days: dict[str, dt.date] = {}
        self.starts: dict[str, str] = {}

    def day(self, text: str, at: str) -> dt.date:
        day = self.days.get(text)
        if day is None:
            day = self.days[text] = _day(text, at)
        return day

    def start(self, newest: str, at: str) -> str:
        """The first day of the samples read with `recent` for a repository whose newest is `newest`."""
        start = self.starts.get(newest)
        if start is None:
            start = self.starts[newest] = (self.day(newest, at) - dt.timedelta(days=DAILY_DAYS)).isoformat()
        return start


def _entry(line: str, at: str, days: _Days, recent: bool) -> Entry:
    parts = line.split("\t")
    if len(parts) != 4:
        raise StarsError(
            f"{at}: has {len(parts)} tab-separated fields, not 4 (name, state, ETag, samples); {_FIX}"
        )
    repo, state, etag, samples_text = parts
    if not KEY_RE.match(repo):
        raise StarsError(f"{at}: '{repo[:80]}' is not a repository name (lowercase owner/name); {_FIX}")
    moved_to, gone_since = None, None
    if state.startswith("moved:"):
        moved_to = state.removeprefix("moved:")
        if not KEY_RE.match(moved_to):
            raise StarsError(f"{at}: '{moved_to[:80]}' is not a repository name; {_FIX}")
    elif state.startswith("gone:"):
        gone_since = days.day(state.removeprefix("gone:"), at)
    elif state != "ok":
        raise StarsError(f"{at}: '{state[:80]}' is not a state (ok, moved:NAME or gone:DAY); {_FIX}")
    if etag != "-" and not ETAG_RE.match(etag):
        raise StarsError(f"{at}: '{etag[:80]}' is not an ETag; {_FIX}")
    samples = () if samples_text == "-" else _samples(samples_text, at, days, recent)
    return Entry(repo, samples, None if etag == "-" else etag, moved_to, gone_since)


def _samples(text: str, at: str, days: _Days, recent: bool) -> tuple[Sample, ...]:
    if not _SAMPLES_RE.fullmatch(text):  # one pattern for the whole field: the common case is quick
        word = next((w for w in text.split(" ") if not _SAMPLE_RE.match(w)), text)
        raise StarsError(f"{at}: '{word[:80]}' is not a sample (DAY=STARS); {_FIX}")
    if recent:  # up to the first sample before the start (ISO days compare as text); the rest not read
        pairs: list[tuple[str, str]] = []
        for match in _PAIR_RE.finditer(text):
            pairs.append((match[1], match[2]))
            if match[1] < days.start(pairs[0][0], at):
                break
    else:
        pairs = _PAIR_RE.findall(text)
    # ISO dates sort as text: newest first means each is less than the one before.
    for (newer, _), (older, _) in pairwise(pairs):
        if older >= newer:
            raise StarsError(f"{at}: the samples are not newest first ({older}); {_FIX}")
    return tuple([Sample(days.day(day_text, at), int(stars)) for day_text, stars in pairs])


def _day(text: str, at: str) -> dt.date:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise StarsError(f"{at}: '{text[:80]}' is not a day (YYYY-MM-DD); {_FIX}")


def load(path: Path, recent: bool = False) -> StarData:
    """The samples of the file at `path` (with `recent`, those a week's gain can need, as parse says);
    none if there is no file (a site without activity data)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return StarData()
    except UnicodeDecodeError:
        raise StarsError(f"{path.as_posix()}: is not UTF-8; {_FIX.replace('the line', 'the file')}") from None
    except OSError as err:
        raise StarsError(f"{path.as_posix()}: cannot be read ({err.strerror})") from None
    return parse(text, path.as_posix(), recent)


def default_path(content_dir: Path) -> Path:
    """Where the build reads the samples (fetched from their branch by the deploy, or sampled locally)."""
    return content_dir / FILE_NAME
