"""The characters no text may hold: how a problem names each kind, at the edges of its range, and the fast
search's first find when forbidden characters of both planes are in one text."""

from __future__ import annotations

import pytest

from generator.records.chars import char_name, forbidden_char


@pytest.mark.parametrize(
    ("code", "name"),
    [
        (0x2028, "a line or paragraph separator (U+2028)"),
        (0x2029, "a line or paragraph separator (U+2029)"),
        (0x202A, "a bidirectional control (U+202A)"),
        (0x202B, "a bidirectional control (U+202B)"),
        (0x2066, "a bidirectional control (U+2066)"),
        (0x2069, "a bidirectional control (U+2069)"),
        (0xD800, "a lone surrogate (U+D800), which is not a character"),
        (0xD801, "a lone surrogate (U+D801), which is not a character"),
        (0xDFFF, "a lone surrogate (U+DFFF), which is not a character"),
        (0xFDD0, "a Unicode noncharacter (U+FDD0), which XML feeds cannot carry"),
        (0x1FFFE, "a Unicode noncharacter (U+1FFFE), which XML feeds cannot carry"),
        (0x85, "a control character (U+0085)"),
    ],
)
def test_each_kind_of_forbidden_character_is_named(code: int, name: str) -> None:
    assert char_name(chr(code)) == name


def test_the_first_forbidden_character_is_found_whichever_plane_it_is_in() -> None:
    assert forbidden_char("a\x07b \U0001fffe") == (1, "\x07")
    assert forbidden_char("é \U0001fffe then \x07") == (2, "\U0001fffe")
    assert forbidden_char("\U0010ffff first") == (0, "\U0010ffff")
