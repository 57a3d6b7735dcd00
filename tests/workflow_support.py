"""Running a workflow's own `run:` steps as GitHub runs them, in a clone on disk: shared by the tests of the
workflows that push to a branch of their own (digest.yml, stars.yml) and of the deploy that reads them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from digest_support import GIT_ENV

ROOT = Path(__file__).resolve().parent.parent


def load(path: Path) -> dict[str, Any]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # "on" stays a string
    assert isinstance(data, dict)
    return data


def once_a_day(schedule: list[dict[str, str]]) -> bool:
    """Whether a workflow's `schedule:` starts it once a day: one cron line, at one minute of one hour."""
    if len(schedule) != 1:
        return False
    minute, hour, *every = schedule[0]["cron"].split()
    at = minute.isdigit() and int(minute) < 60 and hour.isdigit() and int(hour) < 24
    return at and every == ["*", "*", "*"]


@dataclass
class Step:
    name: str
    code: int
    stdout: str
    stderr: str


@dataclass
class Job:
    steps: list[Step] = field(default_factory=list)
    dispatched: list[str] = field(default_factory=list)  # what `gh` was asked to do

    @property
    def ok(self) -> bool:
        return all(s.code == 0 for s in self.steps)

    def step(self, name: str) -> Step:
        return next(s for s in self.steps if s.name == name)


def expand(value: str, secrets: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        expr = match[1].strip()
        if expr.startswith("secrets."):
            return secrets.get(expr.removeprefix("secrets."), "")
        known = {"github.token": "ghs_not-a-real-token", "github.ref_name": "main"}
        assert expr in known, f"the test does not know what GitHub makes of ${{{{ {expr} }}}}"
        return known[expr]

    return re.sub(r"\$\{\{(.*?)\}\}", one, value)


def runs(condition: str | None, failed: bool, outputs: dict[str, dict[str, str]]) -> bool:
    """GitHub's `if:` for the expressions these workflows use; anything else fails the test."""
    if condition is None:
        return not failed
    terms = [t.strip() for t in condition.strip().removeprefix("${{").removesuffix("}}").split("&&")]
    runs = "!cancelled()" in terms or not failed
    for term in terms:
        output = re.fullmatch(r"steps\.(\w+)\.outputs\.(\w+) == 'true'", term)
        if output:
            runs = runs and outputs.get(output[1], {}).get(output[2]) == "true"
        else:
            assert term == "!cancelled()", f"the test does not know the condition {term}"
    return runs


def run_job(
    workflow: Path, job: str, clone: Path, secrets: dict[str, str], tmp: Path, runner: dict[str, str]
) -> Job:
    """Run a job's steps in `clone`, as a runner would after actions/checkout: the `uses:` steps stand for
    what the clone already is, `python3 tasks.py site` (the setup) for the test's own virtual environment
    and package, `runner` for the runner's own environment, and `gh` for a stub that notes what it is
    asked (there is no GitHub API here)."""
    tmp.mkdir(parents=True, exist_ok=True)
    # The checkout's code: the test's virtual environment, and the project's own workflows and scripts.
    for link, target in ((".venv", Path(sys.prefix)), (".github", ROOT / ".github")):
        if not (clone / link).exists():
            (clone / link).symlink_to(target, target_is_directory=True)
    stub = tmp / "bin"
    stub.mkdir(exist_ok=True)
    calls = tmp / "gh-calls"
    (stub / "gh").write_text(f'#!/bin/sh\necho "$*" >> "{calls}"\n', encoding="utf-8")
    (stub / "gh").chmod(0o755)
    base = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PAPERFEED_", "GIT_"))}
    base |= GIT_ENV | {"PATH": f"{stub}{os.pathsep}{os.environ['PATH']}", "GITHUB_ACTIONS": "true"}
    base |= {"GITHUB_RUN_ID": "4242", "GITHUB_REF_NAME": "main", "PYTHONPATH": str(ROOT), **runner}
    result, outputs = Job(), {}
    failed = False
    for n, step in enumerate(load(workflow)["jobs"][job]["steps"]):
        if "uses" in step:
            continue
        name = step.get("name", step["run"])
        if step["run"].split("#")[0].strip() == "python3 tasks.py site":
            continue  # the setup: the clone's .venv is the test's own
        if not runs(step.get("if"), failed, outputs):
            continue
        output = tmp / f"output-{n}"
        env = base | {k: expand(v, secrets) for k, v in (step.get("env") or {}).items()}
        env["GITHUB_OUTPUT"] = str(output)
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=clone,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        result.steps.append(Step(name, done.returncode, done.stdout, done.stderr))
        failed = failed or done.returncode != 0
        if "id" in step and output.exists():
            pairs = [line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines()]
            outputs[step["id"]] = dict(pairs)
    result.dispatched = calls.read_text(encoding="utf-8").splitlines() if calls.exists() else []
    return result
