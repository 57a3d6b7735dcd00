"""Pagefind bundles merged into one, its pages in an order of their own: the same content, the same bytes.

Pagefind numbers the pages in the order in which it walks its documents' folder, which is the file
system's (a hash of each name on ext4, the order of writing on tmpfs), and lists each filter's values in
the order of a hash map: the same documents give other bytes on another machine, or in another run. Every
index is made here from Pagefind's bundles, one, or one a shard of a feed too large to index in one run
(its memory grows with the documents: 1.5 GB at 10,000 papers). The pages are numbered in order of their
documents' paths, which is each shard's folder in turn, and each fragment named as one run names them in
that order; the filters are joined, value by value, in order of their text; the word index is joined from
each bundle's words (generator/site/pagefind_words.py), which the index's chain `prepare`s in that order
beside Pagefind's run over the next shard; the metadata file and `pagefind-entry.json` are written anew,
and the rest of Pagefind's files, the same in every bundle, taken from the first. A file of a shape this
module does not know stops the merge.

Run as `python -m generator.site.pagefind_merge OUTPUT BUNDLE...` (the build runs it in a process of its
own, beside the pages it writes), after `python -m generator.site.pagefind_merge --prepare BUNDLE` of any
of them; the bundles are used up.
"""

from __future__ import annotations

import itertools
import json
import pickle
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

from generator.site import pagefind_files as files
from generator.site import pagefind_words
from generator.site.pagefind_files import FormatError

ENTRY = "pagefind-entry.json"
VERSIONS = ("1.5.",)  # the Pagefind versions whose format this module knows
PREPARED = "prepared"  # a bundle's folder of what `prepare` made of it
USAGE = "usage: python -m generator.site.pagefind_merge OUTPUT BUNDLE... | --prepare BUNDLE"

_FIRST = itemgetter(0)


@dataclass(frozen=True)
class Bundle:
    """A bundle's entry file, its language, and its metadata `[version, pages, chunks, filters, sorts,
    meta fields]`, checked for the shape the merge reads."""

    folder: Path
    entry: dict[str, Any]
    language: str
    meta: list[Any]

    @classmethod
    def read(cls, folder: Path) -> Bundle:
        text = (folder / ENTRY).read_text(encoding="utf-8")
        entry = json.loads(text)
        if _entry_text(entry) != text or set(entry) != {"version", "languages", "include_characters"}:
            raise FormatError(f"{ENTRY} is not of the shape this module writes")
        if not str(entry["version"]).startswith(VERSIONS):
            raise FormatError(f"{ENTRY} is of Pagefind {entry['version']}, not of {' or '.join(VERSIONS)}x")
        if len(entry["languages"]) != 1:
            raise FormatError(f"{ENTRY} has {len(entry['languages'])} languages, not one")
        ((language, about),) = entry["languages"].items()
        meta_path = folder / f"pagefind.{about['hash']}.pf_meta"
        meta = files.decode(meta_path)
        if not (isinstance(meta, list) and len(meta) == 6 and meta[0] == entry["version"]):
            raise FormatError(f"{meta_path.name} is not [version, pages, chunks, filters, sorts, fields]")
        _, pages, chunks, filters, sorts, fields = meta
        if sorts:
            raise FormatError(f"{meta_path.name} has sort orders, which this module cannot merge")
        for rows, width, what in ((pages, 2, "pages"), (chunks, 3, "chunks"), (filters, 2, "filters")):
            if not all(isinstance(row, list) and len(row) == width for row in rows):
                raise FormatError(f"{meta_path.name} has {what} of another shape")
        if about["page_count"] != len(pages) or not all(isinstance(f, str) for f in fields):
            raise FormatError(f"{meta_path.name} does not match {ENTRY}")
        return cls(folder, entry, language, meta)


def _entry_text(entry: dict[str, Any]) -> str:
    # As Pagefind writes it (serde_json): no spaces, characters as they are.
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":"))


def _document_key(url: str) -> tuple[tuple[int, int, str], ...]:
    """How a page's document path (Pagefind's URL of it) sorts: folder by folder, a folder of digits (a
    shard's) by its number, and in each folder its files by name before its folders."""
    *folders, name = url.split("/")
    return (*((1, int(f) if f.isascii() and f.isdigit() else -1, f) for f in folders), (0, 0, name))


