"""Abstracts to safe HTML: Markdown, LaTeX math rendered to MathML at build time, then an nh3 allowlist.

Math is rendered here, not in the browser, so pages need no math library and make no third-party
request. The sanitizer runs last, over everything, so neither Markdown's raw HTML nor the math converter
can let markup through that the allowlist does not name, nor a size that could deface a page.

Every record is contributed text, so every step costs time linear in its length: Markdown is CommonMark
(`commonmark`, which also keeps the sanitizer's HTML parser linear); the math patterns never rescan; and
the math converter, linear but slow, gets a bounded share of each abstract (`MATH_FORMULAS`,
`MATH_CHARACTERS`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from urllib.parse import urljoin

import nh3

from generator.records import commonmark
from generator.records.abstract_links import MATH_RE, code_spans  # the one definition of the math delimiters

# The math converter takes about 8 microseconds a character and 50 to 200 a formula: these keep one
# abstract's math well inside its 50 ms budget, and above what a math-heavy abstract needs (arXiv caps a
# whole abstract at 1,920 characters). Formulas past them stay as written, and `abstract_problem` says so.
MATH_FORMULAS = 50
MATH_CHARACTERS = 1_000
# Text-mode LaTeX that abstracts copied from arXiv often keep, each with the strings it cannot match
# without: most abstracts have none of them, and looking for a string is cheaper than for a pattern.
LATEX_TEXT = [
    (re.compile(r"\\(textbf|mathbf)\{([^{}]*)\}"), r"**\2**", ("\\",)),
    (re.compile(r"\\(emph|textit)\{([^{}]*)\}"), r"*\2*", ("\\",)),
    (re.compile(r"\\([%&#])"), r"\1", ("\\",)),
    (re.compile(r"``|''"), '"', ("``", "''")),
]
# Private-use characters: CommonMark keeps them as they are, and one typed into an abstract could only
# repeat that abstract's own math, which is sanitized like the rest.
PLACEHOLDER = "\ue000{}\ue001"

MATHML_TAGS = {
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msup", "msub", "msubsup", "mfrac", "msqrt",
    "mroot", "mstyle", "mover", "munder", "munderover", "mtable", "mtr", "mtd", "mpadded", "mphantom",
    "menclose", "semantics", "annotation",
}  # fmt: skip
HTML_TAGS = {
    "p", "br", "em", "strong", "code", "pre", "a", "ul", "ol", "li", "blockquote", "sub", "sup", "span",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "math": {"display", "xmlns"},
    "mo": {"stretchy", "fence", "separator", "lspace", "rspace", "form"},
    "mi": {"mathvariant"},
    "mstyle": {"displaystyle", "scriptlevel"},
    "mover": {"accent"},
    "munder": {"accentunder"},
    "mspace": {"width"},
    "mtd": {"columnalign"},
    "mtable": {"columnalign", "rowspacing", "columnspacing"},
    "annotation": {"encoding"},
}
# Every length or level the allowlist keeps is bounded, or one record could deface each page that lists
# it (`<mspace width="99999em">`, `scriptlevel="-30"`, `\hspace{1000em}`). The bounds, in em, hold every
# space LaTeX names (\quad 1em, \qquad 2em) and latex2mathml's operator spacing (0.22em); a value outside
# them, negative, in another unit or unreadable is dropped, and the browser's default takes its place.
LENGTH_LIMITS = {
    ("mspace", "width"): 3.0,
    ("mo", "lspace"): 1.0,
    ("mo", "rspace"): 1.0,
    ("mtable", "rowspacing"): 2.0,
    ("mtable", "columnspacing"): 2.0,
}
# Absolute and relative levels that keep or shrink the text (\scriptstyle is 1, \scriptscriptstyle 2).
SCRIPTLEVEL_RE = re.compile(r"\+?[0-2]")
LENGTH_RE = re.compile(r"(?P<number>\d+(?:\.\d*)?|\.\d+)(?P<unit>em|ex|px|pt|pc|in|cm|mm)?")
EM_PER_UNIT = {
    "em": 1.0,
    "ex": 0.5,
    "px": 1 / 16,
    "pt": 1 / 12,
    "pc": 1.0,
    "in": 6.0,
    "cm": 6 / 2.54,
    "mm": 0.6 / 2.54,
}


@lru_cache(maxsize=4_096)  # a card's excerpt repeats the formulas of its abstract's opening
def _math(latex: str, display: bool, source: str) -> str:
    """One formula as MathML; as its escaped source when the converter cannot read it."""
    # Imported where a formula is first met: with the standard library's XML and HTTP modules it pulls
    # in, it was a sixth of the plugin's import, in every build and command, most with no formula.
    from latex2mathml.converter import convert as latex_to_mathml

    try:
        mathml = latex_to_mathml(latex.strip(), display="block" if display else "inline")
    except Exception:  # any LaTeX the converter cannot read stays visible, as written
        return html.escape(source)
    return str(mathml)


def _latex(match: re.Match[str]) -> str:
    return next(g for g in match.group("d1", "d2", "i1", "i2") if g is not None)


def _source(text: str, stash: Callable[[re.Match[str]], str]) -> str:
    """The Markdown that is rendered: each formula replaced by what `stash` returns, text-mode LaTeX read."""
    if "$" not in text and "\\" not in text:  # no formula can start: skip trying one at every character
        return _latex_text(text)
    return _latex_text(MATH_RE.sub(stash, text))


def _latex_text(text: str) -> str:
    """The text with its text-mode LaTeX read: \\textbf{x} as **x**, 13\\% as 13%, ``x'' as "x"."""
    for pattern, replacement, needed in LATEX_TEXT:
        if any(string in text for string in needed):
            text = pattern.sub(replacement, text)
    return text


def abstract_problem(text: str) -> str | None:
    """What keeps this abstract from rendering as written, and how to fix it, in one line; None if nothing."""
    formulas: list[int] = []  # the length of each formula's LaTeX

    def count(match: re.Match[str]) -> str:
        formulas.append(len(_latex(match)))
        return "x"

    source = _source(text, count)
    if len(formulas) > MATH_FORMULAS or sum(formulas) > MATH_CHARACTERS:
        return (
            f"{len(formulas):,} formulas with {sum(formulas):,} characters of LaTeX are more math than is"
            f" rendered (at most {MATH_FORMULAS:,} formulas, {MATH_CHARACTERS:,} characters), so the rest"
            " would show as LaTeX source: write the plain parts as text, or shorten the formulas"
        )
    nesting = commonmark.nesting(source)
    if nesting > commonmark.MAX_DEPTH:
        return (
            f"quotes, lists and emphasis nest {nesting:,} deep, more than the {commonmark.MAX_DEPTH} that"
            " are rendered, so the abstract would show as plain text: start lines with fewer '>', '-' or"
            " '1.' markers"
        )
    return None


@lru_cache(maxsize=20_000)  # pages and feeds render the same abstracts; a paper is rendered once per build
def render(text: str) -> str:
    """The abstract as sanitized HTML, math as MathML; links are http(s) only and open no referrer."""
    maths: list[str] = []
    budget = MATH_CHARACTERS

    def stash(match: re.Match[str]) -> str:
        nonlocal budget
        display = match.group("d1") is not None or match.group("d2") is not None
        latex = _latex(match)
        budget -= len(latex)
        if len(maths) < MATH_FORMULAS and budget >= 0:
            maths.append(_math(latex, display, match.group(0)))
        else:  # past the math budget: shown as written, as `abstract_problem` warns
            maths.append(html.escape(match.group(0)))
        return PLACEHOLDER.format(len(maths) - 1)

    text = _source(text, stash)
    body = commonmark.to_html(text)
    if body is None:  # nested too deep to render in bounded time: its paragraphs as plain text
        body = "\n".join(f"<p>{html.escape(block)}</p>" for block in re.split(r"\n\s*\n", text.strip()))
    body = re.sub(
        "\ue000(\\d+)\ue001", lambda m: maths[int(m.group(1))] if int(m.group(1)) < len(maths) else "", body
    )
    return sanitize(body)


def clear_caches() -> None:
    """Forget every abstract and formula rendered (for benchmarks, which time a first rendering)."""
    for cached in (render, excerpt, excerpt_html, _math):
        cached.cache_clear()


def sanitize(fragment: str, base: str | None = None) -> str:
    """Keep only the allowlisted tags and attributes, and only http(s) URLs; with `base`, every link is
    made absolute against it (for feeds, whose readers have no page to resolve a relative link against)."""

    # nh3 drops other schemes before this runs, and a relative URL resolved against an http(s) page stays
    # http(s).
    def resolve(element: str, attribute: str, value: str) -> str | None:
        if base and attribute == "href":
            return urljoin(base, value)
        return bounded(element, attribute, value)

    return nh3.clean(
        fragment,
        tags=HTML_TAGS | MATHML_TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=resolve,
        url_schemes={"http", "https"},
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )


def bounded(element: str, attribute: str, value: str) -> str | None:
    """The attribute's value if it is no length or level, or one within its bounds; None drops it."""
    if element == "mstyle" and attribute == "scriptlevel":
        return value if SCRIPTLEVEL_RE.fullmatch(value.strip()) else None
    limit = LENGTH_LIMITS.get((element, attribute))
    if limit is None:
        return value
    lengths = [LENGTH_RE.fullmatch(part) for part in value.split()]
    if not lengths or len(lengths) > 8:  # a table's spacing lists a few columns, never hundreds
        return None
    for length in lengths:
        if length is None or (length["unit"] is None and float(length["number"]) != 0):
            return None  # unreadable, negative, another unit, or a unitless number other than 0
        if float(length["number"]) * EM_PER_UNIT[length["unit"] or "em"] > limit:
            return None
    return value


