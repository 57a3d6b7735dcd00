"""Built pages made small: the theme's indentation and line breaks taken out of every HTML page written.

Only whitespace that a browser ignores goes, outside `<pre>` and `<textarea>` (whose text is shown as
written): the spaces and blank lines after a line break, and a line break before a block's edge.
Entities, quotes and tags stay exactly as the templates wrote them, so text from the records stays
escaped as it was (a general minifier such as minify-html also unescapes what HTML allows raw, such as
`<script>` inside `<title>` or inside an attribute's value).
"""

from __future__ import annotations

import re

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
            out.append(_BLOCK_RE.sub("", _INDENT_RE.sub("\n", part)))
        elif kind == 1:
            out.append(part)
    return "".join(out).strip() + "\n"
