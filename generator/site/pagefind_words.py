"""The word index of several Pagefind bundles merged into one, in two steps: each bundle's words are
`prepare`d, renumbered in the bundle's own order of pages and encoded as the merged index encodes them (the
index's chain does this for each bundle beside Pagefind's run over the next), and `write_index` then joins
the bundles' prepared words, word by word, into the merged index's chunks.

Each bundle's word index is a sorted run of chunk files, each a CBOR list `[[word, pages, variants], ...]`
in which `pages` is `[[page, positions, meta positions], ...]` with each page number the difference from
the one before it, and `variants` (a word's forms with diacritics) `[[form, pages], ...]`. In the merged
index every page of a bundle comes after those of the bundle before it (pagefind_merge.py), so a word's
pages there are each bundle's, one bundle after another: of each bundle's, only the first page's
difference, from the last page of the bundle before, is written when they are joined. The words are cut
into chunks and named by Pagefind's own rules (pagefind/src/index/mod.rs in 1.5): a chunk ends at the first
word that brings its size, the count of every page's positions and meta positions plus one, to CHUNK_SIZE
(and where the two halves that are joined at once meet: see SPLIT).
"""

from __future__ import annotations

import heapq
import io
import itertools
import operator
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

import cbor2

from generator import forked
from generator.site import pagefind_files as files
from generator.site.pagefind_files import FormatError

CHUNK_SIZE = 20_000  # Pagefind's default index_chunk_size
# zlib's level for the word index: 9 took four times as long at 10,000 papers, for 1% less
LEVEL = 6

_FIRST = itemgetter(0)
_POSITIONS = itemgetter(1)
_META_POSITIONS = itemgetter(2)

# The words are prepared and joined in two halves, one on each core: the words before SPLIT in this
# process, the others in a forked child (generator/forked.py). A chunk ends where the halves meet.
SPLIT = "m"
HALVES = (("", SPLIT), (SPLIT, None))  # each half's words: from the first up to the second (None: the end)

# A word's pages in one bundle, prepared: how many, the first one's number and the last one's in the
# bundle's order, and the bytes of the entries after the first one's number (its positions and meta
# positions, then the others' entries, each number the difference from the one before).
Part = tuple[int, int, int, bytes]
# A word of a bundle, prepared: the word, its size towards its chunk's, its pages, its variants' forms
# and pages.
Prepared = tuple[str, int, Part, tuple[tuple[str, Part], ...]]
# A bundle's prepared words of a half, and the merged index's number of the bundle's first page.
Source = tuple[int, Sequence[Prepared]]


@dataclass(frozen=True)
class Shard:
    """A bundle's word index to prepare: its chunks in order (`[from, to, name]`, as its metadata lists
    them), the number of each of its pages in the bundle's order, and the merged index's number of each of
    its meta fields (None: the same numbers)."""

    folder: Path
    chunks: Sequence[Sequence[str]]
    numbers: Sequence[int]
    fields: Sequence[int] | None


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
# times as long. A word with anything past these tables (a position in a long page) is encoded by cbor2.
# (Tables to 65,536 took each process 0.1 s to make.)
_INTEGERS = {**{n: head(0, n) for n in range(1 << 12)}, **{-1 - n: head(1, n) for n in range(1 << 8)}}
_ARRAYS = [head(4, n) for n in range(1 << 12)]


def _size(pages: list[Any]) -> int:
    """What a word's pages count towards its chunk's size, by Pagefind's rule."""
    return sum(map(len, map(_POSITIONS, pages))) + sum(map(len, map(_META_POSITIONS, pages))) + len(pages)


def _renumber_fields(pages: list[Any], fields: Sequence[int]) -> None:
    # Meta positions are field markers (-1 - the field's number) each followed by positions.
    for page in pages:
        page[2] = [-1 - fields[-1 - n] if n < 0 else n for n in page[2]]


def _any_integer(value: object) -> bytes:
    if type(value) is not int:
        raise FormatError("a word's positions are not all integers")
    return files.encode(value)


def _any_array(length: int) -> bytes:
    return head(4, length)


