"""The star samples file: which code links name a repository, thinning, the format read and written, and
the one-line errors of a damaged file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.data.starfile import (
    HEADER,
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

D = dt.date


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://github.com/state-spaces/mamba", "state-spaces/mamba"),
        ("https://github.com/salesforce/ALBEF/", "salesforce/albef"),
        ("http://www.github.com/Owner/Repo.git", "owner/repo"),
        ("https://GitHub.com/a-b/c.d_e", "a-b/c.d_e"),
        ("https://github.com/owner/name.github.io", "owner/name.github.io"),
    ],
)
def test_a_link_to_a_repository_names_it(url: str, key: str) -> None:
    assert repository(url) == (key, "")


INSIDE = "not a repository's own address (a folder, a file, a branch or a page of GitHub)"


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("https://github.com/NVIDIA/Megatron-LM/tree/ssm/examples/mamba", INSIDE),
        ("https://github.com/ekinakyurek/google-research/blob/master/incontext", INSIDE),
        ("https://github.com/pagand/e2etransfuser/tree/cvpr-w", INSIDE),
        ("https://github.com/owner", INSIDE),
        ("https://github.com/owner/repo?tab=readme", INSIDE),
        ("https://github.com/owner/..", INSIDE),
        ("https://github.com", INSIDE),
        ("https://ma-lab-berkeley.github.io/CRATE", "not on github.com"),
        ("https://gitlab.com/owner/repo", "not on github.com"),
        ("https://github.com.evil.example/owner/repo", "not on github.com"),
        ("https://notgithub.com/owner/repo", "not on github.com"),
    ],
)
def test_any_other_link_is_not_sampled_and_says_why(url: str, why: str) -> None:
    assert repository(url) == (None, why)


def daily(last: dt.date, days: int, stars: int = 100) -> tuple[Sample, ...]:
    return tuple(Sample(last - dt.timedelta(days=n), stars - n) for n in range(days))


def test_thinning_keeps_ten_days_then_a_sample_a_week_then_one_a_month() -> None:
    today = D(2025, 6, 30)
    kept = thin(daily(today, 200), today)
    days = [s.day for s in kept]
    assert days[:11] == [today - dt.timedelta(days=n) for n in range(11)]  # 0..10 days old: all
    # 11..91 days old: the newest of each ISO week (weeks run Monday to Sunday).
    weekly = [d for d in days if 10 < (today - d).days <= 91]
    assert weekly[:3] == [D(2025, 6, 19), D(2025, 6, 15), D(2025, 6, 8)]
    assert weekly[-1] == D(2025, 4, 6)  # the week of 31 March (91 days old) to 6 April: its newest
    assert len(weekly) == 12  # ISO weeks 25 back to 14 of 2025
    assert len({d.isocalendar()[:2] for d in weekly}) == len(weekly)
    # Older: the newest of each month.
    assert [d for d in days if (today - d).days > 91] == [
        D(2025, 3, 30),
        D(2025, 2, 28),
        D(2025, 1, 31),
        D(2024, 12, 31),
    ]
    assert len(kept) == 11 + 12 + 4
    assert all(s.stars == 100 - (today - s.day).days for s in kept)  # each keeps its own count


def test_thinning_again_on_the_same_day_changes_nothing_and_a_year_keeps_few_samples() -> None:
    today = D(2026, 3, 14)
    once = thin(daily(today, 366), today)
    assert thin(once, today) == once
    # A year of daily runs, thinned every day as `paperfeed stars` does.
    kept: tuple[Sample, ...] = ()
    for n in range(365, -1, -1):
        day = today - dt.timedelta(days=n)
        kept = thin((Sample(day, 1000 - n), *kept), day)
    # 11 days (0 to 10 days old), 13 weeks (from the week of 3 March back to that of 14 December) and one
    # sample for each month before: December back to March 2025.
    assert len(kept) == 11 + 13 + 10
    old = [s.day for s in kept if (today - s.day).days > 91]
    assert [(d.year, d.month) for d in old] == [(2025, m) for m in range(12, 2, -1)]


def test_after_a_year_one_sample_a_year_is_kept() -> None:
    today = D(2027, 6, 30)
    kept = thin(daily(today, 1000, 5000), today)  # daily since 5 October 2024
    old = [s.day for s in kept if (today - s.day).days > 365]
    assert old == [D(2026, 6, 29), D(2025, 12, 31), D(2024, 12, 31)]  # the newest of each year before
    monthly = [s.day for s in kept if 91 < (today - s.day).days <= 365]
    assert [(d.year, d.month) for d in monthly] == [(2027, m) for m in (3, 2, 1)] + [
        (2026, m) for m in range(12, 5, -1)
    ]
    assert len(kept) == 11 + 12 + 10 + 3  # 12 ISO weeks: 13 to 24 of 2027


ETAG = 'W/"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"'
LINES = (
    "example/gone\tgone:2025-03-02\t-\t2025-02-20=7\n"
    f"example/linear-attention\tok\t{ETAG}\t2025-03-04=1234 2025-03-03=1200\n"
    'example/renamed\tmoved:example/new-name\t"abc"\t2025-03-04=5\n'
)


def test_the_file_reads_back_what_it_wrote_sorted_by_name() -> None:
    data = StarData(
        {
            "example/renamed": Entry(
                "example/renamed", (Sample(D(2025, 3, 4), 5),), '"abc"', "example/new-name"
            ),
            "example/linear-attention": Entry(
                "example/linear-attention", (Sample(D(2025, 3, 4), 1234), Sample(D(2025, 3, 3), 1200)), ETAG
            ),
            "example/gone": Entry("example/gone", (Sample(D(2025, 2, 20), 7),), None, None, D(2025, 3, 2)),
        }
    )
    text = dumps(data)
    assert text == HEADER + LINES
    assert parse(text, "stars.tsv") == StarData(dict(sorted(data.entries.items())))
    assert parse(text, "x").newest == D(2025, 3, 4)
    assert StarData().newest is None


def test_a_missing_file_is_no_samples_and_an_empty_one_too(tmp_path: Path) -> None:
    assert load(tmp_path / "stars.tsv") == StarData()
    (tmp_path / "stars.tsv").write_text(HEADER, encoding="utf-8")
    assert load(tmp_path / "stars.tsv") == StarData()


FIX = "delete the line, and the next `paperfeed stars` samples the repository afresh"


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("a/b\tok\t-", "has 3 tab-separated fields, not 4 (name, state, ETag, samples)"),
        ("A/B\tok\t-\t-", "'A/B' is not a repository name (lowercase owner/name)"),
        ("a/b\tfine\t-\t-", "'fine' is not a state (ok, moved:NAME or gone:DAY)"),
        ("a/b\tmoved:x\t-\t-", "'x' is not a repository name"),
        ("a/b\tgone:2025-02-30\t-\t-", "'2025-02-30' is not a day (YYYY-MM-DD)"),
        ("a/b\tok\tabc\t-", "'abc' is not an ETag"),
        ("a/b\tok\t-\t2025-03-04:12", "'2025-03-04:12' is not a sample (DAY=STARS)"),
        ("a/b\tok\t-\t2025-03-04=-1", "'2025-03-04=-1' is not a sample (DAY=STARS)"),
        ("a/b\tok\t-\t2025-03-03=1 2025-03-04=2", "the samples are not newest first (2025-03-04)"),
        ("a/b\tok\t-\t2025-03-04=1 2025-03-04=2", "the samples are not newest first (2025-03-04)"),
        ("a/b\tok\t-\t 2025-03-04=1", "'' is not a sample (DAY=STARS)"),
    ],
)
def test_a_damaged_line_is_one_error_with_its_line_and_the_fix(line: str, problem: str) -> None:
    with pytest.raises(StarsError) as err:
        parse(HEADER + "a/a\tok\t-\t-\n" + line + "\n", "content/stars.tsv")
    assert str(err.value) == f"content/stars.tsv:6: {problem}; {FIX}"


def test_a_repository_twice_is_an_error() -> None:
    with pytest.raises(StarsError) as err:
        parse("a/b\tok\t-\t-\na/b\tok\t-\t-\n", "stars.tsv")
    assert str(err.value) == f"stars.tsv:2: a/b is listed twice; {FIX}"


def test_a_file_that_is_not_utf8_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "stars.tsv"
    path.write_bytes(b"a/b\tok\t-\t\xff\n")
    with pytest.raises(StarsError) as err:
        load(path)
    assert str(err.value) == (
        f"{path.as_posix()}: is not UTF-8; delete the file, and the next `paperfeed stars` samples the"
        " repository afresh"
    )


def test_reading_the_recent_samples_keeps_ten_days_and_the_one_before() -> None:
    line = "a/b\tok\t-\t" + " ".join(
        f"{d}=1" for d in ("2025-03-14", "2025-03-10", "2025-03-04", "2025-03-03", "2025-02-01", "2024-01-01")
    )
    entry = parse(line + "\n", "x", recent=True).entries["a/b"]
    # 4 March is the tenth day before 14 March: kept; 3 March is the one before; nothing older is read.
    assert [s.day for s in entry.samples] == [D(2025, 3, 14), D(2025, 3, 10), D(2025, 3, 4), D(2025, 3, 3)]
    assert len(parse(line + "\n", "x").entries["a/b"].samples) == 6


def test_the_recent_samples_are_still_checked_for_their_form() -> None:
    with pytest.raises(StarsError) as err:
        parse("a/b\tok\t-\t2025-03-14=1 2020-01-01=x\n", "stars.tsv", recent=True)
    assert str(err.value) == f"stars.tsv:1: '2020-01-01=x' is not a sample (DAY=STARS); {FIX}"
    with pytest.raises(StarsError):
        parse("a/b\tok\t-\t2025-03-14=1 2025-03-15=1\n", "stars.tsv", recent=True)
