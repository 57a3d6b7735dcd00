"""The star-sampling workflow: its shape, and its own `run:` steps run as GitHub runs them, against a bare
origin whose pre-receive hook protects main and the stub GitHub API; then the deploy's copy of the samples."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from digest_support import Origin, git, make_repo
from github_support import GitHubStub, github_stub, repo
from workflow_support import load, once_a_day, run_job

from generator import records
from generator.config import SiteConfig
from generator.data import starfile
from generator.site import pages

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
STARS, DEPLOY = WORKFLOWS / "stars.yml", WORKFLOWS / "deploy.yml"
REPOS = ["example/linear-attention", "example/long-eval", "example/robot-video", "example/tiny-vit"]


def test_the_workflow_samples_daily_and_by_hand_one_run_at_a_time_when_turned_on() -> None:
    workflow = load(STARS)
    assert set(workflow["on"]) == {"schedule", "workflow_dispatch"}
    assert once_a_day(workflow["on"]["schedule"])
    assert workflow["concurrency"] == {"group": "trending-data", "cancel-in-progress": "false"}
    job = workflow["jobs"]["sample"]
    assert job["if"] == "${{ vars.PAPERFEED_STARS_ENABLED == 'true' }}"  # forks opt in


def test_only_the_sampling_job_may_write_and_the_token_reaches_one_step() -> None:
    workflow = load(STARS)
    assert workflow["permissions"] == {}
    assert {name: job["permissions"] for name, job in workflow["jobs"].items()} == {
        "sample": {"contents": "write", "actions": "write"}
    }
    steps = workflow["jobs"]["sample"]["steps"]
    runs = [(s.get("id"), s.get("run"), s.get("env")) for s in steps if "run" in s]
    assert runs == [
        (None, "python3 tasks.py site", None),
        ("stars", ".venv/bin/paperfeed stars --push", {"GITHUB_TOKEN": "${{ github.token }}"}),
        (
            None,
            'gh workflow run deploy.yml --ref "$BRANCH"',
            {"GH_TOKEN": "${{ github.token }}", "BRANCH": "${{ github.ref_name }}"},
        ),
    ]
    assert steps[-1]["if"] == "${{ !cancelled() && steps.stars.outputs.sampled == 'true' }}"
    assert [s["with"]["persist-credentials"] for s in steps if "actions/checkout@" in s.get("uses", "")] == [
        "false"
    ]


@pytest.fixture
def api() -> Iterator[GitHubStub]:
    with github_stub() as stub:
        for n, name in enumerate(REPOS):
            stub.serve(f"/repos/{name}", repo(name, 10 * (n + 1)))
        yield stub


@pytest.fixture
def feed(tmp_path: Path) -> tuple[Origin, Path]:
    origin, config = make_repo(tmp_path)
    return origin, config.parent


def runner(api: GitHubStub) -> dict[str, str]:
    return {"PAPERFEED_GITHUB_API": api.base, "PAPERFEED_GITHUB_BACKOFF": "0.01", "NO_PROXY": "127.0.0.1"}


def test_a_run_pushes_the_samples_to_their_branch_never_to_main_and_starts_the_deploy(
    feed: tuple[Origin, Path], api: GitHubStub, tmp_path: Path
) -> None:
    origin, clone = feed
    main = origin.head()
    first = run_job(STARS, "sample", clone, {}, tmp_path / "first", runner(api))
    assert first.ok, first.steps
    today = dt.datetime.now(dt.UTC).date().isoformat()
    said = first.step("Sample the stars").stdout.splitlines()
    assert said == [f"{today}: 4 repositories: 4 sampled; pushed to branch trending-data of origin"]
    assert first.dispatched == ["workflow run deploy.yml --ref main"]
    assert origin.head() == main  # main was never pushed to
    assert git(origin.path, "log", "--format=%s", "trending-data").splitlines() == [
        f"Star samples of {today} (run 4242)"
    ]
    assert {r.headers["authorization"] for r in api.requests} == {"Bearer ghs_not-a-real-token"}
    # A re-run the same day asks GitHub nothing, pushes nothing and starts no deploy.
    api.requests.clear()
    rerun = run_job(
        STARS, "sample", origin.clone(tmp_path / "rerun"), {}, tmp_path / "rerun-job", runner(api)
    )
    assert rerun.ok and rerun.dispatched == [] and api.requests == []
    assert rerun.step("Sample the stars").stdout.endswith("; nothing changed\n")


def test_the_deploy_builds_the_trending_page_from_the_branch(
    feed: tuple[Origin, Path], api: GitHubStub, tmp_path: Path
) -> None:
    origin, clone = feed
    assert run_job(STARS, "sample", clone, {}, tmp_path / "sample", runner(api)).ok
    stale = origin.clone(tmp_path / "deploying")  # a fresh checkout of main, as the deploy has
    deploy = run_job(DEPLOY, "build", stale, {}, tmp_path / "deploy", {})
    fetched = deploy.step("Fetch the star samples")
    assert fetched.code == 0 and fetched.stdout.startswith(
        "wrote content/stars.tsv from trending-data of origin"
    )
    copy = stale / "content" / "stars.tsv"
    assert copy.read_text(encoding="utf-8") == git(origin.path, "show", "trending-data:stars.tsv")
    site = SiteConfig(content_dir=stale / "content")
    built = {
        p.src: p for p in pages.build_pages(records.load_feed(site.content_dir), site, starfile.load(copy))
    }
    assert '<p class="pf-signal">40 stars · 8 upvotes</p>' in built["trending/index.md"].text


def test_a_fork_without_the_branch_deploys_with_no_activity_data(
    feed: tuple[Origin, Path], tmp_path: Path
) -> None:
    _, clone = feed
    stale = clone / "content" / "stars.tsv"
    stale.write_text("a stale copy\n", encoding="utf-8")
    deploy = run_job(DEPLOY, "build", clone, {}, tmp_path / "deploy", {})
    fetched = deploy.step("Fetch the star samples")
    assert (fetched.code, fetched.stdout) == (
        0,
        "no trending-data branch on origin: no activity data on the trending page\n",
    )
    assert not stale.exists()
