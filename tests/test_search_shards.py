"""The search index made in shards: Pagefind over each shard of the documents, one run after another, and
the bundles merged into the index that one run over all of them gives; the merge's order of the pages,
whatever the order Pagefind found them in; the chain's failures and its cancel."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import os
import random
import shutil
import subprocess
import tempfile
from pathlib import Path

import cbor2
import pytest

from generator.model import Feed, Paper, Tag
from generator.site import pagefind_files, pagefind_merge, pagefind_words, search
from generator.site.pagefind_run import Indexing, merge_step, pagefind_step, prepare_step
from tests.test_pagefind_chain import runs, until

TAGS = {slug: Tag(slug, slug.capitalize()) for slug in ["audio", "robots", "vision"]}
VOCABULARY = [
    f"{a}{b}" for a in ["kal", "mor", "tesh", "vun", "pri", "dolo"] for b in ["an", "ex", "ito", "u"]
]
# Names with diacritics: Pagefind indexes "muller" with the variant "müller", in several shards.
AUTHORS = ["Zoë Müller", "José Núñez", "Ada Lovelace", "Søren Kierkegaard", "Zoe Muller"]


def feed_of(count: int, words: int = 12) -> Feed:
    """A feed of `count` papers of `words` words each, over a vocabulary they share."""
    rnd = random.Random(count * 1000 + words)
    papers = []
    for i in range(count):
        abstract = " ".join(rnd.choice(VOCABULARY) for _ in range(words)) + "."
        tags = tuple(sorted(rnd.sample(sorted(TAGS), rnd.randint(0, 2))))
        day = dt.date(2025, 1, 1) + dt.timedelta(days=i % 40)
        authors = (AUTHORS[i % len(AUTHORS)], "Grace Hopper")
        papers.append(
            Paper(
                f"paper-{i:03d}", f"{rnd.choice(VOCABULARY).title()} paper {i}", day, tags, abstract, authors
            )
        )
    return Feed.of(papers, TAGS)


def pages_of(count: int) -> list[search.Document]:
    return [
        search.Document(f"page-{i}/", f"Page {i}", f"<p>About kalan and page {i}.</p>") for i in range(count)
    ]


def single_run(feed: Feed, pages: list[search.Document], folder: Path, shard_size: int) -> Path:
    """The index of one Pagefind run over the documents as they are laid out in shards of `shard_size`
    (merged alone: the merge orders every index)."""
    search.write_documents(feed, pages, folder / "documents", shard_size=shard_size)
    search.run_pagefind(folder / "documents", folder / "single")
    return folder / "single"


def sharded(feed: Feed, pages: list[search.Document], output: Path, shard_size: int) -> Indexing:
    count, indexing = search.start_index(feed, pages, output, shard_size=shard_size)
    assert count == len(feed.papers) + len(pages) and indexing is not None
    indexing.wait()
    return indexing


def files_of(bundle: Path) -> dict[str, bytes]:
    return {str(p.relative_to(bundle)): p.read_bytes() for p in sorted(bundle.rglob("*")) if p.is_file()}


def assert_same_index(merged: Path, single: Path) -> None:
    """Every file of the two bundles the same, by name and bytes."""
    ours, theirs = files_of(merged), files_of(single)
    assert sorted(ours) == sorted(theirs)
    assert [name for name in ours if ours[name] != theirs[name]] == []


def meta_of(bundle: Path) -> list:  # type: ignore[type-arg]
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return pagefind_files.decode(bundle / f"pagefind.{entry['languages']['en']['hash']}.pf_meta")  # type: ignore[no-any-return]


def test_sixty_documents_in_shards_of_twenty_index_as_one_run(tmp_path: Path) -> None:
    feed, pages = feed_of(40, words=700), pages_of(20)
    indexing = sharded(feed, pages, tmp_path / "merged", shard_size=20)
    # Each shard's documents, each shard's run, each bundle but the last prepared beside the next run, and
    # their merge.
    assert indexing.ran == 3 + 3 + 2 + 1
    single = single_run(feed, pages, tmp_path, shard_size=20)
    assert_same_index(tmp_path / "merged", single)
    # What the fixture is for: several chunks of words (their cut and their ranges' names), words with
    # variants from more than one shard, and a shard (the pages') without the date field.
    meta = meta_of(single)
    assert len(meta[2]) >= 2 and meta[5] == ["date", "title", "url"]
    words = [
        w for _, _, name in meta[2] for w in pagefind_files.decode(single / "index" / f"{name}.pf_index")[0]
    ]
    muller = next(w for w in words if w[0] == "muller")
    assert [form for form, _ in muller[2]] == ["müller"]
    numbers = list(itertools.accumulate(page[0] for page in muller[2][0][1]))  # from differences
    urls = [fragment_of(single, meta[1][number][0])["url"] for number in numbers]
    assert len({url.split("/")[1] for url in urls}) >= 2  # pages of more than one shard
    # The pages in order of their documents' paths: shard by shard, in each the files before the folders
    # (the hand-written pages'); no two names begin alike here.
    paths = [fragment_of(single, name)["url"] for name, _ in meta[1]]
    parts = [path.split("/") for path in paths]
    assert parts == sorted(parts, key=lambda part: (int(part[1]), len(part), part[2:]))
    assert len({name[:10] for name, _ in meta[1]}) == len(meta[1])


def fragment_of(bundle: Path, name: str) -> dict:  # type: ignore[type-arg]
    return json.loads(pagefind_files.read(bundle / "fragment" / f"{name}.pf_fragment"))  # type: ignore[no-any-return]


def test_bundles_prepared_before_their_merge_give_the_index_of_one_run(tmp_path: Path) -> None:
    """Every bundle prepared (the chain prepares all but the last), the last, of hand-written pages alone,
    with meta fields other than the merged index's: its words are prepared anew for the merge."""
    feed, pages = feed_of(40, words=200), pages_of(20)
    documents = tmp_path / "documents"
    search.write_documents(feed, pages, documents, shard_size=20)
    bundles = []
    for name in search.shards(documents):
        bundles.append(tmp_path / "bundles" / name)
        step = pagefind_step(documents, bundles[-1], "en", f"{name}/**/*.{{html}}")
        subprocess.run(step.command, cwd=documents, env=step.env, check=True)
        assert pagefind_merge.main(["--prepare", str(bundles[-1])]) == 0
        assert (bundles[-1] / pagefind_merge.PREPARED / "order").exists()
    assert [meta_of(bundle)[5] for bundle in bundles][1:] == [["date", "title", "url"], ["title", "url"]]
    Indexing([merge_step(bundles[::-1], tmp_path / "merged")], tmp_path / "merged", tmp_path).wait()
    assert_same_index(tmp_path / "merged", single_run(feed, pages, tmp_path, shard_size=20))


