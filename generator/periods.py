"""The periods a digest covers: one day (2025-03-14) or one ISO week (2025-W11)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from generator import urls
from generator.errors import PaperfeedError
from generator.model import Feed, Paper

KINDS = ("day", "week")
_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")
DASH = "\N{EN DASH}"
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class PeriodError(PaperfeedError, ValueError):
    """Not a period id; the message says what one looks like."""


@dataclass(frozen=True, order=True)
class Period:
    """A day or an ISO week (Monday to Sunday); `id` is its permanent name."""

    start: dt.date
    kind: str

    @classmethod
    def of(cls, kind: str, day: dt.date) -> Period:
        """The period of this kind that contains `day`."""
        if kind == "day":
            return cls(day, kind)
        if kind == "week":
            return cls(day - dt.timedelta(days=day.weekday()), kind)
        raise PeriodError(f"a period is a day or a week, not '{kind}'")

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read an id: 2025-03-14 or 2025-W11."""
        week = _WEEK_RE.match(text)
        try:
            if week:
                return cls(dt.date.fromisocalendar(int(week[1]), int(week[2]), 1), "week")
            if _DAY_RE.match(text):
                return cls(dt.date.fromisoformat(text), "day")
        except ValueError:
            pass
        raise PeriodError(f"'{text}' is not a day (2025-03-14) or an ISO week (2025-W11)")

    @property
    def end(self) -> dt.date:
        """The last day of the period."""
        return self.start + dt.timedelta(days=6 if self.kind == "week" else 0)

    @property
    def id(self) -> str:
        return urls.week_key(self.start) if self.kind == "week" else self.start.isoformat()

    @property
    def label(self) -> str:
        """For people: 14 March 2025, or Week 11 of 2025 (10-16 March)."""
        if self.kind == "day":
            return _date(self.start)
        year, week, _ = self.start.isocalendar()
        if self.start.month == self.end.month:
            span = f"{self.start.day}{DASH}{_date(self.end)}"
        elif self.start.year == self.end.year:
            span = f"{self.start.day} {_MONTHS[self.start.month - 1]} {DASH} {_date(self.end)}"
        else:
            span = f"{_date(self.start)} {DASH} {_date(self.end)}"
        return f"Week {week} of {year} ({span})"

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def papers(self, feed: Feed) -> tuple[Paper, ...]:
        """The feed's papers of this period, in feed order."""
        return tuple(p for p in feed.papers if self.contains(p.date))


DUE_DAYS = 2


def due(kind: str, today: dt.date) -> list[Period]:
    """The periods of this kind whose last day is `today` or one of the two days before, oldest first: the
    only ones a run on `today` sends. The clock picks them, not the papers: a first run does not send a
    months-old day, and a record dated in the future waits for its day instead of being the newest."""
    found = {Period.of(kind, today - dt.timedelta(days=n)) for n in range(DUE_DAYS + 1)}
    return sorted(p for p in found if today - dt.timedelta(days=DUE_DAYS) <= p.end <= today)


# Names from tables, not strftime, so that the text does not depend on the machine's locale.


def _date(day: dt.date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def short_date(day: dt.date) -> str:
    """14 March 2025."""
    return _date(day)


def long_date(day: dt.date) -> str:
    """Friday, 14 March 2025."""
    return f"{_WEEKDAYS[day.weekday()]}, {_date(day)}"


def month_label(key: str) -> str:
    """March 2025, for the month key 2025-03."""
    year, month = key.split("-")
    return f"{_MONTHS[int(month) - 1]} {year}"


def week_label(key: str) -> str:
    """Week 11 of 2025 (10-16 March 2025, with an en dash), for the week key 2025-W11."""
    return Period.parse(key).label
