"""`paperfeed new --arxiv` and the arXiv client, against a real loopback HTTP server with recorded answers."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from arxiv_support import FIXTURES, ArxivStub, Reply, arxiv_stub
from click.testing import CliRunner

from generator.cli import main
from generator.contributing import arxiv

MAMBA = (FIXTURES / "2312.00752.xml").read_bytes()
ATTENTION = (FIXTURES / "1706.03762.xml").read_bytes()

MAMBA_ABSTRACT = (
    "Foundation models, now powering most of the exciting applications in deep learning, are almost "
    "universally based on the Transformer architecture and its core attention module. Many "
    "subquadratic-time architectures such as linear attention, gated convolution and recurrent models, and "
    "structured state space models (SSMs) have been developed to address Transformers' computational "
    "inefficiency on long sequences, but they have not performed as well as attention on important "
    "modalities such as language. We identify that a key weakness of such models is their inability to "
    "perform content-based reasoning, and make several improvements. First, simply letting the SSM "
    "parameters be functions of the input addresses their weakness with discrete modalities, allowing the "
    "model to selectively propagate or forget information along the sequence length dimension depending on "
    "the current token. Second, even though this change prevents the use of efficient convolutions, we "
    "design a hardware-aware parallel algorithm in recurrent mode. We integrate these selective SSMs into a "
    "simplified end-to-end neural network architecture without attention or even MLP blocks (Mamba). Mamba "
    "enjoys fast inference (5$\\times$ higher throughput than Transformers) and linear scaling in sequence "
    "length, and its performance improves on real data up to million-length sequences. As a general "
    "sequence model backbone, Mamba achieves state-of-the-art performance across several modalities such as "
    "language, audio, and genomics. On language modeling, our Mamba-3B model outperforms Transformers of the "
    "same size and matches Transformers twice its size, both in pretraining and downstream evaluation."
)
MAMBA_RECORD = f"""---
title: "Mamba: Linear-Time Sequence Modeling with Selective State Spaces"
date: 2025-03-14
tags: [state-space-models, sequence-modeling, transformers]
authors: ["Albert Gu", "Tri Dao"]
arxiv: "2312.00752"
published: 2023-12-01
---
{MAMBA_ABSTRACT}
"""
MAMBA_PATH = "papers/2025/mamba-linear-time-sequence-modeling-with-selective-state.md"
MAMBA_SUGGESTION = (
    "suggested tags (choose others with --tag): state-space-models (named 'state space model'; also "
    "structured, mamba, linear, time, sequence, backbone), sequence-modeling (named 'sequence modeling'; "
    "also architecture, long, attention), transformers (named 'transformer'; also architecture, attention)"
)


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[ArxivStub]:
    """The stub arXiv API (arxiv_support), with tiny waits between retries."""
    with arxiv_stub() as stub:
        monkeypatch.setenv("PAPERFEED_ARXIV_API", stub.base)
        monkeypatch.setenv("PAPERFEED_ARXIV_BACKOFF", "0.01")
        monkeypatch.setenv("PAPERFEED_ARXIV_DELAY", "0")
        monkeypatch.setenv("PAPERFEED_ARXIV_TIMEOUT", "5")
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        yield stub


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A content folder with a small tag vocabulary and one paper, Attention Is All You Need (1706.03762)."""
    root = tmp_path / "content"
    (root / "papers" / "2025").mkdir(parents=True)
    shutil.copy(FIXTURES / "tags.yml", root / "tags.yml")
    (root / "papers" / "2025" / "attention-is-all-you-need.md").write_text(
        '---\ntitle: "Attention Is All You Need"\ndate: 2025-03-13\ntags: [transformers]\n'
        'arxiv: "1706.03762"\n---\nThe dominant sequence transduction models are based on recurrence.\n',
        encoding="utf-8",
    )
    return root


