"""The pull-request path check: fail when a change touches anything but paper records and the tag list.

A contributor's pull request adds or edits `content/papers/**.md` and `content/tags.yml`, nothing else;
a change to code, theme, configuration or workflows needs a maintainer's eyes, and this check makes it
visible. The import's pull request of candidates also moves `content/import-state.yml` on (each arXiv
query's newest paper): that file is content too. `paperfeed check` refuses a state it cannot use, a time
in the future among them, so the most a pull request can do with it is make the next import skip papers,
which its diff shows. `content/sources.yml`, the queries, is configuration: a maintainer's to change.

CI never runs the pull request's own copy of this file, which the pull request could edit: the workflow
`.github/workflows/pull-request-paths.yml` (which GitHub, too, reads from the default branch) takes the
file from the default branch and runs it over the pull request's head commit, fetched as data,

    git fetch --quiet --no-tags origin "+refs/pull/123/head:refs/remotes/pr/head"
    git show origin/main:generator/contributing/pathcheck.py > /tmp/pathcheck.py
    python3 -I -S /tmp/pathcheck.py --base origin/main --head pr/head

so this file must stay one self-contained script on the standard library alone (`-I -S`: no site-packages,
nothing from the checkout on sys.path). Also: `paperfeed check-paths`,
`python3 -m generator.contributing.pathcheck --base origin/main`, and
`git diff --name-only origin/main...HEAD | python3 -m generator.contributing.pathcheck`.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TextIO

DESCRIPTION = (
    "Fail when a change touches anything but paper records (content/papers/**.md), content/tags.yml and"
    " content/import-state.yml."
)
ALLOWED = "content/papers/**.md, content/tags.yml and content/import-state.yml"
TAGS_FILE = "content/tags.yml"
STATE_FILE = "content/import-state.yml"  # written by `paperfeed import`; its candidates' PR changes it
# This file: the workflow reads it from the default branch by this path.
CHECKER = "generator/contributing/pathcheck.py"
# What CI runs as the default branch has it, whatever a pull request changes: this file and its workflow.
TRUSTED = {CHECKER: "the path check", ".github/workflows/pull-request-paths.yml": "the path check's workflow"}
WORKFLOWS = ".github/workflows/"
REGULAR_FILE_MODES = ("100644", "100755")
VERBS = {"A": "added", "D": "deleted", "M": "changed", "T": "changed (file type)"}
# Characters that would make a printed path lie: line breaks, controls, bidi overrides, zero-width marks,
# and the lone surrogates that stand for bytes that are not UTF-8.
HIDDEN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r", '"': '\\"', "\\": "\\\\"}


class PathCheckError(Exception):
    """The changes could not be listed; the message says why and what to do."""


@dataclass(frozen=True)
class Change:
    """One changed path; status and mode as `git diff --raw` gives them (mode 000000 when deleted)."""

    path: str
    status: str = "M"
    mode: str = "100644"


def shown(path: str) -> str:
    """The path as printed: as it is, or, when it holds a hidden character, quoted with C escapes (as git
    quotes names), so a newline or a right-to-left override in a name cannot forge or disguise a line."""
    if not any(unicodedata.category(ch) in HIDDEN for ch in path):
        return path
    return '"' + "".join(_escape(ch) for ch in path) + '"'


def _escape(ch: str) -> str:
    if ch in ESCAPES:
        return ESCAPES[ch]
    if "\udc80" <= ch <= "\udcff":  # a byte that is not UTF-8, as surrogateescape decoded it
        return f"\\x{ord(ch) - 0xDC00:02x}"
    if unicodedata.category(ch) in HIDDEN:
        return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"
    return ch


# GitHub's workflow commands, defined here for the whole package (contributing/github_annotations.py
# re-exports them): CI runs this file alone, taken from the base commit, where it can import no sibling.
def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


@dataclass(frozen=True)
class Finding:
    """A change a contributor's pull request should not make, in the `path:line: field: message` form."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{shown(self.path)}:1: file: {self.message}"

    def annotation(self) -> str:
        """A GitHub error annotation on the file (a name that is not UTF-8 cannot match one: escaped)."""
        name = self.path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        return error_annotation(name, 1, "path check", f"{shown(self.path)}: {self.message}")


def error_annotation(path: str, line: int, title: str, message: str) -> str:
    """One annotation, escaped as the workflow-command format requires, shown on `path`'s `line`."""
    return f"::error file={_property(path)},line={line},title={_property(title)}::{_data(message)}"


def is_content(path: str) -> bool:
    """Whether a contributor may change this path: a Markdown file under content/papers/, the tag list, or
    the import's state."""
    if path in (TAGS_FILE, STATE_FILE):
        return True
    parts = PurePosixPath(path).parts
    return (
        len(parts) >= 3
        and parts[:2] == ("content", "papers")
        and path.endswith(".md")
        and not any(part in ("..", ".") for part in parts)
        and "\\" not in path
    )


