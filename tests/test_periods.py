"""The names of days, weeks and months that pages show, written out here, not computed."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.periods import DASH, Period, PeriodError, long_date, month_label, short_date, week_label


@pytest.mark.parametrize(
    ("key", "label"),
    [("2025-01", "January 2025"), ("2025-03", "March 2025"), ("1999-12", "December 1999")],
)
def test_a_month_is_named_in_words(key: str, label: str) -> None:
    assert month_label(key) == label


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("2025-W11", f"Week 11 of 2025 (10{DASH}16 March 2025)"),
        ("2026-W53", f"Week 53 of 2026 (28 December 2026 {DASH} 3 January 2027)"),
    ],
)
def test_a_week_is_named_by_its_number_and_its_days(key: str, label: str) -> None:
    assert week_label(key) == label


def test_a_day_is_named_in_words_with_or_without_its_weekday() -> None:
    assert short_date(dt.date(2025, 3, 14)) == "14 March 2025"
    assert short_date(dt.date(2024, 1, 1)) == "1 January 2024"
    assert long_date(dt.date(2025, 3, 14)) == "Friday, 14 March 2025"
    assert long_date(dt.date(2025, 3, 16)) == "Sunday, 16 March 2025"


def test_a_kind_that_is_not_a_day_or_a_week_is_refused_by_name() -> None:
    with pytest.raises(PeriodError) as err:
        Period.of("month", dt.date(2025, 3, 14))
    assert str(err.value) == "a period is a day or a week, not 'month'"
