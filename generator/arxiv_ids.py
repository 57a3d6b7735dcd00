"""arXiv identifiers: the shape of an id and the id without its version; standard library only, no I/O."""

from __future__ import annotations

import re

# New-style ids (YYMM.NNNNN, a real month) and old-style ones (hep-th/9901001), either with a version.
# `\Z`, not `$`: `$` also matches before a final newline, so `ARXIV_RE.match("2401.01234\n")` would pass.
ARXIV_RE = re.compile(
    r"^(?:[0-9]{2}(?:0[1-9]|1[0-2])\.[0-9]{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?/[0-9]{7})(?:v[1-9][0-9]*)?\Z"
)
_VERSION_RE = re.compile(r"v[0-9]+$")


def arxiv_base(arxiv: str) -> str:
    """The id without its version suffix: 2401.01234v2 -> 2401.01234."""
    return _VERSION_RE.sub("", arxiv)
