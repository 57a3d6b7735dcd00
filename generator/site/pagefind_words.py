"""The word index of several Pagefind bundles merged into one, as one run over all their pages writes it.

Each bundle's word index is a sorted run of chunk files, each a CBOR list `[[word, pages, variants], ...]`
in which `pages` is `[[page, positions, meta positions], ...]` with each page number the difference from
the one before it, and `variants` (a word's forms with diacritics) `[[form, pages], ...]`. The bundles'
words are streamed in order, one chunk of each at a time, so that memory does not grow with the feed: a
word of several bundles gets their pages one after another (each bundle's pages numbered after the
bundles before it), and the words are cut into chunks and named by Pagefind's own rules (pagefind/src/
index/mod.rs in 1.5): a chunk ends at the first word that brings its size, the count of every page's
positions and meta positions plus one, to CHUNK_SIZE.
"""

from __future__ import annotations

import heapq
import io
import itertools
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

import cbor2

from generator.site import pagefind_files as files
from generator.site.pagefind_order import FormatError

CHUNK_SIZE = 20_000  # Pagefind's default index_chunk_size
# zlib's level for the word index: 9 took four times as long at 10,000 papers, for 1% less
LEVEL = 6

_FIRST = itemgetter(0)
_POSITIONS = itemgetter(1)
_META_POSITIONS = itemgetter(2)


@dataclass(frozen=True)
class Shard:
    """A bundle's word index to merge: its chunk files in order, the number of its first page in the
    merged index, and the merged index's number of each of its meta fields (None: the same numbers)."""

    folder: Path
    chunks: Sequence[str]
    offset: int
    fields: Sequence[int] | None


@dataclass(frozen=True)
class _Pages:
    """A word's pages in one bundle: how many, the first one's number and the last one's (in the bundle),
    and their encoding after the first one's number, which the merged index keeps as it is."""

    count: int
    first: int
    last: int
    rest: bytes
    offset: int  # the bundle's first page in the merged index


@dataclass(frozen=True)
class _Word:
    word: str
    pages: list[_Pages]  # one for each bundle that has the word, in order
    variants: list[tuple[str, list[tuple[list[Any], int]]]]  # [(form, [(pages, offset)])]: rare, decoded
    size: int


def head(major: int, value: int) -> bytes:
    """A CBOR item's head, in its fewest bytes: its major type and its length or value."""
    if value < 24:
        return bytes([major << 5 | value])
    for info, width in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * width):
            return bytes([major << 5 | info]) + value.to_bytes(width, "big")
    raise ValueError(f"{value} does not fit a CBOR head")


def _size(pages: list[Any]) -> int:
    """What a word's pages count towards its chunk's size, by Pagefind's rule."""
    if pages and not min(map(len, pages)) == max(map(len, pages)) == 3:
        raise TypeError("a page that is not [page, positions, meta positions]")
    return sum(map(len, map(_POSITIONS, pages))) + sum(map(len, map(_META_POSITIONS, pages))) + len(pages)


def _renumber_fields(pages: list[Any], fields: Sequence[int]) -> None:
    # Meta positions are field markers (-1 - the field's number) each followed by positions.
    for page in pages:
        page[2] = [-1 - fields[-1 - n] if n < 0 else n for n in page[2]]


def _pages(encoded: bytes, pages: list[Any], offset: int) -> _Pages:
    """A word's pages in a bundle, from their encoding there."""
    if not pages:
        return _Pages(0, 0, 0, b"", offset)
    first = pages[0][0]
    start = head(4, len(pages)) + b"\x83" + head(0, first)
    if not encoded.startswith(start):
        raise ValueError("pages not encoded as Pagefind encodes them")
    return _Pages(len(pages), first, sum(map(_FIRST, pages)), encoded[len(start) :], offset)


def _words(shard: Shard) -> Iterator[_Word]:
    """A bundle's words in order, one chunk file read at a time, each word's pages kept as encoded."""
    before = ""
    for name in shard.chunks:
        path = shard.folder / "index" / f"{name}.pf_index"
        content = files.read(path)
        stream = io.BytesIO(content)
        decoder = cbor2.CBORDecoder(stream)
        try:
            if stream.read(2)[:1] != b"\x81" or content[1] >> 5 != 4:
                raise ValueError("not a [words] list")
            count = _count(stream, content[1] & 31)
            for _ in range(count):
                start = stream.tell()
                word, pages, variants = decoder.decode()
                entry = content[start : stream.tell()]
                if not (isinstance(word, str) and word > before):
                    raise ValueError("a word out of order")
                before = word
                size = _size(pages)
                for _, vpages in variants:
                    _size(vpages)
                after = files.encode(variants)
                pages_at = 1 + len(files.encode(word))
                if not (entry[0] == 0x83 and entry.endswith(after)):
                    raise ValueError("a word not encoded as Pagefind encodes it")
                encoded = entry[pages_at : len(entry) - len(after)]
                if shard.fields is not None:
                    for some in [pages, *(vpages for _, vpages in variants)]:
                        _renumber_fields(some, shard.fields)
                    encoded = files.encode(pages)
                forms = [(form, [(vpages, shard.offset)]) for form, vpages in variants]
                yield _Word(word, [_pages(encoded, pages, shard.offset)], forms, size)
            if stream.tell() != len(content):
                raise ValueError("bytes after the words")
        except (TypeError, ValueError, IndexError, cbor2.CBORDecodeError) as err:
            raise FormatError(f"{path.name} has a word of another shape: {err}") from None


