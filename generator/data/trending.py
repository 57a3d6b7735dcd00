"""The trending ranking: each paper's signals (its upvotes, the stars its code repository gained in the
last week) and a score that decays with the paper's age in the feed; no I/O, no clock.

    score = (1 + upvotes + stars gained in 7 days) / (days in the feed + 2) ^ 1.5

"Now" is the newest day in the data: the newest star sample's, or the newest paper's if that is later.
The 1 lets a paper with no signal at all still rank by its age, so a feed without samples lists its
newest papers, the most upvoted first; the 2 keeps a paper of today from dividing by zero. A week's gain
is the newest sample of the last 7 days less the newest sample at least 7 days older than now, scaled down
to 7 days when that one is older (missed runs), and counted from the first sample for a repository
sampled for less than a week. Stars lost count as none.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
from dataclasses import dataclass

from generator.data.starfile import Entry, StarData, repository
from generator.model import Feed, Paper

WEEK = 7
GRAVITY = 1.5
AGE_OFFSET = 2
BASE = 1
SIZE = 50  # papers on /trending/ and in /trending.xml
STRIP = 5  # papers in the home page's strip


@dataclass(frozen=True)
class Signal:
    """What is known of one paper's activity: its upvotes, its repository's stars at the newest sample
    (None: no repository sampled), the stars gained in the week up to now (None: not measurable), its age
    in the feed in days, and its score."""

    upvotes: int
    stars: int | None
    gained: int | None
    age: int
    score: float


@dataclass(frozen=True)
class Trending:
    """The ranking at `now`: the top papers, best first, and every paper's signal by slug. `sampled` says
    whether any repository has a sample at all (if not, the ranking is by upvotes and recency alone)."""

    now: dt.date | None
    sampled: bool
    ranked: tuple[Paper, ...]
    signals: dict[str, Signal]

    @property
    def strip(self) -> tuple[Paper, ...]:
        return self.ranked[:STRIP]


def code_repository(paper: Paper) -> str | None:
    """The key of the GitHub repository the paper's `links.code` names, if it names one."""
    url = next((link.url for link in paper.links if link.label == "code"), None)
    return repository(url)[0] if url else None


def weekly(entry: Entry, now: dt.date) -> tuple[int | None, int | None]:
    """The repository's stars at its newest sample (None if it is gone or has none) and the stars it
    gained in the week up to `now` (None when the week has no sample, or only one day of samples)."""
    if entry.gone_since or not entry.samples:
        return None, None
    newest = entry.samples[0]
    start = now - dt.timedelta(days=WEEK)
    if newest.day < start or newest.day > now:
        return newest.stars, None
    base = next((s for s in entry.samples if s.day <= start), entry.samples[-1])
    days = (newest.day - base.day).days
    if days == 0:
        return newest.stars, None
    gained = newest.stars - base.stars
    if days > WEEK:
        gained = gained * WEEK // days
    return newest.stars, gained


def score(upvotes: int, gained: int | None, age: int) -> float:
    return (BASE + upvotes + max(0, gained or 0)) / math.pow(age + AGE_OFFSET, GRAVITY)


def rank(feed: Feed, data: StarData, size: int = SIZE) -> Trending:
    """Every paper's signal and the `size` best papers: highest score first, then the most upvotes and
    stars gained, then the newest, then by title and slug, so that the order never depends on chance."""
    newest_paper = feed.papers[0].date if feed.papers else None
    days = [d for d in (data.newest, newest_paper) if d is not None]
    now = max(days) if days else None
    signals: dict[str, Signal] = {}
    if now is None:
        return Trending(None, False, (), signals)
    weeks: dict[str, tuple[int | None, int | None]] = {}
    for paper in feed.papers:
        key = code_repository(paper)
        entry = data.entries.get(key) if key else None
        stars, gained = None, None
        if entry is not None:
            if entry.repo not in weeks:
                weeks[entry.repo] = weekly(entry, now)
            stars, gained = weeks[entry.repo]
        age = max(0, (now - paper.date).days)
        signals[paper.slug] = Signal(paper.upvotes, stars, gained, age, score(paper.upvotes, gained, age))

    def order(paper: Paper) -> tuple[float, int, int, str, str]:
        signal = signals[paper.slug]
        activity = signal.upvotes + max(0, signal.gained or 0)
        return (-signal.score, -activity, -paper.date.toordinal(), paper.title.casefold(), paper.slug)

    ranked = heapq.nsmallest(size, feed.papers, key=order)
    sampled = any(signal.stars is not None for signal in signals.values())
    return Trending(now, sampled, tuple(ranked), signals)


def words(signal: Signal | None) -> list[str]:
    """The signal as a card shows it: "+123 stars this week", "4,567 stars", "12 upvotes" (what is known)."""
    if signal is None:
        return []
    found = []
    if signal.gained is not None and signal.gained > 0:
        found.append(f"+{_count(signal.gained, 'star')} this week")
    if signal.stars is not None:
        found.append(_count(signal.stars, "star"))
    if signal.upvotes > 0:
        found.append(_count(signal.upvotes, "upvote"))
    return found


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
