"""The import workflow, run as GitHub would: its own `run:` steps, in order, in a clone of a bare origin on
disk, with the arXiv stand-in answering and a stand-in `gh` (GitHub's API client, which cannot reach GitHub
here) that records what it is asked. Three days of a curator's life: candidates proposed, pruned, added to,
and a day with nothing new."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from arxiv_support import FIXTURES, ArxivStub, arxiv_stub, recorded
from workflow_support import once_a_day

import tasks

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "import.yml"
SCRIPT = ROOT / ".github" / "propose-candidates.sh"
BRANCH = "paperfeed/candidates"
TOKEN = "not-a-real-token"
# What the steps' `${{ }}` expressions are on a scheduled run of the default branch.
EXPRESSIONS = {"${{ steps.app.outputs.token }}": TOKEN, "${{ github.ref_name }}": "main"}
USES = ["actions/checkout", "actions/setup-python", "actions/create-github-app-token"]
SSM = 'cat:cs.LG AND abs:"state space"'
VIDEO = "cat:cs.CV AND abs:video"
SOURCES = f"- query: '{SSM}'\n  tags: [state-space-models]\n  limit: 10\n- query: {VIDEO}\n  tags: [video]\n"
BOT = "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"
# The day the jobs run on, UTC, as they read it (a test's jobs all run on one: same_day).
TODAY = dt.datetime.now(dt.UTC).date()
FOLDER = f"content/papers/{TODAY.year}"
# Longer than a test's jobs take, however busy the machine.
LONGEST_TEST = dt.timedelta(minutes=3)


@pytest.fixture(autouse=True)
def same_day() -> None:
    """A test's jobs read the clock for their day, and the test expects TODAY: a test that would start
    within LONGEST_TEST of midnight (UTC) waits for the next day, and TODAY is that day."""
    global TODAY, FOLDER
    now = dt.datetime.now(dt.UTC)
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), dt.UTC)
    if midnight - now < LONGEST_TEST:
        time.sleep((midnight - now).total_seconds() + 1)
    TODAY = dt.datetime.now(dt.UTC).date()
    FOLDER = f"content/papers/{TODAY.year}"


# A stand-in for `gh`: it writes each call (arguments, the token it got, the body file's text) as a line
# of JSON, lists the open pull request once one was created, and closes it when told to by the test.
GH_STUB = """\
import json, os, pathlib, sys
log = pathlib.Path(os.environ["GH_STUB_LOG"])
state = log.with_name("open-pull-request")
args = sys.argv[1:]
call = {"args": args, "token": os.environ.get("GH_TOKEN")}
if "--body-file" in args:
    call["body"] = pathlib.Path(args[args.index("--body-file") + 1]).read_text(encoding="utf-8")
if "-F" in args and args[args.index("-F") + 1].startswith("body=@"):
    call["body"] = pathlib.Path(args[args.index("-F") + 1][6:]).read_text(encoding="utf-8")
with log.open("a", encoding="utf-8") as out:
    out.write(json.dumps(call) + "\\n")
if args[:2] == ["pr", "list"] and state.exists():
    print(state.read_text(encoding="utf-8").strip())
elif args[:2] == ["pr", "create"]:
    state.write_text("7\\n", encoding="utf-8")
    print("https://github.com/owner/feed/pull/7")
