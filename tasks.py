#!/usr/bin/env python3
"""The project's two commands, for a fresh machine with only Python 3.11:

    python3 tasks.py site [--serve]   set up .venv, then build the site from content/ into site/ (or serve it)
    python3 tasks.py test             set up .venv with the test tools, then lint, type-check, run all tests

Each creates the virtual environment `.venv` on first use and installs the project into it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
# What the browser and HTML-validator tests need from the system, as Debian packages.
DEBIAN_PACKAGES = {"chromium": "chromium", "java": "default-jre-headless", "npm": "npm"}
# The Nu HTML Checker, from npm, for the HTML-validity tests (.cache/ is git-ignored).
NODE_PREFIX = ROOT / ".cache" / "node"
VNU_JAR = NODE_PREFIX / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
VNU_PACKAGE = "vnu-jar@26.9.27"  # pinned: a new checker release may report new errors


def run(*args: str | Path, **env: str) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    code = subprocess.call([str(a) for a in args], cwd=ROOT, env={**os.environ, **env})
    if code:
        sys.exit(code)


def setup(extra: str = "") -> None:
    """Create .venv and install the project (editable) with the given extra."""
    if not (BIN / "python").exists():
        run(sys.executable, "-m", "venv", VENV)
        run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    target = f".[{extra}]" if extra else "."
    run(BIN / "python", "-m", "pip", "install", "--quiet", "--editable", target)


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


def html_checker() -> None:
    """Install the Nu HTML Checker (npm's vnu-jar) into .cache/node when it is not there yet."""
    if not VNU_JAR.is_file():
        run("npm", "install", "--no-save", "--prefix", NODE_PREFIX, VNU_PACKAGE)


def site(serve: bool) -> None:
    setup()
    run(BIN / "paperfeed", "serve" if serve else "build", NO_MKDOCS_2_WARNING="1")


def test(pytest_args: list[str]) -> None:
    system_packages()
    setup("test")
    html_checker()
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
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
