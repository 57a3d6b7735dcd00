"""The largest kind's pages written by a forked child (generator/site/forked_pages.py): the same site as
MkDocs' own per-page render, byte for byte; no "Page skipped" line for them; a child that fails leaves its
pages to the build's process; a build that fails stops the child; what the forks froze is thawed once the
build ends. Real builds, made in this process."""

from __future__ import annotations

import gc
import logging
import os
import time
from pathlib import Path

import pytest

from generator import forked
from generator.plugin import FAST_PAGES_ENV
from generator.site import forked_pages, htmlmin, search
from tests.forks import counted
from tests.sitebuild import write_config
from tests.test_fastpath import PAPERS, SITE_URL, SUMMARY, site_files, write_content


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fast path's fixture, with a fork for as few pages as it has, and no search index (whose thread
    would keep the build from forking)."""
    monkeypatch.setattr(forked_pages, "MIN_PAGES", 2)
    monkeypatch.setattr(search, "start_index", lambda *args, **kwargs: (0, None))
    return write_content(tmp_path)


def _build(tmp: Path, content: Path, fast: bool, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    tmp.mkdir()
    monkeypatch.setenv(FAST_PAGES_ENV, "1" if fast else "0")
    config_file = write_config(tmp, content, SITE_URL, page_size=2)
    mkdocs_build(load_config(str(config_file), site_dir=str(tmp / "site"), strict=True))
    return site_files(tmp / "site")


def _paper_pages(files: dict[str, bytes]) -> list[str]:
    return [path for path in files if path.startswith("papers/") and path.endswith("/index.html")]


def test_the_childs_pages_are_those_mkdocs_writes(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    slow = _build(tmp_path / "slow", content, False, monkeypatch)
    forks = counted(monkeypatch)
    writers: list[int] = []
    real_write = forked_pages.write

    def write(path: str, page: str) -> None:
        writers.append(os.getpid())  # in the child's copy of the list only
        real_write(path, page)
        with open(f"{path}.by", "w", encoding="ascii") as mark:  # which process wrote the page
            mark.write(str(os.getpid()))

    monkeypatch.setattr(forked_pages, "write", write)
    import mkdocs.utils

    by_mkdocs: list[str] = []  # what MkDocs writes itself
    real_mkdocs_write = mkdocs.utils.write_file

    def mkdocs_write(data: bytes, path: str) -> None:
        by_mkdocs.append(Path(path).relative_to(tmp_path / "fast" / "site").as_posix())
        real_mkdocs_write(data, path)

    monkeypatch.setattr(mkdocs.utils, "write_file", mkdocs_write)
    caplog.set_level(logging.INFO)
    fast = _build(tmp_path / "fast", content, True, monkeypatch)
    marks = {path: fast.pop(path) for path in list(fast) if path.endswith(".by")}
    assert forks, "no child was forked"
    assert writers == []  # none of the pages was written by this process
    # The child wrote paper pages only, not the kind's first or last (the theme renders those).
    written = sorted(path.removesuffix(".by") for path in marks)
    papers = _paper_pages(slow)
    assert written and set(written) < set(papers), (written, papers)
    pages = {path for path in slow if path.endswith("index.html")}
    assert {path for path in by_mkdocs if path.endswith("index.html")} == pages - set(written)
    assert {int(pid) for pid in marks.values()} == {forks[0]}
    assert fast == slow
    assert gc.get_freeze_count() == 0  # what the build's forks froze is collected again once it ends
    assert not [r for r in caplog.records if "Page skipped" in r.getMessage()]
    found = [SUMMARY.search(r.getMessage()) for r in caplog.records]
    filled = [int(match.group(1)) for match in found if match]
    assert filled and filled[0] >= len(PAPERS) - 1  # the child's pages counted with the others


def test_a_child_that_fails_leaves_its_pages_to_the_build(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = _build(tmp_path / "slow", content, False, monkeypatch)
    forks = counted(monkeypatch)
    parent = os.getpid()
    real_write = forked_pages.write

    def write(path: str, page: str) -> None:
        if os.getpid() != parent:
            raise OSError(f"{path}: no space left on device")
        real_write(path, page)

    monkeypatch.setattr(forked_pages, "write", write)
    assert _build(tmp_path / "fast", content, True, monkeypatch) == slow
    assert forks


def test_a_build_that_fails_stops_the_child(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    forks = counted(monkeypatch)
    parent = os.getpid()
    real_minify = htmlmin.minify

    def write(path: str, page: str) -> None:
        time.sleep(10)  # the child would still be writing when the build ends

    def minify(page: str) -> str:
        if os.getpid() == parent and ">Papers of <time" in page and forks:
            raise RuntimeError("a day page cannot be written")
        return real_minify(page)

    monkeypatch.setattr(forked_pages, "write", write)
    monkeypatch.setattr(htmlmin, "minify", minify)
    start = time.monotonic()
    with pytest.raises(Exception, match="a day page cannot be written"):
        _build(tmp_path / "fast", content, True, monkeypatch)
    assert forks
    assert gc.get_freeze_count() == 0
    assert time.monotonic() - start < 8  # the child was stopped, not waited for
    with pytest.raises(ChildProcessError):
        os.waitpid(forks[0], os.WNOHANG)  # and it was reaped: no child of that pid is left


def test_no_child_while_another_thread_runs(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The search index's thread runs beside most builds: a fork then could copy a lock it holds.
    monkeypatch.setattr(forked, "can_fork", lambda: False)

    def no_fork() -> int:
        raise AssertionError("no fork while another thread runs")

    monkeypatch.setattr(os, "fork", no_fork)
    slow = _build(tmp_path / "slow", content, False, monkeypatch)
    assert _build(tmp_path / "fast", content, True, monkeypatch) == slow


def test_mkdocs_skipped_line_is_left_out_for_the_childs_pages_only() -> None:
    pages = forked_pages.ForkedPages()
    pages.taken = frozenset({"papers/a.md"})
    lines = forked_pages._SkippedLines(pages)

    def record(message: str) -> logging.LogRecord:
        return logging.LogRecord(forked_pages.BUILD_LOG, logging.INFO, __file__, 1, message, None, None)

    assert not lines.filter(record("Page skipped: 'papers/a.md'. Generated empty output."))
    assert lines.filter(record("Page skipped: 'papers/b.md'. Generated empty output."))
    assert lines.filter(record("Building page papers/a.md"))
