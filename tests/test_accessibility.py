"""Accessible, finished pages in a real Chromium: axe-core finds no violation on any kind of page, light or
dark; the skip link, the 404 page and the feeds table on a phone work; screenshots of the shipped site.

axe-core (npm, pinned in tasks.py) is injected into each page. The search box is left out of its checks:
the search UI is the search tests' (tests/test_browser.py and the search engine's own), and is checked closed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

import tasks
from generator import records
from generator.model import Feed
from tests.browser_support import HOST, Watch, build, free_port, launch_chromium, serve
from tests.sitebuild import ROOT

pytestmark = pytest.mark.browser

SMALL = ROOT / "tests" / "fixtures" / "small" / "content"
SHIPPED = ROOT / "content"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
MAMBA = "2312.00752"
TIMEOUT_MS = 10_000
# One page of every kind (the fixture is built with page_size=2, so tag pages paginate).
PAGE_KINDS = {
    "home": "",
    "paper": "papers/attention-and-memory/",
    "day": "date/2025-03-04/",
    "week": "week/2025-W10/",
    "month": "month/2025-03/",
    "tags index": "tags/",
    "tag": "tags/vision/",
    "tag page 2": "tags/vision/page/2/",
    "archive": "archive/",
    "feeds": "feeds/",
    "digests": "digests/",
    "about": "about/",
    "404": "404.html",
}
SEARCH_UI = [".md-search", ".pf-search"]  # Material's search, and the one that replaces it
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 812}}
AXE_RUN = """
async (exclude) => {
  const context = {exclude: exclude.map((selector) => [selector])};
  const result = await axe.run(context, {resultTypes: ["violations"]});
  const summary = (n) => n.failureSummary.split("\\n").slice(1).join(" ").trim();
  const nodes = (v) => v.nodes.map((n) => n.target.join(" ") + ": " + summary(n));
  return result.violations.map((v) => ({id: v.id, nodes: nodes(v)}));
}
"""


@dataclass(frozen=True)
class Site:
    url: str
    feed: Feed


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def _serve(tmp: Path, content: Path, **options: Any) -> Iterator[Site]:
    port = free_port()  # Material fetches sitemap.xml from site_url: the site is built for its own address
    site_dir = build(tmp, content, f"http://{HOST}:{port}/", **options)
    with serve(site_dir, port) as url:
        yield Site(url, records.load_feed(content))


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    # With a sign-up form, so that the home page's form is checked too.
    tmp = tmp_path_factory.mktemp("a11y-small")
    yield from _serve(tmp, SMALL, page_size=2, subscribe_url="https://lists.example.org/subscribe")


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from _serve(tmp_path_factory.mktemp("a11y-shipped"), SHIPPED)


@contextmanager
def _page(browser: Browser, scheme: str = "light", device: str = "desktop") -> Iterator[Page]:
    context = browser.new_context(color_scheme=scheme, viewport=VIEWPORTS[device])  # type: ignore[arg-type]
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    watch = Watch()
    watch.attach(page)
    try:
        yield page
        assert watch.outside() == [], "requests left 127.0.0.1"
        assert watch.errors == [], "\n".join(watch.errors)
    finally:
        context.close()


def axe(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now, the search UI left out."""
    assert tasks.AXE_JS.is_file(), "axe-core is missing: python3 tasks.py test installs it into .cache/node"
    page.add_script_tag(path=str(tasks.AXE_JS))
    violations: list[dict[str, Any]] = page.evaluate(AXE_RUN, SEARCH_UI)
    return violations


def _shown(found: dict[str, list[dict[str, Any]]]) -> str:
    return json.dumps(found, indent=1)


@pytest.mark.parametrize(("scheme", "palette"), [("light", "default"), ("dark", "slate")])
def test_axe_finds_no_violation_on_any_kind_of_page(
    small: Site, browser: Browser, scheme: str, palette: str
) -> None:
    found = {}
    with _page(browser, scheme) as page:
        for kind, path in PAGE_KINDS.items():
            page.goto(small.url + path)
            assert page.locator("body").get_attribute("data-md-color-scheme") == palette
            violations = axe(page)
            if violations:
                found[kind] = violations
    assert found == {}, _shown(found)


def test_axe_finds_what_it_should_on_a_page_that_breaks_the_rules(browser: Browser) -> None:
    """The check can fail: links told apart by colour alone, grey on grey, an image without a name."""
    with _page(browser) as page:
        page.set_content(
            '<!doctype html><html lang="en"><head><title>t</title><style>p { color: #222 }'
            " a { color: #3a3a6a; text-decoration: none }</style></head><body><main><h1>Bad</h1>"
            "<p>Some text with <a href='#x'>a link</a> in it, and more.</p>"
            '<p style="color: #7f7f7f; background: #8f8f8f">Faint</p><img src="data:,"></main></body></html>'
        )
        ids = sorted(v["id"] for v in axe(page))
    assert ids == ["color-contrast", "image-alt", "link-in-text-block"]