@dataclass(frozen=True)
class Order:
    """A bundle's pages in order of their documents' paths: each one's URL (Pagefind's, the document's
    path), the hash of its fragment, its name in the bundle and its word count; each page's number in that
    order, by its number in the bundle; and the fields its prepared words number their meta positions by."""

    pages: list[tuple[str, str, str, int]]
    numbers: list[int]
    fields: list[str]

    @classmethod
    def read(cls, bundle: Bundle) -> Order:
        found = []
        for page, (old, word_count) in enumerate(bundle.meta[1]):
            path = bundle.folder / "fragment" / f"{old}.pf_fragment"
            content = files.read(path)
            content_hash = files.full_hash(content)
            if not f"{bundle.language}_{content_hash}".startswith(old):
                raise FormatError(f"{path.name} is not named by its content")
            try:
                url = json.loads(content)["url"]
                key = _document_key(url)
            except (ValueError, KeyError, TypeError, AttributeError):
                raise FormatError(f"{path.name} is not a page's fragment with its URL") from None
            found.append((key, page, (url, content_hash, old, word_count)))
        found.sort(key=_FIRST)
        for before, after in itertools.pairwise(found):
            if before[0] == after[0]:
                raise FormatError(f"{bundle.folder.name} has two pages of the document {after[2][0]}")
        numbers = [0] * len(found)
        for number, (_, page, _) in enumerate(found):
            numbers[page] = number
        return cls([about for _, _, about in found], numbers, sorted(bundle.meta[5]))


def prepare(folder: Path) -> None:
    """Prepare a bundle for its merge (the index's chain does it beside Pagefind's next run): its pages'
    order, and its words in that order, each half of them (pagefind_words.HALVES), into its folder
    PREPARED."""
    bundle = Bundle.read(folder)
    order = Order.read(bundle)
    prepared = folder / PREPARED
    prepared.mkdir()
    for k, (low, high) in enumerate(pagefind_words.HALVES):
        words = pagefind_words.prepare(_shard(bundle, order, order.fields), low, high)
        (prepared / f"words-{k}").write_bytes(pickle.dumps(words, pickle.HIGHEST_PROTOCOL))
    # Written last: a bundle is prepared once its order is there.
    (prepared / "order").write_bytes(pickle.dumps(order, pickle.HIGHEST_PROTOCOL))


def _prepared_order(bundle: Bundle) -> Order | None:
    path = bundle.folder / PREPARED / "order"
    order: Order | None = pickle.loads(path.read_bytes()) if path.exists() else None
    return order


def _shard(bundle: Bundle, order: Order, fields: Sequence[str]) -> pagefind_words.Shard:
    """The bundle's word index, to prepare in its pages' order and with the meta fields numbered as in
    `fields`."""
    own = bundle.meta[5]
    renumber = None if own == fields else [fields.index(field) for field in own]
    return pagefind_words.Shard(bundle.folder, bundle.meta[2], order.numbers, renumber)


def _placed(bundles: Sequence[Bundle]) -> list[tuple[Bundle, Order, int]]:
    """The bundles in order of their documents' paths, each with its pages' order and the merged index's
    number of its first page; each bundle's documents come after the one's before (a shard's folder)."""
    ordered = []
    for bundle in bundles:
        order = _prepared_order(bundle) or Order.read(bundle)
        if not order.pages:
            raise FormatError(f"{bundle.folder.name} has no pages")
        ordered.append((_document_key(order.pages[0][0]), bundle, order))
    ordered.sort(key=_FIRST)
    for (_, before, earlier), (first, bundle, order) in itertools.pairwise(ordered):
        if _document_key(earlier.pages[-1][0]) >= first:
            raise FormatError(
                f"{bundle.folder.name} has documents among {before.folder.name}'s ({order.pages[0][0]}): "
                "each bundle is of the documents of a folder of its own"
            )
    offsets = itertools.accumulate((len(order.pages) for _, _, order in ordered), initial=0)
    return [(bundle, order, offset) for (_, bundle, order), offset in zip(ordered, offsets, strict=False)]


def _pages(placed: Sequence[tuple[Bundle, Order, int]], output: Path) -> list[list[Any]]:
    """Move every page's fragment into `output`, named as one run names them in the merged order (a name
    taken by an earlier page grows); the metadata's pages, `[name, word count]`, in order."""
    language = placed[0][0].language
    folder = output / "fragment"
    folder.mkdir(parents=True)
    pages: list[list[Any]] = []
    taken: set[str] = set()
    for bundle, order, _ in placed:
        for _, content_hash, old, word_count in order.pages:
            name = files.short_name(language, content_hash, taken, files.FRAGMENT_STEP)
            taken.add(name)
            files.move(bundle.folder / "fragment" / f"{old}.pf_fragment", folder / f"{name}.pf_fragment")
            pages.append([name, word_count])
    return pages


