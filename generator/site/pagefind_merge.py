"""Several Pagefind bundles merged into one, the bundle that one run over all their pages writes.

A feed too large to index in one run of Pagefind (its memory grows with the documents: 1.5 GB at 10,000
papers) is indexed in shards, one run after another, and the shards' bundles merged here, in the order in
which one run would have walked their documents (generator/site/search.py lays them out so). Each page
keeps its fragment file, renamed if its name is taken by a page of an earlier bundle; the filters are
joined, value by value; the word index is merged as a stream (generator/site/pagefind_words.py); the
metadata file and `pagefind-entry.json` are written anew, and the rest of Pagefind's files, the same in
every bundle, taken from the first. A file of a shape this module does not know stops the merge.

Run as `python -m generator.site.pagefind_merge OUTPUT BUNDLE...` (the build runs it in a process of its
own, beside the pages it writes); the bundles are used up.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.site import pagefind_files as files
from generator.site import pagefind_words
from generator.site.pagefind_order import FormatError

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


def _fragments(bundles: Sequence[Bundle], output: Path) -> list[list[Any]]:
    """Move every page's fragment into `output`, named as one run names them (a name taken by an earlier
    page grows); the metadata's pages, `[name, word count]`, in order."""
    folder = output / "fragment"
    folder.mkdir(parents=True)
    taken: dict[str, str | None] = {}  # each name given, and its page's hash where it was needed
    pages: list[list[Any]] = []
    for bundle in bundles:
        shortest = len(bundle.language) + 1 + files.SHORT
        for old, word_count in bundle.meta[1]:
            path = bundle.folder / "fragment" / f"{old}.pf_fragment"
            name, full = old, None
            if len(old) != shortest or old in taken:  # a collision, in the bundle or across bundles
                full = f"{bundle.language}_{files.full_hash(files.read(path))}"
                if not full.startswith(old):
                    raise FormatError(f"{path.name} is not named by its content")
                name = _free_name(full, shortest, taken, folder)
            taken[name] = full
            # Moved, which copies where the bundles are on another file system than the output (a /tmp
            # in memory): a rename cannot cross them.
            shutil.move(path, folder / f"{name}.pf_fragment")
            pages.append([name, word_count])
    return pages


def _free_name(full: str, length: int, taken: dict[str, str | None], folder: Path) -> str:
    """The shortest prefix of `full`, of `length` characters or more, that no page before has."""
    while full[:length] in taken:
        name = full[:length]
        other = taken[name]
        if other is None:  # the page before kept its name, unchecked: its hash is needed now
            content = files.read(folder / f"{name}.pf_fragment")
            other = f"{full.split('_', 1)[0]}_{files.full_hash(content)}"
        if other == full:
            raise FormatError(f"{name}.pf_fragment has the content of another page")
        length += files.FRAGMENT_STEP
    return full[:length]


def _filters(bundles: Sequence[Bundle], offsets: Sequence[int], output: Path) -> list[list[str]]:
    """Write the filters, each value's pages from every bundle in turn; the metadata's `[filter, name]`.
    Values and filters are in order of their text (Pagefind's order is its hash map's: see
    pagefind_order, which puts them in this order too)."""
    merged: dict[str, dict[str, list[int]]] = {}
    for bundle, offset in zip(bundles, offsets[:-1], strict=True):
        for filter_name, name in bundle.meta[3]:
            path = bundle.folder / "filter" / f"{name}.pf_filter"
            data = files.decode(path)
            try:
                found, values = data
                if found != filter_name:
                    raise ValueError(f"is the filter {found!r}, not {filter_name!r}")
                for value, pages in values:
                    merged.setdefault(found, {}).setdefault(value, []).extend(offset + p for p in pages)
            except (TypeError, ValueError) as err:
                raise FormatError(f"{path.name} is not a [name, [[value, pages], ...]] pair: {err}") from None
    folder = output / "filter"
    folder.mkdir(parents=True)
    language = bundles[0].language
    named: list[list[str]] = []
    taken: set[str] = set()
    for filter_name in sorted(merged):
        values = merged[filter_name]
        content = files.encode([filter_name, [[value, values[value]] for value in sorted(values)]])
        name = files.short_name(language, files.full_hash(content), taken, files.INDEX_STEP)
        taken.add(name)
        files.write(folder / f"{name}.pf_filter", content)
        named.append([filter_name, name])
    return named


def merge(folders: Sequence[Path], output: Path) -> None:
    """Merge the Pagefind bundles in `folders`, in their pages' order, into a bundle at `output` (which
    must not exist); the bundles' files are moved, not copied."""
    bundles = [Bundle.read(folder) for folder in folders]
    first = bundles[0]
    for bundle in bundles[1:]:
        same = (bundle.entry["version"], bundle.language, bundle.entry["include_characters"])
        if same != (first.entry["version"], first.language, first.entry["include_characters"]):
            raise FormatError(f"{bundle.folder.name} is of another version or language than the first")
    offsets = [0]
    for bundle in bundles:
        offsets.append(offsets[-1] + len(bundle.meta[1]))
    fields = sorted({field for bundle in bundles for field in bundle.meta[5]})
    output.mkdir(parents=True)
    pages = _fragments(bundles, output)
    filters = _filters(bundles, offsets, output)
    shards = [
        pagefind_words.Shard(
            bundle.folder,
            [name for _, _, name in bundle.meta[2]],
            offset,
            None if bundle.meta[5] == fields else [fields.index(f) for f in bundle.meta[5]],
        )
        for bundle, offset in zip(bundles, offsets[:-1], strict=True)
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
            shutil.move(path, output / path.name)


def main(argv: Sequence[str]) -> int:
    """The command line: OUTPUT BUNDLE...; a failure is one line on stderr and exit status 1."""
    if len(argv) < 2 or (argv[1] == "--in-the-order-of" and len(argv) < 4):
        usage = (
            "usage: python -m generator.site.pagefind_merge OUTPUT [--in-the-order-of DOCUMENTS] BUNDLE..."
        )
        print(usage, file=sys.stderr)
        return 2
    bundles = [Path(folder) for folder in argv[1:]]
    if argv[1] == "--in-the-order-of":  # bundles named as the shard folders of DOCUMENTS: in its order
        walked = {name: i for i, name in enumerate(files.shards(Path(argv[2])))}
        bundles = sorted(bundles[2:], key=lambda bundle: walked.get(bundle.name, len(walked)))
    try:
        merge(bundles, Path(argv[0]))
    except FormatError as err:
        print(f"pagefind wrote an index this version of paperfeed cannot read: {err}", file=sys.stderr)
        return 1
    except (OSError, ValueError, KeyError, TypeError) as err:
        print(f"the search index's shards could not be merged: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
