"""The lock files and what installs from them: every dependency of pyproject.toml pinned with hashes for
every platform the project runs on, one version per package in both locks, known-vulnerable versions kept
out, nothing installed (by tasks.py or a workflow) that is not hash-checked, and a clean package build."""

from __future__ import annotations

import hashlib
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

import tasks

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SITE_LOCK = ROOT / "requirements.lock"
TEST_LOCK = ROOT / "requirements-test.lock"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
ENTRY_RE = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)(?:\s*;\s*(?P<marker>[^\\]+?))?\s*\\?$"
)
HASH_RE = re.compile(r"^\s+--hash=sha256:(?P<hash>[0-9a-f]{64})\s*\\?$")


@dataclass
class Entry:
    """One pinned requirement of a lock file."""

    name: str
    version: str
    marker: str | None
    hashes: list[str] = field(default_factory=list)

    def applies(self, environment: dict[str, str]) -> bool:
        return self.marker is None or Marker(self.marker).evaluate(environment)


@cache
def entries(lock: Path) -> list[Entry]:
    return entries_of(lock.read_text(encoding="utf-8"), lock.name)


def entries_of(text: str, lock: str = "lock") -> list[Entry]:
    """A lock's requirements, read as pip reads them: a line ending in a backslash goes on."""
    found: list[Entry] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0].isspace():
            match = HASH_RE.match(line)
            assert match and found, f"{lock}: cannot read {line!r}"
            found[-1].hashes.append(match["hash"])
            continue
        match = ENTRY_RE.match(line)
        assert match, f"{lock}: {line!r} is not pinned as name==version"
        found.append(Entry(canonicalize_name(match["name"]), match["version"], match["marker"]))
    return found


def environment(machine: str, python: str) -> dict[str, str]:
    """The marker values of CPython on Linux (GitHub's runners, a developer's machine, Debian)."""
    return {
        "implementation_name": "cpython",
        "implementation_version": python,
        "os_name": "posix",
        "platform_machine": machine,
        "platform_python_implementation": "CPython",
        "platform_system": "Linux",
        "python_full_version": python,
        "python_version": ".".join(python.split(".")[:2]),
        "sys_platform": "linux",
    }


# Python 3.11 as Debian 12 has it, as GitHub's setup-python gives it, and the newer releases.
ENVIRONMENTS = [
    environment(machine, python)
    for machine in ("x86_64", "aarch64")
    for python in ("3.11.2", "3.11.9", "3.12.3", "3.13.1")
]
ENV_IDS = [f"{env['platform_machine']}-py{env['python_full_version']}" for env in ENVIRONMENTS]
SITE_REQUIREMENTS = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
TEST_REQUIREMENTS = [Requirement(r) for r in PYPROJECT["project"]["optional-dependencies"]["test"]]
BUILD_REQUIREMENTS = [Requirement(r) for r in PYPROJECT["build-system"]["requires"]]
LOCKS = {
    "requirements.lock": (SITE_LOCK, SITE_REQUIREMENTS + BUILD_REQUIREMENTS),
    "requirements-test.lock": (TEST_LOCK, SITE_REQUIREMENTS + TEST_REQUIREMENTS + BUILD_REQUIREMENTS),
}


def pinned(lock: Path, name: str, env: dict[str, str]) -> list[Entry]:
    return [e for e in entries(lock) if e.name == canonicalize_name(name) and e.applies(env)]


# --- the locks --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("env", ENVIRONMENTS, ids=ENV_IDS)
@pytest.mark.parametrize("lock_name", LOCKS)
def test_every_dependency_of_pyproject_is_pinned_once_within_its_range(
    lock_name: str, env: dict[str, str]
) -> None:
    lock, requirements = LOCKS[lock_name]
    problems = []
    for requirement in requirements:
        if requirement.marker and not requirement.marker.evaluate(env):
            continue
        found = pinned(lock, requirement.name, env)
        if len(found) != 1:
            problems.append(f"{requirement.name}: {len(found)} pins")
        elif not requirement.specifier.contains(found[0].version, prereleases=True):
            problems.append(f"{requirement}: pinned {found[0].version}")
    assert problems == [], f"{lock_name} does not match pyproject.toml: run python3 tasks.py lock"


@pytest.mark.parametrize("env", ENVIRONMENTS, ids=ENV_IDS)
@pytest.mark.parametrize("lock_name", LOCKS)
def test_one_pin_per_package_on_each_platform(lock_name: str, env: dict[str, str]) -> None:
    names = [e.name for e in entries(LOCKS[lock_name][0]) if e.applies(env)]
    assert sorted({n for n in names if names.count(n) > 1}) == []


