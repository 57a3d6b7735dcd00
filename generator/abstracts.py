"""Abstracts to safe HTML: Markdown, LaTeX math rendered to MathML at build time, then an nh3 allowlist.

Math is rendered here, not in the browser, so pages need no math library and make no third-party
request. The sanitizer runs last, over everything, so neither Markdown's raw HTML nor the math converter
can let markup through that the allowlist does not name.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from urllib.parse import urljoin

import markdown
import nh3
from latex2mathml.converter import convert as latex_to_mathml

# $$...$$ and \[...\] display math, then $...$ and \(...\) inline math (a $ must hug its content, so
# "costs $5 and $10" stays text).
MATH_RE = re.compile(
    r"\$\$(?P<d1>.+?)\$\$|\\\[(?P<d2>.+?)\\\]|(?<![\\$\w])\$(?=\S)(?P<i1>[^$\n]+?)(?<=\S)\$(?![\d$])|\\\((?P<i2>.+?)\\\)",
    re.DOTALL,
)
# Text-mode LaTeX that abstracts copied from arXiv often keep.
LATEX_TEXT = [
    (re.compile(r"\\(textbf|mathbf)\{([^{}]*)\}"), r"**\2**"),
    (re.compile(r"\\(emph|textit)\{([^{}]*)\}"), r"*\2*"),
    (re.compile(r"\\([%&#])"), r"\1"),
    (re.compile(r"``|''"), '"'),
]
# Private-use characters: Markdown keeps them as they are (it uses STX/ETX for its own placeholders), and
# one typed into an abstract could only repeat that abstract's own math, which is sanitized like the rest.
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


def _math(latex: str, display: bool, source: str) -> str:
    try:
        mathml = latex_to_mathml(latex.strip(), display="block" if display else "inline")
    except Exception:  # any LaTeX the converter cannot read stays visible, as written
        return html.escape(source)
    return str(mathml)


@lru_cache(maxsize=1)
def _markdown() -> markdown.Markdown:
    return markdown.Markdown(extensions=[], output_format="html")


@lru_cache(maxsize=20_000)  # pages and feeds render the same abstracts; a paper is rendered once per build
def render(text: str) -> str:
    """The abstract as sanitized HTML, math as MathML; links are http(s) only and open no referrer."""
    maths: list[str] = []

    def stash(match: re.Match[str]) -> str:
        display = match.group("d1") is not None or match.group("d2") is not None
        latex = next(g for g in match.group("d1", "d2", "i1", "i2") if g is not None)
        maths.append(_math(latex, display, match.group(0)))
        return PLACEHOLDER.format(len(maths) - 1)

    text = MATH_RE.sub(stash, text)
    for pattern, replacement in LATEX_TEXT:
        text = pattern.sub(replacement, text)
    md = _markdown()
    md.reset()
    body = md.convert(text)
    body = re.sub(
        "\ue000(\\d+)\ue001", lambda m: maths[int(m.group(1))] if int(m.group(1)) < len(maths) else "", body
    )
    return sanitize(body)


def sanitize(fragment: str, base: str | None = None) -> str:
    """Keep only the allowlisted tags and attributes, and only http(s) URLs; with `base`, every link is
    made absolute against it (for feeds, whose readers have no page to resolve a relative link against)."""

    # nh3 drops other schemes before this runs, and a relative URL resolved against an http(s) page stays
    # http(s).
    def resolve(_element: str, attribute: str, value: str) -> str:
        return urljoin(base, value) if base and attribute == "href" else value

    return nh3.clean(
        fragment,
        tags=HTML_TAGS | MATHML_TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=resolve if base else None,
        url_schemes={"http", "https"},
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )


def plain_text(text: str) -> str:
    """The abstract as one line of plain text (math as its LaTeX source), for excerpts and e-mail."""
    for pattern, replacement in LATEX_TEXT:
        text = pattern.sub(replacement, text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a Markdown link reads as its text
    text = re.sub(r"\*+|`+", "", text)
    return " ".join(text.split())


@lru_cache(maxsize=20_000)
def excerpt(text: str, limit: int = 280) -> str:
    """The opening of the abstract in plain text, cut at a word boundary, with an ellipsis if cut."""
    plain = plain_text(text)
    if len(plain) <= limit:
        return plain
    cut = plain.rfind(" ", 0, limit)
    return plain[: cut if cut > limit // 2 else limit].rstrip(" ,;:.") + "…"


@lru_cache(maxsize=20_000)
def excerpt_html(text: str, limit: int = 280) -> str:
    """The opening of the abstract as sanitized inline HTML, math rendered; never cut inside a formula."""
    text = " ".join(text.split())  # one paragraph
    if len(text) > limit:
        cut = text.rfind(" ", 0, limit)
        for match in MATH_RE.finditer(text):
            if match.start() < cut < match.end():
                cut = text.rfind(" ", 0, match.start())
        text = text[: cut if cut > 0 else limit].rstrip(" ,;:.") + "…"
    rendered = render(text)
    return rendered.removeprefix("<p>").removesuffix("</p>")
