"""The "Content and site" job's content check on the checkout GitHub makes for a pull request (its merge
commit, as deep as the workflow asks): a paper that repeats one of the feed is reported on the pull
request's file, never on the paper already published."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_records_tree import good, make_tree

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "pull-request.yml"
STEP = "Check the content (annotations on the pull request's lines)"
ATTENTION = '"Attention Is All You Need"'


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
    done = subprocess.run(
        ["git", *identity, *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def site_job() -> dict[str, Any]:
    job = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]["site"]
    assert isinstance(job, dict)
    return job


@pytest.fixture
def upstream(tmp_path: Path) -> Path:
    """A feed with two papers on `main`; a pull request adds a paper repeating one's title and another
    repeating the other's arXiv id, each dated earlier and named to sort first (so that neither the date
    nor the path would pick it); `main` moved on after the fork; GitHub's merge commit is
    refs/pull/1/merge."""
    root = make_tree(
        tmp_path / "upstream",
        {
            "2025/zeta-attention.md": good(1, title=ATTENTION),
            "2025/zeta-mamba.md": good(2, title='"Mamba"', arxiv='"2312.00752"'),
        },
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "the feed")
    git(root, "checkout", "-q", "-b", "pr")
    papers = root / "content" / "papers" / "2025"
    (papers / "attention.md").write_text(good(3, title='"attention is all you need."', date="2025-03-01"))
    (papers / "mamba.md").write_text(
        good(4, title='"Mamba, again"', arxiv='"2312.00752v2"', date="2025-03-01")
    )
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "the contribution")
    git(root, "checkout", "-q", "main")
    (papers / "later.md").write_text(good(5, title='"A later paper"'))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "main moved on")
    git(root, "checkout", "-q", "--detach", "main")
    git(root, "merge", "-q", "--no-ff", "--no-edit", "pr")
    git(root, "update-ref", "refs/pull/1/merge", "HEAD")
    git(root, "checkout", "-q", "main")
    return root


def check_out_merge_commit(upstream: Path, workspace: Path, depth: int) -> None:
    """What actions/checkout does on `pull_request` with this fetch-depth: the merge commit, detached."""
    workspace.mkdir()
    git(workspace, "init", "-q")
    git(workspace, "remote", "add", "origin", upstream.as_uri())
    merge = git(upstream, "rev-parse", "refs/pull/1/merge").strip()
    target = "refs/remotes/pull/1/merge"
    git(workspace, "fetch", "-q", "--no-tags", "--prune", f"--depth={depth}", "origin", f"+{merge}:{target}")
    git(workspace, "checkout", "-q", "--force", target)


def run_check_step(tmp_path: Path, upstream: Path, depth: int) -> tuple[int, str, str]:
    """Check out the merge commit, then run the job's content-check step as the runner does (`bash -e`),
    with `.venv/bin/paperfeed` this environment's."""
    steps = site_job()["steps"]
    (step,) = [s for s in steps if s.get("name") == STEP]
    workspace = tmp_path / "workspace"
    check_out_merge_commit(upstream, workspace, depth)
    (workspace / ".venv" / "bin").mkdir(parents=True)
    (workspace / ".venv" / "bin" / "paperfeed").symlink_to(Path(sys.executable).parent / "paperfeed")
    script = tmp_path / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_WORKSPACE": str(workspace),
    }
    done = subprocess.run(
        ["bash", "-e", str(script)], cwd=workspace, env=env, capture_output=True, text=True, timeout=120
    )
    return done.returncode, done.stdout, done.stderr


def test_a_repeated_paper_is_reported_on_the_pull_requests_file(tmp_path: Path, upstream: Path) -> None:
    depth = site_job()["steps"][0]["with"]["fetch-depth"]
    assert run_check_step(tmp_path, upstream, depth) == (
        1,
        "::error file=content/papers/2025/attention.md,line=2,title=title::is already in the feed: "
        "content/papers/2025/zeta-attention.md ('Attention Is All You Need'); a paper is listed once, "
        "so delete this file if it is the same paper\n"
        '::error file=content/papers/2025/mamba.md,line=5,title=arxiv::"2312.00752v2" is already in the '
        'feed as "2312.00752" (the version does not count): content/papers/2025/zeta-mamba.md; a paper is '
        "listed once\n",
        "2 problems in 2 files\n",
    )


def test_one_commit_deep_the_base_is_missing_and_the_check_says_so(tmp_path: Path, upstream: Path) -> None:
    """Why the checkout fetches two commits: the merge commit alone lacks its base, HEAD^1."""
    assert run_check_step(tmp_path, upstream, 1) == (
        1,
        "",
        "Error: --base HEAD^1: is not a commit of this repository; fetch it first\n",
    )
