"""Pagefind bundles merged into one, its pages in an order of their own: the same content, the same bytes.

Pagefind numbers the pages in the order in which it walks its documents' folder, which is the file
system's (a hash of each name on ext4, the order of writing on tmpfs), and lists each filter's values in
the order of a hash map: the same documents give other bytes on another machine, or in another run. Every
index is made here from Pagefind's bundles, one, or one a shard of a feed too large to index in one run
(its memory grows with the documents: 1.5 GB at 10,000 papers): the pages are numbered in order of their
fragments' hashes, whatever bundle they come from, and each fragment named as one run names them in that
order; the filters are joined, value by value, in order of their text; the word index is merged as a
stream (generator/site/pagefind_words.py); the metadata file and `pagefind-entry.json` are written anew,
and the rest of Pagefind's files, the same in every bundle, taken from the first. A file of a shape this
module does not know stops the merge.

Run as `python -m generator.site.pagefind_merge OUTPUT BUNDLE...` (the build runs it in a process of its
own, beside the pages it writes); the bundles are used up.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.site import pagefind_files as files
from generator.site import pagefind_words
from generator.site.pagefind_files import FormatError

ENTRY = "pagefind-entry.json"
VERSIONS = ("1.5.",)  # the Pagefind versions whose format this module knows


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


def _pages(bundles: Sequence[Bundle], output: Path) -> tuple[list[list[Any]], list[list[int]]]:
    """Move every page's fragment into `output`, the pages in order of their fragments' hashes and named
    as one run names them in that order (a name taken by an earlier page grows); the metadata's pages,
    `[name, word count]`, in order, and the merged index's number of each page of each bundle."""
    language = bundles[0].language
    shortest = len(language) + 1 + files.SHORT
    starts = Counter(name[:shortest] for bundle in bundles for name, _ in bundle.meta[1])
    found = []  # (the fragment's hash, or the prefix of it that names it alone; bundle; page; words; path)
    for b, bundle in enumerate(bundles):
        for page, (old, word_count) in enumerate(bundle.meta[1]):
            path = bundle.folder / "fragment" / f"{old}.pf_fragment"
            key = old
            if len(old) != shortest or starts[old[:shortest]] > 1:  # a collision: its whole hash orders it
                key = f"{language}_{files.full_hash(files.read(path))}"
                if not key.startswith(old):
                    raise FormatError(f"{path.name} is not named by its content")
            found.append((key, b, page, word_count, path))
    found.sort()
    folder = output / "fragment"
    folder.mkdir(parents=True)
    numbers = [[0] * len(bundle.meta[1]) for bundle in bundles]
    pages: list[list[Any]] = []
    taken: set[str] = set()
    for number, (key, b, page, word_count, path) in enumerate(found):
        if number and key == found[number - 1][0]:
            raise FormatError(f"{path.name} has the content of another page")
        name = files.short_name(language, key.split("_", 1)[1], taken, files.FRAGMENT_STEP)
        taken.add(name)
        files.move(path, folder / f"{name}.pf_fragment")  # a copy from a bundle in memory
        pages.append([name, word_count])
        numbers[b][page] = number
    return pages, numbers


def _filters(bundles: Sequence[Bundle], numbers: Sequence[Sequence[int]], output: Path) -> list[list[str]]:
    """Write the filters, each value's pages renumbered; the metadata's `[filter, name]`. Values and
    filters are in order of their text (Pagefind's order is its hash map's, which changes from run to
    run)."""
    merged: dict[str, dict[str, list[int]]] = {}
    for bundle, renumber in zip(bundles, numbers, strict=True):
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
    language = bundles[0].language
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
    """Merge the Pagefind bundles in `folders` (one or more, in any order) into a bundle at `output`
    (which must not exist); the bundles' files are moved, not copied."""
    bundles = [Bundle.read(folder) for folder in folders]
    first = bundles[0]
    for bundle in bundles[1:]:
        same = (bundle.entry["version"], bundle.language, bundle.entry["include_characters"])
        if same != (first.entry["version"], first.language, first.entry["include_characters"]):
            raise FormatError(f"{bundle.folder.name} is of another version or language than the first")
    fields = sorted({field for bundle in bundles for field in bundle.meta[5]})
    output.mkdir(parents=True)
    pages, numbers = _pages(bundles, output)
    filters = _filters(bundles, numbers, output)
    shards = [
        pagefind_words.Shard(
            bundle.folder,
            bundle.meta[2],
            renumber,
            None if bundle.meta[5] == fields else [fields.index(f) for f in bundle.meta[5]],
        )
        for bundle, renumber in zip(bundles, numbers, strict=True)
    ]
    chunks = pagefind_words.write_index(shards, output / "index", first.language)
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


def main(argv: Sequence[str]) -> int:
    """The command line: OUTPUT BUNDLE...; a failure is one line on stderr and exit status 1."""
    if len(argv) < 2:
        print("usage: python -m generator.site.pagefind_merge OUTPUT BUNDLE...", file=sys.stderr)
        return 2
    try:
        merge([Path(folder) for folder in argv[1:]], Path(argv[0]))
    except FormatError as err:
        print(f"pagefind wrote an index this version of paperfeed cannot read: {err}", file=sys.stderr)
        return 1
    except (OSError, ValueError, KeyError, TypeError) as err:
        print(f"the search index's bundles could not be merged: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