"""


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    identity = ["-c", "user.name=Curator", "-c", "user.email=curator@example.org"]
    done = subprocess.run(
        ["git", *identity, *args], cwd=cwd, capture_output=True, text=True, env=env, check=True
    )
    return done.stdout


def job() -> dict[str, Any]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    jobs = workflow["jobs"]
    assert list(jobs) == ["propose"]
    return dict(jobs["propose"])


def test_the_workflow_runs_daily_and_by_hand_opt_in_one_run_at_a_time() -> None:
    workflow = yaml.load(WORKFLOW.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # "on" stays a key
    assert set(workflow["on"]) == {"schedule", "workflow_dispatch"}
    assert once_a_day(workflow["on"]["schedule"])
    assert workflow["concurrency"] == {"group": "import", "cancel-in-progress": "false"}
    assert workflow["permissions"] == {}
    propose = job()
    assert propose["if"] == "${{ vars.PAPERFEED_IMPORT_ENABLED == 'true' }}"
    assert propose["environment"] == "import"
    assert propose["permissions"] == {"contents": "read"}  # everything else goes through the App's token


def test_the_app_token_is_scoped_and_reaches_only_the_step_that_pushes() -> None:
    steps = job()["steps"]
    assert [s["uses"].split("@")[0] for s in steps if "uses" in s] == USES
    app = next(s for s in steps if s.get("id") == "app")
    assert app["with"] == {
        "app-id": "${{ vars.PAPERFEED_APP_ID }}",
        "private-key": "${{ secrets.PAPERFEED_APP_PRIVATE_KEY }}",
        "permission-contents": "write",
        "permission-pull-requests": "write",
    }
    with_token = [s for s in steps if "steps.app.outputs.token" in yaml.safe_dump(s)]
    assert [s["run"] for s in with_token] == [".github/propose-candidates.sh"]
    assert [s for s in steps if "secrets." in yaml.safe_dump(s)] == [app]


def test_the_script_passes_shellcheck() -> None:
    shellcheck = shutil.which("shellcheck", path=str(Path(sys.executable).parent)) or shutil.which(
        "shellcheck"
    )
    assert shellcheck, "shellcheck is not installed; `python3 tasks.py test` installs it"
    done = subprocess.run([shellcheck, str(SCRIPT)], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, "")


# --- the workflow's own commands, against a bare origin ---------------------------------------------------


@pytest.fixture
def api() -> Iterator[ArxivStub]:
    with arxiv_stub() as stub:
        yield stub


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    """A bare origin whose main holds the project (as far as the workflow uses it) and a small feed."""
    if not tasks.up_to_date("site"):  # the runners below share this .venv: it must not be set up again
        pytest.fail("the .venv is not set up from the current locks; run `python3 tasks.py test`")
    origin, seed = tmp_path / "origin.git", tmp_path / "seed"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(origin))
    git(tmp_path, "clone", "--quiet", str(origin), str(seed))
    for name in ("tasks.py", "pyproject.toml", "requirements.lock", "requirements-test.lock", "mkdocs.yml"):
        shutil.copy2(ROOT / name, seed / name)
    shutil.copy2(ROOT / ".gitignore", seed / ".gitignore")
    for folder in (".github", "theme", "generator", "content/pages"):
        shutil.copytree(ROOT / folder, seed / folder, ignore=shutil.ignore_patterns("__pycache__"))
    papers = seed / "content" / "papers" / "2025"
    papers.mkdir(parents=True)
    shutil.copy(FIXTURES / "tags.yml", seed / "content" / "tags.yml")
    (seed / "content" / "sources.yml").write_text(SOURCES, encoding="utf-8")
    (papers / "linear-time-sequence-models-revisited.md").write_text(
        '---\ntitle: "Linear-Time Sequence Models, Revisited"\ndate: 2025-03-10\ntags: [sequence-modeling]\n'
        'arxiv: "2502.00001"\n---\nAn abstract.\n',
        encoding="utf-8",
    )
    (papers / "diagonal-state-spaces-at-scale.md").write_text(
        '---\ntitle: "Diagonal State Spaces at Scale"\ndate: 2025-03-11\ntags: [state-space-models]\n'
        'arxiv: "2503.10003v2"\n---\nAn abstract.\n',
        encoding="utf-8",
    )
    git(seed, "add", ".")
    git(seed, "commit", "--quiet", "-m", "A feed")
    git(seed, "push", "--quiet", "origin", "HEAD:main")
    return origin


class GitHub:
    """The stand-in `gh` on PATH, and what it was asked."""

    def __init__(self, folder: Path) -> None:
        self.bin = folder / "bin"
        self.bin.mkdir()
        self.log = folder / "gh-calls.jsonl"
        gh = self.bin / "gh"
        gh.write_text(f"#!{sys.executable}\n{GH_STUB}", encoding="utf-8")
        gh.chmod(0o755)

    def calls(self) -> list[dict[str, Any]]:
        lines = self.log.read_text(encoding="utf-8").splitlines() if self.log.exists() else []
        self.log.unlink(missing_ok=True)
        return [json.loads(line) for line in lines]

    def close_the_pull_request(self) -> None:
        (self.log.parent / "open-pull-request").unlink()


@pytest.fixture
def github(tmp_path: Path) -> GitHub:
    return GitHub(tmp_path)


def run_the_job(origin: Path, runner: Path, github: GitHub, api: ArxivStub, *, fails: bool = False) -> str:
    """A fresh runner: a clone of the origin (what actions/checkout makes), the shared .venv (what
    `python3 tasks.py site` would make), then every `run:` step of the job in order, as GitHub runs them.
    The last step's output; with `fails`, the last step must fail, and what it printed is returned."""
    git(origin.parent, "clone", "--quiet", str(origin), str(runner))
    (runner / ".venv").symlink_to(ROOT / ".venv", target_is_directory=True)
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GIT_", "PAPERFEED_"))}
    environ |= {
        "GITHUB_ACTIONS": "true",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "PATH": f"{github.bin}{os.pathsep}{os.environ['PATH']}",
        "GH_STUB_LOG": str(github.log),
        "PAPERFEED_ARXIV_API": api.base,  # the stand-in, and no 3 s between its answers
        "PAPERFEED_ARXIV_DELAY": "0",
        "NO_PROXY": "127.0.0.1",
        "NO_MKDOCS_2_WARNING": "1",
    }
    output = []
    steps = job()["steps"]
    assert [s["uses"].split("@")[0] for s in steps if "uses" in s] == USES  # all of them stand in above
    for step in steps:
        if "run" not in step:
            continue
        env = {
            key: EXPRESSIONS[value] if "${{" in value else value for key, value in step.get("env", {}).items()
        }
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=runner,
            env={**environ, **env},
            capture_output=True,
            text=True,
            timeout=300,
        )
        if fails and step is steps[-1]:
            assert done.returncode == 1, done.stdout
            return done.stdout + done.stderr
        assert done.returncode == 0, f"{step['run']}:\n{done.stdout}\n{done.stderr}"
        output.append(done.stdout)
    assert TOKEN not in (runner / ".git" / "config").read_text(encoding="utf-8")
    return output[-1]


