"""The large kinds' pages withheld from MkDocs, written by a forked child and the build's process, which
take runs of them in turns, each page written once (generator/site/forked_pages.py): the same site as MkDocs'
own per-page render, byte for byte, links to them from a hand-written page and the sitemap included; a kind
whose chrome fails gives its pages back to the theme, and the other kinds' stay withheld; a child that fails
leaves its pages to the build's process; a build that fails stops the child; another plugin's page hook
keeps every page in MkDocs' hands; what the forks froze is thawed once the build ends. Real builds, made in
this process."""

from __future__ import annotations

import gc
import logging
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import forked
from generator.site import forked_pages, htmlmin, search
from generator.site.fastpath import FAST_PAGES_ENV
from tests.forks import counted, meet
from tests.sitebuild import ROOT, write_config
from tests.test_fastpath import PAPERS, SITE_URL, SUMMARY, site_files, write_content


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fast path's fixture, with a fork for as few pages as it has (its papers', days' and months'
    withheld), and no search index (whose thread would keep the build from forking)."""
    monkeypatch.setattr(forked_pages, "MIN_PAGES", 2)
    monkeypatch.setattr(forked_pages, "MIN_KIND", 3)
    monkeypatch.setattr(search, "start_index", lambda *args, **kwargs: (0, None))
    return write_content(tmp_path)


def _build(
    tmp: Path, content: Path, fast: bool, monkeypatch: pytest.MonkeyPatch, **changes: Any
) -> dict[str, bytes]:
    """The site built in this process, with the fast path on or off; `changes` to the mkdocs.yml."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    tmp.mkdir()
    monkeypatch.setenv(FAST_PAGES_ENV, "1" if fast else "0")
    config_file = write_config(tmp, content, SITE_URL, page_size=2)
    if changes:
        config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
        config_file.write_text(yaml.safe_dump({**config, **changes}), encoding="utf-8")
    mkdocs_build(load_config(str(config_file), site_dir=str(tmp / "site"), strict=True))
    return site_files(tmp / "site")


