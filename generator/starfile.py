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
from pathlib import Path

from .ledger_branch import STARS

FILE_NAME = STARS.file_name
# Samples are kept daily while they may be a week's baseline (a week, and three missed days), then one a
# week (the newest of each ISO week) for 13 weeks, then one a month: about 30 samples in a year.
DAILY_DAYS = 10
WEEKLY_DAYS = 91
HEADER = """\
# GitHub stars of the papers' code repositories (links.code), sampled once a day by `paperfeed stars`;
# the trending page ranks papers by the stars they gained in the last 7 days. One repository a line,
# tab-separated: name, state (ok, moved:NEW-NAME, gone:DAY), ETag of the last answer, samples newest first
# (DAY=STARS). Written by paperfeed: delete a line to have the next run sample that repository afresh.
"""
KEY_RE = re.compile(r"^[a-z0-9-]{1,39}/[a-z0-9._-]{1,100}$")
_ETAG_RE = re.compile(r'^(W/)?"[\x21\x23-\x7e]{1,200}"$')
_SAMPLE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})=(\d{1,9})$")
# A link to a repository itself: https://github.com/owner/name, maybe with .git or a final slash.
_REPO_URL_RE = re.compile(
    r"^https?://(?:www\.)?github\.com/(?P<owner>[A-Za-z0-9-]{1,39})/(?P<name>[A-Za-z0-9._-]{1,100}?)"
    r"(?:\.git)?/?$",
    re.IGNORECASE,
)
_GITHUB_URL_RE = re.compile(r"^https?://(?:www\.)?github\.com(?:[/?#:]|$)", re.IGNORECASE)


class StarsError(Exception):
    """The samples file cannot be read; the message says where and how to fix it."""


@dataclass(frozen=True)
class Sample:
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
    to WEEKLY_DAYS old, then the newest of each month."""
    kept: list[Sample] = []
    seen: set[tuple[str, int, int]] = set()
    for sample in samples:
        age = (today - sample.day).days
        if age <= DAILY_DAYS:
            bucket = ("day", sample.day.toordinal(), 0)
        elif age <= WEEKLY_DAYS:
            year, week, _ = sample.day.isocalendar()
            bucket = ("week", year, week)
        else:
            bucket = ("month", sample.day.year, sample.day.month)
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


def parse(text: str, where: str) -> StarData:
    """Read the file's text; StarsError naming `where` and the line of the first problem."""
    entries: dict[str, Entry] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        entry = _entry(line, f"{where}:{number}")
        if entry.repo in entries:
            raise StarsError(f"{where}:{number}: {entry.repo} is listed twice; {_FIX}")
        entries[entry.repo] = entry
    return StarData(entries)


_FIX = "delete the line, and the next `paperfeed stars` samples the repository afresh"


def _entry(line: str, at: str) -> Entry:
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
        gone_since = _day(state.removeprefix("gone:"), at)
    elif state != "ok":
        raise StarsError(f"{at}: '{state[:80]}' is not a state (ok, moved:NAME or gone:DAY); {_FIX}")
    if etag != "-" and not _ETAG_RE.match(etag):
        raise StarsError(f"{at}: '{etag[:80]}' is not an ETag; {_FIX}")
    samples: list[Sample] = []
    for word in [] if samples_text == "-" else samples_text.split(" "):
        match = _SAMPLE_RE.match(word)
        if not match:
            raise StarsError(f"{at}: '{word[:80]}' is not a sample (DAY=STARS); {_FIX}")
        sample = Sample(_day(match[1], at), int(match[2]))
        if samples and sample.day >= samples[-1].day:
            raise StarsError(f"{at}: the samples are not newest first ({match[1]}); {_FIX}")
        samples.append(sample)
    return Entry(repo, tuple(samples), None if etag == "-" else etag, moved_to, gone_since)


def _day(text: str, at: str) -> dt.date:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise StarsError(f"{at}: '{text[:80]}' is not a day (YYYY-MM-DD); {_FIX}")


def load(path: Path) -> StarData:
    """The samples of the file at `path`; none if there is no file (a site without activity data)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return StarData()
    except UnicodeDecodeError:
        raise StarsError(f"{path.as_posix()}: is not UTF-8; {_FIX.replace('the line', 'the file')}") from None
    except OSError as err:
        raise StarsError(f"{path.as_posix()}: cannot be read ({err.strerror})") from None
    return parse(text, path.as_posix())


def default_path(content_dir: Path) -> Path:
    """Where the build reads the samples (fetched from their branch by the deploy, or sampled locally)."""
    return content_dir / FILE_NAME
