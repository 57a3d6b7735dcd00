"""CommonMark to HTML in time linear in the text: pulldown-cmark, raw HTML reduced to a few balanced tags.

Python-Markdown took 12 s for 9,990 "[" characters; pulldown-cmark (through pyromark) has no such input.
The HTML parser behind the sanitizer has two of its own: formatting tags left open are copied into every
later paragraph (`<em title=1><p>x`, repeated, made 3 MB of HTML), and each tag costs as much as the depth
it is opened at (`- - - - x` is a list in a list in a list...). So raw HTML reaches it only as a few inline
tags, each closed within its paragraph, and text that nests deeper than `MAX_DEPTH` is not read as Markdown.
"""

from __future__ import annotations

import html
import re
from typing import Any, cast

import pyromark

# Raw HTML kept as markup, rewritten without attributes (a link keeps its href and title); other tags are
# dropped and their text kept, as the sanitizer would, and script and style lose their text too.
KEPT_TAGS = {"a", "em", "strong", "code", "sub", "sup", "span", "br"}
VOID_TAGS = {"br"}
DROPPED_WITH_TEXT = {"script", "style"}
TOKEN_RE = re.compile(r"(<[^<>]*>)")
TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")
LINK_ATTRIBUTE_RE = re.compile(r"""\b(href|title)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.I)
# Private-use characters, like the math placeholders: a typed one can only repeat the text's own HTML.
PLACEHOLDER = "\ue002{}\ue003"
# A placeholder, or the end of a block, where raw tags still open are closed.
RAW_OR_BLOCK_END_RE = re.compile("\ue002(\\d+)\ue003|</(?:p|li|h[1-6]|blockquote|pre)>")
EMPTY_PARAGRAPH_RE = re.compile(r"<p>\s*</p>\n?")
# Far deeper than an abstract nests (a quote holding a list of emphasised links is 6), far shallower than
# what makes the parser slow or pushes text off the page.
MAX_DEPTH = 16

# Raw tags open at once, at most: nested <code> (padded) or <sub> need no more, and could push a line wide.
MAX_RAW_DEPTH = 8

Piece = tuple[str, str, str]  # kind ("text", "open" or "close"), tag name, HTML


def _link(tag: str) -> str:
    """A raw <a ...> tag with only its href and title, quoted and escaped."""
    attributes = "".join(
        f' {m[1].lower()}="{html.escape(html.unescape(next(v for v in m.groups()[1:] if v is not None)))}"'
        for m in LINK_ATTRIBUTE_RE.finditer(tag)
    )
    return f"<a{attributes}>"


class _Raw:
    """Reads the pieces of raw HTML in order: what each keeps, and whether text is being dropped."""

    def __init__(self) -> None:
        self.dropping = ""  # the script or style element whose text is being dropped
        self.in_comment = False  # a comment may span the lines of an HTML block
        self.pieces: list[list[Piece]] = []

    def read(self, fragment: str) -> None:
        """One piece of raw HTML: an inline tag, or a line of an HTML block."""
        pieces: list[Piece] = []
        at = 0
        while at < len(fragment):  # comments are found with str.find, which never reads a character twice
            if self.in_comment:
                end = fragment.find("-->", at)
                self.in_comment, at = end < 0, len(fragment) if end < 0 else end + 3
                continue
            start = fragment.find("<!--", at)
            self._read_tags(fragment[at : len(fragment) if start < 0 else start], pieces)
            self.in_comment, at = start >= 0, len(fragment) if start < 0 else start + 4
        self.pieces.append(pieces)

    def _read_tags(self, chunk: str, pieces: list[Piece]) -> None:
        for i, token in enumerate(TOKEN_RE.split(chunk)):
            if i % 2 == 0:  # text between tags
                if token and not self.dropping:
                    pieces.append(("text", "", html.escape(html.unescape(token), quote=False)))
                continue
            tag = TAG_RE.match(token)
            if tag is None:  # a declaration or a processing instruction
                continue
            closing, name = tag[1] == "/", tag[2].lower()
            if name in DROPPED_WITH_TEXT:
                self.dropping = "" if closing else name
            elif name in KEPT_TAGS and not self.dropping:
                if closing:
                    pieces.append(("close", name, f"</{name}>"))
                else:
                    pieces.append(("open", name, _link(token) if name == "a" else f"<{name}>"))

    def skip(self) -> bool:
        """Whether the text now read belongs to a script or style element."""
        return bool(self.dropping)

    def end_block(self) -> None:
        self.dropping = ""
        self.in_comment = False


def _neutralised(text: str) -> tuple[str, _Raw, int]:
    """The text with each piece of raw HTML (and each text of a script or style) replaced by a placeholder,
    what each placeholder stands for, and how deep the text's elements nest.

    A placeholder is plain text to the parser, so the second parse finds no HTML where the first found none.
    """
    source = text.encode()
    parts: list[bytes] = []
    raw = _Raw()
    last = depth = deepest = 0
    for typed_event, span in pyromark.events_with_range(text, merge_text=True):
        event = cast(dict[str, Any], typed_event)  # one key: the kind of event
        fragment: str | None = None
        if "Start" in event:
            depth += 1
            deepest = max(deepest, depth)
        elif "End" in event:
            depth -= 1
            if event["End"] == "Paragraph" or event["End"] == "HtmlBlock":
                raw.end_block()
        elif "Html" in event or "InlineHtml" in event:
            fragment = event["Html"] if "Html" in event else event["InlineHtml"]
            raw.read(fragment.removesuffix("\n"))
        elif raw.skip() and ("Text" in event or "Code" in event):
            fragment = ""
            raw.pieces.append([])
        if fragment is not None:
            newline = "\n" if fragment.endswith("\n") else ""
            placeholder = PLACEHOLDER.format(len(raw.pieces) - 1) + newline
            parts += [source[last : span["start"]], placeholder.encode()]
            last = span["end"]
    if not raw.pieces:
        return text, raw, deepest
    parts.append(source[last:])
    return b"".join(parts).decode(), raw, deepest


def _balanced(body: str, raw: _Raw) -> str:
    """The HTML with each placeholder replaced by its pieces; raw tags are closed in order, and those still
    open when their block ends are closed there, so that none is left for the parser to copy."""
    open_tags: list[str] = []

    def closed(names: list[str]) -> str:
        return "".join(f"</{name}>" for name in reversed(names))

    def replace(match: re.Match[str]) -> str:
        nonlocal open_tags
        if match[1] is None:  # a block ends
            shut, open_tags = closed(open_tags), []
            return shut + match[0]
        number = int(match[1])
        out = []
        for kind, name, markup in raw.pieces[number] if number < len(raw.pieces) else []:
            if kind == "text" or name in VOID_TAGS:
                out.append(markup)
            elif kind == "open" and len(open_tags) < MAX_RAW_DEPTH:
                out.append(markup)
                open_tags.append(name)
            elif kind == "close" and name in open_tags:  # it closes what was opened after its own
                at = len(open_tags) - 1 - open_tags[::-1].index(name)
                out.append(closed(open_tags[at:]))
                open_tags = open_tags[:at]
        return "".join(out)

    return RAW_OR_BLOCK_END_RE.sub(replace, body) + closed(open_tags)


def nesting(text: str) -> int:
    """How deep the elements of the text's HTML nest (a paragraph is 1, emphasis in it 2)."""
    return _neutralised(text)[2]


def to_html(text: str) -> str | None:
    """The text as HTML: CommonMark with raw HTML reduced to a few balanced inline tags; None if its
    elements nest deeper than `MAX_DEPTH`."""
    source, raw, deepest = _neutralised(text)
    if deepest > MAX_DEPTH:
        return None
    body = pyromark.html(source).rstrip("\n")
    if not raw.pieces:
        return body
    return EMPTY_PARAGRAPH_RE.sub("", _balanced(body, raw)).rstrip("\n")  # a block that was all tags
