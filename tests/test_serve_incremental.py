"""`paperfeed serve`'s incremental rebuilds give the site a full build gives: MkDocs' own build function is
called as `mkdocs serve --dirty` calls it, once per step (edit an abstract, add a paper on a new day and on
an existing one, delete one, change a paper's tags, change the vocabulary...), and after each step every
file of the served site is compared byte for byte with a full `mkdocs build` of the same content."""

from __future__ import annotations

import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError

from generator.plugin import PaperfeedPlugin
from generator.site import forked_pages
from tests.sitebuild import build_site, write_config

SERVE_URL = "http://127.0.0.1:8000/"
TAGS_YML = """\
big:
  name: "Big & bold"
  description: "More than one page."
lone:
  name: "Lone"
odd:
  name: "Odd 'one'"
"""
# (slug, date, tags, upvotes): days of one and of three papers, two months, a tag of three pages (of 2).
PAPERS = [
    ("first-paper", "2024-12-30", ["big"], 0),
    ("year-end-paper", "2024-12-31", ["big", "odd"], 3),
    ("new-year-paper", "2025-01-02", ["big"], 1),
    ("lonely-paper", "2025-01-02", ["lone"], 5),
    ("middle-paper", "2025-01-02", ["big"], 2),
    ("last-paper", "2025-03-14", ["big", "odd"], 4),
]


def record(slug: str, day: str, tags: list[str], upvotes: int, abstract: str = "") -> str:
    title = slug.replace("-", " ").capitalize() + ": a study of things & 'quotes'"
    abstract = abstract or f"The abstract of {slug}, on transformers, diffusion and $x^2$ {upvotes}."
    return (
        f'---\ntitle: "{title}"\ndate: {day}\ntags: [{", ".join(tags)}]\n'
        f'authors: ["Grace Hopper"]\nupvotes: {upvotes}\n---\n{abstract}\n'
    )


def write(content: Path, slug: str, day: str, tags: list[str], upvotes: int, abstract: str = "") -> Path:
    path = content / "papers" / day[:4] / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(record(slug, day, tags, upvotes, abstract), encoding="utf-8")
    return path


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


class Served:
    """One `mkdocs serve --dirty` session, in this process: each rebuild loads the configuration anew and
    runs MkDocs' build as the server does, into the same site folder."""

    def __init__(self, tmp: Path, content: Path) -> None:
        self.config_file = write_config(tmp, content, SERVE_URL, page_size=2)
        self.site = tmp / "served"
        self.site.mkdir()  # mkdocs serve builds into a new temporary folder
        config = self.config()
        config.plugins.on_startup(command="serve", dirty=True)
        self.plugin = config.plugins["paperfeed"]
        assert isinstance(self.plugin, PaperfeedPlugin)
        self.rebuild(config)

    def config(self) -> MkDocsConfig:
        config = load_config(config_file=str(self.config_file), site_dir=str(self.site))
        config.site_url = SERVE_URL
        return config

    def rebuild(self, config: MkDocsConfig | None = None) -> None:
        build(config or self.config(), serve_url=SERVE_URL, dirty=True)
        assert self.plugin.serving is not None
        self.plugin.serving.reindex.wait()  # search catches up in the background: wait for it to compare

    def close(self) -> None:
        self.config().plugins.on_shutdown()


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    (root / "papers").mkdir(parents=True)
    (root / "tags.yml").write_text(TAGS_YML, encoding="utf-8")
    for paper in PAPERS:
        write(root, *paper)
    return root


@pytest.fixture
def served(tmp_path: Path, content: Path) -> Iterator[Served]:
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    session = Served(tmp_path, content)
    yield session
    session.close()


def full_build(tmp: Path, content: Path) -> dict[str, bytes]:
    folder = tmp / "full"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    done = build_site(folder, content, SERVE_URL, page_size=2)
    assert done.returncode == 0, done.stderr[-3000:]
    return site_files(folder / "site")


def assert_same_site(served: Served, tmp: Path, content: Path) -> None:
    full = full_build(tmp, content)
    mine = site_files(served.site)
    assert sorted(mine) == sorted(full), "the served site has other files than a full build"
    differ = [path for path in full if mine[path] != full[path]]
    assert not differ, f"served files differ from a full build's: {differ[:10]}"


def edit_abstract(content: Path) -> None:
    write(content, "middle-paper", "2025-01-02", ["big"], 2, "A new abstract: state space models instead.")


def add_on_new_day(content: Path) -> None:
    write(content, "newest-paper", "2025-03-20", ["lone", "big"], 1)


