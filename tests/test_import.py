"""`paperfeed import` against a real loopback HTTP server giving the arXiv API's recorded search answers."""

from __future__ import annotations

import datetime as dt
import errno
import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from arxiv_support import FIXTURES, ArxivStub, Reply, arxiv_stub, recorded
from click.testing import CliRunner

from generator.cli import main
from generator.contributing import arxiv, sources

SSM = 'cat:cs.LG AND abs:"state space"'
VIDEO = "cat:cs.CV AND abs:video"
SSM_PAGES = ("search-ssm-1.xml", "search-ssm-2.xml", "search-ssm-3.xml")


def asked(start: int, size: int, query: str = "cat%3Acs.LG+AND+abs%3A%22state+space%22") -> str:
    return (
        f"/api/query?search_query={query}&start={start}&max_results={size}"
        "&sortBy=submittedDate&sortOrder=descending"
    )


STREAMING = "papers/2025/selective-state-spaces-for-streaming-speech-recognition.md"
STREAMING_RECORD = """---
title: "Selective State Spaces for Streaming Speech Recognition"
date: 2025-03-14
tags: [state-space-models, transformers]
authors: ["Ada Lovelace", "Grace Hopper"]
arxiv: "2503.10005"
published: 2025-03-13
links:
  pdf: "https://arxiv.org/pdf/2503.10005"
---
We study structured state space models (SSMs) for streaming speech recognition. A selective scan lets \
the model forget silence, and a chunked training scheme keeps the latency low. On two benchmarks our \
model matches attention-based Transformers at a fraction of the memory.
"""
LONG_VIDEO = "papers/2025/hierarchical-state-space-models-for-long-video.md"
LONG_VIDEO_RECORD = """---
title: "Hierarchical State Space Models for Long Video"
date: 2025-03-14
tags: [state-space-models, video]
authors: ["Claude Shannon", "Dana Scott", "Emmy Noether"]
arxiv: "2503.10001"
published: 2025-03-12
links:
  pdf: "https://arxiv.org/pdf/2503.10001"
---
Long videos need models whose cost grows linearly with their length. We stack state space models at \
three time scales, from frames to scenes, and predict the next second of video generation benchmarks \
better than attention at a tenth of the memory.
"""
STATE_HEADER = (
    "# Written by `paperfeed import`: for each arXiv query, the first-version time of the newest paper it"
    " has\n# seen, and the ids of that time. The next run stops there. Delete a query's entry to look back"
    " again (as\n# far as its limit).\n"
)
SSM_STATE = (
    f"{STATE_HEADER}"
    '- query: "cat:cs.LG AND abs:\\"state space\\""\n'
    "  newest: 2025-03-13T17:59:58Z\n"
    '  seen: ["2503.10005"]\n'
)
ANGLE_NOTE = (
    "  skipped arXiv 2503.10002, which paperfeed check would refuse: title: contains '<'; a one-line field"
    " is plain text, without markup: write 'less than' or leave it out"
)


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[ArxivStub]:
    """The stand-in arXiv API, with no wait between requests (the test of the wait sets its own)."""
    with arxiv_stub() as stub:
        monkeypatch.setenv("PAPERFEED_ARXIV_API", stub.base)
        monkeypatch.setenv("PAPERFEED_ARXIV_DELAY", "0")
        monkeypatch.setenv("PAPERFEED_ARXIV_BACKOFF", "0.01")
        monkeypatch.setenv("PAPERFEED_ARXIV_TIMEOUT", "5")
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        yield stub


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A small feed: the arXiv tests' vocabulary, and two papers that the recorded answers repeat, one by
    its title (case and punctuation aside), one by its arXiv id (another version)."""
    root = tmp_path / "content"
    (root / "papers" / "2025").mkdir(parents=True)
    shutil.copy(FIXTURES / "tags.yml", root / "tags.yml")
    (root / "papers/2025/linear-time-sequence-models-revisited.md").write_text(
        '---\ntitle: "Linear-Time Sequence Models, Revisited"\ndate: 2025-03-10\ntags: [sequence-modeling]\n'
        'arxiv: "2502.00001"\n---\nAn abstract.\n',
        encoding="utf-8",
    )
    (root / "papers/2025/diagonal-state-spaces-at-scale.md").write_text(
        '---\ntitle: "Diagonal State Spaces at Scale"\ndate: 2025-03-11\ntags: [state-space-models]\n'
        'arxiv: "2503.10003v2"\n---\nAn abstract.\n',
        encoding="utf-8",
    )
    return root


def paperfeed(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def run_import(content: Path, *args: str) -> tuple[int, str]:
    return paperfeed("import", "--content", str(content), *args)


def ssm(content: Path, *args: str) -> tuple[int, str]:
    return run_import(content, "--query", SSM, "--tag", "state-space-models", "--date", "2025-03-14", *args)


def tree(content: Path) -> dict[str, bytes]:
    """Every file of the content folder, hidden ones too, with its bytes."""
    return {
        p.relative_to(content).as_posix(): p.read_bytes() for p in sorted(content.rglob("*")) if p.is_file()
    }


def check_passes(content: Path) -> None:
    code, out = paperfeed("check", "--content", str(content))
    assert code == 0, out


# --- the happy path ---------------------------------------------------------------------------------------


def test_pages_are_read_to_the_end_and_new_papers_written(api: ArxivStub, content: Path) -> None:
    api.serve(*recorded(*SSM_PAGES))
    before = tree(content)
    assert ssm(content, "--limit", "10") == (
        0,
        f"'{SSM}': found 5, new 2, skipped 3\n{ANGLE_NOTE}\n"
        f"wrote 2 records ({content.as_posix()}/papers/2025/) and {content.as_posix()}/import-state.yml\n",
    )
    # Three pages of two, one and none left: each asks for what the limit leaves.
    assert api.paths() == [asked(0, 10), asked(2, 8), asked(4, 6)]
    assert api.requests[0].headers["user-agent"].startswith("paperfeed/")
    after = tree(content)
    assert sorted(set(after) - set(before)) == ["import-state.yml", LONG_VIDEO, STREAMING]
    assert after[STREAMING].decode() == STREAMING_RECORD
    assert after[LONG_VIDEO].decode() == LONG_VIDEO_RECORD
    assert after["import-state.yml"].decode() == SSM_STATE
    check_passes(content)


def test_a_second_run_with_the_same_answers_writes_nothing(api: ArxivStub, content: Path) -> None:
    api.serve(*recorded(*SSM_PAGES))
    assert ssm(content)[0] == 0
    before = tree(content)
    stamp = (content / "import-state.yml").stat().st_mtime_ns
    api.requests.clear()
    api.serve(*recorded(*SSM_PAGES))
    assert ssm(content) == (0, f"'{SSM}': found 0, new 0, skipped 0\nno new papers: nothing written\n")
    # The newest paper was seen last time and the next is older: one page is enough to know.
    assert api.paths() == [asked(0, 25)]
    assert tree(content) == before
    assert (content / "import-state.yml").stat().st_mtime_ns == stamp


def test_papers_already_in_the_feed_are_skipped_by_id_and_by_title(api: ArxivStub, content: Path) -> None:
    """Without the state, a rerun finds the same five papers: the two written last time (same id), the
    one titled like a paper of the feed, the one with another version's id, and the invalid one."""
    api.serve(*recorded(*SSM_PAGES))
    assert ssm(content)[0] == 0
    before = tree(content)
    (content / "import-state.yml").unlink()
    api.serve(*recorded(*SSM_PAGES))
    assert ssm(content) == (
        0,
        f"'{SSM}': found 5, new 0, skipped 5\n{ANGLE_NOTE}\n"
        f"no new papers; wrote {content.as_posix()}/import-state.yml\n",
    )
    assert tree(content) == before


