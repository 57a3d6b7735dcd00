"""The digest and deploy workflows: their shape, and their own `run:` steps run as GitHub would run them,
against a bare origin on disk whose pre-receive hook protects main, from two clones at the same commit, with
the real SMTP server (aiosmtpd): re-runs, queued and overlapping runs, refused pushes, forks."""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import digest_support
import pytest
import yaml
from digest_support import (
    USER,
    CertificateAuthority,
    Origin,
    Recorder,
    git,
    make_repo,
    record_on,
)
from workflow_support import Job, load, once_a_day, run_job

from generator.config import SiteConfig
from generator.mail import digest
from generator.records import load_feed

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
DIGEST, DEPLOY = WORKFLOWS / "digest.yml", WORKFLOWS / "deploy.yml"
SEND = ".venv/bin/paperfeed digest --period day --send"


# The workflows' shape


def test_the_workflow_runs_daily_and_by_hand_one_run_at_a_time() -> None:
    workflow = load(DIGEST)
    assert set(workflow["on"]) == {"schedule", "workflow_dispatch"}
    assert once_a_day(workflow["on"]["schedule"])  # any hour: a day's digest is due for two days more
    assert workflow["concurrency"] == {"group": "digest", "cancel-in-progress": "false"}


def test_only_the_sending_job_may_write() -> None:
    workflow = load(DIGEST)
    assert workflow["permissions"] == {}
    assert {name: job["permissions"] for name, job in workflow["jobs"].items()} == {
        "send": {"contents": "write", "actions": "write"}
    }


def test_secrets_and_the_token_reach_only_the_sending_step_through_env() -> None:
    steps = load(DIGEST)["jobs"]["send"]["steps"]
    with_secrets = [s for s in steps if "secrets." in yaml.safe_dump(s)]
    assert [s["name"] for s in with_secrets] == ["Send the digest"]
    assert sorted(with_secrets[0]["env"]) == sorted(
        [
            *(f"PAPERFEED_{k}" for k in ("SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_TLS")),
            "PAPERFEED_DIGEST_TO",
            "GITHUB_TOKEN",
        ]
    )
    assert (with_secrets[0]["id"], with_secrets[0]["run"]) == ("send", SEND)
    assert all("${{" not in s.get("run", "") for s in steps)
    rebuild = steps[-1]
    assert rebuild["if"] == "${{ !cancelled() && steps.send.outputs.sent == 'true' }}"
    assert rebuild["run"] == 'gh workflow run deploy.yml --ref "$BRANCH"'
    assert [s["with"]["persist-credentials"] for s in steps if "actions/checkout@" in s.get("uses", "")] == [
        "false"
    ]


def test_the_deploy_fetches_the_ledger_read_only_before_building() -> None:
    build = load(DEPLOY)["jobs"]["build"]
    assert "permissions" not in build  # the workflow's contents: read
    runs = [(s.get("run"), s.get("env")) for s in build["steps"] if "run" in s]
    assert runs == [
        ("python3 -m generator.data.ledger_branch fetch", {"GITHUB_TOKEN": "${{ github.token }}"}),
        ("python3 -m generator.data.ledger_branch fetch stars", {"GITHUB_TOKEN": "${{ github.token }}"}),
        ("python3 tasks.py site", None),
    ]


# The workflows' own steps, run as GitHub runs them


LIST = "papers@lists.example.org"
SENT = "sent"


# The SMTP server's fixtures (a certificate authority, what the server received, the server on loopback).
authority, recorder, server = digest_support.authority, digest_support.recorder, digest_support.server


@pytest.fixture
def secrets(server: Any, authority: CertificateAuthority) -> dict[str, str]:
    return {
        "PAPERFEED_SMTP_HOST": "127.0.0.1",
        "PAPERFEED_SMTP_PORT": str(server.port),
        "PAPERFEED_SMTP_USER": USER,
        "PAPERFEED_SMTP_PASSWORD": "correct horse battery staple",
        "PAPERFEED_SMTP_TLS": "starttls",
        "PAPERFEED_DIGEST_TO": LIST,
    }


