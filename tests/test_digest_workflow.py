"""The digest workflow's shape, and `.github/commit-ledger.sh` run against real Git repositories."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "digest.yml"
SCRIPT = ROOT / ".github" / "commit-ledger.sh"
BOT = "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"


def load() -> dict[str, Any]:
    data = yaml.load(WORKFLOW.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # "on" stays a string
    assert isinstance(data, dict)
    return data


def test_the_workflow_runs_daily_and_by_hand_one_run_at_a_time() -> None:
    workflow = load()
    assert set(workflow["on"]) == {"schedule", "workflow_dispatch"}
    assert [s["cron"] for s in workflow["on"]["schedule"]] == ["30 21 * * *"]
    assert workflow["concurrency"] == {"group": "digest", "cancel-in-progress": "false"}


def test_only_the_job_that_commits_may_write() -> None:
    workflow = load()
    assert workflow["permissions"] == {}
    assert {name: job["permissions"] for name, job in workflow["jobs"].items()} == {
        "send": {"contents": "write", "actions": "write"}
    }


def test_secrets_reach_only_the_sending_step_through_env() -> None:
    steps = load()["jobs"]["send"]["steps"]
    with_secrets = [s for s in steps if "secrets." in yaml.safe_dump(s)]
    assert [s["name"] for s in with_secrets] == ["Send the digest"]
    assert sorted(with_secrets[0]["env"]) == sorted(
        f"PAPERFEED_{k}"
        for k in ("SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_TLS", "DIGEST_TO")
    )
    assert with_secrets[0]["run"] == ".venv/bin/paperfeed digest --period day --send"
    assert all("${{" not in s.get("run", "") for s in steps)
    commit = next(s for s in steps if s.get("id") == "ledger")
    assert (commit["if"], commit["run"]) == ("${{ !cancelled() }}", ".github/commit-ledger.sh")


# commit-ledger.sh


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env, check=True)
    return done.stdout


@pytest.fixture
def repos(tmp_path: Path) -> tuple[Path, Path]:
    """A bare 'origin' with one commit on main, and a clone of it holding the script."""
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(origin))
    git(tmp_path, "clone", "--quiet", str(origin), str(work))
    (work / ".github").mkdir()
    shutil.copy2(SCRIPT, work / ".github" / "commit-ledger.sh")
    (work / "content").mkdir()
    (work / "content" / "tags.yml").write_text("{}\n", encoding="utf-8")
    git(work, "add", ".")
    git(
        work,
        "-c",
        "user.name=Maintainer",
        "-c",
        "user.email=m@example.org",
        "commit",
        "--quiet",
        "-m",
        "start",
    )
    git(work, "push", "--quiet", "origin", "HEAD:main")
    return origin, work


def run_script(work: Path, tmp_path: Path, **env: str) -> tuple[int, str, str]:
    output = tmp_path / "github-output"
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GIT_"))}
    environ |= {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GITHUB_OUTPUT": str(output)}
    environ |= {"GITHUB_ACTIONS": "true", "GITHUB_REF_NAME": "main", **env}
    done = subprocess.run(
        [str(work / ".github" / "commit-ledger.sh")],
        cwd=work,
        capture_output=True,
        text=True,
        env=environ,
        check=False,
    )
    return done.returncode, done.stdout, output.read_text() if output.exists() else ""


def test_no_ledger_commits_nothing(repos: tuple[Path, Path], tmp_path: Path) -> None:
    origin, work = repos
    assert run_script(work, tmp_path) == (0, "No ledger yet: nothing to commit.\n", "")
    assert git(origin, "rev-list", "--count", "main") == "1\n"


def test_a_changed_ledger_is_committed_alone_and_pushed(repos: tuple[Path, Path], tmp_path: Path) -> None:
    origin, work = repos
    (work / "content" / "digests.yml").write_text("salt: x\n", encoding="utf-8")
    (work / "content" / "tags.yml").write_text(
        "{changed: 1}\n", encoding="utf-8"
    )  # not the script's business
    git(work, "add", "content/tags.yml")
    code, out, github_output = run_script(work, tmp_path, GITHUB_TOKEN="not-a-real-token")
    assert (code, out, github_output) == (
        0,
        "Committed and pushed content/digests.yml to main.\n",
        "committed=true\n",
    )
    assert (
        git(origin, "log", "-1", "--format=%an <%ae>|%s", "main")
        == f"{BOT}|Digest ledger: record the digest sent\n"
    )
    assert git(origin, "show", "--name-only", "--format=", "main") == "content/digests.yml\n"
    assert "not-a-real-token" not in (work / ".git" / "config").read_text(encoding="utf-8")
    assert run_script(work, tmp_path)[:2] == (0, "The ledger did not change.\n")
    assert git(origin, "rev-list", "--count", "main") == "2\n"


def test_a_branch_that_moved_meanwhile_is_rebased_on(repos: tuple[Path, Path], tmp_path: Path) -> None:
    origin, work = repos
    other = tmp_path / "other"
    git(tmp_path, "clone", "--quiet", str(origin), str(other))
    (other / "content" / "papers.md").write_text("a new paper\n", encoding="utf-8")
    git(other, "add", ".")
    git(other, "-c", "user.name=C", "-c", "user.email=c@example.org", "commit", "--quiet", "-m", "a paper")
    git(other, "push", "--quiet", "origin", "HEAD:main")
    (work / "content" / "digests.yml").write_text("salt: y\n", encoding="utf-8")
    code, out, _ = run_script(work, tmp_path)
    assert (code, out) == (
        0,
        "Push 1 of 3 failed: rebasing on main and trying again.\n"
        "Committed and pushed content/digests.yml to main.\n",
    )
    assert git(origin, "log", "--format=%s", "main").splitlines() == [
        "Digest ledger: record the digest sent",
        "a paper",
        "start",
    ]