@pytest.mark.parametrize(
    ("papers", "shard_size", "runs"),
    [(1, 20, 1), (19, 20, 1), (20, 20, 3), (3, 1, 5)],
    ids=["one-document", "exactly-the-shard-size", "one-over", "shards-of-one"],
)
def test_shard_boundaries(tmp_path: Path, papers: int, shard_size: int, runs: int) -> None:
    feed, pages = feed_of(papers), pages_of(1)
    indexing = sharded(feed, pages, tmp_path / "merged", shard_size)
    # The documents (one process, or one a shard), Pagefind (one run, or one a shard), each bundle but the
    # last prepared beside the next run, and the merge.
    assert indexing.ran == (3 if runs == 1 else 3 * (runs - 1))
    documents = tmp_path / "documents"
    search.write_documents(feed, pages, documents, shard_size=shard_size)
    laid_out = sorted(str(p.relative_to(documents)) for p in documents.rglob("*.html"))
    if runs == 1:  # up to the shard size: the documents as they always were, and one run over them all
        assert "--glob" not in indexing.steps[1].command
        assert laid_out == sorted([f"papers/{p.slug}.html" for p in feed.papers] + ["pages/0000.html"])
    else:
        assert sorted(search.shards(documents)) == [str(i) for i in range(runs - 1)]
        sizes = [len(list((documents / name).rglob("*.html"))) for name in search.shards(documents)]
        assert max(sizes) <= shard_size and max(sizes) - min(sizes) <= 1
    assert_same_index(tmp_path / "merged", single_run(feed, pages, tmp_path / "one", shard_size))


