"""Splitting a record into its front matter and abstract, and reading the YAML files of content/ strictly."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.records import yamlnodes
from generator.records.chars import char_name, forbidden_char
from generator.records.decode import decode
from generator.records.problems import FileProblems, Problem, Problems, display_path
from generator.records.yamlnodes import Node, Scalar, Sequence

_FENCE_RE = re.compile(r"^---[^\S\n]*$", re.MULTILINE)  # a front-matter fence: '---', maybe trailing spaces
RECORD_HINT = "a record starts with '---', its fields, '---', then the abstract"


def key_of_line(lines: list[str], line: int) -> str | None:
    """The field a YAML line belongs to, with the keys it is nested under (`links.code`), if it has one."""
    keys: list[str] = []
    indent = None
    for ln in reversed(lines[:line]):
        match = re.match(r"( *)([A-Za-z0-9_-]+) *:(?: |$)", ln)
        if ln.strip() == "---":
            break
        if match and (indent is None or len(match.group(1)) < indent):
            keys.insert(0, match.group(2))
            indent = len(match.group(1))
            if indent == 0:
                break
    return ".".join(keys) if keys and indent == 0 else None


def check_values(node: Node, field: str | None, problems: FileProblems) -> bool:
    """Report controls that YAML escapes (`"\\u202E"`) let into a value or key; true when there are none."""
    if isinstance(node, Scalar):
        bad = forbidden_char(node.text)
        if bad:
            message = f"contains {char_name(bad[1])}; delete it"
            problems.add(line=node.line, field=field or "front matter", message=message)
        return bad is None
    if isinstance(node, Sequence):
        return all([check_values(item, field, problems) for item in node.items])
    ok = True
    for key, value in node.items:
        name = key.text if field is None else f"{field}.{key.text}"
        ok = check_values(key, name, problems) and check_values(value, name, problems) and ok
    return ok


def _record_field(text: str, line: int) -> str:
    lines = text.split("\n")
    if lines[0].rstrip() == "---":
        close = next((i for i, ln in enumerate(lines[1:], start=1) if ln.rstrip() == "---"), len(lines))
        if line > close + 1:
            return "abstract"
    return key_of_line(lines, line) or "front matter"


def _yaml_field(text: str, line: int) -> str:
    return key_of_line(text.split("\n"), line) or "file"


def tab_indented(lines: list[str], end: int, problems: FileProblems, field: str) -> bool:
    """Report the first of the lines before `end` that is indented with a tab (YAML forbids it)."""
    for number, line_text in enumerate(lines[:end], start=1):
        if "\t" in line_text[: len(line_text) - len(line_text.lstrip(" \t"))]:
            name = key_of_line(lines, number) or field
            problems.add(line=number, field=name, message="is indented with a tab; YAML needs spaces")
            return True
    return False


@dataclass(frozen=True)
class Source:
    """A record split in two: its front matter (None when empty) and the abstract after it."""

    front: Node | None
    body: str
    body_line: int


def read_source(path: Path, problems: FileProblems) -> Source | None:
    """Split a file into its front matter (read strictly) and body; report why when it cannot be."""
    text = decode(path, problems, RECORD_HINT, _record_field)
    if text is None:
        return None
    opening = _FENCE_RE.match(text)
    if opening is None:
        message = "is missing; start the file with a line '---', the fields, then '---'"
        problems.add(line=1, field="front matter", message=message)
        return None
    closing = _FENCE_RE.search(text, opening.end() + 1)
    if closing is None:
        message = "is not closed; add a line '---' after the last field"
        problems.add(line=1, field="front matter", message=message)
        return None
    front_text = text[opening.end() + 1 : closing.start()]
    close_line = 2 + front_text.count("\n")
    front_text = front_text.removesuffix("\n")
    # The checks below are gated on a character that must be there for them to find anything: a fast path.
    if "\t" in front_text and tab_indented(text.split("\n"), close_line, problems, "front matter"):
        return None
    try:
        front = yamlnodes.read(front_text, first_line=2)
    except yamlnodes.YamlProblem as err:
        field = err.key or key_of_line(text.split("\n"), err.line) or "front matter"
        problems.add(line=err.line, field=field, message=err.message)
        return None
    if front is not None and "\\" in front_text and not check_values(front, None, problems):
        return None  # only a YAML escape (a backslash) can make a control that the text check did not see
    return Source(front, text[closing.end() + 1 :], close_line + 1)


def read_yaml_file(path: Path, problems: list[Problem], field: str, hint: str) -> Node | None:
    """Read a YAML file of content/ (tags.yml, sources.yml, ...) as strictly as front matter; None after
    reporting why it cannot be read. `field` names a problem that no key does; `hint` says what to write
    in an empty file."""
    return read_yaml(path, Problems(problems).of(display_path(path)), field, hint)


def read_yaml(path: Path, problems: FileProblems, field: str, hint: str) -> Node | None:
    """`read_yaml_file`, reporting into a file's collector."""
    text = decode(path, problems, hint, _yaml_field)
    if text is None:
        return None
    if tab_indented(text.split("\n"), len(text), problems, field):
        return None
    try:
        node = yamlnodes.read(text)
    except yamlnodes.YamlProblem as err:
        name = err.key or key_of_line(text.split("\n"), err.line) or field
        problems.add(line=err.line, field=name, message=err.message)
        return None
    if node is None:
        problems.add(line=1, field=field, message=f"is empty; {hint}")
    elif not check_values(node, None, problems):
        return None
    return node
