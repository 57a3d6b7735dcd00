"""The rules that keep a build safe beyond one field: dates bounded by the clock, twins reported on the new
file (`check --base`), and what `paperfeed new` refuses before anything is published."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from records_support import run_check
from test_records_tree import good, make_tree

from generator import records
from generator.cli import main

DAY = dt.date(2025, 3, 14)


def problems(content: Path, **kwargs: object) -> list[str]:
    return [str(p) for p in records.check(content, **kwargs).problems]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("date", "ok"),
    [("2025-03-14", True), ("2025-03-15", True), ("2025-03-16", False), ("1991-01-01", True)],
)
def test_a_feed_day_may_be_today_or_tomorrow_in_utc_but_no_later(tmp_path: Path, date: str, ok: bool) -> None:
    make_tree(tmp_path, {f"{date[:4]}/paper.md": good(1, date=date)})
    found = problems(tmp_path / "content", today=DAY)
    assert found == ([] if ok else [
        f"{tmp_path.as_posix()}/content/papers/2025/paper.md:3: date: {date} is after today; date is the day"
        " the paper entered the feed: today's date or earlier"
    ])  # fmt: skip


def test_published_may_be_old_but_not_after_today(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        {
            "2025/turing.md": good(1, published="1950-10-01"),
            "2025/later.md": good(2, published="2025-03-16"),
        },
    )
    assert problems(tmp_path / "content", today=DAY) == [
        f"{tmp_path.as_posix()}/content/papers/2025/later.md:5: published: 2025-03-16 is after today;"
        " published is the day of the paper's first public version"
    ]


def test_without_a_date_given_check_reads_the_clock(tmp_path: Path) -> None:
    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    later = tomorrow + dt.timedelta(days=1)
    make_tree(
        tmp_path,
        {
            f"{tomorrow.year}/tomorrow.md": good(1, date=tomorrow.isoformat()),
            f"{later.year}/later.md": good(2, date=later.isoformat()),
        },
    )
    found = problems(tmp_path / "content")
    assert len(found) == 1 and f"later.md:3: date: {later} is after today" in found[0]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def pull_request(tmp_path: Path) -> Path:
    """A repository whose base commit has one paper; the work tree adds its twin, dated earlier and
    named to sort first, so that neither the date nor the path order would pick the new file."""
    make_tree(tmp_path, {"2025/zeta-attention.md": good(1, title='"Attention Is All You Need"')})
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "-c", "user.name=CI", "-c", "user.email=ci@example.org", "commit", "-qm", "base")
    twin = good(2, title='"attention is all you need."', date="2025-03-01")
    (tmp_path / "content" / "papers" / "2025" / "attention.md").write_text(twin, encoding="utf-8")
    return tmp_path


def test_check_base_reports_a_repeated_title_on_the_file_the_base_lacks(pull_request: Path) -> None:
    assert run_check(pull_request, "--base", "main") == (
        1,
        "content/papers/2025/attention.md:2: title: is already in the feed:"
        " content/papers/2025/zeta-attention.md ('Attention Is All You Need'); a paper is listed once, so"
        " delete this file if it is the same paper\n1 problem in 1 file\n",
    )


def test_without_a_base_the_paper_that_entered_the_feed_later_is_reported(pull_request: Path) -> None:
    code, output = run_check(pull_request)
    assert code == 1
    assert output.startswith("content/papers/2025/zeta-attention.md:2: title: is already in the feed:")


def test_check_base_that_is_not_a_commit_is_one_line(pull_request: Path) -> None:
    assert run_check(pull_request, "--base", "no-such-branch") == (
        1,
        "Error: --base no-such-branch: is not a commit of this repository; fetch it first\n",
    )


def test_check_base_outside_a_repository_is_one_line(tmp_path: Path) -> None:
    make_tree(tmp_path, {"2025/paper.md": good(1)})
    code, output = run_check(tmp_path, "--base", "main")
    assert code == 1
    assert output.startswith("Error: git rev-parse --show-toplevel: fatal: not a git repository")
    assert output.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--title", "Index"], "content/papers/2025/index.md:1: slug: 'index' (the file name) is the name"),
        (
            ["--title", "A paper", "--date", "2099-01-01"],
            "content/papers/2099/a-paper.md:3: date: 2099-01-01",
        ),
        (
            ["--title", "Old", "--date", "1990-01-01"],
            "content/papers/1990/old.md:3: date: 1990-01-01 is before",
        ),
        (["--title", "A <b>paper</b>"], "content/papers/2025/a-b-paper-b.md:2: title: contains '<'"),
        (
            ["--title", "Paper one", "--abstract", "See [x](#top)."],
            "paper-one.md:6: abstract: links to '#top'",
        ),
        (["--title", "paper NUMBER 1!"], "not written: the title is already in the feed"),
        (
            ["--title", "A paper", "--link", "code=https://a.org:0/"],
            "links.code: 'https://a.org:0/' has an inv",
        ),
    ],
)
def test_new_refuses_what_check_refuses_and_writes_nothing(
    tmp_path: Path, args: list[str], expected: str
) -> None:
    make_tree(tmp_path, {"2025/paper-number-1.md": good(1)})
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    full = ["new", "--tag", "world-models", "--date", "2025-03-14", "--abstract", "An abstract.", *args]
    old = Path.cwd()
    os.chdir(tmp_path)  # new writes under ./content, as a contributor runs it
    try:
        result = CliRunner().invoke(main, full)
    finally:
        os.chdir(old)
    assert result.exit_code == 1, result.output
    assert expected in result.output
    assert "Traceback" not in result.output
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_a_fifo_among_the_records_is_reported_not_read(tmp_path: Path) -> None:
    make_tree(tmp_path, {"2025/paper.md": good(1)})
    os.mkfifo(tmp_path / "content" / "papers" / "2025" / "pipe.md")  # reading it would block for ever
    assert run_check(tmp_path) == (
        1,
        "content/papers/2025/pipe.md:1: file: is not a regular file; content/papers/ holds record files and"
        " folders only\n1 problem in 1 file\n",
    )


def test_a_folder_named_tags_yml_is_not_a_file(tmp_path: Path) -> None:
    make_tree(tmp_path, {"2025/paper.md": good(1)})
    (tmp_path / "content" / "tags.yml").unlink()
    (tmp_path / "content" / "tags.yml").mkdir()
    code, output = run_check(tmp_path)
    assert code == 1
    assert output.startswith(
        "content/tags.yml:1: file: is not a file; create content/tags.yml with the tag vocabulary\n"
    )


def test_checking_the_content_folder_checks_records_and_tags_not_pages(tmp_path: Path) -> None:
    make_tree(tmp_path, {"2025/paper.md": good(1)})
    (tmp_path / "content" / "pages").mkdir()
    (tmp_path / "content" / "pages" / "about.md").write_text(
        "# About\n\nNo front matter.\n", encoding="utf-8"
    )
    assert run_check(tmp_path, "content") == (0, "2 files checked against 1 paper, 4 tags: ok\n")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_the_fast_forbidden_character_search_agrees_with_the_rule(text: str) -> None:
    match = records.FORBIDDEN_CHAR_RE.search(text)
    assert records.forbidden_char(text) == ((match.start(), match.group()) if match else None)


@pytest.mark.parametrize("char", ["\ufffe", "\U0001fffe", "\U0010ffff", "\ud800", "\u2028", "\x85", "\x7f"])
def test_the_fast_search_finds_each_kind_after_ordinary_astral_text(char: str) -> None:
    text = "A 😀 paper \U0001d538 " + char + " 😀"
    assert records.forbidden_char(text) == (text.index(char), char)
