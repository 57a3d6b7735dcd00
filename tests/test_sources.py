"""content/sources.yml and content/import-state.yml: `paperfeed check` reads them as strictly as records,
and the state file reads back exactly what `paperfeed import` wrote."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from arxiv_support import FIXTURES
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from generator.cli import main
from generator.contributing import sources
from generator.contributing.sources import Mark
from generator.model import Tag

SOURCES = "- query: 'cat:cs.LG AND abs:\"state space\"'\n  tags: [state-space-models]\n  limit: 40\n"
STATE = '- query: "cat:cs.CV AND abs:video"\n  newest: 2025-03-13T12:00:00Z\n  seen: ["2503.10006"]\n'


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    (root / "papers" / "2025").mkdir(parents=True)
    shutil.copy(FIXTURES / "tags.yml", root / "tags.yml")
    (root / "papers/2025/a-paper.md").write_text(
        '---\ntitle: "A paper"\ndate: 2025-03-10\ntags: [video]\n---\nAn abstract.\n', encoding="utf-8"
    )
    return root


def check(content: Path, *paths: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "--content", str(content), *paths])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_check_accepts_the_files_import_reads_and_writes(content: Path) -> None:
    (content / "sources.yml").write_text(SOURCES, encoding="utf-8")
    (content / "import-state.yml").write_text(STATE, encoding="utf-8")
    assert check(content) == (0, "1 paper, 6 tags: ok\n")
    assert check(content, str(content / "import-state.yml")) == (
        0,
        "1 file checked against 1 paper, 6 tags: ok\n",
    )
    assert check(content, str(content)) == (0, "4 files checked against 1 paper, 6 tags: ok\n")
    tags = {"state-space-models": Tag("state-space-models", "State space models")}
    assert sources.read_sources(content / "sources.yml", tags, []) == [
        sources.Query('cat:cs.LG AND abs:"state space"', ("state-space-models",), 40)
    ]


def test_check_without_the_files_is_as_before(content: Path) -> None:
    assert check(content) == (0, "1 paper, 6 tags: ok\n")


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("{}\n", ["1: state: must be a list, one entry per query, as `paperfeed import` writes it"]),
        (
            STATE.replace("2025-03-13T12:00:00Z", "2025-03-13 12:00"),
            ["2: state[1].newest: '2025-03-13 12:00' is not a time; write it as 2025-03-14T17:59:58Z (UTC)"],
        ),
        (
            STATE.replace("2025-03-13T12:00:00Z", "2025-02-30T12:00:00Z"),
            [
                "2: state[1].newest: '2025-02-30T12:00:00Z' is not a time; write it as"
                " 2025-03-14T17:59:58Z (UTC)"
            ],
        ),
        (
            STATE.replace("2025-03-13", "2999-03-13"),
            ["2: state[1].newest: 2999-03-13T12:00:00Z is in the future; the query would skip every paper"],
        ),
        (
            STATE.replace('["2503.10006"]', "[2503.10006]"),
            [
                '3: state[1].seen: write the id in quotes, state[1].seen: "2503.10006", so that YAML keeps it'
                " as text, not a number"
            ],
        ),
        (
            STATE.replace('["2503.10006"]', "[]"),
            ['3: state[1].seen: must list the arXiv ids of the newest time, e.g. seen: ["2503.01234"]'],
        ),
        (STATE + STATE, ["4: state[2].query: repeats the query of line 1"]),
        (
            STATE.replace("  seen", "  since: today\n  seen"),
            ["3: state[1].since: is not a known field; use query, newest, seen"],
        ),
        (
            STATE.replace('  seen: ["2503.10006"]\n', ""),
            ["1: state[1].seen: is missing; add seen: ..., or delete the entry"],
        ),
        ("- query: x\n  newest: *a\n", ["2: newest: uses the YAML alias '*a'; write the value out instead"]),
    ],
)
def test_check_reports_a_state_it_cannot_use(content: Path, text: str, problems: list[str]) -> None:
    (content / "import-state.yml").write_text(text, encoding="utf-8")
    shown = f"{content.as_posix()}/import-state.yml"
    code, out = check(content)
    assert (code, out) == (
        1,
        "".join(f"{shown}:{p}\n" for p in problems) + f"{len(problems)} problem{'s' * (len(problems) > 1)}"
        " in 1 file\n",
    )


def test_check_reports_sources_against_the_vocabulary(content: Path) -> None:
    (content / "sources.yml").write_text(SOURCES.replace("state-space-models", "ssm"), encoding="utf-8")
    assert check(content) == (
        1,
        f"{content.as_posix()}/sources.yml:2: queries[1].tags: 'ssm' is not a tag of content/tags.yml;"
        " did you mean 'state-space-models'?\n1 problem in 1 file\n",
    )


def test_an_empty_sources_file_is_a_problem(content: Path) -> None:
    (content / "sources.yml").write_text("\n", encoding="utf-8")
    assert check(content) == (
        1,
        f"{content.as_posix()}/sources.yml:1: file: is empty; list at least one query, or delete the file\n"
        "1 problem in 1 file\n",
    )


# --- the state reads back what was written ----------------------------------------------------------------

QUERIES = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Cf", "Co", "Cn")), min_size=1, max_size=200
).filter(lambda q: q.strip() == q and sources.check_query(q, [], 1, []) is None)
TIMES = st.datetimes(min_value=dt.datetime(1991, 8, 1), max_value=dt.datetime(2030, 1, 1)).map(
    lambda t: t.replace(microsecond=0, tzinfo=dt.UTC)
)
IDS = st.lists(st.from_regex(r"\A2[0-9]0[1-9]\.[0-9]{5}\Z"), min_size=1, max_size=3, unique=True)


@given(st.dictionaries(QUERIES, st.builds(Mark, TIMES, IDS.map(tuple)), min_size=1, max_size=4))
def test_the_state_reads_back_exactly(
    tmp_path_factory: pytest.TempPathFactory, marks: dict[str, Mark]
) -> None:
    path = tmp_path_factory.mktemp("state") / "import-state.yml"
    sources.write_state(path, marks)
    problems: list[object] = []
    now = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    assert sources.read_state(path, problems, now) == marks  # type: ignore[arg-type]
    assert problems == []


def test_a_mark_moves_on_by_newer_papers_and_gathers_those_of_its_second() -> None:
    t = dt.datetime(2025, 3, 13, 12, 0, tzinfo=dt.UTC)
    mark = Mark(t, ("2503.00002",))
    assert mark.after("2503.00001", t - dt.timedelta(seconds=1)) == mark
    assert mark.after("2503.00003", t) == Mark(t, ("2503.00002", "2503.00003"))
    assert mark.after("2503.00002", t) == mark
    later = t + dt.timedelta(seconds=1)
    assert mark.after("2503.00004", later) == Mark(later, ("2503.00004",))
    assert mark.has_seen("2503.00002v3", t) and not mark.has_seen("2503.00003", t)
    assert mark.is_older(t - dt.timedelta(seconds=1)) and not mark.is_older(t)