def test_the_skip_link_is_the_first_stop_and_leads_to_the_pages_heading(
    small: Site, browser: Browser
) -> None:
    with _page(browser) as page:
        for path in ("", "papers/attention-and-memory/", "tags/vision/", "feeds/"):
            page.goto(small.url + path)
            page.keyboard.press("Tab")
            focused = page.locator(":focus")
            assert "md-skip" in (focused.get_attribute("class") or "").split(), path
            assert focused.inner_text().strip() == "Skip to content", path
            page.keyboard.press("Enter")
            assert page.evaluate("() => location.hash") == "#pf-content", path
            assert page.locator("h1:target").count() == 1, path


def test_the_404_page_leads_to_search_today_the_tags_and_the_archive(small: Site, browser: Browser) -> None:
    with _page(browser) as page:
        page.goto(small.url + "404.html")  # what a host serves for an address it lacks
        assert page.locator("h1").inner_text() == "Page not found"
        links = page.locator(".pf-not-found a")
        assert links.all_inner_texts() == ["Search", "Today's papers", "Tags", "Archive"]
        for i, expected in enumerate(["search/", "", "tags/", "archive/"]):
            href = links.nth(i).get_attribute("href")
            assert page.evaluate("(href) => new URL(href, location.href).href", href) == small.url + expected
        assert "with the box at the top of the page" in page.locator(".pf-not-found").inner_text()


# Every link of the feeds page's table, and each URL of its lists, as laid out: the line boxes of each link,
# and for a URL the characters before each line break.
FEEDS_LAYOUT_JS = """
() => {
  const lines = (link) => link.getClientRects().length;
  const breaks = (link) => {
    const found = [];
    const walker = document.createTreeWalker(link, NodeFilter.SHOW_TEXT);
    let top = null, before = "";
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.length; i++) {
        const range = document.createRange();
        range.setStart(node, i); range.setEnd(node, i + 1);
        const rect = range.getBoundingClientRect();
        if (top !== null && rect.top > top + 2) found.push(before);
        top = rect.top; before = node.data[i];
      }
    }
    return found;
  };
  const table = [...document.querySelectorAll("table.pf-feed-table td a")];
  const gaps = [];
  for (const cell of document.querySelectorAll("table.pf-feed-table td")) {
    const links = [...cell.querySelectorAll("a")].map((a) => a.getBoundingClientRect());
    for (let i = 1; i < links.length; i++) {
      if (Math.abs(links[i].top - links[i - 1].top) < 2) gaps.push(links[i].left - links[i - 1].right);
    }
  }
  return {
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    tableLinesPerLink: table.map(lines),
    gaps,
    tagBreaks: [...document.querySelectorAll("table.pf-feed-table th a")].map(breaks),
    urlBreaks: [...document.querySelectorAll("ul.pf-feeds a")].map(breaks),
  };
}
"""


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_feeds_table_keeps_each_link_whole_and_apart(small: Site, browser: Browser, device: str) -> None:
    with _page(browser, device=device) as page:
        page.goto(small.url + "feeds/")
        layout = page.evaluate(FEEDS_LAYOUT_JS)
    assert layout["overflow"] == 0  # no sideways scrolling of the page
    assert layout["tableLinesPerLink"] and set(layout["tableLinesPerLink"]) == {1}  # no link broken in two
    assert all(set(breaks) <= {" "} for breaks in layout["tagBreaks"]), layout["tagBreaks"]  # between words
    assert layout["gaps"] and min(layout["gaps"]) >= 8  # links on one line are not run together
    # A URL shown in full breaks, if at all, only after a slash of its path.
    assert all(set(breaks) <= {"/"} for breaks in layout["urlBreaks"]), layout["urlBreaks"]
    if device == "phone":
        assert any(layout["urlBreaks"]), "the phone's width should make some URL break"


def _shipped_pages(feed: Feed) -> dict[str, str]:
    """Home, the Mamba page (else the first paper's), its first tag's page and /feeds/."""
    pages = {"home": ""}
    if feed.papers:
        paper = next((p for p in feed.papers if (p.arxiv or "").startswith(MAMBA)), feed.papers[0])
        pages["paper"] = f"papers/{paper.slug}/"
        pages["tag"] = f"tags/{paper.tags[0]}/"
    elif feed.tags:
        pages["tag"] = f"tags/{next(iter(feed.tags))}/"
    pages["feeds"] = "feeds/"
    return pages


@pytest.mark.content
@pytest.mark.parametrize("device", ["desktop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_shipped_site_is_clean_for_axe_and_its_screenshots_are_kept(
    shipped: Site, browser: Browser, scheme: str, device: str
) -> None:
    """Screenshots of home, a paper (Mamba when the feed has it), a tag page and /feeds/ go to
    test-artifacts/screenshots/, light and dark, desktop and phone."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    found = {}
    with _page(browser, scheme, device) as page:
        for name, path in _shipped_pages(shipped.feed).items():
            page.goto(shipped.url + path)
            violations = axe(page)
            if violations:
                found[name] = violations
            shot = SCREENSHOTS / f"readers-{name}-{scheme}-{device}.png"
            page.screenshot(path=str(shot), full_page=name in {"paper", "feeds"})  # a listing: its top
            assert shot.read_bytes().startswith(b"\x89PNG")
    assert found == {}, _shown(found)