def check(changes: Iterable[Change]) -> list[Finding]:
    """Every change outside the content a contributor may change, and every record that is not a file."""
    findings = []
    for change in changes:
        verb = VERBS.get(change.status, "changed")
        if change.path in TRUSTED:
            # Said apart from "outside content" so that no future widening of is_content lets it through.
            findings.append(
                Finding(
                    change.path,
                    f"{verb}: this is {TRUSTED[change.path]}, which CI runs as the default branch has it; "
                    "a pull request that changes it needs a maintainer's review",
                )
            )
        elif change.path.startswith(WORKFLOWS):
            findings.append(
                Finding(
                    change.path,
                    f"{verb}: this is a workflow, which CI runs as the pull request has it; "
                    "a maintainer must read it before merging",
                )
            )
        elif not is_content(change.path):
            findings.append(
                Finding(
                    change.path,
                    f"{verb} outside {ALLOWED}; take it out of the pull request, "
                    "or ask a maintainer to review it",
                )
            )
        elif change.mode == "120000":
            findings.append(Finding(change.path, "is a symbolic link; add the record as a regular file"))
        elif change.mode == "160000":
            findings.append(Finding(change.path, "is a Git submodule; add the record as a regular file"))
        elif change.status != "D" and change.mode not in REGULAR_FILE_MODES:
            findings.append(Finding(change.path, f"has file mode {change.mode}; add it as a regular file"))
    return findings


def parse_raw(output: bytes) -> list[Change]:
    """Read `git diff --raw -z --no-renames`: ':old new sha sha STATUS' NUL 'path' NUL, for each path."""
    fields = output.split(b"\0")
    changes = []
    for meta, path in zip(fields[::2], fields[1::2], strict=False):
        if not meta.startswith(b":"):
            raise PathCheckError(f"cannot read git's list of changes near {meta[:60]!r}")
        _old, new_mode, _old_sha, _new_sha, status = meta[1:].decode("ascii").split(" ")
        changes.append(Change(path.decode("utf-8", "surrogateescape"), status[:1], new_mode))
    return changes


def changes_since(base: str, repo: str | None = None, head: str = "HEAD") -> list[Change]:
    """The changes of `head` since it forked from `base` (`git diff base...head`: from their merge base),
    renames as delete + add. `head` need not be checked out: CI gives a pull request's fetched commit."""
    for revision in (base, head):
        if not revision or revision.startswith("-"):
            raise PathCheckError(f"'{revision}' is not a Git revision; give a branch such as origin/main")
    # -z: names as they are, whatever they hold; no rename, textconv or external-diff logic in the list.
    command = ["git", "diff", "--raw", "-z", "--no-renames", "--no-textconv", "--no-ext-diff"]
    try:
        done = subprocess.run(
            [*command, f"{base}...{head}", "--"], cwd=repo, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise PathCheckError("git is not installed; install it, or pipe the file names in") from None
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = why[0].removeprefix("fatal: ") if why else f"exit status {done.returncode}"
        of = "" if head == "HEAD" else f" of {head}"
        raise PathCheckError(
            f"cannot list the changes{of} since {base} ({detail}); fetch it first, e.g. git fetch origin main"
        )
    return parse_raw(done.stdout)


def changes_named(lines: Iterable[str]) -> list[Change]:
    """Changes from file names, one a line (as `git diff --name-only` prints them); blank lines skipped."""
    return [Change(line.strip()) for line in lines if line.strip()]


def changes_piped(stdin: TextIO) -> list[Change]:
    """Changes from file names piped in; a terminal is refused rather than waited on."""
    if stdin.isatty():
        raise PathCheckError("give --base with a revision such as origin/main, or pipe file names in")
    return changes_named(stdin)


def report(changes: list[Change], fmt: str) -> tuple[list[str], str]:
    """The lines to print (one per finding) and the closing summary."""
    findings = check(changes)
    lines = [f.annotation() if fmt == "github" else str(f) for f in findings]
    if findings:
        summary = (
            f"{len(findings)} of {len(changes)} changed file(s) need a maintainer's review: a pull request "
            f"that adds papers changes only {ALLOWED}, as regular files"
        )
    else:
        summary = f"{len(changes)} changed file(s), all paper records, the tag list or the import state: ok"
    return lines, summary


def default_format() -> str:
    """Annotations in a GitHub Actions run (GITHUB_ACTIONS=true), plain lines anywhere else."""
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def main(argv: list[str] | None = None, stdin: TextIO = sys.stdin) -> int:
    """`python3 pathcheck.py`: exit 0 when only content changed, 1 when not, 2 on an error."""
    parser = argparse.ArgumentParser(
        prog="python3 -m generator.contributing.pathcheck", description=DESCRIPTION
    )
    parser.add_argument("--base", help="compare HEAD with this revision, e.g. origin/main [names on stdin]")
    parser.add_argument("--head", help="with --base: list the changes of this revision instead [HEAD]")
    parser.add_argument("--format", choices=["text", "github"], default=default_format())
    args = parser.parse_args(argv)
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):  # a terminal that is not UTF-8 still gets every line
            stream.reconfigure(errors="backslashreplace")
    try:
        if args.head is not None and args.base is None:
            raise PathCheckError("--head needs --base: the revision its changes are counted from")
        if args.base is not None:
            changes = changes_since(args.base, head=args.head or "HEAD")
        else:
            changes = changes_piped(stdin)
    except PathCheckError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 2
    lines, summary = report(changes, args.format)
    for line in lines:
        print(line)
    print(summary, file=sys.stderr if lines else sys.stdout)
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
