"""End-to-end `mkdocs build --strict` of the fixture feed and of the shipped content, through the plugin."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import records
from tests.sitebuild import ROOT, build_site, write_config

FIXTURE = ROOT / "tests" / "fixtures" / "small" / "content"


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("small")
    done = build_site(tmp, FIXTURE, "https://example.org/feed/", page_size=2)
    assert done.returncode == 0, done.stderr
    return tmp / "site"


def test_the_fixture_feed_builds_every_kind_of_page(small_site: Path) -> None:
    feed = records.load_feed(FIXTURE)
    for paper in feed.papers:
        assert (small_site / "papers" / paper.slug / "index.html").is_file()
    expected = [
        "index.html",
        "404.html",
        "about/index.html",
        "archive/index.html",
        "feeds/index.html",
        "tags/index.html",
        "tags/language-models/index.html",
        "tags/language-models/page/2/index.html",
        "date/2025-03-04/index.html",
        "week/2025-W10/index.html",
        "month/2025-02/index.html",
        "month/2025-03/index.html",
        "feed.xml",
        "atom.xml",
        "feed.json",
        "feeds.opml",
        "tags/robotics/feed.xml",
        "tags/robotics/atom.xml",
        "sitemap.xml",
        "search/index.html",
        "pagefind/pagefind.js",
        "pagefind/pagefind-entry.json",
    ]
    missing = [path for path in expected if not (small_site / path).is_file()]
    assert missing == []


def test_no_record_file_is_copied_into_the_site(small_site: Path) -> None:
    assert not list(small_site.rglob("*.md"))
    assert not list(small_site.rglob("tags.yml"))


def test_papers_stay_out_of_the_navigation(small_site: Path) -> None:
    home = (small_site / "index.html").read_text(encoding="utf-8")
    nav = home[home.index('class="md-nav md-nav--primary"') :]
    nav = nav[: nav.index("</nav>")]
    assert "papers/" not in nav
    assert nav.count('class="md-nav__link') == 6  # Today, Archive, Tags, Feeds, Digests, About


def test_the_shipped_content_builds_strict_with_its_84_papers(tmp_path: Path) -> None:
    done = build_site(tmp_path, ROOT / "content")
    assert done.returncode == 0, done.stderr
    site = tmp_path / "site"
    assert len(list((site / "papers").glob("*/index.html"))) == 84
    assert (site / "index.html").read_text(encoding="utf-8").count('class="pf-card"') == 84


def test_a_paper_page_does_not_grow_with_the_feed(tmp_path: Path, small_site: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    for i in range(40):
        (content / "papers" / "2024").mkdir(exist_ok=True)
        front = f'title: "Older paper {i}"\ndate: 2024-06-{1 + i % 28:02d}\ntags: [robotics]'
        (content / "papers" / "2024" / f"older-paper-{i}.md").write_text(
            f"---\n{front}\n---\nAbstract {i}.\n", encoding="utf-8"
        )
    done = build_site(tmp_path, content, "https://example.org/feed/", page_size=2)
    assert done.returncode == 0, done.stderr
    page = "papers/attention-and-memory/index.html"
    assert (tmp_path / "site" / page).read_bytes() == (small_site / page).read_bytes()


def test_invalid_records_stop_the_build_with_the_lines_check_prints(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    bad = content / "papers" / "2025" / "broken.md"
    bad.write_text('---\ntitle: "Broken"\ndate: 2025-02-30\ntags: [robotcs]\n---\nText.\n', encoding="utf-8")
    done = build_site(tmp_path, content)
    assert done.returncode == 1
    lines = [str(p) for p in records.check(content).problems]
    assert lines == [
        f"{bad}:3: date: 2025-02-30 is not a real day of the calendar; check the month and day",
        f"{bad}:4: tags: 'robotcs' is not a tag of content/tags.yml; did you mean 'robotics'?",
    ]
    for line in lines:
        assert line in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "site" / "index.html").exists()


def test_paperfeed_build_is_mkdocs_build_strict(tmp_path: Path) -> None:
    config = write_config(tmp_path, FIXTURE, "https://example.org/feed/")
    done = subprocess.run(
        [sys.executable, "-m", "generator.cli", "build", "-f", str(config), "-d", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "papers" / "attention-and-memory" / "index.html").is_file()