def test_the_limit_ends_the_asking(api: ArxivStub, content: Path) -> None:
    api.serve(*recorded(*SSM_PAGES))
    assert ssm(content, "--limit", "3") == (
        0,
        f"'{SSM}': found 3, new 1, skipped 2\n"
        f"wrote 1 record ({content.as_posix()}/papers/2025/) and {content.as_posix()}/import-state.yml\n",
    )
    assert api.paths() == [asked(0, 3), asked(2, 1)]  # the second page's second paper is not taken
    assert (content / STREAMING).exists() and not (content / LONG_VIDEO).exists()


def test_queries_of_sources_yml_and_a_paper_two_queries_find(api: ArxivStub, content: Path) -> None:
    (content / "sources.yml").write_text(
        f"- query: '{SSM}'\n  tags: [state-space-models]\n  limit: 10\n- query: {VIDEO}\n  tags: [video]\n",
        encoding="utf-8",
    )
    api.serve(*recorded(*SSM_PAGES, "search-video.xml"))
    code, out = run_import(content, "--date", "2025-03-14")
    assert (code, out) == (
        0,
        f"'{SSM}': found 5, new 2, skipped 3\n{ANGLE_NOTE}\n'{VIDEO}': found 2, new 1, skipped 1\n"
        f"wrote 3 records ({content.as_posix()}/papers/2025/) and {content.as_posix()}/import-state.yml\n",
    )
    assert api.paths()[-1] == asked(0, 25, "cat%3Acs.CV+AND+abs%3Avideo")
    masked = (content / "papers/2025/masked-video-prediction-with-diffusion.md").read_text(encoding="utf-8")
    assert masked.startswith(
        '---\ntitle: "Masked Video Prediction with Diffusion"\ndate: 2025-03-14\ntags: [video]\n'
        'authors: ["Frances Allen"]\narxiv: "2503.10006"\npublished: 2025-03-13\n'
    )
    # Found by both queries, written once, with the tags of both (and none suggested besides).
    assert "\ntags: [state-space-models, video]\n" in (content / LONG_VIDEO).read_text(encoding="utf-8")
    assert (content / "import-state.yml").read_text(encoding="utf-8") == (
        f"{STATE_HEADER}"
        '- query: "cat:cs.CV AND abs:video"\n  newest: 2025-03-13T12:00:00Z\n  seen: ["2503.10006"]\n'
        '- query: "cat:cs.LG AND abs:\\"state space\\""\n  newest: 2025-03-13T17:59:58Z\n'
        '  seen: ["2503.10005"]\n'
    )
    check_passes(content)


