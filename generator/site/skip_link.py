"""The "Skip to content" link's target on a generated page: its first heading, given an id if it has none.

Material's link goes to the first entry of the page's table of contents, which a generated page (its body
is HTML, not Markdown headings) does not have: the plugin gives it one, this heading.
"""

from __future__ import annotations

import re

SKIP_TARGET = "pf-content"


def skip_target(body: str) -> tuple[str, str | None]:
    """The page with an id on its first heading, for a "Skip to content" link, and that id (the heading's
    own if it has one); None for a page without an h1."""
    start, own = _first_heading(body)
    if start < 0 or own:
        return body, own
    return f'{body[: start + 3]} id="{SKIP_TARGET}"{body[start + 3 :]}', SKIP_TARGET


def skip_anchor(text: str, start: int = 0) -> str | None:
    """The id skip_target gives the page text[start:], without making the page."""
    at, own = _first_heading(text, start)
    return None if at < 0 else own or SKIP_TARGET


def _first_heading(text: str, start: int = 0) -> tuple[int, str | None]:
    """Where the first h1 from `start` begins (-1: none), and its own id if it has one."""
    at = text.find("<h1", start)
    if at < 0 or text[at + 3 : at + 4] not in (">", " "):
        return -1, None
    found = re.search(r'\sid="([^"]+)"', text[at : text.index(">", at)])
    return at, found.group(1) if found else None
