"""The built site in a real Chromium: listings, paper pages, math, navigation, search, palette, no leaks."""

from __future__ import annotations

import collections
import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from generator import abstracts, pages, records
from generator.model import Feed, Paper
from tests.browser_support import HOST, LOW_CONTRAST_JS, Watch, build, free_port, launch_chromium, serve
from tests.sitebuild import ROOT

pytestmark = pytest.mark.browser

SHIPPED = ROOT / "content"
SMALL = ROOT / "tests" / "fixtures" / "small" / "content"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PAGE_SIZE = 50  # the shipped mkdocs.yml's page_size
TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class Site:
    """A built site, served on 127.0.0.1, and the feed it was built from."""

    url: str
    feed: Feed


@dataclass
class Tab:
    """A fresh browser context and page, with what the page requested and logged."""

    page: Page
    watch: Watch

    def assert_clean(self) -> None:
        assert self.watch.outside() == [], "requests left 127.0.0.1"
        assert self.watch.errors == [], "\n".join(self.watch.errors)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


def _served(tmp: Path, content: Path) -> Iterator[Site]:
    # Material fetches sitemap.xml from the absolute site_url, so the site is built for its own address.
    port = free_port()
    site_dir = build(tmp, content, f"http://{HOST}:{port}/")
    with serve(site_dir, port) as url:
        yield Site(url, records.load_feed(content))


@pytest.fixture(scope="session")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from _served(tmp_path_factory.mktemp("shipped"), SHIPPED)


@pytest.fixture(scope="session")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from _served(tmp_path_factory.mktemp("small"), SMALL)


@contextmanager
def _open_tab(chromium: Browser, scheme: str = "light") -> Iterator[Tab]:
    context = chromium.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})  # type: ignore[arg-type]
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    watch = Watch()
    watch.attach(page)
    try:
        yield Tab(page, watch)
    finally:
        context.close()


@pytest.fixture
def tab(chromium: Browser) -> Iterator[Tab]:
    with _open_tab(chromium) as opened:
        yield opened


def _card_titles(page: Page) -> list[str]:
    return page.locator("article.pf-card .pf-card__title a").all_inner_texts()


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]+", text)


def _findable(feed: Feed) -> tuple[Paper, str]:
    """The first paper (feed order) with links and a title word that no other paper uses anywhere."""
    used: collections.Counter[str] = collections.Counter()
    for paper in feed.papers:
        used.update({w.casefold() for w in _words(paper.title + " " + paper.abstract)})
    for paper in feed.papers:
        unique = [w for w in _words(paper.title) if len(w) > 4 and used[w.casefold()] == 1]
        if paper.links and unique:
            return paper, unique[0]
    raise AssertionError("no paper with links has a title word of its own; pick another fixture")


def test_the_home_page_lists_the_84_papers_of_2025_03_14(shipped: Site, tab: Tab) -> None:
    newest = [p for p in shipped.feed.papers if p.date == dt.date(2025, 3, 14)]
    tab.page.goto(shipped.url)
    assert _card_titles(tab.page) == [p.title for p in newest]
    assert len(newest) == 84
    assert tab.page.locator(".pf-day-heading").inner_text() == "Friday, 14 March 2025 · 84 papers"
    tab.assert_clean()


def test_a_title_leads_to_the_paper_page_and_a_tag_to_the_tag_page(shipped: Site, tab: Tab) -> None:
    paper, _ = _findable(shipped.feed)
    page = tab.page
    page.goto(shipped.url)
    page.locator("article.pf-card .pf-card__title a", has_text=paper.title).click()
    page.wait_for_url(f"{shipped.url}papers/{paper.slug}/")
    assert page.locator("h1").inner_text() == paper.title
    abstract = " ".join(page.locator("section.pf-abstract > p").all_inner_texts())
    assert " ".join(abstract.split()) == abstracts.plain_text(paper.abstract)
    buttons = page.locator("p.pf-links a")
    assert [buttons.nth(i).get_attribute("href") for i in range(buttons.count())] == [
        link.url for link in paper.links
    ]
    assert buttons.all_inner_texts() == [link.label.capitalize() for link in paper.links]
    assert "title = {{" + paper.title + "}}" in page.locator("section.pf-cite pre").inner_text()

    # Its first tag whose first page lists it (tag pages are newest first, 50 a page).
    slug = next(t for t in paper.tags if shipped.feed.papers_tagged(t).index(paper) < PAGE_SIZE)
    tag = shipped.feed.tags[slug]
    page.locator("ul.pf-tags a", has_text=tag.name).click()
    page.wait_for_url(f"{shipped.url}tags/{slug}/")
    assert page.locator("h1").inner_text() == tag.name
    tagged = shipped.feed.papers_tagged(slug)[:PAGE_SIZE]
    assert _card_titles(page) == [p.title for p in tagged]
    assert paper.title in _card_titles(page)
    tab.assert_clean()


def test_the_day_leads_to_its_week_and_month(shipped: Site, tab: Tab) -> None:
    page = tab.page
    page.goto(shipped.url)
    page.locator(".pf-day-heading a").click()
    page.wait_for_url(f"{shipped.url}date/2025-03-14/")
    assert page.locator("h1").inner_text() == "Papers of Friday, 14 March 2025"
    assert len(_card_titles(page)) == 84
    # One day in the feed: no previous or next day to link to.
    assert page.locator("nav.pf-pager a").count() == 0
    page.get_by_role("link", name="this week").click()
    page.wait_for_url(f"{shipped.url}week/2025-W11/")
    assert page.locator("h1").inner_text().startswith("Week 11 of 2025")
    assert page.locator("ul.pf-titles li").count() == 84
    page.get_by_role("link", name="the month").click()
    page.wait_for_url(f"{shipped.url}month/2025-03/")
    assert page.locator("h1").inner_text() == "March 2025"
    assert page.locator("ul.pf-titles li").count() == 84
    tab.assert_clean()


