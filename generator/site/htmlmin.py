"""Built pages made small: the theme's indentation and line breaks taken out of every HTML page written.

Only whitespace that a browser ignores goes, outside `<pre>` and `<textarea>` (whose text is shown as
written): the spaces and blank lines after a line break, and a line break before a block's edge.
Entities, quotes and tags stay exactly as the templates wrote them, so text from the records stays
escaped as it was (a general minifier such as minify-html also unescapes what HTML allows raw, such as
`<script>` inside `<title>` or inside an attribute's value).

A page filled into its kind's chrome (site/fastpath.py) is made small piece by piece: the chrome's text
once for the kind, each page's values with the chrome's text around them (`cut`, `joined`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_VERBATIM_RE = re.compile(r"(<(pre|textarea)\b.*?</\2\s*>)", re.IGNORECASE | re.DOTALL)
_INDENT_RE = re.compile(r"\n[ \t\n]*")
# A line break before the start or end of a block (or of an element of the head) is never shown: browsers
# drop white space at the edges of blocks. Before inline elements (a, span, label, input...) it is a space.
_BLOCK_RE = re.compile(
    r"\n(?=</?(?:html|head|body|meta|link|title|div|nav|header|footer|main|article|section|aside|form|"
    r"ul|ol|li|dl|dt|dd|p|h[1-6]|table|thead|tbody|tr|th|td|details|summary|noscript)[\s>/])",
    re.IGNORECASE,
)


def minify(page: str) -> str:
    """The page without the whitespace a browser ignores; <pre> and <textarea> are left as they are."""
    parts = _VERBATIM_RE.split(page)
    # split() gives text, then for each match the whole <pre> and its tag name, then text again.
    out = []
    for i, part in enumerate(parts):
        kind = i % 3
        if kind == 0:
            out.append(_small(part))
        elif kind == 1:
            out.append(part)
    return "".join(out).strip() + "\n"


_VERBATIM_OPEN_RE = re.compile(r"<(?:pre|textarea)\b", re.IGNORECASE)
# Where a page may be cut, what comes before made small apart from what comes after: after 12 characters
# with no white space (no run of it spans the cut, and no line break is near enough for _BLOCK_RE to look
# past it) and no `<` (no <pre> or <textarea> tag spans it either).
_CUTTABLE_RE = re.compile(r"[^ \t\n<]{12,}")
_EDGE = 12


@dataclass(frozen=True)
class Cut:
    """A fixed part of many pages (a chrome's text between two slots), cut where it allows: its head and
    tail are made small with what comes before and after it on each page, its middle once."""

    head: str
    middle: str  # made small
    tail: str


def cut(text: str) -> Cut | str | None:
    """The text cut (a Cut), or the text itself where it has no place to cut (made small with what comes
    before and after it, on each page); None if it holds a <pre> or <textarea>."""
    if _VERBATIM_OPEN_RE.search(text):
        return None
    runs = list(_CUTTABLE_RE.finditer(text))
    if not runs:
        return text
    first, last = runs[0].start() + _EDGE, runs[-1].end()
    return Cut(text[:first], _small(text[first:last]), text[last:])


def joined(fixed: Sequence[Cut | str], values: Sequence[str]) -> str | None:
    """The page made of the fixed parts with the values between them (fixed, value, fixed...), made small
    as minify makes the page whole; None if a <pre> or <textarea> that a value opens may end past the
    next cut: the page is to be made small whole."""
    out: list[str] = []
    loose: list[str] = []  # what is made small together, up to the next cut
    for i, part in enumerate(fixed):
        if i:
            loose.append(values[i - 1])
        if isinstance(part, str):
            loose.append(part)
            continue
        loose.append(part.head)
        small = _small_between_cuts("".join(loose))
        if small is None:
            return None
        out += (small, part.middle)
        loose = [part.tail]
    small = _small_between_cuts("".join(loose))
    if small is None:
        return None
    out.append(small)
    return "".join(out).strip() + "\n"


def _small_between_cuts(text: str) -> str | None:
    """Text between two cuts made small as minify makes it (but for the page's ends); None if it opens a
    <pre> or <textarea> that it does not close, and that may end past the cut."""
    if "<" not in text:  # no tag at all (most of a page's values, between the chrome's cuts)
        return _small(text)
    parts = _VERBATIM_RE.split(text)
    out = []
    for i, part in enumerate(parts):
        kind = i % 3  # as in minify: text, then a whole <pre> and its tag name, then text again
        if kind == 0:
            if _VERBATIM_OPEN_RE.search(part):
                return None
            out.append(_small(part))
        elif kind == 1:
            out.append(part)
    return "".join(out)


def _small(text: str) -> str:
    """Text outside <pre> and <textarea> made small (minify, but for the page's ends)."""
    if "\n" not in text:  # every run of white space it takes out starts with a line break
        return text
    return _BLOCK_RE.sub("", _INDENT_RE.sub("\n", text))