def test_the_next_day_takes_only_what_is_newer(api: ArxivStub, content: Path) -> None:
    api.serve(*recorded(*SSM_PAGES))
    assert ssm(content)[0] == 0
    api.requests.clear()
    api.serve(*recorded("search-ssm-next-day.xml"))
    assert ssm(content) == (
        0,
        f"'{SSM}': found 1, new 1, skipped 0\n"
        f"wrote 1 record ({content.as_posix()}/papers/2025/) and {content.as_posix()}/import-state.yml\n",
    )
    assert api.paths() == [asked(0, 25)]
    music = content / "papers/2025/gated-state-space-models-for-symbolic-music.md"
    assert "\ntags: [state-space-models, transformers]\n" in music.read_text(encoding="utf-8")
    assert (content / "import-state.yml").read_text(encoding="utf-8") == SSM_STATE.replace(
        "2025-03-13T17:59:58Z", "2025-03-14T16:00:00Z"
    ).replace("2503.10005", "2503.11001")
    check_passes(content)


def test_a_slug_taken_by_another_paper_gets_the_arxiv_id(api: ArxivStub, content: Path) -> None:
    (content / "papers/2025/masked-video-prediction-with-diffusion.md").write_text(
        '---\ntitle: "Masked video prediction, with diffusion and more"\ndate: 2025-03-11\ntags: [video]\n'
        "---\nAnother paper.\n",
        encoding="utf-8",
    )
    api.serve(*recorded("search-video.xml"))
    code, out = run_import(content, "--query", VIDEO, "--tag", "video", "--date", "2025-03-14")
    assert code == 0, out
    assert (content / "papers/2025/masked-video-prediction-with-diffusion-2503-10006.md").is_file()
    check_passes(content)


def test_dated_today_in_utc_by_default(api: ArxivStub, content: Path) -> None:
    api.serve(*recorded("search-video.xml"))
    before = dt.datetime.now(dt.UTC).date()
    code, out = run_import(content, "--query", VIDEO, "--tag", "video")
    after = dt.datetime.now(dt.UTC).date()
    assert code == 0, out
    written = next(content.rglob("masked-video-*.md"))
    assert written.parent.name == str(after.year)
    assert any(f"\ndate: {d.isoformat()}\n" in written.read_text(encoding="utf-8") for d in {before, after})


def test_a_broken_entry_is_skipped_with_a_reason(api: ArxivStub, content: Path) -> None:
    api.serve(*recorded("search-broken-entry.xml"))
    assert run_import(content, "--query", VIDEO, "--tag", "video", "--date", "2025-03-14") == (
        0,
        f"'{VIDEO}': found 2, new 1, skipped 1\n  skipped an entry: it has no arXiv id (<id> '')\n"
        f"wrote 1 record ({content.as_posix()}/papers/2025/) and {content.as_posix()}/import-state.yml\n",
    )


def test_an_empty_answer_finds_nothing_and_writes_nothing(api: ArxivStub, content: Path) -> None:
    before = tree(content)
    api.serve(*recorded("search-empty.xml"))
    query = 'abs:"no such words anywhere"'
    assert run_import(content, "--query", query, "--tag", "video") == (
        0,
        f"'{query}': found 0, new 0, skipped 0\nno new papers: nothing written\n",
    )
    assert len(api.requests) == 1
    assert tree(content) == before