def new(content: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["new", "--content", str(content), *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def written(content: Path) -> list[str]:
    return sorted(p.relative_to(content).as_posix() for p in content.rglob("*.md"))


BEFORE = ["papers/2025/attention-is-all-you-need.md"]


# --- the happy path ---------------------------------------------------------------------------------------


def test_new_arxiv_writes_the_record_with_suggested_tags(api: ArxivStub, content: Path) -> None:
    api.serve(Reply(body=MAMBA))
    code, out = new(content, "--arxiv", "2312.00752", "--date", "2025-03-14")
    assert (code, out) == (0, f"{MAMBA_SUGGESTION}\nwrote {content.as_posix()}/{MAMBA_PATH}\n")
    assert (content / MAMBA_PATH).read_text(encoding="utf-8") == MAMBA_RECORD
    assert api.paths() == ["/api/query?id_list=2312.00752"]
    assert api.requests[0].headers["user-agent"].startswith("paperfeed/")


def test_the_record_is_valid_and_reads_back_exactly(api: ArxivStub, content: Path) -> None:
    from generator import records

    api.serve(Reply(body=MAMBA))
    assert new(content, "--arxiv", "https://arxiv.org/abs/2312.00752", "--date", "2025-03-14")[0] == 0
    paper = records.load_feed(content).by_slug()["mamba-linear-time-sequence-modeling-with-selective-state"]
    assert (paper.title, paper.authors, paper.arxiv) == (
        "Mamba: Linear-Time Sequence Modeling with Selective State Spaces",
        ("Albert Gu", "Tri Dao"),
        "2312.00752",
    )
    assert (paper.published, paper.date, paper.abstract) == (
        dt.date(2023, 12, 1),
        dt.date(2025, 3, 14),
        MAMBA_ABSTRACT,
    )


def test_tag_options_choose_and_no_suggestion_is_printed(api: ArxivStub, content: Path) -> None:
    api.serve(Reply(body=MAMBA))
    code, out = new(content, "--arxiv", "arXiv:2312.00752v2", "--tag", "efficiency", "--date", "2025-03-14")
    assert (code, out) == (0, f"wrote {content.as_posix()}/{MAMBA_PATH}\n")
    text = (content / MAMBA_PATH).read_text(encoding="utf-8")
    assert "tags: [efficiency]\n" in text
    assert 'arxiv: "2312.00752v2"\n' in text
    assert api.paths() == ["/api/query?id_list=2312.00752v2"]


def test_dated_today_in_utc_without_date(api: ArxivStub, content: Path) -> None:
    api.serve(Reply(body=MAMBA))
    before = dt.datetime.now(dt.UTC).date()
    code, out = new(content, "--arxiv", "2312.00752", "--tag", "state-space-models")
    after = dt.datetime.now(dt.UTC).date()
    assert code == 0, out
    days = {d.isoformat() for d in (before, after)}
    path = next(p for p in content.rglob("mamba-*.md"))
    assert path.parent.name == str(after.year)
    assert any(f"\ndate: {d}\n" in path.read_text(encoding="utf-8") for d in days)


def test_options_given_win_over_what_arxiv_says(api: ArxivStub, content: Path) -> None:
    api.serve(Reply(body=MAMBA))
    code, out = new(
        content, "--arxiv", "2312.00752", "--title", "Mamba", "--author", "A. Gu",
        "--published", "2023-12-02", "--tag", "state-space-models", "--date", "2025-03-14", "--slug", "mamba",
    )  # fmt: skip
    assert (code, out) == (0, f"wrote {content.as_posix()}/papers/2025/mamba.md\n")
    text = (content / "papers/2025/mamba.md").read_text(encoding="utf-8")
    assert text.startswith(
        '---\ntitle: "Mamba"\ndate: 2025-03-14\ntags: [state-space-models]\nauthors: ["A. Gu"]\n'
        'arxiv: "2312.00752"\npublished: 2023-12-02\n---\nFoundation models, now powering'
    )


def test_title_and_abstract_given_fetch_nothing(api: ArxivStub, content: Path) -> None:
    api.serve(Reply(status=500))
    code, out = new(
        content, "--arxiv", "2312.00752", "--title", "Mamba", "--abstract", "An SSM.", "--tag", "video",
        "--date", "2025-03-14",
    )  # fmt: skip
    assert (code, out) == (0, f"wrote {content.as_posix()}/papers/2025/mamba.md\n")
    assert api.requests == []


def test_title_wrapped_over_lines_is_one_line(api: ArxivStub) -> None:
    api.serve(Reply(body=ATTENTION))
    paper = arxiv.fetch("1706.03762")
    assert paper.title == "Attention Is All You Need"
    assert paper.abstract.startswith(
        "The dominant sequence transduction models are based on complex recurrent or "
    )
    assert "\n" not in paper.abstract and "  " not in paper.abstract
    assert paper.authors[-2:] == ("Lukasz Kaiser", "Illia Polosukhin")
    assert (paper.published, paper.category) == (dt.date(2017, 6, 12), "cs.CL")


def test_no_tag_named_by_the_abstract_writes_nothing(api: ArxivStub, content: Path) -> None:
    (content / "tags.yml").write_text('video:\n  name: "Video"\n  description: "Papers on video."\n')
    api.serve(Reply(body=MAMBA))
    code, out = new(content, "--arxiv", "2312.00752")
    tags_file = (content / "tags.yml").as_posix()
    assert (code, out) == (
        1,
        f"Error: not written: the abstract names no tag of {tags_file}; choose with --tag\n",
    )
    assert written(content) == BEFORE


# --- duplicates -------------------------------------------------------------------------------------------


def test_duplicate_arxiv_id_is_refused_as_new_does(api: ArxivStub, content: Path) -> None:
    api.serve(Reply(body=ATTENTION))
    code, out = new(content, "--arxiv", "1706.03762v7", "--slug", "attention-again")
    existing = f"{content.as_posix()}/papers/2025/attention-is-all-you-need.md"
    assert (code, out.splitlines()[-1]) == (
        1,
        f"Error: not written: arXiv 1706.03762v7 is already in the feed: {existing}",
    )
    assert written(content) == BEFORE


def test_duplicate_title_is_refused(api: ArxivStub, content: Path) -> None:
    title = "Mamba: Linear-Time Sequence Modeling with Selective State Spaces"
    (content / "papers/2025/mamba.md").write_text(
        f'---\ntitle: "{title}"\ndate: 2025-03-13\ntags: [video]\n---\nAn SSM.\n', encoding="utf-8"
    )
    api.serve(Reply(body=MAMBA))
    code, out = new(content, "--arxiv", "2312.00752", "--tag", "transformers")
    existing = f"{content.as_posix()}/papers/2025/mamba.md"
    assert (code, out) == (1, f"Error: not written: the title is already in the feed: {existing} ({title})\n")
    assert written(content) == [*BEFORE, "papers/2025/mamba.md"]


def test_broken_vocabulary_is_reported(api: ArxivStub, content: Path) -> None:
    (content / "tags.yml").unlink()
    api.serve(Reply(body=MAMBA))
    code, out = new(content, "--arxiv", "2312.00752")
    assert (code, out) == (
        1,
        f"{content.as_posix()}/tags.yml:1: file: is missing; "
        "create content/tags.yml with the tag vocabulary\n"
        "Error: not written: the tag vocabulary has problems (see above)\n",
    )
    assert written(content) == BEFORE


# --- every way the API can fail: one line, no file --------------------------------------------------------


def fails(content: Path, arxiv_id: str, message: str) -> None:
    code, out = new(content, "--arxiv", arxiv_id, "--tag", "transformers")
    assert (code, out) == (1, f"Error: not written: {message}\n")
    assert written(content) == BEFORE


def test_503_is_retried_then_written(api: ArxivStub, content: Path) -> None:
    api.serve(Reply(status=503), Reply(status=503), Reply(body=MAMBA))
    code, out = new(content, "--arxiv", "2312.00752", "--tag", "transformers", "--date", "2025-03-14")
    assert (code, out) == (0, f"wrote {content.as_posix()}/{MAMBA_PATH}\n")
    assert len(api.requests) == 3


def test_backoff_doubles_between_tries(api: ArxivStub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERFEED_ARXIV_BACKOFF", "0.2")
    api.serve(Reply(status=503), Reply(status=503), Reply(body=MAMBA))
    arxiv.fetch("2312.00752")
    first, second = (b.time - a.time for a, b in zip(api.requests, api.requests[1:], strict=False))
    assert first >= 0.2 and second >= 0.4, (first, second)  # a sleep is never shorter; load can lengthen it


def test_retry_after_is_honoured(api: ArxivStub, content: Path) -> None:
    api.serve(Reply(status=503, headers={"Retry-After": "1"}), Reply(body=MAMBA))
    assert arxiv.fetch("2312.00752").title.startswith("Mamba")
    assert api.requests[1].time - api.requests[0].time >= 1.0


def test_retry_after_too_long_is_not_waited_out(api: ArxivStub, content: Path) -> None:
    api.serve(Reply(status=503, headers={"Retry-After": "3600"}))
    fails(content, "2312.00752", "the arXiv API is busy (HTTP 503) and asks to wait 3600 s; try again later")
    assert len(api.requests) == 1


def test_503_forever_gives_up_after_three_tries(api: ArxivStub, content: Path) -> None:
    api.serve(Reply(status=503))
    fails(
        content,
        "2312.00752",
        "the arXiv API is busy (HTTP 503) and still was after 3 tries; try again in a few minutes",
    )
    assert len(api.requests) == 3


def test_429_is_retried_like_503(api: ArxivStub) -> None:
    api.serve(Reply(status=429), Reply(body=MAMBA))
    assert arxiv.fetch("2312.00752").authors == ("Albert Gu", "Tri Dao")
    assert len(api.requests) == 2


@pytest.mark.parametrize(("status", "reason"), [(404, "Not Found"), (500, "Internal Server Error")])
def test_http_errors_are_not_retried(api: ArxivStub, content: Path, status: int, reason: str) -> None:
    api.serve(Reply(status=status))
    fails(
        content,
        "2312.00752",
        f"the arXiv API answered HTTP {status} {reason} for {api.base}/api/query?id_list=2312.00752",
    )
    assert len(api.requests) == 1


def test_slower_than_the_timeout(api: ArxivStub, content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERFEED_ARXIV_TIMEOUT", "0.2")
    api.serve(Reply(body=MAMBA, delay=3.0))
    start = time.monotonic()
    fails(content, "2312.00752", f"the arXiv API at {api.base} did not answer within 0.2 s; try again later")
    assert time.monotonic() - start < 2.0  # well before the answer would come


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("malformed.xml", "the arXiv API sent a response that is not valid XML "
                          "(no element found: line 19, column 64); try again later"),
        ("not-atom.xml", "the arXiv API sent a response that is not an Atom feed; try again later"),
        ("doctype.xml", "the arXiv API sent a document with a DOCTYPE, not its Atom feed; try again later"),
    ],
)  # fmt: skip
def test_malformed_responses(api: ArxivStub, content: Path, fixture: str, message: str) -> None:
    api.serve(Reply(body=(FIXTURES / fixture).read_bytes()))
    fails(content, "2312.00752", message)


def test_empty_body(api: ArxivStub, content: Path) -> None:
    api.serve(Reply(body=b""))
    fails(
        content,
        "2312.00752",
        "the arXiv API sent a response that is not valid XML (no element found: line 1, column 0); "
        "try again later",
    )


def test_unknown_id_empty_feed(api: ArxivStub, content: Path) -> None:
    api.serve(Reply(body=(FIXTURES / "unknown-id.xml").read_bytes()))
    fails(content, "2401.99999", "arXiv has no paper 2401.99999; check the id")


def test_unknown_id_entry_without_id(api: ArxivStub, content: Path) -> None:
    api.serve(Reply(body=(FIXTURES / "unknown-id-empty-entry.xml").read_bytes()))
    fails(content, "2208.05394", "arXiv has no paper 2208.05394; check the id")


def test_id_arxiv_calls_an_error(api: ArxivStub, content: Path) -> None:
    api.serve(Reply(body=(FIXTURES / "error-incorrect-id.xml").read_bytes()))
    fails(content, "2401.1234", "arXiv refused the id 2401.1234: incorrect id format for 2401.1234")


def test_answer_about_another_paper(api: ArxivStub, content: Path) -> None:
    api.serve(Reply(body=ATTENTION))
    fails(
        content, "2312.00752", "the arXiv API answered with the paper 1706.03762v7 when asked for 2312.00752"
    )


def test_no_network(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as sock:  # a port that was just free and now has nobody listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("PAPERFEED_ARXIV_API", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    fails(
        content,
        "2312.00752",
        f"cannot reach the arXiv API at http://127.0.0.1:{port} (Connection refused); "
        "check the network connection or PAPERFEED_ARXIV_API",
    )


def test_not_an_arxiv_id_asks_nothing(api: ArxivStub, content: Path) -> None:
    fails(
        content,
        "mamba",
        "'mamba' is not an arXiv id; give one like 2401.01234 or https://arxiv.org/abs/2401.01234",
    )
    assert api.requests == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ftp://mirror.example.org",
         "PAPERFEED_ARXIV_API='ftp://mirror.example.org' must be an http(s) address, "
         "such as https://export.arxiv.org"),
        ("", None),
    ],
)  # fmt: skip
def test_api_base_setting(monkeypatch: pytest.MonkeyPatch, value: str, message: str | None) -> None:
    monkeypatch.setenv("PAPERFEED_ARXIV_API", value)
    if message is None:
        assert arxiv.api_base() == "https://export.arxiv.org"
        return
    with pytest.raises(arxiv.ArxivError) as err:
        arxiv.api_base()
    assert str(err.value) == message


