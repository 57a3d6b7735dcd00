#!/usr/bin/env python3
"""The project's commands, for a fresh machine with only Python 3.11:

    python3 tasks.py site [--serve]   set up .venv, then build the site from content/ into site/ (or serve it)
    python3 tasks.py test [ARGS]      set up .venv with the test tools, then lint, type-check, run all tests
    python3 tasks.py lock             resolve pyproject.toml's dependencies anew into the two lock files

Setting up installs the hash-pinned requirements.lock (requirements-test.lock for the tests) and then the
project itself, and only when .venv does not match them already.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYPROJECT = ROOT / "pyproject.toml"
LOCK = ROOT / "requirements.lock"
TEST_LOCK = ROOT / "requirements-test.lock"
# What .venv was last set up from: "site" or "test", and the digest of pyproject.toml and the locks.
STAMP = VENV / "paperfeed-setup.txt"
# Installed from the lock before the rest, so that an sdist in the lock builds with hash-pinned tools.
BUILD_TOOLS = ("pip", "setuptools")
# Locked besides pyproject.toml's dependencies: pip (25.3 fixes CVE-2025-8869), and uv, which writes locks.
PIP = "pip>=25.3"
UV = "uv>=0.9"
# What the browser and HTML-validator tests need from the system, as Debian packages.
DEBIAN_PACKAGES = {"chromium": "chromium", "java": "default-jre-headless", "npm": "npm"}
# From npm, for the tests (.cache/ is git-ignored): the Nu HTML Checker for the HTML-validity tests, and
# axe-core, the accessibility checker that the browser tests run in the page. Both pinned: a new release
# may report new errors.
NODE_PREFIX = ROOT / ".cache" / "node"
VNU_JAR = NODE_PREFIX / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
VNU_PACKAGE = "vnu-jar@26.9.27"
AXE_JS = NODE_PREFIX / "node_modules" / "axe-core" / "axe.min.js"
AXE_PACKAGE = "axe-core@4.14.1"


def relative(path: Path) -> str:
    """A path inside the project as a name relative to it (commands run in the project)."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def shown(arg: str | Path) -> str:
    """An argument as printed."""
    return shlex.quote(relative(arg) if isinstance(arg, Path) else arg)


def run(*args: str | Path, stdin: str | None = None, **env: str) -> None:
    print("+", " ".join(map(shown, args)), flush=True)
    done = subprocess.run([str(a) for a in args], cwd=ROOT, env={**os.environ, **env}, input=stdin, text=True)
    if done.returncode:
        sys.exit(done.returncode)


def digest() -> str:
    """What the set-up depends on: pyproject.toml and both locks (a change to any means a new set-up)."""
    sha = hashlib.sha256()
    for path in (PYPROJECT, LOCK, TEST_LOCK):
        sha.update(path.read_bytes())
    return sha.hexdigest()


def up_to_date(extra: str) -> bool:
    """Whether .venv was set up from the current files, for this purpose or for the tests (a superset)."""
    try:
        done, sha = STAMP.read_text(encoding="utf-8").split()
    except (OSError, ValueError):
        return False
    return sha == digest() and done in {extra, "test"}


def lock_entry(lock: Path, name: str) -> str:
    """One requirement of a lock with its --hash lines (a line ending in a backslash goes on)."""
    lines = lock.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if line.startswith(f"{name}=="):
            end = i
            while lines[end].endswith("\\"):
                end += 1
            return "\n".join(lines[i : end + 1]) + "\n"
    sys.exit(f"{relative(lock)} has no {name}: run python3 tasks.py lock")


def install_commands(lock: Path) -> list[list[str | Path]]:
    """The pip commands that set .venv up from a lock; none installs what the lock does not pin by hash."""
    # No build isolation: it would fetch setuptools unchecked to build an sdist (feedgen has no wheel).
    pip: list[str | Path] = ["-m", "pip", "install", "--quiet", "--no-build-isolation"]
    # setuptools' notice on every editable install, that a folder named like a package may shadow it.
    notice = "ignore:Editable installation:UserWarning"
    return [
        [BIN / "python", *pip, "--require-hashes", "--no-deps", "-r", VENV / "build-tools.txt"],
        [BIN / "python", *pip, "--require-hashes", "-r", lock],
        # The project alone: its dependencies are in the lock.
        [BIN / "python", "-W", notice, *pip, "--no-deps", "--editable", "."],
    ]


