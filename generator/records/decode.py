"""Reading a file of content/ as text: bounded in size, UTF-8, LF line ends, no forbidden character."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from generator.records.chars import char_name, forbidden_char
from generator.records.problems import FileProblems

FILE_MAX_BYTES = 256 * 1024
BOM = b"\xef\xbb\xbf"


def decode(path: Path, problems: FileProblems, hint: str, field_of: Callable[[str, int], str]) -> str | None:
    """The file's text with LF line ends; report why when it is not a readable UTF-8 text.

    `hint` says what the file should hold (if it is empty); `field_of(text, line)` names a line's field.
    """
    try:
        with path.open("rb") as stream:
            raw = stream.read(FILE_MAX_BYTES + 1)  # no more, whatever the file's size
            size = os.fstat(stream.fileno()).st_size if len(raw) > FILE_MAX_BYTES else len(raw)
    except OSError as err:
        problems.add(line=1, field="file", message=f"cannot be read ({err.strerror})")
        return None
    if size > FILE_MAX_BYTES:
        problems.add(
            line=1, field="file", message=f"is {size} bytes; a file here is at most {FILE_MAX_BYTES} bytes"
        )
        return None
    had_bom = raw.startswith(BOM)
    raw = raw.removeprefix(BOM)
    if not raw.strip():
        what = "holds only a byte-order mark" if had_bom else "is empty"
        problems.add(line=1, field="file", message=f"{what}; {hint}")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        message = f"is not UTF-8 (byte 0x{raw[err.start]:02x}); save the file with UTF-8 encoding"
        problems.add(line=line, field="file", message=message)
        return None
    text = text.replace("\r\n", "\n")
    bad = forbidden_char(text)
    if bad:
        line = text.count("\n", 0, bad[0]) + 1
        if bad[1] == "\r":
            message = "ends a line with a lone carriage return (CR); save the file with LF line ends"
            problems.add(line=line, field="file", message=message)
        else:
            problems.add(
                line=line, field=field_of(text, line), message=f"contains {char_name(bad[1])}; delete it"
            )
        return None
    return text