@dataclass
class Feed:
    origin: Origin
    a: Path  # two clones at the same commit
    b: Path
    today: str
    runner: dict[str, str]


@pytest.fixture
def feed(tmp_path: Path, authority: CertificateAuthority) -> Feed:
    """The small feed plus a paper of today (the workflow's run has no --date), on an origin, cloned twice."""
    today = dt.datetime.now(dt.UTC).date()
    origin, config = make_repo(tmp_path, records={f"{today.year}/of-today": record_on(today)})
    other = origin.clone(tmp_path / "other")
    assert git(other, "rev-parse", "HEAD") == git(config.parent, "rev-parse", "HEAD")
    # The runner's CA bundle trusts the SMTP server; here, the test's CA does.
    runner = {"SSL_CERT_FILE": str(authority.ca_file)}
    return Feed(origin, config.parent, other, today.isoformat(), runner)


def send_job(feed: Feed, clone: Path, secrets: dict[str, str], tmp: Path) -> Job:
    return run_job(DIGEST, "send", clone, secrets, tmp, feed.runner)


def copies(recorder: Recorder) -> int:
    return len(recorder.deliveries)


def test_a_rerun_and_a_queued_run_at_the_same_commit_send_nothing_more(
    feed: Feed, recorder: Recorder, secrets: dict[str, str], tmp_path: Path
) -> None:
    """Each run checks out the event's commit afresh: a re-run gets the same commit as its first run, and
    a run queued behind it the same as well, since main is protected and nothing lands on it."""
    main = feed.origin.head()
    rerun = feed.origin.clone(tmp_path / "rerun")
    runs = [
        send_job(feed, clone, secrets, tmp_path / f"run-{n}")
        for n, clone in enumerate([feed.a, rerun, feed.b])
    ]
    assert copies(recorder) == 1
    assert [git(c, "rev-parse", "HEAD") for c in (feed.a, rerun, feed.b)] == [main + "\n"] * 3
    first, *again = runs
    assert first.ok, first.steps
    assert first.step("Send the digest").stdout == f"{feed.today}: 1 paper(s); sent\n"
    assert first.dispatched == ["workflow run deploy.yml --ref main"]
    assert recorder.deliveries[0].rcpt_tos == [LIST]
    for run in again:
        assert run.ok, run.steps
        assert [s.name for s in run.steps] == ["Send the digest"]  # no rebuild: nothing changed
        assert run.step("Send the digest").stdout == f"{feed.today}: already sent; nothing sent\n"
        assert run.dispatched == []
    # main was never pushed to; the ledger went to its own branch, intent then outcome.
    assert feed.origin.head() == main
    assert feed.origin.ledger_log() == [
        f"Digest ledger: {feed.today} {s} (run 4242)" for s in ("sent", "sending")
    ]


def test_a_run_that_starts_while_another_is_sending_sends_nothing(
    feed: Feed, recorder: Recorder, secrets: dict[str, str], tmp_path: Path
) -> None:
    recorder.hold.set()  # the first run's message waits at the server
    jobs: dict[str, Job] = {}
    first = threading.Thread(
        target=lambda: jobs.setdefault("a", send_job(feed, feed.a, secrets, tmp_path / "a"))
    )
    first.start()
    try:
        assert recorder.holding.wait(60), "the first run never reached the server"
        second = send_job(feed, feed.b, secrets, tmp_path / "b")
    finally:
        recorder.hold.clear()
        first.join(60)
    assert copies(recorder) == 1
    assert second.ok, second.steps
    assert second.step("Send the digest").stdout == (
        f"{feed.today}: another run is sending it, or stopped before recording whether it went out;"
        " not sent again\n"
    )
    assert jobs["a"].ok, jobs["a"].steps