def add_on_existing_day(content: Path) -> None:
    write(content, "another-paper", "2025-01-02", ["odd"], 9)


def delete_paper(content: Path) -> None:
    (content / "papers" / "2024" / "first-paper.md").unlink()


def change_tags(content: Path) -> None:
    write(content, "last-paper", "2025-03-14", ["lone"], 4)


def change_upvotes(content: Path) -> None:
    write(content, "lonely-paper", "2025-01-02", ["lone"], 0)


def rename_tag(content: Path) -> None:
    tags = content / "tags.yml"
    tags.write_text(tags.read_text(encoding="utf-8").replace("Big & bold", "Big, renamed"), encoding="utf-8")


STEPS: list[Callable[[Path], None]] = [
    edit_abstract,
    add_on_new_day,
    add_on_existing_day,
    delete_paper,
    change_tags,
    change_upvotes,
    rename_tag,
]


def test_every_rebuild_gives_the_site_of_a_full_build(served: Served, tmp_path: Path, content: Path) -> None:
    assert_same_site(served, tmp_path, content)
    for step in STEPS:
        before = site_files(served.site)
        step(content)
        served.rebuild()
        assert site_files(served.site) != before, f"{step.__name__}: the site did not change"
        assert_same_site(served, tmp_path, content)


def test_rebuilds_are_whole_where_a_child_could_write_the_paper_pages(
    tmp_path: Path, content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As at 10,000 papers: a session's first build runs before the server's threads start, where a build
    # forks a child to write most paper pages; serving writes only what changed, itself, on every rebuild.
    monkeypatch.setattr(forked_pages, "MIN_PAGES", 1)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    session = Served(tmp_path, content)
    try:
        for step in STEPS[:3]:
            step(content)
            session.rebuild()
            assert_same_site(session, tmp_path, content)
    finally:
        session.close()


# Written on every build: the hand-written page (read again for the search index), the theme's own pages.
ALWAYS_WRITTEN = {
    "404.html",
    "about/index.html",
    "sitemap.xml",
    "sitemap.xml.gz",
    "assets/images/paperfeed-icons.svg",
    "assets/javascripts/paperfeed.js",
}


def stamps(site: Path) -> dict[str, int]:
    """Each file's modification time, but the search index's (made again in the background, whole)."""
    found = {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    return {path: stamp for path, stamp in found.items() if not path.startswith("pagefind/")}


def test_a_rebuild_makes_and_writes_only_what_changed(served: Served, tmp_path: Path, content: Path) -> None:
    before = stamps(served.site)
    served.rebuild()  # nothing changed
    assert served.plugin.serving is not None and served.plugin.serving.made == 0
    assert {path for path, stamp in stamps(served.site).items() if before[path] != stamp} == ALWAYS_WRITTEN

    old = full_build(tmp_path, content)
    before = stamps(served.site)
    edit_abstract(content)
    served.rebuild()
    new = full_build(tmp_path, content)
    changed = {path for path in new if not path.startswith("pagefind/") and old[path] != new[path]}
    assert "papers/middle-paper/index.html" in changed and "papers/last-paper/index.html" not in changed
    written = {path for path, stamp in stamps(served.site).items() if before[path] != stamp}
    assert written == changed | ALWAYS_WRITTEN
    # Made again: the paper's page, its neighbours' and the related papers' whose lists changed, and
    # the listings that show it (its day, week, month, tags, the home page); the others kept.
    assert 0 < served.plugin.serving.made < 20


def test_a_deleted_paper_leaves_no_file_or_folder(served: Served, content: Path) -> None:
    assert (served.site / "papers" / "first-paper" / "index.html").is_file()
    delete_paper(content)
    served.rebuild()
    assert not (served.site / "papers" / "first-paper").exists()
    assert not (served.site / "date" / "2024-12-30").exists()


def test_a_broken_record_stops_a_rebuild_and_the_next_one_is_whole(
    served: Served, tmp_path: Path, content: Path
) -> None:
    path = content / "papers" / "2025" / "lonely-paper.md"
    path.write_text(path.read_text(encoding="utf-8").replace("date: 2025-01-02", "date: someday"))
    logging.getLogger("mkdocs").setLevel(logging.CRITICAL)  # the build's error is expected
    with pytest.raises((Abort, PluginError)):
        served.rebuild()
    logging.getLogger("mkdocs").setLevel(logging.NOTSET)
    write(content, "lonely-paper", "2025-01-02", ["lone", "odd"], 5)
    served.rebuild()
    assert_same_site(served, tmp_path, content)
