"""End-to-end `mkdocs build --strict` of fixture feeds (an empty one too) and of the shipped content."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import bibtexparser
import lxml.html
import pytest

from generator import records
from tests.sitebuild import ROOT, build_site, write_config

FIXTURE = ROOT / "tests" / "fixtures" / "small" / "content"
EMPTY = ROOT / "tests" / "fixtures" / "empty" / "content"
SHIPPED = ROOT / "content"
MAMBA = "2312.00752"


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
    assert nav.count('class="md-nav__link') == 7  # Today, Trending, Archive, Tags, Feeds, Digests, About


@pytest.fixture(scope="module")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("shipped")
    done = build_site(tmp, SHIPPED)
    assert done.returncode == 0, done.stderr
    return tmp / "site"


@pytest.mark.content
def test_the_shipped_content_builds_strict_with_a_page_per_paper(shipped_site: Path) -> None:
    """True of any valid content: every record has its page, the home page is the newest day, and the data
    files hold every paper."""
    site = shipped_site
    slugs = sorted(path.stem for path in (SHIPPED / "papers").rglob("*.md"))
    assert sorted(page.parent.name for page in (site / "papers").glob("*/index.html")) == slugs
    feed = records.load_feed(SHIPPED)
    newest = [p for p in feed.papers if p.date == feed.papers[0].date] if feed.papers else []
    home = (site / "index.html").read_text(encoding="utf-8")
    assert home.count('class="pf-card"') == len(newest)
    for paper in newest:
        assert f'href="papers/{paper.slug}/"' in home
    assert ("No papers yet." in home) == (not feed.papers)
    data = json.loads((site / "papers.json").read_text(encoding="utf-8"))
    assert [p["slug"] for p in data["papers"]] == [p.slug for p in feed.papers]
    bib = bibtexparser.parse_string((site / "papers.bib").read_text(encoding="utf-8"))
    assert bib.failed_blocks == []
    assert len(bib.entries) == len({entry.key for entry in bib.entries}) == len(feed.papers)


@pytest.mark.content
def test_the_shipped_mamba_page_links_arxiv_names_its_authors_cites_and_relates_it(
    shipped_site: Path,
) -> None:
    feed = records.load_feed(SHIPPED)
    mamba = next((p for p in feed.papers if (p.arxiv or "").startswith(MAMBA)), None)
    if mamba is None:
        pytest.skip(f"arXiv {MAMBA} (Mamba) is not in content/: a feed of its own")
    page = lxml.html.parse(str(shipped_site / "papers" / mamba.slug / "index.html")).getroot()
    hrefs = page.xpath("//p[@class='pf-links']/a/@href")
    assert hrefs[:2] == [f"https://arxiv.org/abs/{MAMBA}", f"https://arxiv.org/pdf/{MAMBA}"]
    authors = page.xpath("//dd[@class='pf-authors']")[0].text_content().split(", ")
    assert authors[:2] == list(mamba.authors[:2])
    if mamba.authors[:2] == ("Albert Gu", "Tri Dao"):  # as the seed has them; a record may be corrected
        assert authors == ["Albert Gu", "Tri Dao"]
    assert f"eprint = {{{MAMBA}}}" in page.xpath("//section[@class='pf-cite']")[0].text_content()
    assert page.xpath("//meta[@name='citation_arxiv_id']/@content") == [MAMBA]
    related = [href.split("/")[-2] for href in page.xpath("//section[@class='pf-related']//li/a/@href")]
    by_slug = feed.by_slug()
    if any("state-space-models" in p.tags for p in feed.papers if p is not mamba):
        assert any("state-space-models" in by_slug[slug].tags for slug in related), related


def _without_papers(tmp: Path, papers: str) -> Path:
    """The empty fixture feed (tags, no papers/ folder), or a copy with an empty papers/ folder."""
    if papers == "no papers/ folder":
        return EMPTY
    content = tmp / "content"
    shutil.copytree(EMPTY, content)
    (content / "papers").mkdir()
    return content


@pytest.mark.parametrize("papers", ["no papers/ folder", "an empty papers/ folder"])
def test_a_feed_without_papers_builds_a_site_with_empty_feeds(tmp_path: Path, papers: str) -> None:
    content = _without_papers(tmp_path, papers)
    assert not (EMPTY / "papers").exists()  # as Git checks out a feed whose papers were all deleted
    done = build_site(tmp_path, content, "https://example.org/feed/")
    assert done.returncode == 0, done.stderr
    site = tmp_path / "site"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<p class="pf-empty">No papers yet.' in home
    assert 'class="pf-card"' not in home
    for feed in ("feed.xml", "atom.xml", "feed.json"):
        assert f'href="{feed}"' in home  # the subscribe box: readers can follow the feed from day one
        assert f'href="https://example.org/feed/{feed}"' in home  # and the head's alternate links
    rss = ElementTree.parse(site / "feed.xml").getroot()
    assert rss.find("channel/title") is not None and rss.findall("channel/item") == []
    atom = ElementTree.parse(site / "atom.xml").getroot()
    assert atom.findall("{http://www.w3.org/2005/Atom}entry") == []
    assert json.loads((site / "feed.json").read_text(encoding="utf-8"))["items"] == []
    assert (site / "tags" / "world-models" / "index.html").is_file()
    assert "0 papers" in (site / "tags" / "world-models" / "index.html").read_text(encoding="utf-8")
    assert not (site / "papers").exists()


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


def test_pages_link_the_repository_its_issue_form_and_each_papers_record(small_site: Path) -> None:
    """From mkdocs.yml's repo_url and edit_uri, as MkDocs hands them to the plugin (docs_dir absolute)."""
    page = lxml.html.parse(str(small_site / "papers" / "attention-and-memory" / "index.html")).getroot()
    assert page.xpath("//p[@class='pf-edit']/a/@href") == [
        "https://github.com/example/paperfeed/edit/main/content/papers/2025/attention-and-memory.md"
    ]
    for path in ("index.html", "papers/attention-and-memory/index.html", "404.html", "about/index.html"):
        foot = lxml.html.parse(str(small_site / path)).getroot().xpath("//ul[@class='pf-footer-links']/li/a")
        assert [(a.text_content(), a.get("href")) for a in foot][:2] == [
            ("Source on GitHub", "https://github.com/example/paperfeed"),
            ("Suggest a paper", "https://github.com/example/paperfeed/issues/new?template=suggest-paper.yml"),
        ], path
    listing = (small_site / "index.html").read_text(encoding="utf-8")
    assert "pf-edit" not in listing  # a listing has no record to edit
