"""`paperfeed stars` against a real loopback HTTP server with GitHub's recorded answers (github_support):
200, 304, 301, 404 and 451, rate limits (403 and 429, Retry-After and X-RateLimit-Reset), 401, 5xx,
timeouts, malformed answers; the samples file it writes, and the branch it pushes to with --push."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from digest_support import GIT_ENV, closed_port, git, make_repo, make_site
from github_support import (
    GitHubStub,
    Reply,
    etag_of,
    github_stub,
    moved,
    not_found,
    recorded,
    repo,
)

from generator import records
from generator.cli import main
from generator.data import ledger_branch
from generator.data.starfile import HEADER

REPOS = ["example/linear-attention", "example/long-eval", "example/robot-video", "example/tiny-vit"]
PAPER_OF = {  # the small fixture's papers with a GitHub repository for code
    "example/linear-attention": "linear-attention-revisited",
    "example/long-eval": "long-context-evaluation",
    "example/robot-video": "robot-learning-from-video",
    "example/tiny-vit": "tiny-vision-transformers",
}
EXTRA = {
    # Another paper with the same repository, written otherwise: it is asked for once.
    "2025/same-code-again": '---\ntitle: "The Same Code Again"\ndate: 2025-03-01\ntags: [vision]\nlinks:\n'
    "  code: https://github.com/Example/Linear-Attention/\n---\nAn abstract.\n",
    "2025/code-elsewhere": '---\ntitle: "Code Kept Elsewhere"\ndate: 2025-03-02\ntags: [vision]\nlinks:\n'
    "  code: https://gitlab.com/example/elsewhere\n---\nAn abstract.\n",
    "2025/code-in-a-folder": '---\ntitle: "Code in a Folder"\ndate: 2025-03-02\ntags: [vision]\nlinks:\n'
    "  code: https://github.com/big/mono/tree/main/paper\n---\nAn abstract.\n",
}
DAY = dt.date(2025, 3, 14)
RATE_LIMIT = recorded("rate-limit")


@dataclass
class Site:
    config: Path
    content: Path

    @property
    def samples(self) -> Path:
        return self.content / "stars.tsv"

    def paper(self, slug: str) -> str:
        """A paper's record as the command names it."""
        return next(p.source for p in records.load_feed(self.content).papers if p.slug == slug)


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


@pytest.fixture
def site(tmp_path: Path) -> Site:
    config = make_site(tmp_path, records=EXTRA)
    return Site(config, tmp_path / "content")


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[GitHubStub]:
    """The stub API, with tiny waits between retries and no token, Actions or proxy from the machine."""
    for name in (
        "GITHUB_TOKEN",
        "GITHUB_ACTIONS",
        "GITHUB_OUTPUT",
        "GITHUB_RUN_ID",
        "PAPERFEED_GITHUB_MAX_WAIT",
    ):
        monkeypatch.delenv(name, raising=False)
    with github_stub() as stub:
        monkeypatch.setenv("PAPERFEED_GITHUB_API", stub.base)
        monkeypatch.setenv("PAPERFEED_GITHUB_BACKOFF", "0.01")
        monkeypatch.setenv("PAPERFEED_GITHUB_TIMEOUT", "2")
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        yield stub


def serve_all(api: GitHubStub, stars_of: dict[str, int] | None = None) -> None:
    for n, name in enumerate(REPOS):
        api.serve(f"/repos/{name}", repo(name, (stars_of or {}).get(name, 100 * (n + 1))))