@pytest.mark.parametrize("lock_name", LOCKS)
def test_every_pin_has_hashes(lock_name: str) -> None:
    """pip --require-hashes refuses a lock with one unhashed line, dependencies of dependencies too."""
    found = entries(LOCKS[lock_name][0])
    assert len(found) > len(SITE_REQUIREMENTS)
    assert [e.name for e in found if not e.hashes] == []


def test_the_tests_run_the_versions_the_site_is_built_with() -> None:
    test_pins = {(e.name, e.version, e.marker): sorted(e.hashes) for e in entries(TEST_LOCK)}
    differ = [
        f"{e.name}=={e.version}"
        for e in entries(SITE_LOCK)
        if test_pins.get((e.name, e.version, e.marker)) != sorted(e.hashes)
    ]
    assert differ == []


def test_the_tools_that_install_and_build_are_locked() -> None:
    """pip and setuptools come from the lock, before the rest; uv, which writes the locks, too."""
    for lock in (SITE_LOCK, TEST_LOCK):
        for name in ("pip", "setuptools"):
            assert [e.name for e in entries(lock)].count(name) == 1, f"{lock.name}: {name}"
    assert Version(pinned(SITE_LOCK, "pip", ENVIRONMENTS[0])[0].version) >= Version("25.3")  # CVE-2025-8869
    assert pinned(TEST_LOCK, "uv", ENVIRONMENTS[0])
    assert pinned(SITE_LOCK, "uv", ENVIRONMENTS[0]) == []


def test_the_locks_say_how_to_refresh_them() -> None:
    for lock in (SITE_LOCK, TEST_LOCK):
        assert lock.read_text(encoding="utf-8").splitlines()[:2] == [
            "# This file was autogenerated by uv via the following command:",
            "#    python3 tasks.py lock",
        ]


@pytest.mark.parametrize(
    ("requirements", "name", "vulnerable", "fixed"),
    [
        (SITE_REQUIREMENTS, "markdown", "3.8", "3.8.1"),  # CVE-2025-69534
        (SITE_REQUIREMENTS, "jinja2", "3.1.5", "3.1.6"),  # CVE-2025-27516
        (BUILD_REQUIREMENTS, "setuptools", "78.1.0", "78.1.1"),  # CVE-2025-47273
    ],
    ids=["markdown", "jinja2", "setuptools"],
)
def test_floors_exclude_known_vulnerable_versions(
    requirements: list[Requirement], name: str, vulnerable: str, fixed: str
) -> None:
    (floor,) = [r for r in requirements if canonicalize_name(r.name) == name]
    assert (floor.specifier.contains(vulnerable), floor.specifier.contains(fixed)) == (False, True)
    for lock in (SITE_LOCK, TEST_LOCK):
        for env in ENVIRONMENTS:
            assert Version(pinned(lock, name, env)[0].version) >= Version(fixed)


# --- what installs from them ------------------------------------------------------------------------------


@pytest.mark.parametrize("lock", [SITE_LOCK, TEST_LOCK], ids=lambda p: p.name)
def test_tasks_installs_nothing_that_is_not_hash_checked(lock: Path) -> None:
    commands = [[str(a) for a in c] for c in tasks.install_commands(lock)]
    pip_installs = [c[c.index("pip") + 1 :] for c in commands]
    assert all(c[0] == "install" for c in pip_installs)
    # Build isolation would fetch setuptools, unchecked, to build an sdist of the lock (or the project).
    assert all("--no-build-isolation" in c for c in pip_installs)
    # The build tools first, so that what follows builds with the locked setuptools.
    assert pip_installs[0][-2:] == ["-r", str(tasks.VENV / "build-tools.txt")]
    assert pip_installs[1][-2:] == ["-r", str(lock)]
    for c in pip_installs[:2]:
        assert "--require-hashes" in c
    # The project itself, without its dependencies: those come from the lock.
    assert pip_installs[2][-3:] == ["--no-deps", "--editable", "."]
    assert len(pip_installs) == 3


def test_the_build_tools_file_is_the_locks_own_entries() -> None:
    text = "".join(tasks.lock_entry(SITE_LOCK, name) for name in ("pip", "setuptools"))
    assert [(e.name, e.version, e.hashes) for e in entries_of(text)] == [
        (e.name, e.version, e.hashes) for e in entries(SITE_LOCK) if e.name in ("pip", "setuptools")
    ]


