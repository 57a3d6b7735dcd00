"""A strict YAML reader: turns a front-matter block into plain nodes with line numbers, guessing no types.

PyYAML's loaders apply YAML 1.1 rules (`NO` becomes false, `1:20` becomes 80, `2401.10` a float), expand
aliases (the billion-laughs attack) and can build arbitrary objects from tags. Here we read only the
parser's events: every scalar stays the text that was written, and anchors, aliases and tags are refused
before anything is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

try:  # libyaml's parser is several times faster; the pure-Python one gives the same events.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_DEPTH = 16


@dataclass(frozen=True)
class Scalar:
    """A scalar as written; `plain` is false when it was quoted or a block scalar."""

    text: str
    line: int
    plain: bool


@dataclass(frozen=True)
class Sequence:
    items: tuple[Node, ...]
    line: int


@dataclass(frozen=True)
class Mapping:
    """Key/value pairs in source order; duplicate keys are refused while reading."""

    items: tuple[tuple[Scalar, Node], ...]
    line: int


Node = Scalar | Sequence | Mapping


class YamlProblem(Exception):
    """A front-matter block that cannot be read; `line` is 1-based in the file."""

    def __init__(self, line: int, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.key = key


def read(text: str, first_line: int = 1) -> Node | None:
    """Read one YAML document; `first_line` is the file line where `text` starts. None if empty."""
    events = _events(text, first_line)
    if isinstance(events[1], yaml.StreamEndEvent):
        return None
    root, end = _Builder(events, first_line).node(2, 0)
    after = events[end + 2]  # events[end + 1] ends the document
    if not isinstance(after, yaml.StreamEndEvent):
        raise YamlProblem(_line(after, first_line), "holds a second YAML document ('---'); keep one")
    return root


def _events(text: str, first_line: int) -> list[Any]:
    # Any: PyYAML's stubs declare the attributes (anchor, tag, value, style) only on some event classes.
    try:
        return list(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = first_line + (mark.line if mark else 0)
        problem = (err.problem or err.context or "cannot be read").rstrip(".")
        hint = "; indent with spaces, not tabs" if "\t" in problem or "tab" in problem else ""
        raise YamlProblem(line, f"is not valid YAML ({problem}){hint}") from None
    except yaml.YAMLError as err:
        raise YamlProblem(first_line, f"is not valid YAML ({err})") from None


def _line(event: Any, first_line: int) -> int:
    return first_line + int(event.start_mark.line)


class _Builder:
    """Builds nodes from a document's events by recursive descent; each method returns (node, last index)."""

    def __init__(self, events: list[Any], first_line: int) -> None:
        self.events = events
        self.first_line = first_line

    def node(self, index: int, depth: int) -> tuple[Node, int]:
        event = self.events[index]
        line = self.first_line + event.start_mark.line
        kind = type(event)
        if kind is yaml.AliasEvent:
            raise YamlProblem(line, f"uses the YAML alias '*{event.anchor}'; write the value out instead")
        if event.anchor is not None:
            raise YamlProblem(line, f"uses the YAML anchor '&{event.anchor}'; anchors are not allowed")
        if event.tag is not None:
            raise YamlProblem(
                line, f"uses the YAML tag '{event.tag}'; tags are not allowed, write plain values"
            )
        if depth > MAX_DEPTH:
            raise YamlProblem(line, f"is nested more than {MAX_DEPTH} levels deep")
        if kind is yaml.ScalarEvent:
            return Scalar(event.value, line, plain=not event.style), index  # C parser: "", Python: None
        if kind is yaml.SequenceStartEvent:
            items: list[Node] = []
            index += 1
            while type(self.events[index]) is not yaml.SequenceEndEvent:
                item, index = self.node(index, depth + 1)
                items.append(item)
                index += 1
            return Sequence(tuple(items), line), index
        return self.mapping(index, line, depth)

    def mapping(self, index: int, line: int, depth: int) -> tuple[Mapping, int]:
        pairs: list[tuple[Scalar, Node]] = []
        seen: dict[str, int] = {}
        index += 1
        while type(self.events[index]) is not yaml.MappingEndEvent:
            key, index = self.node(index, depth + 1)
            if not isinstance(key, Scalar):
                raise YamlProblem(key.line, "has a key that is not a plain name; write 'name: value'")
            if key.text in seen:
                message = f"is given twice (first on line {seen[key.text]}); keep one of them"
                raise YamlProblem(key.line, message, key=key.text)
            seen[key.text] = key.line
            value, index = self.node(index + 1, depth + 1)
            pairs.append((key, value))
            index += 1
        return Mapping(tuple(pairs), line), index