def _withheld(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The list that each build's withheld pages are appended to."""
    chosen: list[tuple[str, ...]] = []
    real_withhold = forked_pages.ForkedPages.withhold

    def withhold(self: forked_pages.ForkedPages, unread: Any) -> tuple[str, ...]:
        chosen.append(real_withhold(self, unread))
        return chosen[-1]

    monkeypatch.setattr(forked_pages.ForkedPages, "withhold", withhold)
    return chosen


def _written_as(src: str) -> str:
    """Where MkDocs writes a page: papers/x.md at papers/x/index.html, date/d/index.md at date/d/index.html"""
    return src.removesuffix("index.md").removesuffix(".md").rstrip("/") + "/index.html"


def _kinds(paths: list[str]) -> dict[str, int]:
    """How many of the pages are in each of the site's folders (papers/, date/...)."""
    folders = [path.split("/")[0] for path in paths]
    return {folder: folders.count(folder) for folder in folders}


def test_the_withheld_pages_are_those_mkdocs_writes(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    slow = _build(tmp_path / "slow", content, False, monkeypatch)
    forks = counted(monkeypatch)
    writers: list[int] = []
    real_write = forked_pages.write

    def write(path: str, page: str) -> None:
        writers.append(os.getpid())
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
    import mkdocs.commands.build

    read: list[str] = []  # the pages MkDocs reads
    real_populate = mkdocs.commands.build._populate_page

    def populate(page: Any, *args: Any, **kwargs: Any) -> None:
        read.append(page.file.src_uri)
        real_populate(page, *args, **kwargs)

    monkeypatch.setattr(mkdocs.commands.build, "_populate_page", populate)
    withheld = _withheld(monkeypatch)
    caplog.set_level(logging.INFO)
    fast = _build(tmp_path / "fast", content, True, monkeypatch)
    marks = {path: fast.pop(path) for path in list(fast) if path.endswith(".by")}
    assert forks, "no child was forked"
    # The child (and this process) wrote the pages of each kind of three or more, but each kind's first
    # and last (the theme renders those), and MkDocs none of them: 7 papers, 5 days, 3 months, and the
    # first pages of 3 tags (one kind: a tag's pages differ in their slots alone, its feeds' links too).
    written = sorted(path.removesuffix(".by") for path in marks)
    assert _kinds(written) == {"papers": 5, "date": 3, "month": 1, "tags": 1}, written
    pages = {path for path in slow if path.endswith("index.html")}
    assert {path for path in by_mkdocs if path.endswith("index.html")} == pages - set(written)
    assert {int(pid) for pid in marks.values()} <= {forks[0], os.getpid()}
    # This process's list holds its own writes only (the child's is a copy).
    assert len(writers) == sum(int(pid) == os.getpid() for pid in marks.values())
    # They are the pages withheld from MkDocs, which it did not read, and which the sitemap lists.
    assert written == sorted(map(_written_as, withheld[0]))
    assert read and not set(read) & set(withheld[0])
    assert fast == slow
    assert gc.get_freeze_count() == 0 and gc.isenabled()  # collected again once the build ends
    assert not [r for r in caplog.records if "Page skipped" in r.getMessage()]
    found = [SUMMARY.search(r.getMessage()) for r in caplog.records]
    filled = [int(match.group(1)) for match in found if match]
    assert filled and filled[0] >= len(PAPERS) - 1  # the child's pages counted with the others


def test_the_child_and_this_process_take_runs_of_the_withheld_pages_each_written_once(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = _build(tmp_path / "slow", content, False, monkeypatch)
    monkeypatch.setattr(forked_pages, "RUN", 1)
    forks = counted(monkeypatch)
    parent, log, started = os.getpid(), tmp_path / "written", tmp_path / "started"
    real_write = forked_pages.write

    def write(path: str, page: str) -> None:
        # Each side, holding the run it took, waits for the other to hold one: the child would otherwise
        # take every run before this process is done with MkDocs' pages.
        side, other = ("here", "child") if os.getpid() == parent else ("child", "here")
        meet(started, side, other)
        with log.open("a", encoding="utf-8") as out:  # both sides append to the one file
            out.write(f"{side} {path}\n")
        real_write(path, page)

    monkeypatch.setattr(forked_pages, "write", write)
    withheld = _withheld(monkeypatch)
    fast = _build(tmp_path / "fast", content, True, monkeypatch)
    assert forks and fast == slow
    lines = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    assert {side for side, _ in lines} == {"here", "child"}
    site = tmp_path / "fast" / "site"
    written = sorted(Path(path).relative_to(site).as_posix() for _, path in lines)
    assert written == sorted(map(_written_as, withheld[0]))  # each once


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
    assert gc.get_freeze_count() == 0 and gc.isenabled()  # (the build failed: collected again)
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


def test_a_link_to_a_withheld_page_is_made_and_not_said_to_be_excluded(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A hand-written page that links to a paper page's Markdown source: MkDocs resolves the link to the
    # page it does not build itself, and its line that the page "is excluded from the built site" is
    # left out, since the child builds it.
    docs = tmp_path / "pages"
    shutil.copytree(ROOT / "content" / "pages", docs)
    about = docs / "about.md"
    about.write_text(
        about.read_text(encoding="utf-8") + "\n[A paper](papers/first-paper.md)\n", encoding="utf-8"
    )
    withheld = _withheld(monkeypatch)
    probe = _build(tmp_path / "probe", content, True, monkeypatch, docs_dir=str(docs))
    target = withheld[0][0]  # a withheld paper page, linked from now on (the first paper is the kind's last)
    about.write_text(
        about.read_text(encoding="utf-8").replace("papers/first-paper.md", target), encoding="utf-8"
    )
    slow = _build(tmp_path / "slow", content, False, monkeypatch, docs_dir=str(docs))
    forks = counted(monkeypatch)
    caplog.set_level(logging.INFO)
    fast = _build(tmp_path / "fast", content, True, monkeypatch, docs_dir=str(docs))
    assert forks and withheld[-1] == withheld[0] and target in withheld[-1]
    href = f'href="../{target.removesuffix(".md")}/"'
    assert href in fast["about/index.html"].decode() and href not in probe["about/index.html"].decode()
    assert fast == slow
    assert not [r for r in caplog.records if "excluded from the built site" in r.getMessage()]


def test_mkdocs_excluded_line_is_left_out_for_the_withheld_pages_only() -> None:
    pages = forked_pages.ForkedPages()
    pages._kinds = {"papers/a.md": "a kind"}
    lines = forked_pages._ExcludedLinks(pages)

    def record(target: str) -> logging.LogRecord:
        message = f"Doc file 'about.md' contains a link to '{target}' which is excluded from the built site."
        return logging.LogRecord(forked_pages.LINKS_LOG, logging.INFO, __file__, 1, message, None, None)

    assert not lines.filter(record("papers/a.md"))
    assert lines.filter(record("papers/b.md"))
    other = "Doc file 'about.md' contains a link 'papers/a.md', but the target is not found."
    assert lines.filter(
        logging.LogRecord(forked_pages.LINKS_LOG, logging.INFO, __file__, 1, other, None, None)
    )


def test_a_kind_whose_chrome_fails_gives_its_withheld_pages_back_to_the_theme(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The project's theme, printing the title upper-cased in the head: no kind has a chrome, so the pages
    # withheld from MkDocs go through the theme after all, in this process, with the same result.
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    main = (theme / "main.html").read_text(encoding="utf-8")
    extra = '{% block extrahead %}<meta name="x-title" content="{{ page.title | upper | e }}">'
    (theme / "main.html").write_text(main.replace("{% block extrahead %}", extra, 1), encoding="utf-8")
    changes = {"theme": {"name": "material", "custom_dir": str(theme)}}
    slow = _build(tmp_path / "slow", content, False, monkeypatch, **changes)
    forks = counted(monkeypatch)
    withheld = _withheld(monkeypatch)
    caplog.set_level(logging.INFO)
    fast = _build(tmp_path / "fast", content, True, monkeypatch, **changes)
    assert withheld[0] and forks == []  # withheld, and given back: no child was started
    assert fast == slow
    page = fast[_written_as(withheld[0][0])].decode()
    assert '<meta name="x-title" content="' in page
    found = [SUMMARY.search(r.getMessage()) for r in caplog.records]
    counts = [tuple(map(int, match.groups())) for match in found if match]
    assert counts, caplog.text
    filled, rendered, themed, kinds = counts[0]
    assert (filled, themed) == (0, kinds)
    assert rendered > len(PAPERS)  # every paper page (the withheld too), and the other kinds' pages


def test_a_kind_whose_chrome_fails_is_given_back_and_the_others_stay_withheld(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The project's theme, printing the title upper-cased in the head of the day pages only: the days have
    # no chrome, and go through the theme; the papers, months and tags are still written by the child and
    # here.
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    main = (theme / "main.html").read_text(encoding="utf-8")
    extra = (
        '{% block extrahead %}{% if page and page.url.startswith("date/") %}'
        '<meta name="x-title" content="{{ page.title | upper | e }}">{% endif %}'
    )
    (theme / "main.html").write_text(main.replace("{% block extrahead %}", extra, 1), encoding="utf-8")
    changes = {"theme": {"name": "material", "custom_dir": str(theme)}}
    slow = _build(tmp_path / "slow", content, False, monkeypatch, **changes)
    forks = counted(monkeypatch)
    log, real_write = tmp_path / "written", forked_pages.write

    def write(path: str, page: str) -> None:
        with log.open("a", encoding="utf-8") as out:  # the child and this process append to the one file
            out.write(f"{path}\n")
        real_write(path, page)

    monkeypatch.setattr(forked_pages, "write", write)
    withheld = _withheld(monkeypatch)
    fast = _build(tmp_path / "fast", content, True, monkeypatch, **changes)
    assert forks and fast == slow
    assert _kinds(list(map(_written_as, withheld[0])))["date"] == 3  # withheld, then given back
    site = tmp_path / "fast" / "site"
    written = [Path(path).relative_to(site).as_posix() for path in log.read_text("utf-8").splitlines()]
    assert _kinds(written) == {"papers": 5, "month": 1, "tags": 1}, written
    assert '<meta name="x-title" content="PAPERS OF ' in fast["date/2025-01-02/index.html"].decode()


def test_another_plugins_page_hook_keeps_every_page_in_mkdocs_hands(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A withheld page would pass none of the other plugin's hooks: with one, no page is withheld.
    hook = tmp_path / "hook.py"
    hook.write_text(
        "def on_post_page(output, page, config):\n"
        "    return output.replace('</body>', '<!-- hooked --></body>')\n",
        encoding="utf-8",
    )
    slow = _build(tmp_path / "slow", content, False, monkeypatch, hooks=[str(hook)])
    withheld = _withheld(monkeypatch)
    fast = _build(tmp_path / "fast", content, True, monkeypatch, hooks=[str(hook)])
    assert withheld == []
    assert fast == slow
    assert all(b"<!-- hooked -->" in data for path, data in fast.items() if path.startswith("papers/"))
