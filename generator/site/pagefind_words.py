"""The word index of several Pagefind bundles merged into one, its pages renumbered in the merged order.

Each bundle's word index is a sorted run of chunk files, each a CBOR list `[[word, pages, variants], ...]`
in which `pages` is `[[page, positions, meta positions], ...]` with each page number the difference from
the one before it, and `variants` (a word's forms with diacritics) `[[form, pages], ...]`. The bundles'
words are streamed in order, one chunk of each at a time, so that memory does not grow with the feed: a
word's pages, from every bundle that has it, are given their numbers in the merged index and put in that
order, and the words are cut into chunks and named by Pagefind's own rules (pagefind/src/index/mod.rs in
1.5): a chunk ends at the first word that brings its size, the count of every page's positions and meta
positions plus one, to CHUNK_SIZE (and where the two halves that are merged at once meet: see SPLIT).
"""

from __future__ import annotations

import heapq
import itertools
import operator
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

from generator import forked
from generator.site import pagefind_files as files
from generator.site.pagefind_files import FormatError

CHUNK_SIZE = 20_000  # Pagefind's default index_chunk_size
# zlib's level for the word index: 9 took four times as long at 10,000 papers, for 1% less
LEVEL = 6

_FIRST = itemgetter(0)
_POSITIONS = itemgetter(1)
_META_POSITIONS = itemgetter(2)


# The word index is merged in two halves at once, one on each core: the words before SPLIT in this process,
# the others in a forked child (generator/forked.py). A chunk ends where the halves meet.
SPLIT = "m"


@dataclass(frozen=True)
class Shard:
    """A bundle's word index to merge: its chunks in order (`[from, to, name]`, as its metadata lists them),
    the merged index's number of each of its pages, and the merged index's number of each of its meta
    fields (None: the same numbers)."""

    folder: Path
    chunks: Sequence[Sequence[str]]
    numbers: Sequence[int]
    fields: Sequence[int] | None


@dataclass(frozen=True)
class _Pages:
    """A word's pages in one bundle, as decoded, and each one's number in the merged index."""

    pages: list[Any]
    numbers: list[int]


@dataclass(frozen=True)
class _Word:
    word: str
    pages: _Pages
    variants: list[tuple[str, _Pages]]  # a word's forms with diacritics, and their pages: rare
    size: int


def head(major: int, value: int) -> bytes:
    """A CBOR item's head, in its fewest bytes: its major type and its length or value."""
    if value < 24:
        return bytes([major << 5 | value])
    for info, width in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * width):
            return bytes([major << 5 | info]) + value.to_bytes(width, "big")
    raise ValueError(f"{value} does not fit a CBOR head")


# The encodings of the integers that positions and page numbers take, and of the lengths of lists, made
# once: a word's pages are encoded with lookups in C rather than with cbor2, whose encoder took three
# times as long. Anything past these tables is encoded by cbor2.
_INTEGERS = {**{n: head(0, n) for n in range(1 << 16)}, **{-1 - n: head(1, n) for n in range(1 << 8)}}
_ARRAYS = [head(4, n) for n in range(1 << 16)]


def _size(pages: list[Any]) -> int:
    """What a word's pages count towards its chunk's size, by Pagefind's rule."""
    return sum(map(len, map(_POSITIONS, pages))) + sum(map(len, map(_META_POSITIONS, pages))) + len(pages)


def _renumber_fields(pages: list[Any], fields: Sequence[int]) -> None:
    # Meta positions are field markers (-1 - the field's number) each followed by positions.
    for page in pages:
        page[2] = [-1 - fields[-1 - n] if n < 0 else n for n in page[2]]


def _pages(pages: list[Any], shard: Shard) -> _Pages:
    """A word's pages in a bundle, each page's number there (the sum of the differences up to it) looked up
    in the merged index."""
    if shard.fields is not None:
        _renumber_fields(pages, shard.fields)
    return _Pages(pages, list(map(shard.numbers.__getitem__, itertools.accumulate(map(_FIRST, pages)))))


def _words(shard: Shard, low: str, high: str | None) -> Iterator[_Word]:
    """A bundle's words from `low` up to `high` (None: to the last) in order, one chunk file read at a
    time (and only those that may hold such words: a chunk's first and last words begin with its `from`
    and `to`)."""
    before = ""
    for start, end, name in shard.chunks:
        if high is not None and start >= high:
            break
        if end < low and not low.startswith(end):
            continue
        path = shard.folder / "index" / f"{name}.pf_index"
        try:
            (words,) = files.decode(path)
            for word, pages, variants in words:
                if not (isinstance(word, str) and word > before):
                    raise ValueError("a word out of order")
                before = word
                if word < low or (high is not None and word >= high):
                    continue
                # (A page of another shape stops the merge where the word is encoded: merged_chunks.)
                forms = [(form, _pages(vpages, shard)) for form, vpages in variants]
                yield _Word(word, _pages(pages, shard), forms, _size(pages))
        except (TypeError, ValueError, IndexError) as err:
            raise FormatError(f"{path.name} has a word of another shape: {err}") from None


