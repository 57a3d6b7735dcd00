"""A generated page's front matter read without YAML, as YAML reads it: MkDocs' reader (PyYAML's constructor,
in Python) took three quarters of a second over the 11,800 pages of a 10,000-paper feed, on one core.

The templates (generator/site/templates/*.md.j2) write few kinds of line: `key: "..."` (a JSON string,
pages.front_value), `hide: [toc]`, `search: {exclude: true}`, `key: true`, and a comment after a value.
A front matter with any other line, or a string with a character YAML might read otherwise than JSON
does (a line break YAML folds, a character it refuses), is given to MkDocs' own reader instead. MkDocs'
pattern of a front matter and its reader are given by the plugin (the one module that imports MkDocs).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

# The literal values the templates write, as YAML reads them (each page its own copy).
_LITERALS: dict[str, Callable[[], Any]] = {
    "[toc]": lambda: ["toc"],
    "[navigation, toc]": lambda: ["navigation", "toc"],
    "{exclude: true}": lambda: {"exclude": True},
    "true": lambda: True,
}
_LINE = re.compile(r'([a-z_]+): ("[^"\\\n]*(?:\\.[^"\\\n]*)*"|[^"#\n]*?)(?:[ \t]+#[^\n]*)?')
# What a double-quoted YAML scalar holds as JSON does: printable characters (YAML 1.1, as PyYAML reads
# it) but for those YAML 1.1 calls line breaks (NEL, which it folds; U+2028, U+2029) and the byte-order
# mark, left to YAML to be safe.
_AS_JSON = re.compile('"[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*"')


Read = Callable[[str], tuple[str, dict[str, Any]]]
# A page's front matter as `front` gives it: where its Markdown starts in its text, and its data.
Front = tuple[int, dict[str, Any]]


def read(source: str, pattern: re.Pattern[str], yaml_read: Read) -> tuple[str, dict[str, Any]]:
    """The page's Markdown and its front matter, as MkDocs' `yaml_read` (mkdocs.utils.meta.get_data)
    gives them; `pattern` is its front matter's (meta.YAML_RE, whose first group is the block)."""
    found = pattern.match(source)
    data = _data(found.group(1)) if found else None
    if found is None or data is None:
        return yaml_read(source)
    return source[found.end() :].lstrip("\n"), data


def front(source: str, pattern: re.Pattern[str], yaml_read: Read) -> Front:
    """What `read` gives, as where the Markdown starts in `source` and the front matter's data: sent from
    the process that made the page to the one that builds it (site/parallel.py), without its text."""
    markdown, data = read(source, pattern, yaml_read)
    return len(source) - len(markdown), data


def _data(block: str) -> dict[str, Any] | None:
    """The front matter's keys and values, or None where YAML might read them otherwise."""
    data: dict[str, Any] = {}
    for line in block.split("\n")[:-1]:  # the block ends with a line break
        matched = _LINE.fullmatch(line)
        if matched is None:
            return None
        key, value = matched.groups()
        if value in _LITERALS:
            data[key] = _LITERALS[value]()
        elif _AS_JSON.fullmatch(value):
            try:
                data[key] = json.loads(value)
            except ValueError:  # an escape JSON has not (YAML has more)
                return None
        else:
            return None
    return data