def _two_shards(tmp_path: Path) -> Path:
    """Four documents in the shard folders 0 and 1."""
    source = tmp_path / "documents"
    search.write_documents(feed_of(4), [], source, shard_size=2)
    return source


def test_a_failing_shard_stops_the_chain_with_its_message(tmp_path: Path) -> None:
    source = _two_shards(tmp_path)
    for document in (source / "1").glob("*.html"):  # nothing in shard 1 for Pagefind to index
        document.unlink()
    (source / "1" / "notes.txt").write_text("not html", encoding="utf-8")
    bundles = [tmp_path / "b0", tmp_path / "b1"]
    cleaned: list[bool] = []
    steps = [
        pagefind_step(source, bundles[0], "en", "0/**/*.{html}", " (shard 1 of 2)"),
        pagefind_step(source, bundles[1], "en", "1/**/*.{html}", " (shard 2 of 2)"),
        merge_step(bundles, tmp_path / "out"),
    ]
    indexing = Indexing(steps, tmp_path / "out", source, lambda: cleaned.append(True))
    with pytest.raises(search.SearchIndexError) as caught:
        indexing.wait()
    assert str(caught.value).startswith(
        "pagefind could not build the search index (shard 2 of 2): Error: Pagefind was not able to build"
    )
    assert indexing.ran == 2 and cleaned == [True]  # the merge never started
    assert (bundles[0] / "pagefind-entry.json").exists() and not (tmp_path / "out").exists()


def test_cancel_while_a_later_shard_runs_kills_it_and_starts_nothing_more(tmp_path: Path) -> None:
    source = _two_shards(tmp_path)
    os.mkfifo(source / "1" / "blocked.html")  # Pagefind waits on it for a writer: forever
    bundles = [tmp_path / "b0", tmp_path / "b1"]
    steps = [
        pagefind_step(source, bundles[0], "en", "0/**/*.{html}"),
        pagefind_step(source, bundles[1], "en", "1/**/*.{html}"),
        merge_step(bundles, tmp_path / "out"),
    ]
    cleaned: list[bool] = []
    indexing = Indexing(steps, tmp_path / "out", source, lambda: cleaned.append(True))
    until(lambda: indexing.ran >= 2, "the second shard's run did not start", seconds=60)
    running = indexing.started()[1]
    assert runs(running)
    indexing.cancel()
    until(lambda: not runs(running), "the run outlived the chain's cancel", seconds=10)  # (SIGKILL is async)
    assert indexing.ran == 2 and cleaned == [True]
    assert not (tmp_path / "out").exists()
    with pytest.raises(search.SearchIndexError, match="stopped before it was done"):
        indexing.wait()


@pytest.fixture
def shards(tmp_path: Path) -> list[Path]:
    """Two bundles of Pagefind's, of the shards 0 and 1 of 6 documents, to merge (or break)."""
    source = tmp_path / "documents"
    search.write_documents(feed_of(5), pages_of(1), source, shard_size=3)
    bundles = []
    for name in search.shards(source):
        bundles.append(tmp_path / "bundles" / name)
        step = pagefind_step(source, bundles[-1], "en", f"{name}/**/*.{{html}}")
        subprocess.run(step.command, cwd=source, env=step.env, check=True)
    return bundles


def _rewrite_meta(bundle: Path, change: object) -> None:
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    path = bundle / f"pagefind.{entry['languages']['en']['hash']}.pf_meta"
    meta = pagefind_files.decode(path)
    change(meta)  # type: ignore[operator]
    pagefind_files.write(path, cbor2.dumps(meta))


def _rewrite_first_index(bundle: Path, change: object) -> None:
    meta = meta_of(bundle)
    path = bundle / "index" / f"{meta[2][0][2]}.pf_index"
    data = pagefind_files.decode(path)
    change(data)  # type: ignore[operator]
    pagefind_files.write(path, cbor2.dumps(data))


def _edit_entry(bundle: Path, old: str, new: str) -> None:
    path = bundle / "pagefind-entry.json"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _misname_a_fragment(bundle: Path) -> None:
    # A name longer than 7 characters (a collision's) makes the merge check the fragment's hash.
    first = meta_of(bundle)[1][0][0]
    wrong = "en_zzzzzzzz"  # not even hexadecimal
    os.replace(bundle / "fragment" / f"{first}.pf_fragment", bundle / "fragment" / f"{wrong}.pf_fragment")
    _rewrite_meta(bundle, lambda m: m[1][0].__setitem__(0, wrong))