def test_bad_number_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERFEED_ARXIV_TIMEOUT", "soon")
    with pytest.raises(
        arxiv.ArxivError, match=r"^PAPERFEED_ARXIV_TIMEOUT='soon' is not a number of seconds$"
    ):
        arxiv.fetch("2312.00752")
    monkeypatch.setenv("PAPERFEED_ARXIV_TIMEOUT", "-1")
    with pytest.raises(arxiv.ArxivError, match=r"^PAPERFEED_ARXIV_TIMEOUT='-1' must not be negative$"):
        arxiv.fetch("2312.00752")


# --- ids, and the command as a user runs it ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "arxiv_id"),
    [
        ("2312.00752", "2312.00752"),
        (" 2312.00752v2 ", "2312.00752v2"),
        ("arXiv:2312.00752", "2312.00752"),
        ("https://arxiv.org/abs/2312.00752v2", "2312.00752v2"),
        ("https://arxiv.org/pdf/2312.00752.pdf", "2312.00752"),
        ("http://export.arxiv.org/abs/2312.00752?context=cs", "2312.00752"),
        ("https://arxiv.org/abs/hep-th/9711200", "hep-th/9711200"),
        ("math.GT/0309136", "math.GT/0309136"),
        ("http://arxiv.org/abs/2401.01234v2", "2401.01234v2"),
        ("https://www.arxiv.org/abs/2401.01234", "2401.01234"),
        ("arxiv.org/abs/2401.01234", "2401.01234"),
        ("HTTPS://ARXIV.ORG/ABS/2401.01234", "2401.01234"),
        ("https://arxiv.org/abs/2401.01234/", "2401.01234"),
        ("https://arxiv.org/abs/2401.01234#comments", "2401.01234"),
        ("https://arxiv.org/pdf/2401.01234v2", "2401.01234v2"),
        ("https://arxiv.org/pdf/2401.01234v2.pdf", "2401.01234v2"),
        ("https://www.arxiv.org/pdf/2401.01234.pdf", "2401.01234"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("hep-th/9901001v1", "hep-th/9901001v1"),
        ("https://arxiv.org/abs/hep-th/9901001v1", "hep-th/9901001v1"),
        ("http://www.arxiv.org/pdf/hep-th/9901001v2.pdf", "hep-th/9901001v2"),
    ],
)
def test_normalize_id(text: str, arxiv_id: str) -> None:
    assert arxiv.normalize_id(text) == arxiv_id


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2312",
        "https://example.org/abs/2312.00752",
        "2312.00752/../x",
        "https://arxiv.org.example.org/abs/2401.01234",
        "https://notarxiv.org/abs/2401.01234",
        "ftp://arxiv.org/abs/2401.01234",
        "https://arxiv.org/list/cs.LG/recent",
        "https://arxiv.org/abs/",
        "https://arxiv.org/abs/2401.01234v",
        "2401.01234.pdf",
    ],
)
def test_normalize_id_refuses(text: str) -> None:
    with pytest.raises(arxiv.ArxivError) as err:
        arxiv.normalize_id(text)
    assert (
        str(err.value)
        == f"'{text}' is not an arXiv id; give one like 2401.01234 or https://arxiv.org/abs/2401.01234"
    )


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("https://arxiv.org/abs/2401.01234v2", "2401.01234v2"),
        ("https://www.arxiv.org/pdf/2401.01234.pdf", "2401.01234"),
        ("arXiv:2401.01234", "2401.01234"),
        ("https://arxiv.org/abs/hep-th/9901001", "hep-th/9901001"),
    ],
)
def test_an_address_with_title_and_abstract_is_read_as_its_id(
    api: ArxivStub, content: Path, given: str, kept: str
) -> None:
    """Nothing is fetched when --title and --abstract are given; the address still names the paper."""
    code, out = new(
        content, "--arxiv", given, "--title", "A paper", "--abstract", "An abstract.", "--tag", "video",
        "--date", "2025-03-14",
    )  # fmt: skip
    assert (code, out) == (0, f"wrote {content.as_posix()}/papers/2025/a-paper.md\n")
    assert f'\narxiv: "{kept}"\n' in (content / "papers/2025/a-paper.md").read_text(encoding="utf-8")
    assert api.requests == []