def on_origin(origin: Path, *args: str) -> list[str]:
    return git(origin, *args).splitlines()


def changed(origin: Path) -> list[str]:
    return on_origin(origin, "diff", "--name-status", "--no-renames", f"main...{BRANCH}")


LIST = ["pr", "list", "--head", BRANCH, "--base", "main", "--state", "open", "--json", "number", "--jq"]
LOG_SSM = f"'{SSM}': found 5, new 2, skipped 3"
ANGLE = (
    "  skipped arXiv 2503.10002, which paperfeed check would refuse: title: contains '<'; a one-line field"
    " is plain text, without markup: write 'less than' or leave it out"
)


def item(title: str, arxiv: str, slug: str, tags: str) -> str:
    return f"1. [{title}](https://arxiv.org/abs/{arxiv}): `{FOLDER}/{slug}.md`, tags {tags}"


HIERARCHICAL = item(
    "Hierarchical State Space Models for Long Video",
    "2503.10001",
    "hierarchical-state-space-models-for-long-video",
    "`state-space-models`, `video`",
)
MASKED = item(
    "Masked Video Prediction with Diffusion",
    "2503.10006",
    "masked-video-prediction-with-diffusion",
    "`video`",
)
SELECTIVE = item(
    "Selective State Spaces for Streaming Speech Recognition",
    "2503.10005",
    "selective-state-spaces-for-streaming-speech-recognition",
    "`state-space-models`, `transformers`",
)
GATED = item(
    "Gated State Space Models for Symbolic Music",
    "2503.11001",
    "gated-state-space-models-for-symbolic-music",
    "`state-space-models`, `transformers`",
)


