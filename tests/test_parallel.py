"""The generated pages made on two cores are the pages made on one, in the same order, with the rest of
the site made in this process meanwhile; the related papers are ranked once, in the child, and sent here
for this process's paper pages; both sides take runs of paper pages in turn, each made once, and a child
that dies leaves its runs to this side; a failure in the child is the error of the page that failed;
a build's objects are left out of the collections at exit."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import records
from generator.config import SiteConfig
from generator.model import Feed
from generator.site import pages, parallel, related
from tests.forks import counted, meet

FIXTURE = Path(__file__).parent / "fixtures" / "small" / "content"
SITE = SiteConfig(site_name="Small feed", site_url="https://example.org/feed/", page_size=2, feed_size=5)


@pytest.fixture(scope="module")
def feed() -> Feed:
    return records.load_feed(FIXTURE)


def test_pages_made_on_two_cores_are_the_pages_made_on_one(
    feed: Feed, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "MIN_PAPERS", 1)
    forks = counted(monkeypatch)
    ranked: list[int] = []
    real_related = related.related
    monkeypatch.setattr(related, "related", lambda feed: ranked.append(os.getpid()) or real_related(feed))
    builder = pages.SiteBuilder(feed, SITE)
    here: list[int] = []
    two, rest = parallel.build_pages(builder, lambda: here.append(os.getpid()) or "rest")
    assert ranked == []  # the related papers were ranked in the child only (its list is its own copy)
    assert builder.related == real_related(feed)  # and sent here
    one = list(pages.SiteBuilder(feed, SITE).pages())
    assert len(forks) == 1  # the paper pages were made by a child
    assert rest == "rest" and here == [os.getpid()]  # the rest was made here, once
    assert [(p.src, p.updated, p.in_nav) for p in two] == [(p.src, p.updated, p.in_nav) for p in one]
    assert [p.text for p in two] == [p.text for p in one]
    assert two[0].src.startswith("papers/") and two[-1].src == "search/index.md"


def test_a_small_feed_is_made_in_this_process(feed: Feed, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise AssertionError("a feed below MIN_PAPERS must not fork")

    monkeypatch.setattr(os, "fork", no_fork)
    assert len(feed.papers) < parallel.MIN_PAPERS
    made, rest = parallel.build_pages(pages.SiteBuilder(feed, SITE), lambda: "rest")
    assert rest == "rest"
    assert [p.src for p in made] == [p.src for p in pages.SiteBuilder(feed, SITE).pages()]


def test_no_fork_while_another_thread_runs(feed: Feed, monkeypatch: pytest.MonkeyPatch) -> None:
    # mkdocs serve's rebuilds run beside its server's threads: a fork would copy their held locks.
    def no_fork() -> int:
        raise AssertionError("no fork while another thread runs")

    monkeypatch.setattr(parallel, "MIN_PAPERS", 1)
    monkeypatch.setattr(os, "fork", no_fork)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        made, _ = parallel.build_pages(pages.SiteBuilder(feed, SITE), lambda: None)
    finally:
        stop.set()
        other.join()
    assert [p.text for p in made] == [p.text for p in pages.SiteBuilder(feed, SITE).pages()]


class _Broken(pages.SiteBuilder):
    def paper_pages(self, part=None):  # type: ignore[no-untyped-def]
        raise ValueError("papers/x.md: cannot be rendered")


def test_a_paper_page_that_fails_in_the_child_raises_its_error_here(
    feed: Feed, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "MIN_PAPERS", 1)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    with pytest.raises(ValueError, match=r"^papers/x\.md: cannot be rendered$"):
        parallel.build_pages(_Broken(feed, SITE), lambda: None)


def _made_by(
    monkeypatch: pytest.MonkeyPatch,
    log: Path,
    child_page: Callable[[], None],
    here_page: Callable[[], None] = lambda: None,
) -> None:
    """Each paper page made logs its process and slug to `log` (both sides append to the one file);
    `child_page()` runs before each the child makes, `here_page()` before each this process makes."""
    parent, real_page = os.getpid(), pages.SiteBuilder.paper_page

    def paper_page(self, papers, i):  # type: ignore[no-untyped-def]
        (here_page if os.getpid() == parent else child_page)()
        with log.open("a", encoding="utf-8") as out:
            out.write(f"{'here' if os.getpid() == parent else 'child'} {papers[i].slug}\n")
        return real_page(self, papers, i)

    monkeypatch.setattr(pages.SiteBuilder, "paper_page", paper_page)


def _forking_in_runs(monkeypatch: pytest.MonkeyPatch, run: int) -> None:
    """A fork for the small feed, its paper pages in runs of `run`."""
    monkeypatch.setattr(parallel, "MIN_PAPERS", 1)
    monkeypatch.setattr(parallel, "RUN", run)
    counted(monkeypatch)


def test_both_sides_take_runs_of_paper_pages_each_made_once(
    feed: Feed, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _forking_in_runs(monkeypatch, 1)
    log, started = tmp_path / "made", tmp_path / "started"
    # Each side, holding the run it took, waits for the other to hold one.
    _made_by(monkeypatch, log, lambda: meet(started, "child", "here"), lambda: meet(started, "here", "child"))
    made, _ = parallel.build_pages(pages.SiteBuilder(feed, SITE), lambda: None)
    lines = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    assert {side for side, _ in lines} == {"here", "child"}
    assert sorted(slug for _, slug in lines) == sorted(p.slug for p in feed.papers)  # each once
    assert [p.text for p in made] == [p.text for p in pages.SiteBuilder(feed, SITE).pages()]


def test_the_runs_of_a_child_that_died_are_made_here(
    feed: Feed, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _forking_in_runs(monkeypatch, 2)
    log, dies = tmp_path / "made", tmp_path / "dies"

    def child_page() -> None:
        if dies.exists():  # its second page: the child has taken one run and started another
            os._exit(1)
        dies.touch()

    def here_page() -> None:  # waits for the child to take a run (on a busy machine, it may come late)
        deadline = time.monotonic() + 10
        while not dies.exists() and time.monotonic() < deadline:
            time.sleep(0.01)

    _made_by(monkeypatch, log, child_page, here_page)
    made, _ = parallel.build_pages(pages.SiteBuilder(feed, SITE), lambda: None)
    assert [p.text for p in made] == [p.text for p in pages.SiteBuilder(feed, SITE).pages()]
    assert [line.split()[0] for line in log.read_text(encoding="utf-8").splitlines()].count("child") == 1


# Registered before the build's own exit handler, this one runs after it (atexit runs the last first).
EXIT_CHECK = """
import atexit, gc, sys
from pathlib import Path
from generator.config import SiteConfig
from generator.site import assemble
atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count() > 0))
print("frozen before:", gc.get_freeze_count() > 0)
assemble.full(SiteConfig(site_name="x", site_url="https://example.org/", content_dir=Path(sys.argv[1])))
print("frozen after:", gc.get_freeze_count() > 0)
"""


def test_a_build_leaves_its_objects_out_of_the_collections_at_exit() -> None:
    # Only at exit: until then the build's garbage is collected (a test run holds many builds).
    done = subprocess.run(
        [sys.executable, "-c", EXIT_CHECK, str(FIXTURE)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines == ["frozen before: False", "frozen after: False", "frozen at exit: True"]


def test_each_pages_front_matter_is_read_where_it_is_made(
    feed: Feed, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "MIN_PAPERS", 1)
    forks = counted(monkeypatch)
    parent = os.getpid()

    def read(text: str) -> tuple[int, dict[str, object]]:
        return len(text) // 2, {"read in": "this process" if os.getpid() == parent else "the child"}

    # The rest takes this side a while: the child takes the one run of paper pages.
    made, _ = parallel.build_pages(pages.SiteBuilder(feed, SITE), lambda: time.sleep(0.3), read)
    assert forks and all(page.front is not None and page.front[0] == len(page.text) // 2 for page in made)
    assert {page.front[1]["read in"] for page in made if page.front} == {"this process", "the child"}
    listings = [page for page in made if not page.src.startswith("papers/")]
    assert {page.front[1]["read in"] for page in listings if page.front} == {"this process"}