# Raw HTML as CommonMark reads it (a tag starts with a letter, so "a < b" stays), and the elements whose
# text the sanitizer drops too: plain text keeps what a reader of the page sees, not markup it removed.
_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_DROPPED_OPEN_RE = re.compile(r"<(script|style)\b|<!--", re.IGNORECASE)


def _drop_hidden(text: str) -> str:
    """Scripts, styles and comments taken out with their text; one unclosed hides the rest, as in a page.

    Each opening is searched for its end once, from where the last one ended, so a run of openings costs
    one pass, not one pass each.
    """
    lowered = text.lower()
    kept, at = [], 0
    while (match := _DROPPED_OPEN_RE.search(text, at)) is not None:
        kept.append(text[at : match.start()])
        close = f"</{match.group(1).lower()}" if match.group(1) else "-->"
        end = lowered.find(close, match.end())
        if end < 0:
            return "".join(kept)
        at = lowered.find(">", end) + 1 if match.group(1) else end + 3
        if at == 0:  # "</script" with no ">": the rest is inside the tag
            return "".join(kept)
    kept.append(text[at:])
    return "".join(kept)


def _without_markup(text: str) -> str:
    """The text with raw HTML tags, scripts, styles and comments taken out; math and code spans are left as
    written (the page shows a formula's "<" and a code span's tags as text)."""
    kept = sorted([(m.start(), m.end()) for m in MATH_RE.finditer(text)] + code_spans(text))
    parts, last = [], 0
    for start, end in kept:
        if start < last:  # a code span inside a formula, or the other way round: the first one holds it
            continue
        parts += [_TAG_RE.sub("", _drop_hidden(text[last:start])), text[start:end]]
        last = end
    parts.append(_TAG_RE.sub("", _drop_hidden(text[last:])))
    return "".join(parts)