def body(count: int, items: list[str], log: list[str]) -> str:
    fence = "```"
    return (
        f"**{count} candidates** from the arXiv queries of `content/sources.yml`, proposed by `paperfeed"
        f" import` on {TODAY.isoformat()}.\n\n"
        "Keep what belongs in the feed: delete the record of each paper that does not (**Files changed**,"
        " then **⋯ > Delete file**), correct its tags where needed, then merge. Merging publishes them."
        " Until then, each daily run adds its new candidates here and keeps your changes.\n\n"
        + "".join(f"{line}\n" for line in items)
        + f"\n<details><summary>What the import did</summary>\n\n{fence}text\n"
        + "".join(f"{line}\n" for line in log)
        + f"{fence}\n\n</details>\n"
    )


def test_three_days_of_candidates(origin: Path, github: GitHub, api: ArxivStub, tmp_path: Path) -> None:
    # Day 1: the first run opens the pull request, one commit on main with three records and the state.
    api.serve(*recorded("search-ssm-1.xml", "search-ssm-2.xml", "search-ssm-3.xml", "search-video.xml"))
    out = run_the_job(origin, tmp_path / "runner-1", github, api)
    title = f"Candidates for {TODAY.isoformat()}: 3 papers"
    assert out.splitlines()[-1] == f"Opened the pull request: {title}"
    assert on_origin(origin, "log", "--format=%an <%ae>|%s", f"main..{BRANCH}") == [
        f"{BOT}|Candidates for {TODAY.isoformat()}: 3 new papers"
    ]
    assert changed(origin) == [
        "A\tcontent/import-state.yml",
        f"A\t{FOLDER}/hierarchical-state-space-models-for-long-video.md",
        f"A\t{FOLDER}/masked-video-prediction-with-diffusion.md",
        f"A\t{FOLDER}/selective-state-spaces-for-streaming-speech-recognition.md",
    ]
    log = [
        LOG_SSM,
        ANGLE,
        f"'{VIDEO}': found 2, new 1, skipped 1",
        f"wrote 3 records ({FOLDER}/) and content/import-state.yml",
    ]
    calls = github.calls()
    assert [c["args"][:-1] if c["args"][0:2] == ["pr", "create"] else c["args"] for c in calls] == [
        [*LIST, ".[0].number // empty"],
        ["pr", "create", "--base", "main", "--head", BRANCH, "--title", title, "--body-file"],
    ]
    assert {c["token"] for c in calls} == {TOKEN}
    assert calls[1]["body"] == body(3, [HIERARCHICAL, MASKED, SELECTIVE], log)

    # "Only content changes" passes on the branch: the path check as CI runs it, from main's copy.
    checker = tmp_path / "runner-1" / "generator" / "contributing" / "pathcheck.py"
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(checker), "--base", "main", "--head", BRANCH],
        cwd=origin,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (
        0,
        "4 changed file(s), all paper records, the tag list or the import state: ok\n",
    )

    # The curator turns one candidate down, on the branch.
    curator = tmp_path / "curator"
    git(tmp_path, "clone", "--quiet", "--branch", BRANCH, str(origin), str(curator))
    git(curator, "rm", "--quiet", f"{FOLDER}/masked-video-prediction-with-diffusion.md")
    git(curator, "commit", "--quiet", "-m", "Not this one")
    git(curator, "push", "--quiet", "origin", BRANCH)

    # Day 2: one new paper; the run adds it to the open pull request, on top of the curator's commit, and
    # does not propose the paper turned down again.
    api.serve(*recorded("search-ssm-next-day.xml", "search-video.xml"))
    out = run_the_job(origin, tmp_path / "runner-2", github, api)
    assert out.splitlines()[0] == "Adding to the candidates of pull request #7."
    assert out.splitlines()[-1] == f"Updated pull request #7: {title}"
    assert on_origin(origin, "log", "--format=%an|%s", f"main..{BRANCH}") == [
        f"github-actions[bot]|Candidates for {TODAY.isoformat()}: 1 new paper",
        "Curator|Not this one",
        f"github-actions[bot]|Candidates for {TODAY.isoformat()}: 3 new papers",
    ]
    assert changed(origin) == [
        "A\tcontent/import-state.yml",
        f"A\t{FOLDER}/gated-state-space-models-for-symbolic-music.md",
        f"A\t{FOLDER}/hierarchical-state-space-models-for-long-video.md",
        f"A\t{FOLDER}/selective-state-spaces-for-streaming-speech-recognition.md",
    ]
    calls = github.calls()
    assert [c["args"][:-1] if c["args"][0] == "api" else c["args"] for c in calls] == [
        [*LIST, ".[0].number // empty"],
        [
            "api",
            "--silent",
            "--method",
            "PATCH",
            "repos/{owner}/{repo}/pulls/7",
            "-f",
            f"title={title}",
            "-F",
        ],
    ]
    assert calls[1]["args"][-1].startswith("body=@")
    log = [
        f"'{SSM}': found 1, new 1, skipped 0",
        f"'{VIDEO}': found 0, new 0, skipped 0",
        f"wrote 1 record ({FOLDER}/) and content/import-state.yml",
    ]
    assert calls[1]["body"] == body(3, [GATED, HIERARCHICAL, SELECTIVE], log)
    state = git(origin, "show", f"{BRANCH}:content/import-state.yml")
    assert state.endswith(
        '- query: "cat:cs.CV AND abs:video"\n  newest: 2025-03-13T12:00:00Z\n  seen: ["2503.10006"]\n'
        '- query: "cat:cs.LG AND abs:\\"state space\\""\n  newest: 2025-03-14T16:00:00Z\n'
        '  seen: ["2503.11001"]\n'
    )

    # Day 3: the same answers: nothing new, nothing pushed, the pull request left as it is.
    tip = on_origin(origin, "rev-parse", BRANCH)
    api.serve(*recorded("search-ssm-next-day.xml", "search-video.xml"))
    out = run_the_job(origin, tmp_path / "runner-3", github, api)
    assert out.splitlines()[-1] == "No new candidates: nothing to propose."
    assert on_origin(origin, "rev-parse", BRANCH) == tip
    assert [c["args"] for c in github.calls()] == [[*LIST, ".[0].number // empty"]]


