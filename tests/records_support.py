"""The record fixtures' files whose bytes an editor or Git would change, written into a copy of a fixture.

A byte-order mark, CRLF line ends, a tab, invalid UTF-8 and control characters do not survive an editor
that "fixes" them on save, or Git's line-end conversion, and two file names that differ only in case
cannot both exist on macOS or Windows. So these files are not committed: `materialize()` copies a fixture
folder of tests/fixtures/records/ and adds them from the table below. To look at them by hand:

    python tests/records_support.py OUT_DIR   writes every fixture, complete, under OUT_DIR
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "records"
BOM = b"\xef\xbb\xbf"
RECORD = 'title: "A paper"\ndate: 2025-03-14\ntags: [world-models]\n'
PAPER = "content/papers/2025/paper.md"


def record(front: str = RECORD, body: str = "An abstract.\n") -> bytes:
    return f"---\n{front}---\n{body}".encode()


def sized(size: int) -> bytes:
    """A record of exactly `size` bytes: an abstract of words, ending in a newline."""
    head = record(body="")
    words = ("word " * size)[: size - len(head) - 1]
    return head + words.encode() + b"\n"


LF = record(RECORD + 'authors: ["Ada Lovelace"]\nupvotes: 3\n', "Line one.\nLine two.\n")
TAGS = (FIXTURES / "valid" / "lf" / "content" / "tags.yml").read_bytes()

# fixture (group/name) -> {path inside the fixture: bytes}
GENERATED: dict[str, dict[str, bytes]] = {
    "invalid/bom-only": {PAPER: BOM},
    "invalid/not-utf8": {PAPER: record().replace(b"A paper", b"A caf\xe9 paper")},  # Latin-1
    "invalid/utf16": {PAPER: b"\xff\xfe" + record().decode().encode("utf-16-le")},
    "invalid/tab-indent": {
        PAPER: record(RECORD.replace("tags: [world-models]\n", "tags:\n\t- world-models\n"))
    },
    "invalid/control-raw": {PAPER: record(RECORD.replace("A paper", "A \x07paper"))},
    "invalid/control-nul": {PAPER: record(body="An abstract.\x00\n")},
    "invalid/bidi-raw": {PAPER: record(RECORD.replace("A paper", "A paper \u202egnp.exe"))},
    "invalid/bidi-isolate-abstract": {PAPER: record(body="An \u2066abstract\u2069.\n")},
    "invalid/lone-cr": {PAPER: record().replace(b"\n", b"\r")},
    "invalid/tags-yml-tab": {
        "content/tags.yml": TAGS.replace(b'\n  name: "World models"', b'\n\tname: "World models"')
    },
    "invalid/slug-differs-only-in-case": {
        "content/papers/2025/Attention.md": record(RECORD.replace("A paper", "Attention, again"))
    },
    "invalid/noncharacter-raw": {PAPER: record(body="An abstract\uffff.\n")},
    "invalid/noncharacter-astral": {PAPER: record(RECORD.replace("A paper", "A paper \U0010fffe"))},
    "invalid/line-separator": {PAPER: record(RECORD.replace("A paper", "A paper\u2028on two lines"))},
    # One byte over the limit of 256 KiB: were the limit larger, the abstract's length would be the problem.
    "invalid/file-too-large": {PAPER: sized(256 * 1024 + 1)},
    "valid/crlf": {PAPER: LF.replace(b"\n", b"\r\n")},
    "valid/bom": {PAPER: BOM + LF},
    "valid/bom-crlf": {PAPER: BOM + LF.replace(b"\n", b"\r\n")},
}


def materialize(fixture: str, dest: Path) -> Path:
    """Copy the fixture `group/name` to `dest` with its generated files; return `dest`."""
    shutil.copytree(FIXTURES / fixture, dest)
    for name, data in GENERATED.get(fixture, {}).items():
        path = dest / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return dest


NO_CI = {"GITHUB_ACTIONS": None}  # the text format, even when the tests run on GitHub Actions


def run_check(cwd: Path, *args: str) -> tuple[int, str]:
    """`paperfeed check ARGS` run in `cwd`, through the real command; its exit code and all it printed."""
    old = Path.cwd()
    os.chdir(cwd)  # the paths in a fixture's expected output are relative to its folder
    try:
        result = CliRunner().invoke(main, ["check", *args], env=NO_CI)
    finally:
        os.chdir(old)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.output


def fixture_names(group: str) -> list[str]:
    return sorted(p.name for p in (FIXTURES / group).iterdir() if p.is_dir())


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    for group in ("invalid", "valid"):
        for name in fixture_names(group):
            materialize(f"{group}/{name}", Path(sys.argv[1]) / group / name)