def _fragment_without_url(bundle: Path) -> None:
    first = meta_of(bundle)[1][0][0]
    content = json.dumps({"content": "no url"}).encode()
    name = f"en_{pagefind_files.full_hash(content)[: pagefind_files.SHORT]}"
    pagefind_files.write(bundle / "fragment" / f"{name}.pf_fragment", content)
    _rewrite_meta(bundle, lambda m: m[1][0].__setitem__(0, name))
    assert first != name


def _list_a_page_twice(bundle: Path) -> None:
    count = len(meta_of(bundle)[1])
    _rewrite_meta(bundle, lambda m: m[1].append(m[1][0]))
    _edit_entry(bundle, f'"page_count":{count}}}', f'"page_count":{count + 1}}}')


BREAKS = {
    "another-version": (lambda b: _edit_entry(b, "1.5.2", "1.4.0"), "is of Pagefind 1.4.0, not of 1.5.x"),
    "two-languages": (
        lambda b: _edit_entry(
            b, '"page_count":3}}', '"page_count":3},"de":{"hash":"x","wasm":"de","page_count":1}}'
        ),
        "has 2 languages, not one",
    ),
    "sort-orders": (lambda b: _rewrite_meta(b, lambda m: m[4].append(["date", [0]])), "has sort orders"),
    "meta-of-another-shape": (lambda b: _rewrite_meta(b, lambda m: m.append([])), "is not [version, pages"),
    "a-word-of-four-items": (
        lambda b: _rewrite_first_index(b, lambda d: d[0][0].append(1)),
        "has a word of another shape",
    ),
    "a-page-of-two-items": (
        lambda b: _rewrite_first_index(b, lambda d: d[0][0][1][0].pop()),
        "has a word of another shape",
    ),
    "words-out-of-order": (
        lambda b: _rewrite_first_index(b, lambda d: d[0].reverse()),
        "has a word of another shape: a word out of order",
    ),
    "a-missing-chunk": (
        lambda b: (b / "index" / f"{meta_of(b)[2][0][2]}.pf_index").unlink(),
        ".pf_index is named in the index but missing",
    ),
    "not-gzipped": (
        lambda b: next((b / "filter").iterdir()).write_bytes(b"pagefind_dcd"),
        ".pf_filter is not gzipped",
    ),
    "a-fragment-without-its-url": (_fragment_without_url, "is not a page's fragment with its URL"),
    "a-page-listed-twice": (_list_a_page_twice, "1 has two pages of the document /1/"),
    "a-fragment-not-named-by-its-content": (
        _misname_a_fragment,
        "en_zzzzzzzz.pf_fragment is not named by its content",
    ),
}


@pytest.mark.parametrize("broken", sorted(BREAKS))
def test_a_bundle_of_another_shape_stops_the_merge(shards: list[Path], tmp_path: Path, broken: str) -> None:
    change, message = BREAKS[broken]
    change(shards[1])
    with pytest.raises(pagefind_files.FormatError) as caught:
        pagefind_merge.merge(shards, tmp_path / "out")
    assert message in str(caught.value)


def test_a_page_in_two_bundles_stops_the_merge(shards: list[Path], tmp_path: Path) -> None:
    shutil.copytree(shards[0], tmp_path / "again")
    with pytest.raises(pagefind_files.FormatError, match="again has documents among 0's"):
        pagefind_merge.merge([shards[0], tmp_path / "again"], tmp_path / "out")


@pytest.mark.parametrize("step", ["prepare", "merge"])
def test_a_failed_merge_surfaces_as_its_message(shards: list[Path], tmp_path: Path, step: str) -> None:
    _edit_entry(shards[1], "1.5.2", "1.4.0")
    run = prepare_step(shards[1]) if step == "prepare" else merge_step(shards, tmp_path / "out")
    indexing = Indexing([run], tmp_path / "out", tmp_path)
    with pytest.raises(search.SearchIndexError) as caught:
        indexing.wait()
    assert str(caught.value) == (
        "the search index's bundles could not be merged: pagefind wrote an index this version of paperfeed "
        "cannot read: pagefind-entry.json is of Pagefind 1.4.0, not of 1.5.x"
    )


