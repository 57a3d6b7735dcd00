"""Walking content/papers/: what is skipped, what is reported and not read, and a folder that cannot be
listed."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from test_records_tree import good, make_tree

from generator import records

DAY = dt.date(2025, 3, 14)


def problems_of(content: Path) -> list[str]:
    return [str(p).removeprefix(content.as_posix() + "/") for p in records.check(content, today=DAY).problems]


def test_hidden_files_are_skipped(tmp_path: Path) -> None:
    make_tree(tmp_path, {"2025/paper.md": good(1), "2025/.DS_Store": "\x00\x01", ".hidden/x.md": "x"})
    assert problems_of(tmp_path / "content") == []


def test_a_record_outside_a_year_folder_is_reported_not_read(tmp_path: Path) -> None:
    make_tree(tmp_path, {"misc/paper.md": good(1), "2025/2024/paper.md": good(2, date="2024-01-01")})
    move = "file: move it into the folder of its year, content/papers/<year>/"
    assert problems_of(tmp_path / "content") == [
        f"papers/2025/2024/paper.md:1: {move}",
        f"papers/misc/paper.md:1: {move}",
    ]


def test_a_symbolic_link_is_reported_not_followed(tmp_path: Path) -> None:
    make_tree(tmp_path, {"2025/paper.md": good(1)})
    (tmp_path / "content" / "papers" / "2025" / "link.md").symlink_to("/etc/passwd")
    assert problems_of(tmp_path / "content") == [
        "papers/2025/link.md:1: file: is a symbolic link; content/papers/ holds real files and folders only"
    ]


def test_a_folder_that_cannot_be_listed_is_reported(tmp_path: Path) -> None:
    # A path longer than the system allows (PATH_MAX, 4096 bytes on Linux) cannot be listed, even by root;
    # the folders are made one inside the other, by file descriptor, as no path could name them.
    make_tree(tmp_path, {"2025/paper.md": good(1)})
    name = "d" * 250
    fd = os.open(tmp_path / "content" / "papers" / "2025", os.O_RDONLY)
    try:
        for _ in range(18):
            os.mkdir(name, dir_fd=fd)
            inner = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
    finally:
        os.close(fd)
    found = records.check(tmp_path / "content", today=DAY).problems
    assert len(found) == 1
    assert (found[0].line, found[0].field, found[0].message) == (
        1,
        "folder",
        "cannot be read (File name too long)",
    )
    assert found[0].path.endswith("/" + name) and len(found[0].path) > 4096
