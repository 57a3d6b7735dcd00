"""Where an abstract's Markdown links to: every link, image, reference, autolink and HTML href, with its line.

Kept apart from the renderer so that `check` can refuse a relative or anchor link without rendering
(Markdown and MathML cost more than the whole check of a record). Math and code spans are blanked out
first: `$[0,1](x)$` is a formula, not a link.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# The renderer's math delimiters: $$...$$ and \[...\] display math, then $...$ and \(...\) inline math (a
# $ must hug its content, so "costs $5 and $10" stays text). abstracts.py renders what this matches.
MATH_RE = re.compile(
    r"\$\$(?P<d1>.+?)\$\$|\\\[(?P<d2>.+?)\\\]|(?<![\\$\w])\$(?=\S)(?P<i1>[^$\n]+?)(?<=\S)\$(?![\d$])|\\\((?P<i2>.+?)\\\)",
    re.DOTALL,
)
_CODE_SPAN_RE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)
_DESTINATIONS = [
    # [text](dest), ![alt](src); a destination may hold balanced parentheses, as Markdown reads it
    re.compile(r"\]\(\s*(?:<(?P<dest>[^>\n]*)>|(?P<bare>(?:[^\s()]|\([^\s()]*\))*))"),
    re.compile(
        r"^ {0,3}\[[^\]\n]+\]:[ \t]*(?:<(?P<dest>[^>\n]*)>|(?P<bare>\S*))", re.MULTILINE
    ),  # [ref]: dest
    re.compile(
        r"""\b(?:href|src|action|formaction|data|poster|cite|background)\s*=\s*(?:"(?P<dest>[^"]*)"|'(?P<quoted>[^']*)'|(?P<bare>[^\s>]+))""",
        re.I,
    ),
    re.compile(r"<(?P<dest>[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>"),  # <https://...>
    re.compile(r"<(?P<dest>[^\s<>@:/]+@[^\s<>@]+\.[^\s<>@]+)>"),  # <someone@example.org>: a mailto link
]


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group())


def destinations(abstract: str) -> Iterator[tuple[int, str]]:
    """Each link destination of the abstract as (line, destination), the first line being 1, in order."""
    text = _CODE_SPAN_RE.sub(_blank, MATH_RE.sub(_blank, abstract))
    found: list[tuple[int, str]] = []
    for pattern in _DESTINATIONS:
        for match in pattern.finditer(text):
            dest = next(g for g in match.groupdict().values() if g is not None)
            found.append((match.start(), dest))
    for start, dest in sorted(found):
        yield text.count("\n", 0, start) + 1, dest