def setup(extra: str) -> None:
    """Create .venv and install the lock, then the project (editable), unless .venv matches them already."""
    if not (BIN / "python").exists():
        run(sys.executable, "-m", "venv", VENV)
    if up_to_date(extra):
        return
    STAMP.unlink(missing_ok=True)
    lock = TEST_LOCK if extra == "test" else LOCK
    tools = "".join(lock_entry(lock, name) for name in BUILD_TOOLS)
    (VENV / "build-tools.txt").write_text(tools, encoding="utf-8")
    for command in install_commands(lock):
        run(*command)
    STAMP.write_text(f"{extra} {digest()}\n", encoding="utf-8")


def compile_lock(lock: Path, tools: list[str], *options: str) -> None:
    """Resolve pyproject.toml and the given tools into a lock, for every platform and Python it supports."""
    requires_python = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["requires-python"]
    # Relative names: uv writes them into the lock's comments.
    run(
        BIN / "uv", "pip", "compile", "--quiet", "--universal", "--generate-hashes", "--upgrade",
        "--python-version", requires_python.removeprefix(">="),
        "--custom-compile-command", "python3 tasks.py lock",
        *options, "--output-file", relative(lock), relative(PYPROJECT), "-",
        stdin="\n".join(tools),
    )  # fmt: skip


def lock() -> None:
    """Resolve pyproject.toml's dependencies to their newest versions, into requirements{,-test}.lock."""
    setup("test")  # uv comes from the test lock
    build_system = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["build-system"]["requires"]
    compile_lock(LOCK, [*build_system, PIP])
    # The test lock keeps the site's versions, so the tests test what is deployed.
    compile_lock(TEST_LOCK, [*build_system, PIP, UV], "--extra", "test", "--constraint", relative(LOCK))


def system_packages() -> None:
    """Install the Debian packages the tests need when they are missing (as root), else say which."""
    # A browser named by PAPERFEED_CHROMIUM (GitHub's runners have Google Chrome) stands in for chromium.
    commands = {"chromium": os.environ.get("PAPERFEED_CHROMIUM") or "chromium"}
    missing = [pkg for cmd, pkg in DEBIAN_PACKAGES.items() if not shutil.which(commands.get(cmd, cmd))]
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit(f"the tests need these Debian packages: {' '.join(missing)} (apt-get install them)")
    run("apt-get", "update", "-qq")
    apt_env = {"DEBIAN_FRONTEND": "noninteractive"}
    run("apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing, **apt_env)


def node_tools() -> None:
    """Install the Nu HTML Checker (npm's vnu-jar) and axe-core into .cache/node unless both are there."""
    if not (VNU_JAR.is_file() and AXE_JS.is_file()):
        # Both in one command: npm removes what an install into the same folder does not name.
        packages = (VNU_PACKAGE, AXE_PACKAGE)
        run("npm", "install", "--no-save", "--loglevel=error", "--prefix", NODE_PREFIX, *packages)


def site(serve: bool) -> None:
    setup("site")
    run(BIN / "paperfeed", "serve" if serve else "build", NO_MKDOCS_2_WARNING="1")


def test(pytest_args: list[str]) -> None:
    system_packages()
    setup("test")
    node_tools()
    run(BIN / "ruff", "check", ".")
    run(BIN / "ruff", "format", "--check", ".")
    run(BIN / "mypy", "--strict", "generator")
    run(BIN / "python", "-m", "pytest", "-n", "2", *pytest_args, NO_MKDOCS_2_WARNING="1")


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["site"]:
        site(serve="--serve" in args[1:])
    elif args[:1] == ["test"]:
        test(args[1:])
    elif args == ["lock"]:
        lock()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