def _encoded_pages(lists: Iterable[_Pages]) -> bytes:
    """Pages of one or more bundles as the merged index's list: in order of their numbers there, each
    number the difference from the one before it."""
    rows: list[tuple[int, list[Any]]] = []
    for some in lists:
        rows += zip(some.numbers, some.pages, strict=True)
    rows.sort(key=_FIRST)  # no two pages have the same number
    integer, arrays, join = _INTEGERS.__getitem__, _ARRAYS, b"".join
    try:
        parts = [arrays[len(rows)]]
        add = parts.extend
        last = 0
        for number, (_, positions, meta_positions) in rows:  # 1.6 million pages of words at 10,000 papers
            add(
                (
                    b"\x83",
                    integer(number - last),
                    arrays[len(positions)],
                    join(map(integer, positions)),
                    arrays[len(meta_positions)],
                    join(map(integer, meta_positions)),
                )
            )
            last = number
        return join(parts)
    except (KeyError, IndexError):  # a number past the tables, or not a number
        numbers = [number for number, _ in rows]
        differences = map(operator.sub, numbers, itertools.chain([0], numbers))
        pages = [[d, page[1], page[2]] for d, (_, page) in zip(differences, rows, strict=True)]
        if not all(isinstance(n, int) for _, *lists in pages for some in lists for n in some):
            raise FormatError("a word's positions are not all integers") from None
        return files.encode(pages)


def _encoded(group: list[_Word]) -> bytes:
    """A word's entry in the merged index, from its entry in each bundle that has it."""
    variants: dict[str, list[_Pages]] = {}
    for word in group:
        for form, pages in word.variants:
            variants.setdefault(form, []).append(pages)  # in order of first use, as Pagefind adds them
    forms = [b"\x82" + files.encode(form) + _encoded_pages(lists) for form, lists in variants.items()]
    return b"".join(
        [
            b"\x83",
            files.encode(group[0].word),
            _encoded_pages(w.pages for w in group),
            head(4, len(forms)),
            *forms,
        ]
    )


def merged_chunks(
    shards: Sequence[Shard], low: str = "", high: str | None = None, chunk_size: int = CHUNK_SIZE
) -> Iterator[tuple[list[str], bytes]]:
    """The merged index's chunks of the words from `low` up to `high` (None: to the last), in order: each
    one's words, and its content as Pagefind encodes it."""
    streams = [_words(shard, low, high) for shard in shards]
    words: list[str] = []
    entries: list[bytes] = []
    size = 0
    for word, same in itertools.groupby(heapq.merge(*streams, key=lambda w: w.word), key=lambda w: w.word):
        group = list(same)
        size += sum(w.size for w in group)
        words.append(word)
        try:
            entries.append(_encoded(group))
        except (TypeError, ValueError) as err:  # a page that is not [page, positions, meta positions]
            raise FormatError(f"the word index has a word of another shape ({word!r}): {err}") from None
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


def _write_chunks(shards: Sequence[Shard], folder: Path, low: str, high: str | None) -> list[list[str]]:
    """Write the merged chunks of the words from `low` up to `high` into `folder`, each named by the hash
    of its content alone (write_index names them); each one's first and last words and that hash."""
    chunks: list[list[str]] = []
    # Each chunk is compressed and written by another thread while this one merges the next.
    with ThreadPoolExecutor(max_workers=1) as writer:
        writes = []
        for words, content in merged_chunks(shards, low, high):
            full = files.full_hash(content)
            writes.append(writer.submit(files.write, folder / full, content, LEVEL))
            chunks.append([words[0], words[-1], full])
        for write in writes:
            write.result()  # raises what the write raised
    return chunks


def write_index(shards: Sequence[Shard], folder: Path, language: str) -> list[list[str]]:
    """Write the merged word index into `folder`; the metadata's list of chunks, `[from, to, name]`."""
    folder.mkdir(parents=True, exist_ok=True)
    upper, lower = forked.split(
        lambda: _write_chunks(shards, folder, SPLIT, None), lambda: _write_chunks(shards, folder, "", SPLIT)
    )
    ranges: list[list[str]] = []
    names: set[str] = set()
    for first, last, full in lower + upper:  # named in order, as Pagefind names them
        name = files.short_name(language, full, names, files.INDEX_STEP)
        names.add(name)
        os.replace(folder / full, folder / f"{name}.pf_index")
        ranges.append([first, last, name])
    # Each range ends and the next starts with the shortest prefixes that tell them apart; a range's end
    # is left whole where its prefix would sort before the range's start.
    for this, following in itertools.pairwise(ranges):
        end, start = _prefixes(this[1], following[0])
        if end >= this[0]:
            this[1] = end
        following[0] = start
    return ranges