def _filters(bundles: Sequence[tuple[Bundle, Sequence[int]]], output: Path) -> list[list[str]]:
    """Write the filters, each value's pages renumbered (each bundle given with the merged index's number
    of each of its pages); the metadata's `[filter, name]`. Values and filters are in order of their text
    (Pagefind's order is its hash map's, which changes from run to run)."""
    merged: dict[str, dict[str, list[int]]] = {}
    for bundle, renumber in bundles:
        for filter_name, name in bundle.meta[3]:
            path = bundle.folder / "filter" / f"{name}.pf_filter"
            data = files.decode(path)
            try:
                found, values = data
                if found != filter_name:
                    raise ValueError(f"is the filter {found!r}, not {filter_name!r}")
                for value, pages in values:
                    listed = merged.setdefault(found, {}).setdefault(value, [])
                    listed.extend(map(renumber.__getitem__, pages))
            except (TypeError, ValueError, IndexError) as err:
                raise FormatError(f"{path.name} is not a [name, [[value, pages], ...]] pair: {err}") from None
    folder = output / "filter"
    folder.mkdir(parents=True)
    language = bundles[0][0].language
    named: list[list[str]] = []
    taken: set[str] = set()
    for filter_name in sorted(merged):
        values = merged[filter_name]
        content = files.encode([filter_name, [[value, sorted(values[value])] for value in sorted(values)]])
        name = files.short_name(language, files.full_hash(content), taken, files.INDEX_STEP)
        taken.add(name)
        files.write(folder / f"{name}.pf_filter", content)
        named.append([filter_name, name])
    return named


def merge(folders: Sequence[Path], output: Path) -> None:
    """Merge the Pagefind bundles in `folders` (one or more, in any order, each of the documents of a
    folder of its own, prepared or not) into a bundle at `output` (which must not exist); the bundles'
    files are moved, not copied."""
    bundles = [Bundle.read(folder) for folder in folders]
    first = bundles[0]
    for bundle in bundles[1:]:
        same = (bundle.entry["version"], bundle.language, bundle.entry["include_characters"])
        if same != (first.entry["version"], first.language, first.entry["include_characters"]):
            raise FormatError(f"{bundle.folder.name} is of another version or language than the first")
    fields = sorted({field for bundle in bundles for field in bundle.meta[5]})
    placed = _placed(bundles)
    output.mkdir(parents=True)
    pages = _pages(placed, output)
    filters = _filters([(b, [offset + n for n in order.numbers]) for b, order, offset in placed], output)

    def half(low: str, high: str | None) -> list[pagefind_words.Source]:
        """Each bundle's words of a half, as it prepared them, or prepared now (the last bundle, which
        the chain prepares here, or one whose meta fields are not the merged index's)."""
        k = pagefind_words.HALVES.index((low, high))
        sources: list[pagefind_words.Source] = []
        for bundle, order, offset in placed:
            path = bundle.folder / PREPARED / f"words-{k}"
            if order.fields == fields and (bundle.folder / PREPARED / "order").exists():
                sources.append((offset, pickle.loads(path.read_bytes())))
            else:
                sources.append((offset, pagefind_words.prepare(_shard(bundle, order, fields), low, high)))
        return sources

    chunks = pagefind_words.write_index(half, output / "index", first.language)
    meta = files.encode([first.meta[0], pages, chunks, filters, [], fields])
    meta_name = files.meta_name(first.language, meta)
    files.write(output / f"pagefind.{meta_name}.pf_meta", meta)
    entry = json.loads(_entry_text(first.entry))
    entry["languages"][first.language].update(hash=meta_name, page_count=len(pages))
    (output / ENTRY).write_text(_entry_text(entry), encoding="utf-8")
    # Pagefind's script, its word stemmers and its interfaces: the same files in every bundle.
    for path in first.folder.iterdir():
        if path.is_file() and path.name != ENTRY and not path.name.endswith(".pf_meta"):
            files.move(path, output / path.name)


def run(argv: Sequence[str], _input: bytes | None = None) -> str | None:
    """Merge, or prepare a bundle (OUTPUT BUNDLE..., or --prepare BUNDLE); why it failed (None: it did
    not). The index's chain runs the preparing itself (pagefind_chain.py)."""
    if len(argv) < 2 or (argv[0] == "--prepare" and len(argv) != 2):
        return USAGE
    try:
        if argv[0] == "--prepare":
            prepare(Path(argv[1]))
        else:
            merge([Path(folder) for folder in argv[1:]], Path(argv[0]))
    except FormatError as err:
        return f"pagefind wrote an index this version of paperfeed cannot read: {err}"
    except (OSError, ValueError, KeyError, TypeError) as err:
        return str(err)  # after the chain's own words for the step (pagefind_run.MERGE_FAILURE)
    return None


def main(argv: Sequence[str]) -> int:
    """The command line (see run); a failure is one line on stderr and exit status 1 (2: its usage)."""
    error = run(argv)
    if error is not None:
        print(error, file=sys.stderr)
        return 2 if error == USAGE else 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