def _count(stream: io.BytesIO, info: int) -> int:
    """The length of the array whose head's first byte had `info`, its other bytes read from `stream`."""
    if info < 24:
        return info
    width = {24: 1, 25: 2, 26: 4, 27: 8}.get(info)
    if width is None:
        raise ValueError("an array of unknown length")
    return int.from_bytes(stream.read(width), "big")


def _joined(lists: Iterable[tuple[list[Any], int]]) -> list[Any]:
    """One decoded list of pages from each bundle's, the differences renumbered where bundles meet."""
    joined: list[Any] = []
    last = 0  # the number of the last page so far, in the merged index
    for pages, offset in lists:
        if not pages:
            continue
        end = offset + sum(map(_FIRST, pages))  # the bundle's first difference is from its page 0
        pages[0][0] += offset - last
        last = end
        joined.extend(pages)
    return joined


def _encoded(group: list[_Word]) -> bytes:
    """A word's entry in the merged index, from its entry in each bundle: each bundle's pages as they
    were encoded, but for the first one's number, now the difference from the last page before it."""
    parts = [b"\x83", files.encode(group[0].word), head(4, sum(p.count for w in group for p in w.pages))]
    last = 0
    for pages in (p for w in group for p in w.pages if p.count):
        parts += [b"\x83", head(0, pages.offset + pages.first - last), pages.rest]
        last = pages.offset + pages.last
    variants: dict[str, list[tuple[list[Any], int]]] = {}
    for word in group:
        for form, lists in word.variants:
            variants.setdefault(form, []).extend(lists)  # in order of first use, as Pagefind adds them
    parts.append(files.encode([[form, _joined(lists)] for form, lists in variants.items()]))
    return b"".join(parts)


def merged_chunks(shards: Sequence[Shard], chunk_size: int = CHUNK_SIZE) -> Iterator[tuple[list[str], bytes]]:
    """The merged index's chunks in order: each one's words, and its content as Pagefind encodes it."""
    streams = [_words(shard) for shard in shards]
    words: list[str] = []
    entries: list[bytes] = []
    size = 0
    for word, same in itertools.groupby(heapq.merge(*streams, key=lambda w: w.word), key=lambda w: w.word):
        group = list(same)
        size += sum(w.size for w in group)
        words.append(word)
        entries.append(_encoded(group))
        if size >= chunk_size:
            yield words, b"\x81" + head(4, len(words)) + b"".join(entries)
            words, entries, size = [], [], 0
    if words:
        yield words, b"\x81" + head(4, len(words)) + b"".join(entries)


def _prefixes(a: str, b: str) -> tuple[str, str]:
    """The shortest prefixes that tell the last word of a chunk from the first of the next."""
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return a[: common + 1], b[: common + 1]


def write_index(shards: Sequence[Shard], folder: Path, language: str) -> list[list[str]]:
    """Write the merged word index into `folder`; the metadata's list of chunks, `[from, to, name]`."""
    folder.mkdir(parents=True, exist_ok=True)
    ranges: list[list[str]] = []
    names: set[str] = set()
    # Each chunk is compressed and written by another thread, on the other core, while this one merges
    # the next: at the end of a build, the merge is all that runs.
    with ThreadPoolExecutor(max_workers=1) as writer:
        writes = []
        for words, content in merged_chunks(shards):
            name = files.short_name(language, files.full_hash(content), names, files.INDEX_STEP)
            names.add(name)
            writes.append(writer.submit(files.write, folder / f"{name}.pf_index", content, LEVEL))
            ranges.append([words[0], words[-1], name])
        for write in writes:
            write.result()  # raises what the write raised
    # Each range ends and the next starts with the shortest prefixes that tell them apart; a range's end
    # is left whole where its prefix would sort before the range's start.
    for this, following in itertools.pairwise(ranges):
        end, start = _prefixes(this[1], following[0])
        if end >= this[0]:
            this[1] = end
        following[0] = start
    return ranges
