"""Walking content/papers/: every `<year>/<slug>.md` record, and a problem for anything else there."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from generator.records.problems import Problems, display_path

YEAR_RE = re.compile(r"^[0-9]{4}$")


def record_paths(papers_dir: Path, problems: Problems) -> Iterator[Path]:
    """Every `papers/<year>/<slug>.md`, in a stable order; anything else there is reported, not read."""
    if papers_dir.is_dir():
        yield from _walk(papers_dir, 0, problems)
    elif papers_dir.exists() or papers_dir.is_symlink():
        problems.add(
            path=display_path(papers_dir),
            line=1,
            field="folder",
            message="is not a folder; make it one, with each record in the folder of its year",
        )
    elif not papers_dir.parent.is_dir():
        problems.add(
            path=display_path(papers_dir),
            line=1,
            field="folder",
            message="is missing; create content/papers/",
        )
    # A content folder without papers/ is an empty feed: Git keeps no empty folder, so a fork that deleted
    # every paper has none.


def _walk(folder: Path, depth: int, problems: Problems) -> Iterator[Path]:
    # os.scandir knows from the directory listing which entries are folders and links: no stat per file.
    try:
        with os.scandir(folder) as listing:
            entries = sorted((e for e in listing if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError as err:
        message = f"cannot be read ({err.strerror})"
        problems.add(path=display_path(folder), line=1, field="folder", message=message)
        return
    in_year = depth == 1 and YEAR_RE.fullmatch(folder.name)
    for entry in entries:
        path = folder / entry.name
        if entry.is_symlink():  # it could point anywhere on the machine that builds the site
            message = "is a symbolic link; content/papers/ holds real files and folders only"
        elif entry.is_dir():
            yield from _walk(path, depth + 1, problems)
            continue
        elif not entry.is_file():  # a FIFO would make the read wait forever; a device could be anything
            message = "is not a regular file; content/papers/ holds record files and folders only"
        elif not entry.name.endswith(".md"):
            message = "is not a paper record; only .md records belong in content/papers/"
        elif not in_year:
            message = "move it into the folder of its year, content/papers/<year>/"
        else:
            yield path
            continue
        problems.add(path=display_path(path), line=1, field="file", message=message)
