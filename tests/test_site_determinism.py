"""Two builds of the same content give byte-identical site trees, whatever the day, folder or hash seed."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.browser_support import build
from tests.sitebuild import ROOT

SMALL = ROOT / "tests" / "fixtures" / "small" / "content"
SITE_URL = "https://papers.example.org/feed/"


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _copy_content(target: Path, mtime: int) -> Path:
    """A copy of the fixture feed in its own folder, every file stamped with `mtime`."""
    shutil.copytree(SMALL, target)
    for path in target.rglob("*"):
        os.utime(path, (mtime, mtime))
    return target


def test_two_builds_of_the_same_content_are_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What may differ between two honest builds: the day (the clock, or SOURCE_DATE_EPOCH), the folders,
    # the files' modification times and Python's hash seed (the order of sets). None may reach the site.
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("PYTHONHASHSEED", "1")
    first = build(tmp_path / "one", _copy_content(tmp_path / "one" / "content", 1_700_000_000), SITE_URL)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "946684800")  # 2000-01-01, not the day of the first build
    monkeypatch.setenv("PYTHONHASHSEED", "2")
    again = tmp_path / "second-build"
    second = build(again, _copy_content(again / "content", 1_000_000_000), SITE_URL)

    one, two = _files(first), _files(second)
    assert sorted(one) == sorted(two)
    differ = [path for path in one if one[path] != two[path]]
    assert differ == [], f"these files differ between two builds of the same content: {differ}"
    # The kinds of file that carry a date or an order, so that none is left out of the comparison above.
    dated = [
        "sitemap.xml",
        "sitemap.xml.gz",
        "feed.xml",
        "atom.xml",
        "feed.json",
        "pagefind/pagefind-entry.json",
    ]
    assert [path for path in dated if path not in one] == []
    # Pagefind's filter index, whose order Pagefind itself does not keep (generator/site/pagefind_order.py).
    assert [path for path in one if path.startswith("pagefind/filter/")] != []
    assert gzip.decompress(one["sitemap.xml.gz"]) == one["sitemap.xml"]


def test_the_search_index_is_the_same_on_another_file_system(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind numbers the pages in the order it lists its documents' folder, which is the file
    system's (a hash of each name on ext4, the order of writing on tmpfs): the index is renumbered in an
    order of its own (generator/site/pagefind_merge.py), so that another machine gives the same bytes."""
    elsewhere = Path("/dev/shm")
    if not elsewhere.is_dir() or os.stat(elsewhere).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("no second file system here: /dev/shm is missing or on the same one as the tests' folder")
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    first = build(tmp_path / "one", SMALL, SITE_URL)
    with tempfile.TemporaryDirectory(dir=elsewhere) as temporary:
        monkeypatch.setenv("TMPDIR", temporary)  # the search index's documents and bundles go there
        second = build(tmp_path / "two", SMALL, SITE_URL)
    one, two = _files(first), _files(second)
    assert sorted(one) == sorted(two)
    assert [path for path in one if one[path] != two[path]] == []


def test_the_sitemap_dates_pages_by_their_content_not_the_build_day(tmp_path: Path) -> None:
    """Each page's lastmod is the day of its newest paper (the build day would change on every build)."""
    site = build(tmp_path, SMALL, SITE_URL)
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    for page, day in [
        ("papers/attention-and-memory/", "2025-03-04"),
        ("papers/diffusion-for-segmentation/", "2025-02-26"),
        ("date/2025-02-28/", "2025-02-28"),
        ("month/2025-02/", "2025-02-28"),
        ("", "2025-03-04"),
    ]:
        entry = rf"<loc>{re.escape(SITE_URL + page)}</loc>\s*<lastmod>{day}</lastmod>"
        assert re.search(entry, sitemap), f"{page or 'home'} should have lastmod {day}"
    # The gzip header's time is the newest lastmod, not the clock: 2025-03-04 00:00 UTC.
    assert int.from_bytes((site / "sitemap.xml.gz").read_bytes()[4:8], "little") == 1741046400