def test_a_merge_that_cannot_write_says_so_once(shards: list[Path], tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file where the index's folder goes", encoding="utf-8")
    output = tmp_path / "taken" / "pagefind"
    indexing = Indexing([merge_step(shards, output)], output, tmp_path)
    with pytest.raises(search.SearchIndexError) as caught:
        indexing.wait()
    assert str(caught.value) == (
        f"the search index's bundles could not be merged: [Errno 20] Not a directory: '{output}'"
    )


def test_names_are_pagefinds_sha1_without_leading_zeros() -> None:
    # SHA-1 of nothing: da39a3ee5e6b4b0d3255bfef95601890afd80709; the bytes 0d, 07 and 09 lose their 0.
    assert pagefind_files.full_hash(b"") == "da39a3ee5e6b4bd3255bfef95601890afd879"


def test_a_taken_name_grows_one_character_for_fragments_two_for_index_files() -> None:
    taken = {"en_abcdef0", "en_abcdef01"}
    assert pagefind_files.short_name("en", "abcdef0123456", set(), 1) == "en_abcdef0"
    assert pagefind_files.short_name("en", "abcdef0123456", taken, 1) == "en_abcdef012"
    assert pagefind_files.short_name("en", "abcdef0123456", taken, 2) == "en_abcdef012"
    assert (
        pagefind_files.short_name("en", "abcdef0123456", {"en_abcdef0", "en_abcdef012"}, 2)
        == "en_abcdef01234"
    )
    assert pagefind_files.short_name("en", "abc", {"en_abc"}, 1) == "en_abc"  # no longer name to take


def test_chunk_ranges_are_the_shortest_prefixes_between_them() -> None:
    # Pagefind's own cases (pagefind/src/index/mod.rs, common_prefix).
    assert pagefind_words._prefixes("apple", "apricot") == ("app", "apr")
    assert pagefind_words._prefixes("cataraman", "yacht") == ("c", "y")
    assert pagefind_words._prefixes("cath", "cathartic") == ("cath", "catha")


@pytest.mark.parametrize(
    ("major", "value", "encoded"),
    [
        (0, 0, b"\x00"),
        (0, 23, b"\x17"),
        (0, 24, b"\x18\x18"),
        (4, 255, b"\x98\xff"),
        (4, 256, b"\x99\x01\x00"),
    ],
)
def test_heads_are_cbors_shortest(major: int, value: int, encoded: bytes) -> None:
    assert pagefind_words.head(major, value) == encoded
    assert (
        pagefind_words.head(major, value) == cbor2.dumps(value if major == 0 else [0] * value)[: len(encoded)]
    )


def _colliding_fragments() -> tuple[bytes, bytes]:
    """Two fragments whose hashes begin with the same 7 characters, Pagefind's shortest name (found by
    the birthday bound: about 2^14 tries for 28 bits), the first in order of their URLs the second in
    order of their whole hashes."""
    seen: dict[str, tuple[str, bytes]] = {}
    for i in range(1 << 17):
        url = f"/{i}.html"
        content = json.dumps({"url": url}).encode()
        start = pagefind_files.full_hash(content)[: pagefind_files.SHORT]
        if start in seen:
            (_, first), (_, second) = sorted([seen[start], (url, content)])
            if pagefind_files.full_hash(first) > pagefind_files.full_hash(second):
                return first, second
        seen[start] = (url, content)
    raise AssertionError("no two fragments' hashes begin alike")


def _bundle_of(folder: Path, fragments: list[bytes]) -> pagefind_merge.Bundle:
    """A bundle of these fragments, each named as Pagefind names the first of its name (7 characters)."""
    (folder / "fragment").mkdir(parents=True)
    pages = []
    for content in fragments:
        name = f"en_{pagefind_files.full_hash(content)[: pagefind_files.SHORT]}"
        pagefind_files.write(folder / "fragment" / f"{name}.pf_fragment", content)
        pages.append([name, 1])
    return pagefind_merge.Bundle(folder, {}, "en", ["1.5.2", pages, [], [], [], []])


@pytest.mark.parametrize("given", ["in-order", "backwards"])
def test_pages_whose_names_collide_are_named_in_the_merged_order(tmp_path: Path, given: str) -> None:
    one, two = _colliding_fragments()  # one's URL first, two's whole hash first
    other = json.dumps({"url": "/!.html"}).encode()  # before both: "!" sorts before the digits
    first, second = [one, other], [two]  # each bundle's documents after the one's before
    if given == "backwards":
        first, second = second, first
    bundles = [_bundle_of(tmp_path / "a", first), _bundle_of(tmp_path / "b", second)]
    placed = pagefind_merge._placed(bundles)
    pages = pagefind_merge._pages(placed, tmp_path / "out")
    hashes = {content: f"en_{pagefind_files.full_hash(content)}" for content in [one, two, other]}
    # The pages in order of their URLs; of the two whose names collide, the first keeps the short name,
    # though its whole hash comes second, and the second's grows.
    assert [name for name, _ in pages] == [hashes[other][:10], hashes[one][:10], hashes[two][:11]]
    # Each fragment is in its file under its name.
    for (name, _), content in zip(pages, [other, one, two], strict=True):
        assert pagefind_files.read(tmp_path / "out" / "fragment" / f"{name}.pf_fragment") == content


def test_an_output_on_another_file_system_than_the_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shards' bundles are moved into the output: a move across file systems (a /tmp in memory, the
    site on disk) copies, where a rename fails (EXDEV). And the index is the one made on the other file
    system."""
    elsewhere = Path("/dev/shm")
    if not elsewhere.is_dir() or os.stat(elsewhere).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("no second file system here: /dev/shm is missing or on the same one as the tests' folder")
    feed, pages = feed_of(30), pages_of(2)
    with tempfile.TemporaryDirectory(dir=elsewhere) as temporary:
        monkeypatch.setattr(tempfile, "tempdir", temporary)
        sharded(feed, pages, tmp_path / "merged", shard_size=10)
    monkeypatch.undo()
    # The single run's documents on the tests' file system: Pagefind lists the folders in another order
    # there, and the merge gives the same index all the same.
    assert_same_index(tmp_path / "merged", single_run(feed, pages, tmp_path, shard_size=10))


def _contents(bundle: Path) -> dict[str, object]:
    """What an index says, whatever its pages' numbers: each page's fragment, each filter value's pages
    and each word's pages with its positions (its variants' too), every page named by its URL."""
    meta = meta_of(bundle)
    fragments = [fragment_of(bundle, name) for name, _ in meta[1]]
    urls = [fragment["url"] for fragment in fragments]

    def pages(listed: list) -> list:  # type: ignore[type-arg]
        numbers = itertools.accumulate(page[0] for page in listed)
        return sorted((urls[n], page[1], page[2]) for n, page in zip(numbers, listed, strict=True))

    words = {}
    for _, _, name in meta[2]:
        for word, listed, variants in pagefind_files.decode(bundle / "index" / f"{name}.pf_index")[0]:
            words[word] = (pages(listed), {form: pages(some) for form, some in variants})
    filters = {}
    for _, name in meta[3]:
        found, values = pagefind_files.decode(bundle / "filter" / f"{name}.pf_filter")
        filters[found] = {value: sorted(urls[n] for n in numbers) for value, numbers in values}
    return {"fragments": sorted(map(json.dumps, fragments)), "words": words, "filters": filters}


def test_the_index_says_what_pagefind_found_in_its_own_order(tmp_path: Path) -> None:
    """The merge renumbers the pages of Pagefind's own bundle and writes its files anew, in two halves at
    once: every word, filter and fragment says what Pagefind's did, of the same pages."""
    documents = tmp_path / "documents"
    search.write_documents(feed_of(120, words=1000), pages_of(2), documents)
    step = pagefind_step(documents, tmp_path / "pagefind", "en")
    subprocess.run(step.command, cwd=documents, env=step.env, check=True)
    shutil.copytree(tmp_path / "pagefind", tmp_path / "used")  # the merge uses its bundles up
    pagefind_merge.merge([tmp_path / "used"], tmp_path / "merged")
    theirs, ours = _contents(tmp_path / "pagefind"), _contents(tmp_path / "merged")
    assert len(theirs["words"]) > 100 and any(variants for _, variants in theirs["words"].values())  # type: ignore[attr-defined]
    assert ours == theirs
    # Pagefind's chunks, several on each side of the halves' split (which a half skips, or reads for its
    # words alone), and a chunk of the merged index ends where the halves meet.
    chunks = meta_of(tmp_path / "pagefind")[2]
    assert sum(end < pagefind_words.SPLIT for _, end, _ in chunks) >= 2
    assert sum(start > pagefind_words.SPLIT for start, _, _ in chunks) >= 2
    ranges = meta_of(tmp_path / "merged")[2]
    assert any(a[1] < pagefind_words.SPLIT <= b[0] for a, b in itertools.pairwise(ranges))