def _follow(page: Page, rel: str, url: str) -> None:
    page.locator(f"nav.pf-pager a[rel={rel}]").first.click()
    page.wait_for_url(url)


def test_previous_and_next_links_walk_days_weeks_and_months(small: Site, tab: Tab) -> None:
    days = sorted({p.date for p in small.feed.papers}, reverse=True)
    page, url = tab.page, small.url
    page.goto(url)
    # The newest day has no next day; its previous one is the day before it in the feed.
    assert page.locator("nav.pf-pager a[rel=next]").count() == 0
    _follow(page, "prev", f"{url}date/{days[1]}/")
    assert page.locator("h1").inner_text() == f"Papers of {pages.long_date(days[1])}"
    _follow(page, "next", f"{url}date/{days[0]}/")
    page.get_by_role("link", name="this week").click()
    page.wait_for_url(f"{url}week/2025-W10/")
    _follow(page, "prev", f"{url}week/2025-W09/")
    assert page.locator("nav.pf-pager a[rel=prev]").count() == 0  # the oldest week
    _follow(page, "next", f"{url}week/2025-W10/")
    page.get_by_role("link", name="the month").click()
    page.wait_for_url(f"{url}month/2025-03/")
    _follow(page, "prev", f"{url}month/2025-02/")
    assert page.locator("h1").inner_text() == "February 2025"
    _follow(page, "next", f"{url}month/2025-03/")
    tab.assert_clean()


def test_math_renders_as_mathml(small: Site, tab: Tab) -> None:
    paper = small.feed.by_slug()["linear-attention-revisited"]  # $O(n^2)$, $n$, $r$, $O(nr)$; on the home
    tab.page.goto(small.url)
    tab.page.locator("article.pf-card .pf-card__title a", has_text=paper.title).click()
    tab.page.wait_for_url(f"{small.url}papers/{paper.slug}/")
    formulas = tab.page.locator("section.pf-abstract math")
    assert formulas.count() == len(abstracts.MATH_RE.findall(paper.abstract)) == 4
    for i in range(formulas.count()):
        box = formulas.nth(i).bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0, f"formula {i} has no size"
    # Laid out as math, not as text: the exponent of n^2 sits higher than its base.
    base = tab.page.locator("section.pf-abstract msup > mi").first.bounding_box()
    power = tab.page.locator("section.pf-abstract msup > mn").first.bounding_box()
    assert base is not None and power is not None
    assert power["y"] < base["y"]
    tab.assert_clean()


def test_search_finds_a_paper_by_a_word_of_its_title(shipped: Site, tab: Tab) -> None:
    paper, word = _findable(shipped.feed)
    page = tab.page
    page.goto(shipped.url)
    # The header's search box (tests/test_search_browser.py tests it in depth).
    page.locator("input.pf-search__input").press_sequentially(word)
    results = page.locator(".pf-result__title")
    results.first.wait_for()
    assert paper.title in results.all_inner_texts()
    tab.assert_clean()


def test_the_palette_toggle_switches_light_and_dark(shipped: Site, tab: Tab) -> None:
    page = tab.page
    page.goto(shipped.url)
    body = page.locator("body")
    assert body.get_attribute("data-md-color-scheme") == "default"
    page.locator("form[data-md-component=palette] label:visible").click()
    assert body.get_attribute("data-md-color-scheme") == "slate"
    page.locator("form[data-md-component=palette] label:visible").click()
    assert body.get_attribute("data-md-color-scheme") == "default"
    tab.assert_clean()


@pytest.mark.parametrize(("scheme", "palette"), [("light", "default"), ("dark", "slate")])
def test_home_and_a_paper_keep_their_contrast_in_light_and_dark(
    shipped: Site, chromium: Browser, scheme: str, palette: str
) -> None:
    """The palette follows the system's scheme; screenshots go to test-artifacts/screenshots/."""
    paper, _ = _findable(shipped.feed)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with _open_tab(chromium, scheme) as tab:
        for name, url in [("home", shipped.url), ("paper", f"{shipped.url}papers/{paper.slug}/")]:
            tab.page.goto(url)
            assert tab.page.locator("body").get_attribute("data-md-color-scheme") == palette
            assert tab.page.evaluate(LOW_CONTRAST_JS, ".md-main") == [], f"{name} page, {scheme}"
            path = SCREENSHOTS / f"{name}-{scheme}.png"
            tab.page.screenshot(path=str(path))
            assert path.read_bytes().startswith(b"\x89PNG")
        tab.assert_clean()


def test_no_page_kind_requests_another_host_or_logs_an_error(small: Site, tab: Tab) -> None:
    feed = small.feed
    newest = feed.papers[0]
    paths = [
        "",
        f"papers/{newest.slug}/",
        f"date/{newest.date}/",
        "week/2025-W10/",
        "month/2025-03/",
        "tags/",
        f"tags/{newest.tags[0]}/",
        "archive/",
        "feeds/",
        "digests/",
        "about/",
        "search/",
        "404.html",
    ]
    for path in paths:
        tab.page.goto(small.url + path, wait_until="networkidle")
    assert len(tab.watch.requests) > len(paths)  # pages, styles and scripts were seen
    # Search loads its index only once the box is used (tests/test_search_browser.py).
    assert [url for url in tab.watch.requests if "/pagefind/" in url or "search_index" in url] == []
    # Material takes each link[rel=alternate] for a language version and downloads sitemap.xml beside it;
    # the feed links are marked "alternate feed" so that no page view downloads the whole sitemap.
    assert [url for url in tab.watch.requests if url.endswith("sitemap.xml")] == []
    tab.assert_clean()
