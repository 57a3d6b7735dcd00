"""A strict YAML reader: turns a front-matter block into plain nodes with line numbers, guessing no types.

PyYAML's loaders apply YAML 1.1 rules (`NO` becomes false, `1:20` becomes 80, `2401.10` a float), expand
aliases (the billion-laughs attack) and can build arbitrary objects from tags. Here we read only the
parser's events: every scalar stays the text that was written, and anchors, aliases and tags are refused
before anything is built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

try:  # libyaml's parser is several times faster; the pure-Python one gives the same events.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_DEPTH = 16
_YAML_TAG_PREFIX = "tag:yaml.org,2002:"
_SCALAR: type[Any] = yaml.ScalarEvent  # type[Any]: the stubs make start_mark optional; the parser sets it


# Nodes are built by the hundred thousand for a large feed: slots, not frozen (whose __init__ is three times
# slower). Nothing changes a node once it is built.
@dataclass(slots=True)
class Scalar:
    """A scalar as written; `plain` is false when it was quoted or a block scalar."""

    text: str
    line: int
    plain: bool


@dataclass(slots=True)
class Sequence:
    items: tuple[Node, ...]
    line: int


@dataclass(slots=True)
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
    # Any: PyYAML's stubs declare the events' attributes (anchor, tag, style) on some classes only.
    loader: Any = None
    try:
        loader = _Loader(text)
        return _Builder(loader.get_event, first_line).document()
    except yaml.reader.ReaderError as err:  # a character YAML does not allow, such as U+FFFE
        line = first_line + text.count("\n", 0, err.position)
        message = f"contains U+{err.character:04X}, which YAML does not allow; delete it"
        raise YamlProblem(line, message) from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = first_line + (mark.line if mark else 0)
        problem = (err.problem or err.context or "cannot be read").rstrip(".")
        raise YamlProblem(line, f"is not valid YAML ({problem}){_hint(text, err)}") from None
    except yaml.YAMLError as err:
        raise YamlProblem(first_line, f"is not valid YAML ({err})") from None
    finally:
        if loader is not None:
            loader.dispose()


def _hint(text: str, err: yaml.MarkedYAMLError) -> str:
    """How to fix the usual causes of a parser error, which libyaml words for YAML experts."""
    mark = err.problem_mark
    at = text[mark.index] if mark is not None and 0 <= mark.index < len(text) else ""
    problem = err.problem or ""
    if at == "\t" or "tab" in problem:
        return "; indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return '; a value that contains ": " must be in double quotes, e.g. title: "Mamba: Linear-Time ..."'
    if "<document start>" in problem:
        return "; delete the '...' line above it, which ends the YAML early"
    if at in ("@", "`", "%"):
        return f"; a value that starts with {at} must be in double quotes"
    return ""


class _Builder:
    """Builds nodes by recursive descent while it pulls the parser's events, so it stops at the first anchor,
    alias or tag without reading the rest of the document."""

    def __init__(self, next_event: Callable[[], Any], first_line: int) -> None:
        self.next_event = next_event
        self.first_line = first_line

    def document(self) -> Node | None:
        self.next_event()  # the stream starts
        if type(self.next_event()) is yaml.StreamEndEvent:
            return None
        root = self.node(self.next_event(), 0)
        self.next_event()  # the document ends
        after = self.next_event()
        if type(after) is not yaml.StreamEndEvent:
            line = self.first_line + after.start_mark.line
            raise YamlProblem(line, "holds a second YAML document ('---'); keep one")
        return root

    def node(self, event: Any, depth: int) -> Node:
        line = self.first_line + event.start_mark.line
        kind = type(event)
        if kind is yaml.AliasEvent:
            raise YamlProblem(line, f"uses the YAML alias '*{event.anchor}'; write the value out instead")
        if event.anchor is not None:
            raise YamlProblem(line, f"uses the YAML anchor '&{event.anchor}'; anchors are not allowed")
        if event.tag is not None:
            tag = event.tag.replace(_YAML_TAG_PREFIX, "!!", 1)  # as it was written: !!python/object
            raise YamlProblem(line, f"uses the YAML tag '{tag}'; tags are not allowed, write plain values")
        if depth > MAX_DEPTH:
            raise YamlProblem(line, f"is nested more than {MAX_DEPTH} levels deep")
        if kind is yaml.ScalarEvent:
            return Scalar(event.value, line, not event.style)  # C parser: "", Python: None
        if kind is yaml.SequenceStartEvent:
            return self.sequence(line, depth)
        return self.mapping(line, depth)

    # The loops below build a plain scalar in place, the common case, rather than through node(): a third
    # of the time of a large check.

    def sequence(self, line: int, depth: int) -> Sequence:
        items: list[Node] = []
        first, next_event = self.first_line, self.next_event
        event: Any = next_event()
        while (kind := type(event)) is not yaml.SequenceEndEvent:
            if kind is _SCALAR and event.anchor is None and event.tag is None:
                items.append(Scalar(event.value, first + event.start_mark.line, not event.style))
            else:
                items.append(self.node(event, depth + 1))
            event = next_event()
        return Sequence(tuple(items), line)

    def mapping(self, line: int, depth: int) -> Mapping:
        pairs: list[tuple[Scalar, Node]] = []
        seen: dict[str, int] = {}
        first, next_event = self.first_line, self.next_event
        event: Any = next_event()
        while type(event) is not yaml.MappingEndEvent:
            key = self.node(event, depth + 1)
            if not isinstance(key, Scalar):
                raise YamlProblem(key.line, "has a key that is not a plain name; write 'name: value'")
            if key.text in seen:
                message = f"is given twice (first on line {seen[key.text]}); keep one of them"
                raise YamlProblem(key.line, message, key=key.text)
            seen[key.text] = key.line
            event = next_event()
            value: Node
            if type(event) is _SCALAR and event.anchor is None and event.tag is None:
                value = Scalar(event.value, first + event.start_mark.line, not event.style)
            else:
                try:
                    value = self.node(event, depth + 1)
                except YamlProblem as err:  # name the field the bad value belongs to: links.code
                    err.key = key.text if err.key is None else f"{key.text}.{err.key}"
                    raise
            pairs.append((key, value))
            event = next_event()
        return Mapping(tuple(pairs), line)