def run(site: Site, *args: str, day: dt.date = DAY) -> Run:
    result = CliRunner().invoke(main, ["stars", "-f", str(site.config), "--date", day.isoformat(), *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


def skipped_lines(site: Site) -> list[str]:
    why = "not a repository's own address (a folder, a file, a branch or a page of GitHub)"
    return [  # in feed order: the same day, by title
        f"{site.paper('code-in-a-folder')}: links.code https://github.com/big/mono/tree/main/paper: {why};"
        " not sampled",
        f"{site.paper('code-elsewhere')}: links.code https://gitlab.com/example/elsewhere: not on github.com;"
        " not sampled",
    ]


def line(name: str, count: int) -> str:
    """A repository's line in the samples file after one 200 of `count` stars on DAY."""
    return f"{name}\tok\t{etag_of(name, count)}\t{DAY.isoformat()}={count}\n"


def wrote(site: Site) -> str:
    return f"wrote {site.samples.as_posix()}"


# --- 200 and 304 ------------------------------------------------------------------------------------------


def test_a_first_run_samples_every_repository_once_and_says_what_it_skipped(
    site: Site, api: GitHubStub
) -> None:
    serve_all(api)
    done = run(site)
    assert (done.code, done.err) == (0, "")
    assert done.lines == [
        *skipped_lines(site),
        f"2025-03-14: 4 repositories: 4 sampled; 2 code links skipped; wrote {site.samples.as_posix()}",
    ]
    assert site.samples.read_text(encoding="utf-8") == HEADER + "".join(
        line(name, 100 * (n + 1)) for n, name in enumerate(REPOS)
    )
    assert api.paths() == [f"/repos/{name}" for name in REPOS]  # the repository two papers link: once
    first = api.requests[0].headers
    assert first["accept"] == "application/vnd.github+json"
    assert first["x-github-api-version"] == "2022-11-28"
    assert first["user-agent"].startswith("paperfeed/")
    assert "authorization" not in first and "if-none-match" not in first


def test_the_token_goes_in_the_authorization_header_and_nowhere_else(
    site: Site, api: GitHubStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_a-test-token")
    serve_all(api)
    done = run(site)
    assert done.code == 0
    assert [r.headers["authorization"] for r in api.requests] == ["Bearer ghs_a-test-token"] * 4
    assert "ghs_" not in done.out + done.err + site.samples.read_text(encoding="utf-8")


def test_the_next_day_asks_with_the_etag_and_an_unchanged_repository_answers_304(
    site: Site, api: GitHubStub
) -> None:
    serve_all(api)
    assert run(site).code == 0
    serve_all(api, {"example/long-eval": 250})  # one repository gained 50 stars; its ETag changed
    api.requests.clear()
    done = run(site, day=DAY + dt.timedelta(days=1))
    assert done.lines[-1] == (
        f"2025-03-15: 4 repositories: 4 sampled (3 unchanged); 2 code links skipped; wrote"
        f" {site.samples.as_posix()}"
    )
    sent = {r.path: r.headers.get("if-none-match") for r in api.requests}
    assert sent == {f"/repos/{n}": etag_of(n, 100 * (i + 1)) for i, n in enumerate(REPOS)}
    text = site.samples.read_text(encoding="utf-8")
    assert (
        "example/linear-attention\tok\t"
        f"{etag_of('example/linear-attention', 100)}\t2025-03-15=100 2025-03-14=100\n" in text
    )
    assert (
        f"example/long-eval\tok\t{etag_of('example/long-eval', 250)}\t2025-03-15=250 2025-03-14=200\n" in text
    )


def test_a_second_run_on_the_same_day_asks_nothing_and_changes_nothing(
    site: Site, api: GitHubStub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_all(api)
    assert run(site).code == 0
    before = site.samples.read_bytes()
    api.requests.clear()
    output = tmp_path / "github-output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    done = run(site)
    assert done.lines[-1] == (
        "2025-03-14: 4 repositories: 0 sampled, 4 not due (sampled today, or gone); 2 code links skipped;"
        " nothing changed"
    )
    assert api.requests == [] and site.samples.read_bytes() == before
    assert not output.exists()  # nothing to rebuild


def test_a_run_that_changes_the_samples_tells_the_workflow(
    site: Site, api: GitHubStub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "github-output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    serve_all(api)
    assert run(site).code == 0
    assert output.read_text(encoding="utf-8") == "sampled=true\n"


def test_a_repository_no_paper_links_any_more_leaves_the_file(site: Site, api: GitHubStub) -> None:
    serve_all(api)
    assert run(site).code == 0
    (site.content / "papers" / "2025" / "long-context-evaluation.md").unlink()
    assert run(site, day=DAY + dt.timedelta(days=1)).code == 0
    assert "example/long-eval" not in site.samples.read_text(encoding="utf-8")


# --- 301, 404, 451 ----------------------------------------------------------------------------------------


def test_a_renamed_repository_is_followed_said_once_and_then_asked_by_its_new_name(
    site: Site, api: GitHubStub
) -> None:
    serve_all(api)
    api.serve("/repos/example/tiny-vit", moved("/repositories/881234567", api.base))
    api.serve("/repositories/881234567", repo("example/tiny-vit-v2", 77))
    api.serve("/repos/example/tiny-vit-v2", repo("example/tiny-vit-v2", 77))
    done = run(site)
    assert done.lines[2:] == [
        "example/tiny-vit: renamed on GitHub to example/tiny-vit-v2; sampled there (update links.code in"
        f" {site.paper('tiny-vision-transformers')})",
        f"2025-03-14: 4 repositories: 4 sampled; 2 code links skipped; wrote {site.samples.as_posix()}",
    ]
    assert api.paths()[-2:] == ["/repos/example/tiny-vit", "/repositories/881234567"]
    assert (
        f"example/tiny-vit\tmoved:example/tiny-vit-v2\t{etag_of('example/tiny-vit-v2', 77)}\t2025-03-14=77\n"
        in site.samples.read_text(encoding="utf-8")
    )
    api.requests.clear()
    again = run(site, day=DAY + dt.timedelta(days=1))
    assert [x for x in again.lines if "renamed on GitHub" in x] == []
    assert api.requests[-1].path == "/repos/example/tiny-vit-v2"
    assert api.requests[-1].headers["if-none-match"] == etag_of("example/tiny-vit-v2", 77)


def test_a_redirect_out_of_the_api_is_not_followed(
    site: Site, api: GitHubStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_a-test-token")
    serve_all(api)
    api.serve(
        "/repos/example/tiny-vit", Reply(301, recorded("moved"), {"Location": "https://evil.example/x"})
    )
    done = run(site)
    assert done.lines[2] == (
        "example/tiny-vit: the GitHub API redirected example/tiny-vit to https://evil.example/x, outside"
        f" {api.base}; not followed; not sampled this run"
    )
    assert done.lines[3].startswith("2025-03-14: 4 repositories: 3 sampled, 1 failed;")


def test_a_gone_repository_is_recorded_and_asked_again_only_after_30_days(
    site: Site, api: GitHubStub
) -> None:
    serve_all(api)
    api.serve("/repos/example/long-eval", not_found())
    api.serve("/repos/example/tiny-vit", Reply(451, recorded("blocked")))
    done = run(site)
    assert done.lines[2:] == [
        "example/long-eval: gone from GitHub (HTTP 404 Not Found); recorded, asked again from 2025-04-13",
        "example/tiny-vit: gone from GitHub (HTTP 451 Unavailable For Legal Reasons); recorded, asked again"
        " from 2025-04-13",
        f"2025-03-14: 4 repositories: 2 sampled, 2 gone; 2 code links skipped; {wrote(site)}",
    ]
    text = site.samples.read_text(encoding="utf-8")
    assert "example/long-eval\tgone:2025-03-14\t-\t-\n" in text
    for days in (1, 29):
        api.requests.clear()
        assert run(site, day=DAY + dt.timedelta(days=days)).code == 0
        assert "/repos/example/long-eval" not in api.paths(), days
    api.serve("/repos/example/long-eval", repo("example/long-eval", 5))  # back again
    api.requests.clear()
    done = run(site, day=DAY + dt.timedelta(days=30))
    assert "/repos/example/long-eval" in api.paths()
    assert "example/long-eval\tok\t" in site.samples.read_text(encoding="utf-8")


# --- rate limits ------------------------------------------------------------------------------------------


def test_a_rate_limit_that_lasts_stops_the_run_keeps_what_it_fetched_and_the_next_run_goes_on(
    site: Site, api: GitHubStub
) -> None:
    serve_all(api)
    reset = int(time.time()) + 3600
    limited = Reply(403, RATE_LIMIT, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)})
    api.serve("/repos/example/robot-video", limited)
    done = run(site)
    until = dt.datetime.fromtimestamp(reset, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    assert (done.code, done.lines[2:]) == (
        0,
        [
            f"stopped: GitHub's rate limit is used up until {until} (HTTP 403: API rate limit exceeded for"
            " installation ID 12345678.); 2 of 4 repositories not asked, left for the next run",
            f"2025-03-14: 4 repositories: 2 sampled, 2 left for the next run; 2 code links skipped; wrote"
            f" {site.samples.as_posix()}",
        ],
    )
    assert api.paths().count("/repos/example/robot-video") == 1  # not asked again while limited
    assert "/repos/example/tiny-vit" not in api.paths()
    text = site.samples.read_text(encoding="utf-8")
    assert "example/linear-attention\tok" in text and "example/robot-video" not in text
    # The limit lifted: a run the same day asks only for what the last one left.
    serve_all(api)
    api.requests.clear()
    again = run(site)
    assert api.paths() == ["/repos/example/robot-video", "/repos/example/tiny-vit"]
    assert again.lines[-1].startswith(
        "2025-03-14: 4 repositories: 2 sampled, 2 not due (sampled today, or gone);"
    )


def test_the_longest_unsampled_repositories_are_asked_first(site: Site, api: GitHubStub) -> None:
    serve_all(api)
    site.samples.write_text(
        HEADER
        + "example/linear-attention\tok\t-\t2025-03-13=1\n"
        + "example/long-eval\tok\t-\t2025-03-10=1\n"
        + "example/tiny-vit\tok\t-\t2025-03-12=1\n",
        encoding="utf-8",
    )
    assert run(site).code == 0
    assert api.paths() == [
        "/repos/example/robot-video",  # never sampled
        "/repos/example/long-eval",  # 10 March
        "/repos/example/tiny-vit",  # 12 March
        "/repos/example/linear-attention",  # 13 March
    ]


def test_a_rate_limit_that_resets_soon_is_waited_out(site: Site, api: GitHubStub) -> None:
    serve_all(api)
    reset = int(time.time()) + 2
    limited = Reply(403, RATE_LIMIT, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)})
    api.serve("/repos/example/long-eval", limited, repo("example/long-eval", 200))
    done = run(site)
    assert done.code == 0
    assert re.fullmatch(
        r"example/long-eval: HTTP 403: API rate limit exceeded for installation ID 12345678\.; waiting [12] s"
        " as GitHub asks",
        done.lines[2],
    )
    assert done.lines[3].startswith("2025-03-14: 4 repositories: 4 sampled;")
    asked = [r.time for r in api.requests if r.path == "/repos/example/long-eval"]
    assert len(asked) == 2 and asked[1] >= reset - 0.05  # not before the reset


def test_a_429_with_retry_after_is_waited_out(site: Site, api: GitHubStub) -> None:
    serve_all(api)
    api.serve(
        "/repos/example/long-eval", Reply(429, b"", {"Retry-After": "1"}), repo("example/long-eval", 200)
    )
    done = run(site)
    assert done.lines[2] == "example/long-eval: HTTP 429: rate limit exceeded; waiting 1 s as GitHub asks"
    asked = [r.time for r in api.requests if r.path == "/repos/example/long-eval"]
    assert len(asked) == 2 and asked[1] - asked[0] >= 1.0
    assert "4 sampled" in done.lines[3]


def test_a_retry_after_longer_than_the_run_waits_stops_it(site: Site, api: GitHubStub) -> None:
    serve_all(api)
    api.serve("/repos/example/linear-attention", Reply(429, b"", {"Retry-After": "120"}))
    before = time.time()
    done = run(site)
    stop = done.lines[2]
    match = re.fullmatch(
        r"stopped: GitHub's rate limit is used up until (.+) UTC \(HTTP 429: rate limit exceeded\); 4 of 4"
        r" repositories not asked, left for the next run",
        stop,
    )
    assert match, stop
    until = dt.datetime.strptime(match[1], "%Y-%m-%d %H:%M").replace(tzinfo=dt.UTC).timestamp()
    assert before + 60 <= until <= time.time() + 120  # 120 s from the answer, to the minute
    assert (
        done.lines[3]
        == "2025-03-14: 4 repositories: 0 sampled, 4 left for the next run; 2 code links skipped; nothing"
        " changed"
    )
    assert not site.samples.exists()


def test_a_secondary_rate_limit_that_names_no_time_waits_a_minute_or_stops(
    site: Site, api: GitHubStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERFEED_GITHUB_MAX_WAIT", "30")  # GitHub asks for at least 60 s
    serve_all(api)
    api.serve("/repos/example/long-eval", Reply(403, recorded("secondary-rate-limit")))
    done = run(site)
    assert done.lines[2].startswith("stopped: GitHub's rate limit is used up until ") and done.lines[
        2
    ].endswith(
        "(HTTP 403: You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
        " If you reach out to GitHub Support for help, please include the request ID"
        " 0C1F:1A2B:3C4D5E:6F7A8B:67D4A1B2.); 3 of 4 repositories not asked, left for the next run"
    )


def test_a_rate_limit_that_keeps_coming_back_stops_the_run(site: Site, api: GitHubStub) -> None:
    serve_all(api)
    api.serve("/repos/example/linear-attention", Reply(429, b"", {"Retry-After": "0"}))
    done = run(site)
    assert (
        done.lines[2:5]
        == ["example/linear-attention: HTTP 429: rate limit exceeded; waiting 0 s as GitHub asks"] * 3
    )
    assert done.lines[5].startswith("stopped: GitHub's rate limit is used up until ")
    assert api.paths().count("/repos/example/linear-attention") == 4


def test_a_403_that_is_no_rate_limit_skips_that_repository(site: Site, api: GitHubStub) -> None:
    serve_all(api)
    forbidden = json_bytes({"message": "Resource not accessible by integration", "status": "403"})
    api.serve("/repos/example/long-eval", Reply(403, forbidden, {"X-RateLimit-Remaining": "900"}))
    done = run(site)
    assert done.lines[2] == (
        "example/long-eval: the GitHub API answered HTTP 403 for example/long-eval: Resource not accessible"
        " by integration; not sampled this run"
    )
    assert done.lines[3].startswith("2025-03-14: 4 repositories: 3 sampled, 1 failed;")


def json_bytes(data: object) -> bytes:
    import json

    return json.dumps(data).encode()


# --- failures ---------------------------------------------------------------------------------------------


def test_a_refused_token_stops_the_run_with_exit_1_keeping_what_was_fetched(
    site: Site, api: GitHubStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_expired")
    serve_all(api)
    api.serve("/repos/example/long-eval", Reply(401, recorded("bad-credentials")))
    done = run(site)
    assert done.code == 1
    assert done.lines[2:] == [
        f"2025-03-14: 4 repositories: 1 sampled, 3 left for the next run; 2 code links skipped; wrote"
        f" {site.samples.as_posix()}"
    ]
    assert done.err == (
        "Error: stopped: the GitHub API refused the token (HTTP 401 Bad credentials); check GITHUB_TOKEN, or"
        " unset it to ask without one; 3 of 4 repositories not asked, left for the next run\n"
    )
    assert "example/linear-attention\tok" in site.samples.read_text(encoding="utf-8")


def test_an_api_that_cannot_be_reached_is_one_line_and_exit_1(
    site: Site, api: GitHubStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = f"http://127.0.0.1:{closed_port()}"
    monkeypatch.setenv("PAPERFEED_GITHUB_API", base)
    done = run(site)
    assert done.code == 1
    assert done.err == (
        f"Error: stopped: cannot reach the GitHub API at {base} (Connection refused); check the network"
        " connection or PAPERFEED_GITHUB_API; 4 of 4 repositories not asked, left for the next run\n"
    )
    assert not site.samples.exists()


def test_a_timeout_is_tried_again_then_skips_the_repository(
    site: Site, api: GitHubStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERFEED_GITHUB_TIMEOUT", "0.3")
    serve_all(api)
    api.serve("/repos/example/long-eval", Reply(200, recorded("repo"), delay=1.0))
    api.serve("/repos/example/tiny-vit", Reply(200, recorded("repo"), delay=1.0), repo("example/tiny-vit", 9))
    done = run(site)
    assert done.lines[2:] == [
        "example/long-eval: the GitHub API did not answer within 0.3 s; not sampled this run",
        f"2025-03-14: 4 repositories: 3 sampled, 1 failed; 2 code links skipped; {wrote(site)}",
    ]
    assert api.paths().count("/repos/example/long-eval") == 2
    assert "example/tiny-vit\tok" in site.samples.read_text(encoding="utf-8")  # its second try answered


def test_a_connection_that_breaks_off_is_tried_again(site: Site, api: GitHubStub) -> None:
    serve_all(api)
    api.serve("/repos/example/long-eval", Reply(0))
    api.serve("/repos/example/tiny-vit", Reply(0), repo("example/tiny-vit", 9))
    done = run(site)
    assert done.lines[2:] == [
        "example/long-eval: the GitHub API broke off its answer (RemoteDisconnected); not sampled this run",
        f"2025-03-14: 4 repositories: 3 sampled, 1 failed; 2 code links skipped; {wrote(site)}",
    ]
    assert api.paths().count("/repos/example/long-eval") == 2


def test_an_etag_the_file_cannot_hold_is_not_kept(site: Site, api: GitHubStub) -> None:
    serve_all(api)
    api.serve(
        "/repos/example/long-eval",
        Reply(200, recorded("repo", full_name="example/long-eval"), {"ETag": "no quotes"}),
    )
    assert run(site).code == 0
    assert "example/long-eval\tok\t-\t2025-03-14=1234\n" in site.samples.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"<html><body>Unicorn!</body></html>", "sent example/long-eval an answer that is not JSON"),
        (b'["not", "a", "repository"]', "sent example/long-eval JSON that is not a repository"),
        (
            recorded("repo", stargazers_count="many"),
            "sent example/long-eval without a valid stargazers_count",
        ),
        (recorded("repo", stargazers_count=-1), "sent example/long-eval without a valid stargazers_count"),
        (recorded("repo", stargazers_count=True), "sent example/long-eval without a valid stargazers_count"),
        (recorded("repo", full_name="no slash"), "sent example/long-eval without a valid full_name"),
    ],
)
def test_a_malformed_answer_skips_that_repository(
    site: Site, api: GitHubStub, body: bytes, problem: str
) -> None:
    serve_all(api)
    api.serve("/repos/example/long-eval", Reply(200, body))
    done = run(site)
    assert done.lines[2] == f"example/long-eval: the GitHub API {problem}; not sampled this run"
    assert done.code == 0 and "3 sampled, 1 failed" in done.lines[3]


def test_a_server_error_is_tried_once_more(site: Site, api: GitHubStub) -> None:
    serve_all(api)
    api.serve("/repos/example/long-eval", Reply(502, b"Bad gateway"))
    api.serve("/repos/example/tiny-vit", Reply(503, b""), repo("example/tiny-vit", 9))
    done = run(site)
    assert done.lines[2:] == [
        "example/long-eval: the GitHub API answered HTTP 502 for example/long-eval 2 times; not sampled this"
        " run",
        f"2025-03-14: 4 repositories: 3 sampled, 1 failed; 2 code links skipped; {wrote(site)}",
    ]


def test_three_failures_in_a_row_stop_the_run(site: Site, api: GitHubStub) -> None:
    for name in REPOS:
        api.serve(f"/repos/{name}", Reply(500, b""))
    done = run(site)
    assert done.code == 0
    assert done.lines[2:] == [
        *[
            f"{name}: the GitHub API answered HTTP 500 for {name} 2 times; not sampled this run"
            for name in REPOS[:3]
        ],
        "stopped: the GitHub API failed for 3 repositories in a row; 1 of 4 repositories not asked, left for"
        " the next run",
        "2025-03-14: 4 repositories: 0 sampled, 3 failed, 1 left for the next run; 2 code links skipped;"
        " nothing changed",
    ]
    assert not site.samples.exists()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "PAPERFEED_GITHUB_API",
            "ftp://example.org",
            "PAPERFEED_GITHUB_API='ftp://example.org' must be an http(s) address, such as https://api.github.com",
        ),
        ("PAPERFEED_GITHUB_TIMEOUT", "soon", "PAPERFEED_GITHUB_TIMEOUT='soon' is not a number of seconds"),
        ("PAPERFEED_GITHUB_MAX_WAIT", "-1", "PAPERFEED_GITHUB_MAX_WAIT='-1' must not be negative"),
    ],
)
def test_a_bad_setting_is_one_line(
    site: Site, api: GitHubStub, monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    done = run(site)
    assert (done.code, done.out, done.err) == (1, "", f"Error: {message}\n")
    assert api.requests == []


def test_a_damaged_samples_file_is_one_line_and_asks_nothing(site: Site, api: GitHubStub) -> None:
    site.samples.write_text(HEADER + "example/tiny-vit\tok\t-\t2025-03-14=x\n", encoding="utf-8")
    done = run(site)
    assert (done.code, done.out) == (1, "")
    assert done.err == (
        f"Error: {site.samples.as_posix()}:5: '2025-03-14=x' is not a sample (DAY=STARS); delete the line,"
        " and the next `paperfeed stars` samples the repository afresh\n"
    )
    assert api.requests == []


def test_a_day_before_the_newest_sample_is_refused(site: Site, api: GitHubStub) -> None:
    serve_all(api)
    assert run(site).code == 0
    done = run(site, day=DAY - dt.timedelta(days=1))
    assert (done.code, done.err) == (
        1,
        "Error: the samples reach 2025-03-14, after 2025-03-13: a run cannot go back in time; give a later"
        " --date\n",
    )


def test_content_with_problems_samples_nothing(site: Site, api: GitHubStub) -> None:
    (site.content / "papers" / "2025" / "broken.md").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    done = run(site)
    assert done.code == 1
    assert done.err.endswith("Error: nothing sampled: the content has problems (see above)\n")
    assert api.requests == []


def test_the_installed_command_prints_no_traceback(site: Site, api: GitHubStub) -> None:
    serve_all(api)
    api.serve("/repos/example/long-eval", Reply(200, b"{"))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("paperfeed")),
            "stars",
            "-f",
            str(site.config),
            "--date",
            "2025-03-14",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (
        "example/long-eval: the GitHub API sent example/long-eval an answer that is not JSON" in done.stdout
    )
    assert "Traceback" not in done.stdout + done.stderr


# --- --push: the samples' own branch ------------------------------------------------------------------------


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A clone of a bare origin whose main takes no push (digest_support), with the small feed."""
    _, config = make_repo(tmp_path / "repo", records=EXTRA)
    return config.parent


@pytest.fixture
def git_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Git as in GitHub Actions: no user configuration, the bot's name on commits."""
    for name, value in {**GIT_ENV, "GITHUB_ACTIONS": "true"}.items():
        monkeypatch.setenv(name, value)


def push(clone: Path, day: dt.date = DAY) -> Run:
    return run(Site(clone / "mkdocs.yml", clone / "content"), "--push", day=day)


def origin(clone: Path) -> Path:
    return clone.parent / "origin.git"


def test_push_writes_the_branch_as_one_commit_and_the_sites_copy(
    clone: Path, api: GitHubStub, monkeypatch: pytest.MonkeyPatch, git_env: None
) -> None:
    monkeypatch.setenv("GITHUB_RUN_ID", "4242")
    serve_all(api)
    main_before = git(origin(clone), "rev-parse", "main")
    done = push(clone)
    assert done.code == 0, done.err
    assert done.lines[-1].endswith("; pushed to branch trending-data of origin")
    text = git(origin(clone), "show", "trending-data:stars.tsv")
    assert text == (clone / "content" / "stars.tsv").read_text(encoding="utf-8")
    assert text.startswith(HEADER) and text.count("\tok\t") == 4
    assert git(origin(clone), "log", "--format=%s", "trending-data").splitlines() == [
        "Star samples of 2025-03-14 (run 4242)"
    ]
    serve_all(api, {"example/long-eval": 999})
    assert push(clone, DAY + dt.timedelta(days=1)).code == 0
    # Only the newest version is kept: the branch is one commit, with one file.
    assert git(origin(clone), "log", "--format=%s", "trending-data").splitlines() == [
        "Star samples of 2025-03-15 (run 4242)"
    ]
    assert git(origin(clone), "ls-tree", "-r", "--name-only", "trending-data") == "stars.tsv\n"
    assert "2025-03-15=999 2025-03-14=200" in git(origin(clone), "show", "trending-data:stars.tsv")
    assert git(origin(clone), "rev-parse", "main") == main_before
    assert git(clone, "status", "--porcelain", "--untracked-files=no") == ""  # no commit, no change on main
    again = push(clone, DAY + dt.timedelta(days=1))
    assert again.lines[-1].endswith("; nothing changed")


def test_push_applies_its_answers_again_on_what_another_run_wrote_meanwhile(
    clone: Path, api: GitHubStub, monkeypatch: pytest.MonkeyPatch, git_env: None
) -> None:
    serve_all(api)
    other = ledger_branch.LedgerBranch(clone, os.environ, data=ledger_branch.STARS)
    real_write = ledger_branch.LedgerBranch.write
    calls: list[str] = []

    def overtaken(self: ledger_branch.LedgerBranch, tip: ledger_branch.Tip, text: str, message: str) -> bool:
        calls.append(message)
        if len(calls) == 1:  # meanwhile another run pushed yesterday's sample of one repository
            assert real_write(
                other, other.read(), HEADER + "example/tiny-vit\tok\t-\t2025-03-13=3\n", "other"
            )
        return real_write(self, tip, text, message)

    monkeypatch.setattr(ledger_branch.LedgerBranch, "write", overtaken)
    done = push(clone)
    assert done.code == 0, done.err
    assert len(calls) == 2  # ours, refused (the tip moved), and ours again on the other run's tip
    text = git(origin(clone), "show", "trending-data:stars.tsv")
    assert f"example/tiny-vit\tok\t{etag_of('example/tiny-vit', 400)}\t2025-03-14=400 2025-03-13=3\n" in text


def test_a_refused_push_is_one_line_and_exit_1(clone: Path, api: GitHubStub, git_env: None) -> None:
    hook = origin(clone) / "hooks" / "pre-receive"
    hook.write_text(
        '#!/bin/sh\necho "trending-data is protected by a ruleset" >&2\nexit 1\n', encoding="utf-8"
    )
    serve_all(api)
    done = push(clone)
    assert done.code == 1
    assert done.err == (
        "Error: the Git remote origin refused the push to trending-data: [remote rejected] (pre-receive hook"
        " declined); remote: trending-data is protected by a ruleset\n"
    )


def test_the_deploy_copy_of_a_fork_without_the_branch_is_none(clone: Path, git_env: None) -> None:
    stale = clone / "content" / "stars.tsv"
    stale.write_text(HEADER, encoding="utf-8")
    said = ledger_branch.fetch(clone, stale, os.environ, ledger_branch.STARS)
    assert said == "no trending-data branch on origin: no activity data on the trending page"
    assert not stale.exists()