@pytest.mark.parametrize(
    "positions",
    [[1, 30, 300], [5_000, 70_000, 2], [-300, 5]],
    ids=["in-the-tables", "past-them", "below-them"],
)
def test_a_words_pages_are_encoded_as_cbor_in_the_merged_order(positions: list[int]) -> None:
    # A word's pages in two bundles. The first's: Pagefind's pages 0 and 3, numbered 2 and 0 in the
    # bundle's order. The second's, whose first page is the merged index's number 3: its page numbered 1.
    first = pagefind_words.part([[0, positions, [-1, 7]], [3, [2], []]], [2, 0])
    second = pagefind_words.part([[0, [9], [-2, 0]]], [1])
    expected = [[0, [2], []], [2, positions, [-1, 7]], [2, [9], [-2, 0]]]  # differences from the one before
    assert pagefind_words._joined([(0, first), (3, second)]) == cbor2.dumps(expected)


def test_a_position_that_is_not_a_number_stops_the_merge() -> None:
    with pytest.raises(pagefind_files.FormatError, match="positions are not all integers"):
        pagefind_words.part([[0, [1, "two"], []]], [0])


def test_a_half_of_the_merge_reads_only_the_chunks_that_may_hold_its_words(tmp_path: Path) -> None:
    # Chunk "held" has words on both sides of SPLIT ("m"); its range ends with "m", the prefix that tells
    # "mor" from the next chunk's first word. The chunks "before" and "after" have no file: reading one
    # would fail.
    (tmp_path / "index").mkdir()
    words = [["kal", [[0, [1], []]], []], ["mor", [[0, [2], []]], []]]
    pagefind_files.write(tmp_path / "index" / "held.pf_index", cbor2.dumps([words]))
    chunks = [["a", "ka", "before"], ["kal", "m", "held"], ["n", "z", "after"]]
    shard = pagefind_words.Shard(tmp_path, chunks, [0], None)

    def half(low: str, high: str | None, chunks: list[list[str]]) -> list[str]:
        prepared = pagefind_words.prepare(dataclasses.replace(shard, chunks=chunks), low, high)
        return [word for word, *_ in prepared]

    assert half("m", None, chunks[:2]) == ["mor"]  # "before" is skipped
    assert half("", "m", chunks[1:]) == ["kal"]  # "after" is not reached
    with pytest.raises(
        pagefind_files.FormatError, match=r"before\.pf_index is named in the index but missing"
    ):
        half("", "m", chunks)


@pytest.mark.parametrize("where", ["same-file-system", "another-file-system"])
def test_a_file_moved_is_at_its_target_alone(tmp_path: Path, where: str) -> None:
    elsewhere = Path("/dev/shm")
    if where == "another-file-system" and (
        not elsewhere.is_dir() or os.stat(elsewhere).st_dev == os.stat(tmp_path).st_dev
    ):
        pytest.skip("no second file system here: /dev/shm is missing or on the same one as the tests' folder")
    with tempfile.TemporaryDirectory(dir=elsewhere if where == "another-file-system" else tmp_path) as folder:
        source = Path(folder) / "en_abcdef0.pf_fragment"
        source.write_bytes(b"\x1f\x8b fragment")
        target = tmp_path / "site" / source.name
        target.parent.mkdir()
        pagefind_files.move(source, target)
        assert target.read_bytes() == b"\x1f\x8b fragment" and not source.exists()
