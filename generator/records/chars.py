"""The characters no text of the feed may hold, and the one-line rule for text printed as it is."""

from __future__ import annotations

import re

# C0 and C1 controls (tab and newline are fine); the bidirectional embeddings, overrides and isolates
# that can make text read differently from what it is (CVE-2021-42574); the line and paragraph separators,
# which end a line in JavaScript and some readers but not in YAML; and what XML 1.0 cannot carry or
# Unicode keeps out of text: surrogates (only a YAML escape can make one), U+FFFE, U+FFFF and the other
# noncharacters. A feed or page holding one of these is not valid XML, so no build may meet one.
_BMP_FORBIDDEN = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
)
_ASTRAL_NONCHARACTERS = "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17)
)
FORBIDDEN_CHAR_RE = re.compile(f"[{_BMP_FORBIDDEN}{_ASTRAL_NONCHARACTERS}]")
# The same rule, fast: a character class of 32 scattered astral characters costs Python's regex engine ten
# times a plain range, so check finds astral characters by range and tests each one.
_ASCII_FORBIDDEN_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_BMP_FORBIDDEN_RE = re.compile(f"[{_BMP_FORBIDDEN}]")
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")
# What may not reach one line of output as it is (a problem line, a mail header): the forbidden characters,
# and tab and newline too, which break the line or hide what it says.
UNPRINTABLE_RE = re.compile(f"[\\x00-\\x1f]|{FORBIDDEN_CHAR_RE.pattern}")


def forbidden_char(text: str) -> tuple[int, str] | None:
    """The first character of `text` that FORBIDDEN_CHAR_RE names, with its index; None if there is none."""
    if text.isascii():
        match = _ASCII_FORBIDDEN_RE.search(text)
        return (match.start(), match.group()) if match else None
    match = _BMP_FORBIDDEN_RE.search(text)
    end = match.start() if match else len(text)
    for astral in _ASTRAL_RE.finditer(text, 0, end):
        if ord(astral.group()) & 0xFFFE == 0xFFFE:
            return astral.start(), astral.group()
    return (match.start(), match.group()) if match else None


def escape_unprintable(text: str) -> str:
    """`text` with each character of UNPRINTABLE_RE written as its Python escape (`\\n`, `\\u202e`)."""
    if not UNPRINTABLE_RE.search(text):
        return text
    return UNPRINTABLE_RE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def char_name(char: str) -> str:
    """What a forbidden character is, as a problem line names it: `a bidirectional control (U+202E)`."""
    code = ord(char)
    if 0x2028 <= code <= 0x2029:
        kind = "a line or paragraph separator"
    elif 0x202A <= code <= 0x2069:
        kind = "a bidirectional control"
    elif 0xD800 <= code <= 0xDFFF:
        return f"a lone surrogate (U+{code:04X}), which is not a character"
    elif code >= 0xFDD0:
        return f"a Unicode noncharacter (U+{code:04X}), which XML feeds cannot carry"
    else:
        kind = "a control character"
    return f"{kind} (U+{code:04X})"
