"""Where an abstract's Markdown links to: every link, image, reference, autolink and HTML href, with its line.

Kept apart from the renderer so that `check` can refuse a relative or anchor link without rendering
(Markdown and MathML cost more than the whole check of a record). Math and code spans are blanked out
first: `$[0,1](x)$` is a formula, not a link. Every pattern reads each character a bounded number of times,
so no abstract can stall `check` (a run of 10,000 backticks took 2.6 s when code spans were a lazy pattern).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

# The renderer's math delimiters (abstracts.py renders what this matches): $$...$$ and \[...\] display
# math, then $...$ and \(...\) inline math (a $ must hug its content, so "costs $5 and $10" stays text). No
# formula holds its own opening delimiter: an opener without a closer then stops its search at the next
# opener, so the pattern never rescans ("\(" repeated 5,000 times took 0.8 s when it searched to the end).
# The lookahead first skips, five times faster, the characters that start no delimiter.
MATH_RE = re.compile(
    r"(?=[$\\])"
    r"(?:\$\$(?P<d1>(?:[^$]|\$(?!\$))+?)\$\$"
    r"|\\\[(?P<d2>(?:[^\\]|\\(?!\[))+?)\\\]"
    r"|(?<![\\$\w])\$(?=\S)(?P<i1>[^$\n]+?)(?<=\S)\$(?![\d$])"
    r"|\\\((?P<i2>(?:[^\\]|\\(?!\())+?)\\\))",
)
_BACKTICKS_RE = re.compile(r"`+")
_DESTINATIONS = [
    # [text](dest), ![alt](src); a destination may hold balanced parentheses, as Markdown reads it, and
    # one in <...> holds no "<" (so an unclosed one stops at the next)
    re.compile(r"\]\(\s*(?:<(?P<dest>[^<>\n]*)>|(?P<bare>(?:[^\s()]|\([^\s()]*\))*))"),
    re.compile(
        r"^ {0,3}\[[^\]\n]+\]:[ \t]*(?:<(?P<dest>[^>\n]*)>|(?P<bare>\S*))", re.MULTILINE
    ),  # [ref]: dest
    re.compile(
        r"""\b(?:href|src|action|formaction|data|poster|cite|background)\s*=\s*(?:"(?P<dest>[^"]*)"|'(?P<quoted>[^']*)'|(?P<bare>[^\s>]+))""",
        re.I,
    ),
    re.compile(r"<(?P<dest>[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>"),  # <https://...>
    # <someone@example.org>: a mailto link (the dot of its domain is looked for after the match, which
    # leaves the pattern no choice to backtrack over)
    re.compile(r"<(?P<email>[^\s<>@:/]+@[^\s<>@]+)>"),
]


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group())


def code_spans(text: str) -> list[tuple[int, int]]:
    """Where the text's code spans are, as (start, end). As CommonMark reads them, a run of backticks opens a
    span that the next run of the same length closes; a run that nothing closes is plain text."""
    runs = list(_BACKTICKS_RE.finditer(text))
    closer: list[int | None] = [None] * len(runs)  # the next run of the same length, found from the end
    following: dict[int, int] = {}
    for i in range(len(runs) - 1, -1, -1):
        length = runs[i].end() - runs[i].start()
        closer[i], following[length] = following.get(length), i
    spans, i = [], 0
    while i < len(runs):
        j = closer[i]
        if j is None:
            i += 1
            continue
        spans.append((runs[i].start(), runs[j].end()))
        i = j + 1
    return spans


def _without_code_spans(text: str) -> str:
    """The text with each code span blanked out (its newlines kept, so lines still count)."""
    parts, done = [], 0
    for start, end in code_spans(text):
        parts += [text[done:start], re.sub(r"[^\n]", " ", text[start:end])]
        done = end
    return "".join(parts) + text[done:]


def destinations(abstract: str) -> Iterator[tuple[int, str]]:
    """Each link destination of the abstract as (line, destination), the first line being 1, in order."""
    if "](" not in abstract and "]:" not in abstract and "<" not in abstract:
        return  # every kind of link needs one of these; most abstracts have none, and check reads 10,000
    text = _without_code_spans(MATH_RE.sub(_blank, abstract))
    found: list[tuple[int, str]] = []
    for pattern in _DESTINATIONS:
        for match in pattern.finditer(text):
            dest = next(g for g in match.groupdict().values() if g is not None)
            if match.groupdict().get("email") is not None and "." not in dest.split("@", 1)[1][1:-1]:
                continue  # no dot inside the domain: not an address
            found.append((match.start(), dest))
    newlines = [m.start() for m in re.finditer("\n", text)] if found else []
    for start, dest in sorted(found):
        yield bisect.bisect_left(newlines, start) + 1, dest