def test_a_lock_without_a_build_tool_is_refused(tmp_path: Path) -> None:
    lock = tmp_path / "requirements.lock"
    lock.write_text("click==8.1.0 \\\n    --hash=sha256:" + "0" * 64 + "\n", encoding="utf-8")
    with pytest.raises(SystemExit) as raised:
        tasks.lock_entry(lock, "setuptools")
    assert raised.value.code == f"{lock} has no setuptools: run python3 tasks.py lock"


@pytest.fixture
def stamped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tasks.py pointed at copies of pyproject.toml and the locks, and at a stamp in tmp_path."""
    for source in (ROOT / "pyproject.toml", SITE_LOCK, TEST_LOCK):
        shutil.copy(source, tmp_path / source.name)
    monkeypatch.setattr(tasks, "PYPROJECT", tmp_path / "pyproject.toml")
    monkeypatch.setattr(tasks, "LOCK", tmp_path / "requirements.lock")
    monkeypatch.setattr(tasks, "TEST_LOCK", tmp_path / "requirements-test.lock")
    monkeypatch.setattr(tasks, "STAMP", tmp_path / "stamp.txt")
    return tmp_path


def files_sha256(folder: Path) -> str:
    sha = hashlib.sha256()
    for name in ("pyproject.toml", "requirements.lock", "requirements-test.lock"):
        sha.update((folder / name).read_bytes())
    return sha.hexdigest()


def test_setup_is_skipped_only_while_the_files_are_unchanged(stamped: Path) -> None:
    stamp = stamped / "stamp.txt"
    assert (tasks.up_to_date("site"), tasks.up_to_date("test")) == (False, False)
    stamp.write_text(f"site {files_sha256(stamped)}\n", encoding="utf-8")
    assert (tasks.up_to_date("site"), tasks.up_to_date("test")) == (True, False)
    # The test lock is the site's and more: a .venv set up for the tests serves the site too.
    stamp.write_text(f"test {files_sha256(stamped)}\n", encoding="utf-8")
    assert (tasks.up_to_date("site"), tasks.up_to_date("test")) == (True, True)
    for name in ("pyproject.toml", "requirements.lock", "requirements-test.lock"):
        saved = (stamped / name).read_bytes()
        (stamped / name).write_bytes(saved + b"\n")
        assert (name, tasks.up_to_date("site"), tasks.up_to_date("test")) == (name, False, False)
        (stamped / name).write_bytes(saved)
    assert tasks.up_to_date("test")


@pytest.mark.parametrize("text", ["", "test", "test abc extra", "\n"])
def test_an_unreadable_stamp_means_set_up_again(stamped: Path, text: str) -> None:
    (stamped / "stamp.txt").write_text(text, encoding="utf-8")
    assert not tasks.up_to_date("site")


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


INSTALLER_RE = re.compile(r"\b(pip3?|pipx|uv|poetry|pdm|conda)\b.*\b(install|sync|add)\b")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_install_python_packages_only_hash_checked(path: Path) -> None:
    """A job sets up through `python3 tasks.py site|test` (the locks, --require-hashes), or with a pip
    command of its own that has --require-hashes, before it runs anything from .venv."""
    for name, job in load(path)["jobs"].items():
        set_up = False
        for step in job.get("steps", []):
            for line in str(step.get("run", "")).replace("\\\n", " ").splitlines():
                words = shlex.split(line, comments=True)
                if words[:3] in (["python3", "tasks.py", "site"], ["python3", "tasks.py", "test"]):
                    set_up = True
                if INSTALLER_RE.search(" ".join(words)):
                    assert words[0] != "pipx" and "--require-hashes" in words, (
                        f"{path.name}: job {name}: {line}"
                    )
                    set_up = True
                if any(w.startswith(".venv/") for w in words):
                    assert set_up, f"{path.name}: job {name}: {line} runs before tasks.py sets .venv up"


# --- the package ------------------------------------------------------------------------------------------


def test_the_package_builds_without_warnings_and_ships_its_templates(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "generator", source / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    build = "import sys, setuptools.build_meta as b; print(b.build_wheel(sys.argv[1]))"
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", build, str(tmp_path / "dist")],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    with zipfile.ZipFile(tmp_path / "dist" / done.stdout.splitlines()[-1]) as wheel:
        names = set(wheel.namelist())
    folder = ROOT / "generator" / "site" / "templates"
    templates = {f"generator/site/templates/{p.name}" for p in folder.iterdir()}
    assert templates and templates <= names
    assert "generator/py.typed" in names
    # Every module of every subpackage: a subpackage missing from pyproject.toml's list would be left out.
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "generator").rglob("*.py")}
    assert modules - names == set()
    assert {n.split("/")[0] for n in names} == {"generator", "paperfeed-0.1.0.dist-info"}