def test_an_address_of_a_paper_in_the_feed_is_refused_without_fetching(api: ArxivStub, content: Path) -> None:
    code, out = new(
        content, "--arxiv", "https://arxiv.org/pdf/1706.03762v7.pdf", "--title", "Again", "--abstract", "x",
        "--tag", "video",
    )  # fmt: skip
    existing = f"{content.as_posix()}/papers/2025/attention-is-all-you-need.md"
    assert (code, out) == (1, f"Error: not written: arXiv 1706.03762v7 is already in the feed: {existing}\n")
    assert (written(content), api.requests) == (BEFORE, [])


def test_not_an_address_of_arxiv_is_refused_without_fetching(api: ArxivStub, content: Path) -> None:
    code, out = new(
        content, "--arxiv", "https://example.org/abs/2401.01234", "--title", "A paper", "--abstract", "x",
        "--tag", "video",
    )  # fmt: skip
    assert (code, out) == (
        1,
        "Error: not written: 'https://example.org/abs/2401.01234' is not an arXiv id; give one like"
        " 2401.01234 or https://arxiv.org/abs/2401.01234\n",
    )
    assert (written(content), api.requests) == (BEFORE, [])


def test_old_style_id_is_asked_as_is(api: ArxivStub) -> None:
    api.serve(Reply(body=(FIXTURES / "unknown-id.xml").read_bytes()))
    with pytest.raises(arxiv.ArxivError, match=r"^arXiv has no paper hep-th/9711200; check the id$"):
        arxiv.fetch("hep-th/9711200")
    assert api.paths() == ["/api/query?id_list=hep-th/9711200"]


def test_retry_after_as_an_http_date() -> None:
    assert arxiv._retry_after("Fri, 14 Mar 2025 12:00:30 GMT", now=lambda: 1741953600.0) == 30.0
    assert arxiv._retry_after("Fri, 14 Mar 2025 11:00:00 GMT", now=lambda: 1741953600.0) == 0.0
    assert arxiv._retry_after("soon") is None
    assert arxiv._retry_after(None) is None


def test_the_installed_command_prints_one_line(api: ArxivStub, content: Path) -> None:
    """As a user runs it: a separate process, one line on stderr, no traceback, exit status 1."""
    api.serve(Reply(status=503))
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("paperfeed")),
            "new",
            "--arxiv",
            "2312.00752",
            "--content",
            str(content),
        ],
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=60,
    )
    expected = (
        "Error: not written: the arXiv API is busy (HTTP 503) and still was after 3 tries; "
        "try again in a few minutes\n"
    )
    assert (done.returncode, done.stdout, done.stderr) == (1, "", expected)
    assert written(content) == BEFORE
