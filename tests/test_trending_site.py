"""The trending page, strip and feed in a real `mkdocs build --strict`: from the fixture's samples, with no
samples at all, and twice byte for byte. (In Chromium: test_browser.py; valid HTML: test_html_valid.py.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import feedparser
import lxml.html
import pytest

from tests.browser_support import build
from tests.sitebuild import ROOT

TRENDING = ROOT / "tests" / "fixtures" / "trending" / "content"
SITE_URL = "https://papers.example.org/feed/"
FIRST_FIVE = ["viral-code", "missed-runs", "young-repo", "popular-upvotes", "old-steady"]


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("trending"), TRENDING, SITE_URL)


def html(site: Path, path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / path).read_bytes())


def having(root: lxml.html.HtmlElement, tag: str, cls: str) -> list[lxml.html.HtmlElement]:
    """The elements `tag` (or any, for "*") whose class list holds `cls`."""
    found: list[lxml.html.HtmlElement] = root.xpath(
        f"//{tag}[contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')]"
    )
    return found


def test_the_trending_page_is_in_the_navigation_and_links_its_feed(site: Path) -> None:
    page = html(site, "trending/index.html")
    nav = [a.text_content().strip() for a in having(html(site, "index.html"), "*", "md-nav__link")]
    assert "Trending" in nav
    assert nav.index("Trending") == nav.index("Today") + 1
    feeds = [(link.get("type"), link.get("href")) for link in page.xpath('//link[@rel="alternate feed"]')]
    assert feeds[0] == ("application/rss+xml", f"{SITE_URL}trending.xml")
    titles = [a.text_content() for a in page.xpath("//article//h2/a")]
    assert titles[:2] == ["Viral Code: A Repository Everyone Stars", "Stars Sampled around Missed Runs"]
    assert having(page, "p", "pf-signal")[0].text_content() == (
        "+5,000 stars this week · 5,300 stars · 5 upvotes"
    )
    assert page.get_element_by_id("how-this-is-ranked").text == "How this is ranked"


def test_the_home_page_shows_the_strip_and_paper_pages_their_stars(site: Path) -> None:
    strip = having(html(site, "index.html"), "section", "pf-trending-strip")[0].xpath(".//li/a")
    assert [a.get("href") for a in strip] == [f"papers/{slug}/" for slug in FIRST_FIVE]
    paper = html(site, "papers/viral-code/index.html")
    meta = having(paper, "dl", "pf-meta")[0]
    rows = {
        dt.text_content(): dd.text_content()
        for dt, dd in zip(meta.xpath("dt"), meta.xpath("dd"), strict=True)
    }
    assert rows["Upvotes"] == "5"
    assert rows["GitHub stars"] == "5,300 (+5,000 this week) · Trending"


def test_the_built_feed_parses_and_the_samples_file_is_not_published(site: Path) -> None:
    parsed = feedparser.parse((site / "trending.xml").read_bytes())
    assert not parsed.bozo and parsed.version == "rss20"
    assert [e.link.removeprefix(f"{SITE_URL}papers/").rstrip("/") for e in parsed.entries][:5] == FIRST_FIVE
    assert not list(site.rglob("stars.tsv"))
    assert b"trending/" in (site / "sitemap.xml").read_bytes()


def test_two_builds_with_the_same_samples_are_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("PYTHONHASHSEED", "1")
    one = build(tmp_path / "one", shutil.copytree(TRENDING, tmp_path / "one" / "content"), SITE_URL)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "946684800")
    monkeypatch.setenv("PYTHONHASHSEED", "2")
    two = build(tmp_path / "two", shutil.copytree(TRENDING, tmp_path / "two" / "content"), SITE_URL)
    first, second = _files(one), _files(two)
    assert sorted(first) == sorted(second)
    assert [path for path in first if first[path] != second[path]] == []
    assert {"trending/index.html", "trending.xml"} <= set(first)


def test_a_build_with_no_samples_at_all_reads_well(tmp_path: Path) -> None:
    content = shutil.copytree(TRENDING, tmp_path / "content", ignore=shutil.ignore_patterns("stars.tsv"))
    site = build(tmp_path, content, SITE_URL)
    page = html(site, "trending/index.html")
    assert having(page, "p", "pf-empty")[0].text_content() == (
        "No activity data yet: no code repository has been sampled, so the papers rank by upvotes and recency"
        " alone."
    )
    assert page.xpath("//article//h2/a")[0].text_content() == "Popular Upvotes without Code"
    assert not having(html(site, "index.html"), "section", "pf-trending-strip")
    assert "GitHub stars" not in html(site, "papers/viral-code/index.html").text_content()
    assert not feedparser.parse((site / "trending.xml").read_bytes()).bozo


def test_a_damaged_samples_file_stops_the_build_with_its_line(tmp_path: Path) -> None:
    from tests.sitebuild import build_site

    content = shutil.copytree(TRENDING, tmp_path / "content")
    with (content / "stars.tsv").open("a", encoding="utf-8") as out:
        out.write("lab/broken\tok\t-\tyesterday=3\n")
    done = build_site(tmp_path, content, SITE_URL)
    assert done.returncode == 1
    line = (
        f"{(content / 'stars.tsv').as_posix()}:10: 'yesterday=3' is not a sample (DAY=STARS); delete the line"
    )
    assert line in done.stderr
    assert "Traceback" not in done.stderr
