"""Pagefind 1.5's files, as its indexer writes them: each a gzipped `pagefind_dcd` signature and content
(CBOR, or a fragment's JSON), named by its language and a prefix of the SHA-1 of that content.

Pagefind writes the hash one byte at a time with Rust's `{:x?}`, which drops a byte's leading zero: the
"hex" of a SHA-1 is 31 to 40 characters, and the names here are made the same way, so that a merged index
names each file as one run of Pagefind would.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import io
import os
import zlib
from pathlib import Path
from typing import Any

import cbor2

from generator.errors import PaperfeedError

SIGNATURE = b"pagefind_dcd"  # the start of every file's content, before its CBOR


class FormatError(PaperfeedError):
    """Pagefind's output is not in the format this module knows; the message says which file."""


# Pagefind's names are the language, "_" and 7 characters of the hash (10 for the metadata file); a name
# already taken in the same index grows, one character at a time for fragments, two for word and filter
# files (pagefind/src/index/mod.rs in 1.5).
SHORT = 7
META_SHORT = 10
FRAGMENT_STEP = 1
INDEX_STEP = 2


def shards(folder: Path) -> list[str]:
    """The shard folders of `folder`, in order; none when the documents are not sharded."""
    return sorted((entry.name for entry in os.scandir(folder) if entry.name.isdigit()), key=int)


def move(source: Path, target: Path) -> None:
    """Move a file to `target` (replacing it, as a rename does): a rename, or where the two are on
    different file systems (the bundles in memory, the site on disk), its bytes written anew and the
    source deleted. (shutil.move copies the file's times and mode too: four times as long.)"""
    try:
        os.rename(source, target)
    except OSError as err:
        if err.errno != errno.EXDEV:
            raise
        content = source.read_bytes()
        target.write_bytes(content)
        source.unlink()


def full_hash(content: bytes) -> str:
    """The SHA-1 of `content` as Pagefind spells it: each byte in hex without its leading zero."""
    return "".join(format(byte, "x") for byte in hashlib.sha1(content).digest())


def short_name(language: str, content_hash: str, taken: set[str] | dict[str, Any], step: int) -> str:
    """The name Pagefind gives a file of this hash: its shortest prefix not `taken` by a file before it."""
    full = f"{language}_{content_hash}"
    length = len(language) + 1 + SHORT
    while full[:length] in taken and length < len(full):
        length += step
    return full[:length]


def meta_name(language: str, content: bytes) -> str:
    """The metadata file's name (`pagefind.<name>.pf_meta`): the language and 10 characters of the hash."""
    return f"{language}_{full_hash(content)[:META_SHORT]}"


def read(path: Path) -> bytes:
    """A Pagefind file's content: decompressed, its signature checked and taken off."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FormatError(f"{path.name} is named in the index but missing") from None
    try:
        raw = gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as err:
        raise FormatError(f"{path.name} is not gzipped ({err})") from None
    if not raw.startswith(SIGNATURE):
        raise FormatError(f"{path.name} does not start with Pagefind's signature")
    return raw[len(SIGNATURE) :]


def decode(path: Path) -> Any:
    """A Pagefind file's CBOR content, as lists, integers and text."""
    content = read(path)
    stream = io.BytesIO(content)
    try:
        data = cbor2.CBORDecoder(stream).decode()
    except cbor2.CBORDecodeError as err:
        raise FormatError(f"{path.name} is not CBOR ({err})") from None
    if stream.tell() != len(content):
        raise FormatError(f"{path.name} has bytes after its CBOR item")
    return data


def encode(data: Any) -> bytes:
    """CBOR as Pagefind's encoder (minicbor) writes it: definite lengths, each integer in its fewest bytes."""
    return cbor2.dumps(data)


def write(path: Path, content: bytes, level: int = 9) -> None:
    """Write a Pagefind file: the signature and `content`, gzipped (no time in the header). zlib's
    compressor lets other threads run meanwhile (gzip.compress does not)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # 16: a gzip header
    path.write_bytes(compressor.compress(SIGNATURE + content) + compressor.flush())