@lru_cache(maxsize=20_000)  # the search index reads every abstract's text again, after the excerpts
def plain_text(text: str) -> str:
    """The abstract as one line of plain text (math as its LaTeX source), for excerpts and e-mail."""
    text = _latex_text(_without_markup(text))
    # A Markdown link reads as its text. Neither part spans a bracket or parenthesis of its own kind, so a run
    # of "[" is read once, not once from each "[" to the end.
    text = re.sub(r"!?\[([^\[\]]*)\]\([^()]*\)", r"\1", text)
    text = re.sub(r"\*+|`+", "", text)
    return " ".join(text.split())


def shorten(text: str, limit: int, keep: Iterable[tuple[int, int]] = ()) -> str:
    """`text`, or at most its first `limit` characters and "…": the one rule for every cut text.

    Cut at the last space before the limit, or at the limit when that would keep half of it or less (one
    very long word); never inside a span of `keep` (start, end: a formula), cut before it instead; the
    punctuation left at the cut goes.
    """
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    if cut <= limit // 2:
        cut = limit
    for start, end in sorted(keep, reverse=True):  # from the last span: a move never undoes an earlier one
        if start < cut < end:
            before = text.rfind(" ", 0, start)
            cut = before if before > 0 else start
    return text[:cut].rstrip(" ,;:.") + "…"


@lru_cache(maxsize=20_000)
def excerpt(text: str, limit: int = 280) -> str:
    """The opening of the abstract in plain text, cut at a word boundary, with an ellipsis if cut."""
    return shorten(plain_text(text), limit)


@lru_cache(maxsize=20_000)
def excerpt_html(text: str, limit: int = 280) -> str:
    """The opening of the abstract as sanitized inline HTML, math rendered; never cut inside a formula."""
    text = " ".join(text.split())  # one paragraph
    text = shorten(text, limit, [m.span() for m in MATH_RE.finditer(text)])
    rendered = render(text)
    return rendered.removeprefix("<p>").removesuffix("</p>")