# --- the waits arXiv asks for -----------------------------------------------------------------------------


def test_requests_are_spaced_by_the_delay(
    api: ArxivStub, content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERFEED_ARXIV_DELAY", "0.3")
    api.serve(*recorded(*SSM_PAGES))
    assert ssm(content)[0] == 0
    times = [r.time for r in api.requests]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(gaps) == 2 and min(gaps) >= 0.3, gaps  # a sleep is never shorter; load can lengthen it


def test_the_delay_is_three_seconds_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAPERFEED_ARXIV_DELAY", raising=False)
    assert arxiv.Client().delay == 3.0
    monkeypatch.setenv("PAPERFEED_ARXIV_DELAY", "soon")
    with pytest.raises(arxiv.ArxivError, match=r"^PAPERFEED_ARXIV_DELAY='soon' is not a number of seconds$"):
        arxiv.Client()


def test_503_is_retried(api: ArxivStub, content: Path) -> None:
    api.serve(Reply(status=503), *recorded(*SSM_PAGES))
    assert ssm(content)[0] == 0
    assert api.paths() == [asked(0, 25), asked(0, 25), asked(2, 23), asked(4, 21)]
    assert (content / STREAMING).exists()


# --- failures write nothing -------------------------------------------------------------------------------


def fails(content: Path, message: str, *args: str) -> None:
    before = tree(content)
    assert (run_import(content, *args) if args else ssm(content)) == (1, f"Error: {message}\n")
    assert tree(content) == before


def test_503_forever_writes_nothing(api: ArxivStub, content: Path) -> None:
    api.serve(Reply(status=503))
    fails(
        content,
        f"nothing imported: '{SSM}': the arXiv API is busy (HTTP 503) and still was after 3 tries;"
        " try again in a few minutes",
    )
    assert len(api.requests) == 3


def test_a_malformed_page_after_a_good_one_writes_nothing(api: ArxivStub, content: Path) -> None:
    api.serve(*recorded("search-ssm-1.xml", "malformed.xml"))
    fails(
        content,
        f"nothing imported: '{SSM}': the arXiv API sent a response that is not valid XML"
        " (no element found: line 19, column 64); try again later",
    )
    assert len(api.requests) == 2


def test_an_empty_body_writes_nothing(api: ArxivStub, content: Path) -> None:
    api.serve(Reply(body=b""))
    fails(
        content,
        f"nothing imported: '{SSM}': the arXiv API sent a response that is not valid XML"
        " (no element found: line 1, column 0); try again later",
    )


def test_an_empty_page_amid_the_results_is_asked_again(api: ArxivStub, content: Path) -> None:
    api.serve(*recorded("search-ssm-1.xml", "search-ssm-2-empty.xml", *SSM_PAGES[1:]))
    assert ssm(content)[0] == 0
    assert api.paths() == [asked(0, 25), asked(2, 23), asked(2, 23), asked(4, 21)]


def test_an_empty_page_three_times_writes_nothing(api: ArxivStub, content: Path) -> None:
    api.serve(*recorded("search-ssm-1.xml", "search-ssm-2-empty.xml"))
    fails(
        content,
        f"nothing imported: '{SSM}': the arXiv API sent an empty page at result 2 of 5, 3 times;"
        " try again later",
    )
    assert api.paths() == [asked(0, 25), *[asked(2, 23)] * 3]


def test_a_page_of_another_start_writes_nothing(api: ArxivStub, content: Path) -> None:
    api.serve(*recorded("search-ssm-1.xml", "search-ssm-1.xml"))
    fails(
        content,
        f"nothing imported: '{SSM}': the arXiv API sent the page at result 0 when asked for the one at 2;"
        " try again later",
    )


def test_a_refused_query_writes_nothing(api: ArxivStub, content: Path) -> None:
    api.serve(*recorded("error-incorrect-id.xml"))
    fails(content, f"nothing imported: '{SSM}': arXiv refused the query: incorrect id format for 2401.1234")


def test_an_answer_without_result_counts_writes_nothing(api: ArxivStub, content: Path) -> None:
    api.serve(Reply(body=b'<feed xmlns="http://www.w3.org/2005/Atom"></feed>'))
    fails(
        content,
        f"nothing imported: '{SSM}': the arXiv API sent a feed without its result counts"
        " (opensearch:totalResults and startIndex); try again later",
    )


def test_a_second_query_failing_writes_nothing_of_the_first(api: ArxivStub, content: Path) -> None:
    (content / "sources.yml").write_text(
        f"- query: '{SSM}'\n  tags: [state-space-models]\n- query: {VIDEO}\n  tags: [video]\n",
        encoding="utf-8",
    )
    api.serve(*recorded(*SSM_PAGES), Reply(status=500))
    fails(
        content,
        f"nothing imported: '{VIDEO}': the arXiv API answered HTTP 500 Internal Server Error for"
        f" {api.base}{asked(0, 25, 'cat%3Acs.CV+AND+abs%3Avideo')}",
        "--date",
        "2025-03-14",
    )


def test_a_state_that_cannot_be_written_takes_the_records_back(
    api: ArxivStub, content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A full disk cannot be had on demand (and root writes anywhere): the state's writer fails instead.
    def full(_path: Path, _marks: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(sources, "write_state", full)
    api.serve(*recorded(*SSM_PAGES))
    fails(
        content,
        f"nothing imported: cannot write {content.as_posix()}/import-state.yml (No space left on device)",
    )


def test_content_with_problems_asks_nothing(api: ArxivStub, content: Path) -> None:
    (content / "papers/2025/broken.md").write_text("---\ntitle: x\n", encoding="utf-8")
    code, out = ssm(content)
    assert code == 1
    assert out.splitlines()[-1] == "Error: nothing imported: the content has problems (see above)"
    assert out.startswith(f"{content.as_posix()}/papers/2025/broken.md:")
    assert api.requests == []


def test_a_broken_state_file_asks_nothing(api: ArxivStub, content: Path) -> None:
    (content / "import-state.yml").write_text(
        f'- query: "{VIDEO}"\n  newest: 2999-01-01T00:00:00Z\n  seen: ["2503.10006"]\n', encoding="utf-8"
    )
    code, out = ssm(content)
    assert (code, out) == (
        1,
        f"{content.as_posix()}/import-state.yml:2: state[1].newest: 2999-01-01T00:00:00Z is in the future;"
        " the query would skip every paper\n"
        "Error: nothing imported: the content has problems (see above)\n",
    )
    assert api.requests == []


# --- what the command line refuses ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tag", "video"], "--tag and --limit go with --query; a query of content/sources.yml has its own"),
        (["--query", VIDEO], "give --tag with --query: the tags its papers get"),
        (["--query", VIDEO, "--tag", "movies"], "--tag 'movies' is not a tag of content/tags.yml"),
        (["--query", VIDEO, "--tag", "video", "--limit", "0"], "--limit 0 is not between 1 and 500"),
        (
            ["--query", " ", "--tag", "video"],
            "--query must be one line of 1 to 1000 characters, without control characters",
        ),
        (
            ["--query", VIDEO, "--tag", "video", "--date", "2999-01-01"],
            "Invalid value for '--date': 2999-01-01 is not a day a paper can enter the feed: from 1991 to"
            " today (UTC)",
        ),
    ],
)
def test_usage_errors(api: ArxivStub, content: Path, args: list[str], message: str) -> None:
    assert run_import(content, *args) == (2, f"Error: {message}\n")
    assert api.requests == []


def test_no_sources_and_no_query(api: ArxivStub, content: Path) -> None:
    assert run_import(content) == (
        1,
        f"Error: nothing imported: {content.as_posix()}/sources.yml is missing; list the queries there (see"
        " the README), or give one with --query\n",
    )


def test_sources_with_problems_are_reported_all_at_once(api: ArxivStub, content: Path) -> None:
    (content / "sources.yml").write_text(
        f"- query: {VIDEO}\n  tags: [video]\n- query: {VIDEO}\n  tags: [video]\n"
        "- query: abs:mamba\n  tags: [vidoe]\n  limit: 9999\n- tags: [video]\n  since: 2025\n",
        encoding="utf-8",
    )
    shown = f"{content.as_posix()}/sources.yml"
    assert run_import(content) == (
        1,
        f"{shown}:3: queries[2].query: repeats the query of line 1\n"
        f"{shown}:6: queries[3].tags: 'vidoe' is not a tag of content/tags.yml; did you mean 'video'?\n"
        f"{shown}:7: queries[3].limit: 9999 is not between 1 and 500\n"
        f"{shown}:8: queries[4].query: is missing; add query: ...\n"
        f"{shown}:9: queries[4].since: is not a known field; use query, tags, limit\n"
        f"Error: nothing imported: {shown} has problems (see above)\n",
    )
    assert api.requests == []
