"""Pagefind's filter index, rewritten in a stable order, so that the same content gives the same bytes.

Pagefind 1.5 writes the values of each filter from a hash map, in an order that changes from run to run
(its fragment and word index files are stable). Each filter file is a gzipped `pagefind_dcd` header and a
CBOR array `[name, [[value, [page, ...]], ...]]`; this sorts the values, names the file after its new
content, and updates the two files that refer to it: the metadata file and `pagefind-entry.json`. A file
that is not of that shape stops the build, rather than being written half-understood.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

from generator.errors import PaperfeedError

SIGNATURE = b"pagefind_dcd"


class FormatError(PaperfeedError):
    """Pagefind's output is not in the format this module knows; the message says which file."""


def _head(data: bytes, pos: int) -> tuple[int, int, int]:
    """A CBOR item's major type, its argument (length or value), and where its content starts."""
    if pos >= len(data):
        raise FormatError("ends inside an item")
    major, info = data[pos] >> 5, data[pos] & 31
    if info < 24:
        return major, info, pos + 1
    size = {24: 1, 25: 2, 26: 4, 27: 8}.get(info)
    if size is None or pos + 1 + size > len(data):
        raise FormatError(f"has an item this module cannot read at byte {pos}")
    return major, int.from_bytes(data[pos + 1 : pos + 1 + size], "big"), pos + 1 + size


def _skip(data: bytes, pos: int) -> int:
    """Where the CBOR item at `pos` ends."""
    major, arg, pos = _head(data, pos)
    if major in (0, 1, 7):
        return pos
    if major in (2, 3):
        return pos + arg
    if major == 4:
        for _ in range(arg):
            pos = _skip(data, pos)
        return pos
    if major == 5:
        for _ in range(2 * arg):
            pos = _skip(data, pos)
        return pos
    raise FormatError(f"has a tagged item at byte {pos}")


def _text(data: bytes, pos: int) -> str:
    major, arg, start = _head(data, pos)
    if major != 3:
        raise FormatError(f"has no text at byte {pos}")
    return data[start : start + arg].decode("utf-8")


def sorted_filter(raw: bytes) -> bytes:
    """A filter file's decompressed content with its values in order of their text."""
    if not raw.startswith(SIGNATURE):
        raise FormatError("does not start with Pagefind's signature")
    pos = len(SIGNATURE)
    major, arg, pos = _head(raw, pos)
    if (major, arg) != (4, 2):
        raise FormatError("is not a [name, values] pair")
    pos = _skip(raw, pos)  # the filter's name
    major, count, values_start = _head(raw, pos)
    if major != 4:
        raise FormatError("has no list of values")
    items, pos = [], values_start
    for _ in range(count):
        end = _skip(raw, pos)
        item_major, item_len, inner = _head(raw, pos)
        if (item_major, item_len) != (4, 2):
            raise FormatError("has a value that is not a [text, pages] pair")
        items.append((_text(raw, inner), raw[pos:end]))
        pos = end
    if pos != len(raw):
        raise FormatError("has bytes after its values")
    return raw[:values_start] + b"".join(item for _, item in sorted(items))


def _compress(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def _rename(path: Path, data: bytes, digits: int) -> tuple[str, str]:
    """Write `data` under a name made of the old one's language prefix and the data's own hash."""
    old = path.name.split(".")[-2] if path.name.startswith("pagefind.") else path.stem
    language = old.rsplit("_", 1)[0]
    new = f"{language}_{hashlib.sha256(data).hexdigest()[:digits]}"
    target = path.with_name(path.name.replace(old, new))
    path.unlink()
    target.write_bytes(data)
    return old, new


def _replace_once(data: bytes, old: str, new: str, where: str) -> bytes:
    if data.count(old.encode()) != 1:
        raise FormatError(f"{where} does not name {old} exactly once")
    return data.replace(old.encode(), new.encode())


def stabilize(bundle: Path) -> None:
    """Rewrite the filter files of a Pagefind bundle folder in a stable order, and what names them."""
    entry_path = bundle / "pagefind-entry.json"
    text = entry_path.read_text(encoding="utf-8")
    entry = json.loads(text)
    for language in entry["languages"].values():
        meta_path = bundle / f"pagefind.{language['hash']}.pf_meta"
        meta = gzip.decompress(meta_path.read_bytes())
        for path in sorted((bundle / "filter").glob("*.pf_filter")):
            if not path.name.startswith(language["hash"].rsplit("_", 1)[0] + "_"):
                continue
            try:
                data = _compress(sorted_filter(gzip.decompress(path.read_bytes())))
            except (FormatError, OSError, EOFError) as err:
                raise FormatError(f"{path.name} {err}") from None
            old, new = _rename(path, data, len(path.stem.rsplit("_", 1)[1]))
            meta = _replace_once(meta, old, new, meta_path.name)
        digits = len(language["hash"].rsplit("_", 1)[1])
        old, new = _rename(meta_path, _compress(meta), digits)
        if text.count(f'"hash":"{old}"') != 1:
            raise FormatError(f"{entry_path.name} does not name {old} exactly once")
        text = text.replace(f'"hash":"{old}"', f'"hash":"{new}"')
    entry_path.write_text(text, encoding="utf-8")
