"""Which records are new: the files of a content tree that a base commit (the pull request's base) lacks."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from pathlib import Path

from generator.errors import PaperfeedError


class GitBaseError(PaperfeedError):
    """The base commit cannot be read; the message says why."""


def _git(args: list[str], cwd: Path) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except OSError as err:
        raise GitBaseError(f"--base needs git, which cannot be run ({err.strerror})") from None
    if done.returncode:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitBaseError(f"git {' '.join(args[:2])}: {detail[0] if detail else 'failed'}")
    return done.stdout


def files_not_in(base: str, paths: Iterable[Path], cwd: Path = Path(".")) -> set[Path]:
    """The `paths` (files of the work tree) that the commit `base` does not hold."""
    top = Path(os.fsdecode(_git(["rev-parse", "--show-toplevel"], cwd).rstrip(b"\n"))).resolve()
    try:
        listing = _git(["ls-tree", "-r", "-z", "--full-tree", "--name-only", f"{base}^{{commit}}"], cwd)
    except GitBaseError:
        raise GitBaseError(f"--base {base}: is not a commit of this repository; fetch it first") from None
    in_base = {os.fsdecode(name) for name in listing.split(b"\0") if name}
    new = set()
    for path in paths:
        try:
            relative = path.resolve().relative_to(top).as_posix()
        except ValueError:  # outside the repository: nothing in the base can hold it
            new.add(path)
            continue
        if relative not in in_base:
            new.add(path)
    return new