def test_two_runs_that_read_the_same_tip_send_once(
    feed: Feed, recorder: Recorder, secrets: dict[str, str], tmp_path: Path
) -> None:
    (feed.origin.hooks / "barrier").mkdir()  # each ledger push waits for the other: both read an empty tip
    jobs: dict[str, Job] = {}
    threads = [
        threading.Thread(
            target=lambda c=clone, k=key: jobs.setdefault(k, send_job(feed, c, secrets, tmp_path / k))
        )
        for key, clone in (("a", feed.a), ("b", feed.b))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert copies(recorder) == 1
    assert jobs["a"].ok and jobs["b"].ok, (jobs["a"].steps, jobs["b"].steps)
    said = sorted(jobs[k].step("Send the digest").stdout for k in "ab")
    # The loser reads the tip again: the winner's delivery is on its way, or by then already sent.
    assert said[0] == f"{feed.today}: 1 paper(s); sent\n"
    assert said[1] in {
        f"{feed.today}: another run is sending it, or stopped before recording whether it went out;"
        " not sent again\n",
        f"{feed.today}: already sent; nothing sent\n",
    }
    assert len(os.listdir(feed.origin.hooks / "barrier")) >= 2  # both claims were in flight together


def test_a_run_whose_ledger_push_is_refused_sends_nothing_and_fails(
    feed: Feed, recorder: Recorder, secrets: dict[str, str], tmp_path: Path
) -> None:
    feed.origin.refuse_ledger_pushes(from_push=1)
    refused = send_job(feed, feed.a, secrets, tmp_path / "refused")
    send = refused.step("Send the digest")
    assert (send.code, send.stdout) == (1, "")
    assert send.stderr.startswith("Error: nothing sent: cannot record that the digest is on its way:")
    assert (refused.dispatched, copies(recorder)) == ([], 0)
    feed.origin.allow_ledger_pushes()
    later = send_job(feed, feed.b, secrets, tmp_path / "later")
    assert later.ok and later.dispatched == ["workflow run deploy.yml --ref main"]
    assert copies(recorder) == 1


def _fetch(feed: Feed, clone: Path, tmp: Path) -> Job:
    return run_job(DEPLOY, "build", clone, {}, tmp, feed.runner)


def test_the_deploy_builds_the_digest_pages_from_the_ledger_branch(
    feed: Feed, recorder: Recorder, secrets: dict[str, str], tmp_path: Path
) -> None:
    assert send_job(feed, feed.a, secrets, tmp_path / "send").ok
    before = (feed.origin.head(), feed.origin.head("digest-ledger"))
    deploy = _fetch(feed, feed.b, tmp_path / "deploy")  # the stale clone: it reads the branch, not its commit
    fetched = deploy.step("Fetch the digest ledger")
    assert fetched.code == 0 and fetched.stdout.startswith("wrote content/digests.yml from digest-ledger")
    copy = feed.b / "content" / "digests.yml"
    assert copy.read_text(encoding="utf-8") == feed.origin.ledger_text()
    assert (feed.origin.head(), feed.origin.head("digest-ledger")) == before  # read-only
    assert git(ROOT, "check-ignore", "content/digests.yml") == "content/digests.yml\n"  # never committed
    site = SiteConfig(site_url="https://example.github.io/paperfeed/", content_dir=feed.b / "content")
    pages = digest.digest_pages(load_feed(site.content_dir), site, copy)
    assert [p.src for p in pages] == ["digests/index.md", f"digests/{feed.today}/index.md"]


def test_a_fork_without_the_ledger_branch_deploys_with_no_digests(feed: Feed, tmp_path: Path) -> None:
    copy = feed.a / "content" / "digests.yml"
    copy.write_text("a stale copy\n", encoding="utf-8")
    deploy = _fetch(feed, feed.a, tmp_path / "deploy")
    fetched = deploy.step("Fetch the digest ledger")
    assert (fetched.code, fetched.stdout) == (
        0,
        "no digest-ledger branch on origin: no digests on the site\n",
    )
    assert not copy.exists()
    site = SiteConfig(content_dir=feed.a / "content")
    pages = digest.digest_pages(load_feed(site.content_dir), site, copy)
    assert [p.src for p in pages] == ["digests/index.md"]


def test_a_deploy_that_cannot_reach_the_ledger_fails(feed: Feed, tmp_path: Path) -> None:
    git(feed.a, "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    fetched = _fetch(feed, feed.a, tmp_path / "deploy").step("Fetch the digest ledger")
    assert fetched.code == 1
    assert fetched.stderr.startswith("error: cannot reach the Git remote origin: ")