def _encoded(
    rows: list[tuple[int, list[Any]]], integer: Callable[[Any], bytes], array: Callable[[int], bytes]
) -> Part:
    """A word's pages, `(number in the bundle's order, page)` in that order, encoded by these encoders of
    integers and of lists' heads."""
    join = b"".join
    parts: list[bytes] = []
    add = parts.extend
    last = 0
    for number, (_, positions, meta_positions) in rows:  # 1.6 million at 10,000 papers
        add(
            (
                b"\x83",
                integer(number - last),
                array(len(positions)),
                join(map(integer, positions)),
                array(len(meta_positions)),
                join(map(integer, meta_positions)),
            )
        )
        last = number
    first = rows[0][0]
    return len(rows), first, last, join(parts)[1 + len(integer(first)) :]  # (b"\x83" and its number)


def part(pages: list[Any], numbers: Iterable[int]) -> Part:
    """A word's pages in a bundle (as decoded), each page's number in the bundle's order given: in that
    order, encoded."""
    rows = sorted(zip(numbers, pages, strict=True), key=_FIRST)  # no two pages have the same number
    if not rows:
        return 0, 0, 0, b""
    try:
        return _encoded(rows, _INTEGERS.__getitem__, _ARRAYS.__getitem__)
    except (KeyError, IndexError):  # a number past the tables, or not a number
        return _encoded(rows, _any_integer, _any_array)


def _array_head(data: bytes, at: int) -> tuple[int, int]:
    """The length of the CBOR list whose head is at `at`, and where its first item starts."""
    first = data[at]
    if first >> 5 != 4:
        raise ValueError("not a list")
    info = first & 31
    if info < 24:
        return info, at + 1
    width = 1 << (info - 24) if info < 28 else 0
    if not width:
        raise ValueError("a list of no definite length")
    return int.from_bytes(data[at + 1 : at + 1 + width], "big"), at + 1 + width


def _entries(content: bytes) -> Iterator[tuple[Any, bytes]]:
    """A chunk's words, `[[entry, ...]]`: each entry decoded, and its bytes."""
    if content[:1] != b"\x81":
        raise ValueError("not a list of one list")
    count, at = _array_head(content, 1)
    stream = io.BytesIO(content)
    stream.seek(at)
    decoder = cbor2.CBORDecoder(stream)
    for _ in range(count):
        start = stream.tell()
        try:
            entry = decoder.decode()
        except cbor2.CBORDecodeError as err:
            raise ValueError(f"not CBOR ({err})") from None
        yield entry, content[start : stream.tell()]
    if stream.tell() != len(content):
        raise ValueError("bytes after its words")


def _as_written(word: str, pages: list[Any], entry: bytes) -> Part | None:
    """A word's pages where the bundle's order is Pagefind's own: its bytes as Pagefind wrote them, but
    for the first page's number (None: not written as the merged index writes them, to be encoded anew)."""
    if not pages:
        return 0, 0, 0, b""
    first = pages[0][0]
    lead = b"".join((b"\x83", files.encode(word), head(4, len(pages)), b"\x83", head(0, first)))
    if not (entry.startswith(lead) and entry.endswith(b"\x80")):  # (b"\x80": no variants)
        return None
    return len(pages), first, sum(map(_FIRST, pages)), entry[len(lead) : -1]