def test_a_closed_pull_request_starts_a_new_branch(
    origin: Path, github: GitHub, api: ArxivStub, tmp_path: Path
) -> None:
    """Closing the pull request unmerged turns its candidates down for now: the next run starts from main,
    over the old branch, and proposes what main has not seen, those candidates included."""
    api.serve(*recorded("search-ssm-1.xml", "search-ssm-2.xml", "search-ssm-3.xml", "search-video.xml"))
    run_the_job(origin, tmp_path / "runner-1", github, api)
    github.calls()
    github.close_the_pull_request()
    api.serve(*recorded("search-ssm-next-day.xml", "search-video.xml"))
    out = run_the_job(origin, tmp_path / "runner-2", github, api)
    title = f"Candidates for {TODAY.isoformat()}: 4 papers"
    assert out.splitlines()[-1] == f"Opened the pull request: {title}"
    assert on_origin(origin, "log", "--format=%s", f"main..{BRANCH}") == [
        f"Candidates for {TODAY.isoformat()}: 4 new papers"
    ]
    assert [c["args"][:8] for c in github.calls()][1:] == [
        ["pr", "create", "--base", "main", "--head", BRANCH, "--title", title]
    ]


def test_a_failed_import_pushes_nothing(origin: Path, github: GitHub, api: ArxivStub, tmp_path: Path) -> None:
    api.serve(*recorded("search-ssm-1.xml", "malformed.xml"))
    runner = tmp_path / "runner"
    printed = run_the_job(origin, runner, github, api, fails=True)
    assert printed.splitlines()[-1] == (
        f"Error: nothing imported: '{SSM}': the arXiv API sent a response that is not valid XML"
        " (no element found: line 19, column 64); try again later"
    )
    assert on_origin(origin, "branch", "--list") == ["* main"]
    assert [c["args"][:2] for c in github.calls()] == [["pr", "list"]]
    assert git(runner, "status", "--porcelain", "--untracked-files=all", "--", "content") == ""
    assert len(git(runner, "worktree", "list").splitlines()) == 1  # the script's work trees are gone
