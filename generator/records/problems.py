"""One problem collector: every problem of a check, each one line, `path:line: field: message`.

Each part of a problem is given by name (`add(line=..., field=..., message=...)`), so a field name and a
message, both text, cannot change places unnoticed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.errors import PaperfeedError
from generator.records.chars import escape_unprintable


@dataclass(frozen=True, order=True, kw_only=True)
class Problem:
    """One thing wrong with one file, at one line."""

    path: str
    line: int
    field: str
    message: str

    def __post_init__(self) -> None:
        # One problem, one line: a file name, key or value quoted here may hold a newline or a control.
        for name in ("path", "field", "message"):
            object.__setattr__(self, name, escape_unprintable(getattr(self, name)))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


class ContentError(PaperfeedError):
    """The content has problems; `problems` lists every one, sorted by file and line."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Problems:
    """Collects problems into `found` (the caller's list, appended to in the order they are found)."""

    found: list[Problem]

    def add(self, *, path: str, line: int, field: str, message: str) -> None:
        self.found.append(Problem(path=path, line=line, field=field, message=message))

    def of(self, path: str) -> FileProblems:
        """The collector for one file, shown as `path`."""
        return FileProblems(path, self)


@dataclass(frozen=True)
class FileProblems:
    """The problems of one file: the collector with the path filled in."""

    path: str
    problems: Problems

    def add(self, *, line: int, field: str, message: str) -> None:
        self.problems.add(path=self.path, line=line, field=field, message=message)

    def count(self) -> int:
        """How many problems the check has found so far, in every file."""
        return len(self.problems.found)


def display_path(path: Path) -> str:
    """The path as the user wrote it, with forward slashes (as GitHub annotations need)."""
    return path.as_posix()


def quoted(value: str, limit: int = 80) -> str:
    """A contributed value quoted in a message, cut short so that a huge one cannot flood the output."""
    return f"'{value}'" if len(value) <= limit else f"'{value[:limit]}…'"