def prepare(shard: Shard, low: str = "", high: str | None = None) -> list[Prepared]:
    """A bundle's words from `low` up to `high` (None: to the last), in order, prepared; one chunk file
    read at a time (and only those that may hold such words: a chunk's first and last words begin with
    its `from` and `to`). Where the bundle's order of its pages is Pagefind's own and its meta fields are
    the merged index's, a word's pages are taken as Pagefind wrote them (the documents are written in
    that order: site/search_documents.py), and otherwise renumbered and encoded anew."""
    prepared: list[Prepared] = []
    number = shard.numbers.__getitem__
    as_written = shard.fields is None and all(map(operator.eq, shard.numbers, itertools.count()))
    before = ""
    for start, end, name in shard.chunks:
        if high is not None and start >= high:
            break
        if end < low and not low.startswith(end):
            continue
        path = shard.folder / "index" / f"{name}.pf_index"
        try:
            for (word, pages, variants), entry in _entries(files.read(path)):
                if not (isinstance(word, str) and word > before):
                    raise ValueError("a word out of order")
                before = word
                if word < low or (high is not None and word >= high):
                    continue
                if set(map(len, pages)) - {3}:
                    raise ValueError("a page that is not [page, positions, meta positions]")
                size = _size(pages)
                written = _as_written(word, pages, entry) if as_written and not variants else None
                if written is not None:
                    prepared.append((word, size, written, ()))
                    continue
                forms = []
                for form, some in [("", pages), *variants]:
                    if shard.fields is not None:
                        _renumber_fields(some, shard.fields)
                    forms.append((form, part(some, map(number, itertools.accumulate(map(_FIRST, some))))))
                prepared.append((word, size, forms[0][1], tuple(forms[1:])))
        except (TypeError, ValueError, IndexError) as err:
            raise FormatError(f"{path.name} has a word of another shape: {err}") from None
    return prepared


def _integer(value: int) -> bytes:
    return _INTEGERS.get(value) or head(0, value)


def _joined(parts: Iterable[tuple[int, Part]]) -> bytes:
    """A word's pages in the merged index: its prepared pages in each bundle that has it, in order of
    the bundles, each given with the merged index's number of its bundle's first page."""
    entries: list[bytes] = []
    count = last = 0
    for offset, (many, first, final, rest) in parts:
        if many:
            entries += (b"\x83", _integer(offset + first - last), rest)
            count += many
            last = offset + final
    return head(4, count) + b"".join(entries)


def _entry(word: str, group: list[tuple[int, Prepared]]) -> bytes:
    """A word's entry in the merged index, from its prepared entry in each bundle that has it."""
    variants: dict[str, list[tuple[int, Part]]] = {}
    for offset, (_, _, _, forms) in group:
        for form, some in forms:  # in order of first use, as Pagefind adds them
            variants.setdefault(form, []).append((offset, some))
    encoded = [b"\x82" + files.encode(form) + _joined(parts) for form, parts in variants.items()]
    pages = _joined((offset, prepared[2]) for offset, prepared in group)
    return b"".join([b"\x83", files.encode(word), pages, head(4, len(encoded)), *encoded])


def merged_chunks(
    sources: Sequence[Source], chunk_size: int = CHUNK_SIZE
) -> Iterator[tuple[list[str], bytes]]:
    """The merged index's chunks of the bundles' prepared words, in order: each one's words, and its
    content as Pagefind encodes it."""
    streams = [zip(map(_FIRST, words), itertools.repeat(offset), words) for offset, words in sources]
    words: list[str] = []
    entries: list[bytes] = []
    size = 0
    for word, same in itertools.groupby(heapq.merge(*streams), key=_FIRST):
        group = [(offset, prepared) for _, offset, prepared in same]
        size += sum(prepared[1] for _, prepared in group)
        words.append(word)
        entries.append(_entry(word, group))
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


def _write_chunks(sources: Sequence[Source], folder: Path) -> list[list[str]]:
    """Write the merged chunks of the prepared words into `folder`, each named by the hash of its content
    alone (write_index names them); each one's first and last words and that hash."""
    chunks: list[list[str]] = []
    # Each chunk is compressed and written by another thread while this one joins the next.
    with ThreadPoolExecutor(max_workers=1) as writer:
        writes = []
        for words, content in merged_chunks(sources):
            full = files.full_hash(content)
            writes.append(writer.submit(files.write, folder / full, content, LEVEL))
            chunks.append([words[0], words[-1], full])
        for write in writes:
            write.result()  # raises what the write raised
    return chunks


def write_index(
    half: Callable[[str, str | None], Sequence[Source]], folder: Path, language: str
) -> list[list[str]]:
    """Write the merged word index into `folder`, from each half's prepared words (`half(low, high)`,
    HALVES); the metadata's list of chunks, `[from, to, name]`."""
    folder.mkdir(parents=True, exist_ok=True)
    (low, split), (_, high) = HALVES
    upper, lower = forked.split(
        lambda: _write_chunks(half(split, high), folder), lambda: _write_chunks(half(low, split), folder)
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
