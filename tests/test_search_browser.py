"""The search box in a real Chromium, on a fixture feed of a few hundred papers built and served here.

Typing shows the right papers (highlighted title, date, tags, two lines of excerpt), the tag filter
narrows them, the keyboard works, nothing of search is fetched before the box is focused, /search/?q=
opens with results, text from the records stays text, and axe-core finds no violation with it open.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import gzip
import json
import random
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

import tasks
from tests.browser_support import HOST, Watch, build, free_port, serve
from tests.sitebuild import ROOT

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
TIMEOUT_MS = 10_000
FILLER = 300
TAGS = {
    "state-space-models": "State space models",
    "vision": "Computer vision",
    "robotics": "Robotics",
    "audio": "Audio",
}
# The papers the tests look for, among FILLER others whose words are all different from theirs.
KNOWN = {
    "mamba-selective": (
        "Mamba: Selective State Spaces for Long Sequences",
        "2025-03-10",
        ["state-space-models"],
        "A recurrent model whose parameters depend on the input, trained on sequences of a million steps.",
    ),
    "selective-attention-vision": (
        "Selective Attention for Vision Transformers",
        "2025-03-09",
        ["vision"],
        "Tokens that matter are kept and the rest are pooled, which halves the cost of a vision transformer.",
    ),
    "mamba-robot-lab": (
        "Mamba Goes to the Robot Lab",
        "2025-03-08",
        ["robotics", "state-space-models"],
        "A state space policy drives a robot arm from camera frames at one kilohertz.",
    ),
    "quokka-excerpt": (
        "Listening Machines",
        "2025-03-07",
        ["audio"],
        "We record birdsong in many forests over many years and many seasons, then train a classifier that "
        "hears the zephyrine warbler among forty other species, and many more words follow here so that the "
        "abstract runs well past two lines of any result card in the search dialog on a desktop screen.",
    ),
    "hostile-title": (
        '&lt;img src=x onerror=alert(1)&gt; "Quoted" & gravitino',
        "2025-03-06",
        ["audio"],
        "An abstract with <script>alert(2)</script> markup, ten < eleven && twelve > nine, and the word "
        "gravitino.",
    ),
}
# Filler words: none is a word of the known papers, or a prefix of one.
FILLER_WORDS = ["ocean", "harbor", "lantern", "meadow", "copper", "violet", "granite", "orchard", "canyon"]
FILLER_WORDS += ["ember", "glacier", "prairie"]


@dataclass(frozen=True)
class Site:
    url: str
    content: Path


def _record(slug: str, title: str, day: str, tags: list[str], abstract: str) -> str:
    front = {"title": title, "date": day, "tags": tags}
    lines = [f"{key}: {json.dumps(value)}" for key, value in front.items()]
    lines[1] = f"date: {day}"
    return "---\n" + "\n".join(lines) + "\n---\n" + abstract + "\n"


def write_content(content: Path) -> None:
    """A feed of FILLER unremarkable papers and the known ones, over a few weeks of 2025."""
    papers = content / "papers" / "2025"
    papers.mkdir(parents=True)
    (content / "tags.yml").write_text(
        "".join(
            f'{slug}:\n  name: "{name}"\n  description: "Papers on {name}."\n' for slug, name in TAGS.items()
        ),
        encoding="utf-8",
    )
    rnd = random.Random(11)
    start = dt.date(2025, 1, 1)
    for i in range(FILLER):
        words = rnd.sample(FILLER_WORDS, 4)
        title = f"{' '.join(words).capitalize()} number {i}"
        abstract = " ".join(rnd.choice(FILLER_WORDS) for _ in range(40)) + "."
        day = (start + dt.timedelta(days=i // 5)).isoformat()
        tags = sorted(rnd.sample(sorted(TAGS), 2))
        (papers / f"filler-{i}.md").write_text(_record(f"filler-{i}", title, day, tags, abstract), "utf-8")
    for slug, (title, day, tags, abstract) in KNOWN.items():
        (papers / f"{slug}.md").write_text(_record(slug, title, day, tags, abstract), encoding="utf-8")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("search")
    write_content(tmp / "content")
    port = free_port()
    site_dir = build(tmp, tmp / "content", f"http://{HOST}:{port}/")
    with serve(site_dir, port) as url:
        yield Site(url, tmp / "content")


@pytest.fixture(scope="session")
def axe_js() -> str:
    """axe-core's script; `python3 tasks.py test` installs it before the tests, this only when run alone."""
    if not tasks.AXE_JS.is_file():
        assert shutil.which("npm"), (
            "the accessibility tests need npm (Debian package npm) to install axe-core"
        )
        tasks.NODE_PREFIX.mkdir(parents=True, exist_ok=True)
        with (tasks.NODE_PREFIX / ".install.lock").open("w") as lock:  # xdist workers may both get here
            fcntl.flock(lock, fcntl.LOCK_EX)
            tasks.node_tools()
    return tasks.AXE_JS.read_text(encoding="utf-8")


@dataclass
class Tab:
    page: Page
    watch: Watch
    alerts: list[str]

    def assert_clean(self) -> None:
        assert self.watch.outside() == [], "requests left 127.0.0.1"
        assert self.watch.errors == [], "\n".join(self.watch.errors)
        assert self.alerts == [], "a script from the records ran"


@contextmanager
def _open_tab(chromium: Browser, scheme: str = "light", width: int = 1280) -> Iterator[Tab]:
    context = chromium.new_context(color_scheme=scheme, viewport={"width": width, "height": 900})  # type: ignore[arg-type]
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    watch = Watch()
    watch.attach(page)
    alerts: list[str] = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    try:
        yield Tab(page, watch, alerts)
    finally:
        context.close()


@pytest.fixture
def tab(chromium: Browser) -> Iterator[Tab]:
    with _open_tab(chromium) as opened:
        yield opened


def _box(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("input.pf-search__input")


def _titles(page: Page) -> list[str]:
    return page.locator(".pf-result__title").all_inner_texts()


def _search(page: Page, query: str) -> None:
    """Type the query key by key, as a reader does, and wait for its results (or for none)."""
    _box(page).focus()
    _box(page).press_sequentially(query)
    _wait_for_results(page)


def _wait_for_results(page: Page) -> None:
    """Until the dialog shows the results of what the box and the tag filter hold now."""
    page.wait_for_function(
        "() => { const d = document.querySelector('#pf-search-dialog');"
        " const q = document.querySelector('.pf-search__input').value.trim();"
        " const t = document.querySelector('.pf-search__tag')?.value ?? '';"
        " return d?.dataset.shown === JSON.stringify([q, t]) }"  # no dialog until the script makes it
    )


def _search_requests(watch: Watch) -> list[str]:
    return [
        urlsplit(url).path
        for url in watch.requests
        if "/pagefind/" in url or url.endswith("paperfeed-search-ui.js")
    ]


def test_nothing_of_search_is_fetched_before_the_box_is_focused(site: Site, tab: Tab) -> None:
    page = tab.page
    for path in ["", "papers/mamba-selective/", "tags/audio/", "about/"]:
        page.goto(site.url + path, wait_until="networkidle")
    assert _search_requests(tab.watch) == []
    # The page's own part of search is in the site's one small script, which waits for the box.
    assert [u for u in tab.watch.requests if urlsplit(u).path == "/assets/javascripts/paperfeed.js"] != []
    _box(page).focus()
    page.wait_for_function(
        # The status line exists once the search script has built the dialog, on a loaded machine later.
        "() => document.querySelector('.pf-search__status')?.textContent.startsWith('Loading') === false"
    )
    fetched = _search_requests(tab.watch)
    assert "/assets/javascripts/paperfeed-search-ui.js" in fetched
    assert "/pagefind/pagefind.js" in fetched
    assert not [path for path in fetched if path.endswith((".pf_fragment", ".pf_filter"))], fetched
    tab.assert_clean()


def test_typing_shows_the_matching_papers_with_title_date_tags_and_excerpt(site: Site, tab: Tab) -> None:
    page = tab.page
    page.goto(site.url)
    _search(page, "mamba selective")
    assert _titles(page) == [KNOWN["mamba-selective"][0]]
    assert page.locator(".pf-search__status").inner_text() == "1 result"
    card = page.locator(".pf-result").first
    assert card.locator(".pf-result__title mark").all_inner_texts() == ["Mamba:", "Selective"]
    assert card.locator("time").get_attribute("datetime") == "2025-03-10"
    assert card.locator("time").inner_text() == "Mar 10, 2025"
    assert card.locator(".pf-result__tag").all_inner_texts() == ["State space models"]
    link = card.locator("a")
    assert link.get_attribute("href") == f"{site.url}papers/mamba-selective/"

    _box(page).fill("")
    _search(page, "mamba")
    assert sorted(_titles(page)) == sorted([KNOWN["mamba-selective"][0], KNOWN["mamba-robot-lab"][0]])
    tab.assert_clean()


def test_the_excerpt_is_two_lines_around_the_match(site: Site, tab: Tab) -> None:
    page = tab.page
    page.goto(site.url)
    _search(page, "zephyrine")
    assert _titles(page) == ["Listening Machines"]
    excerpt = page.locator(".pf-result__excerpt").first
    assert excerpt.locator("mark").all_inner_texts() == ["zephyrine"]
    text = excerpt.inner_text()
    assert text.startswith("… ") and text.endswith(" …")
    assert "zephyrine warbler" in text
    line = float(excerpt.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
    box = excerpt.bounding_box()
    assert box is not None and box["height"] <= 2 * line + 1, "the excerpt shows more than two lines"
    tab.assert_clean()


def test_the_tag_filter_narrows_the_results(site: Site, tab: Tab) -> None:
    page = tab.page
    page.goto(site.url)
    _search(page, "selective")
    assert sorted(_titles(page)) == sorted(
        [KNOWN["mamba-selective"][0], KNOWN["selective-attention-vision"][0]]
    )
    tag = page.locator("select.pf-search__tag")
    tag.focus()
    expect(tag.locator("option")).to_have_count(1 + len(TAGS))
    labels = tag.locator("option").all_inner_texts()
    assert labels[0] == "All tags"
    assert [label.rsplit(" (", 1)[0] for label in labels[1:]] == sorted(TAGS.values())
    tag.select_option("Computer vision")
    _wait_for_results(page)
    assert _titles(page) == [KNOWN["selective-attention-vision"][0]]
    tag.select_option("")
    _wait_for_results(page)
    assert len(_titles(page)) == 2
    tab.assert_clean()


def test_slash_and_s_focus_the_box_and_the_keyboard_walks_the_results(site: Site, tab: Tab) -> None:
    page = tab.page
    page.goto(site.url + "tags/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.classList.contains('pf-search__input')")
    page.keyboard.type("mamba")
    _wait_for_results(page)
    assert _box(page).get_attribute("aria-expanded") == "true"
    titles = _titles(page)
    assert len(titles) == 2
    focused = "document.activeElement.closest('.pf-result')?.querySelector('.pf-result__title').innerText"
    page.keyboard.press("ArrowDown")
    assert page.evaluate(focused) == titles[0]
    page.keyboard.press("ArrowDown")
    assert page.evaluate(focused) == titles[1]
    page.keyboard.press("ArrowDown")  # the last stays
    assert page.evaluate(focused) == titles[1]
    page.keyboard.press("ArrowUp")
    assert page.evaluate(focused) == titles[0]
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.classList.contains('pf-search__input')")
    page.keyboard.press("Escape")
    expect(page.locator("#pf-search-dialog")).to_be_hidden()
    assert _box(page).get_attribute("aria-expanded") == "false"

    page.locator("h1").click()  # the box loses focus; "s" brings it back
    page.keyboard.press("s")
    assert page.evaluate("document.activeElement.classList.contains('pf-search__input')")
    assert _box(page).input_value() == "mamba"  # "s" focused the box and was not typed into it
    expect(page.locator("#pf-search-dialog")).to_be_visible()
    page.keyboard.press("ArrowDown")
    target = page.evaluate("document.activeElement.href")
    page.keyboard.press("Enter")
    page.wait_for_url(target)
    assert urlsplit(target).path in {"/papers/mamba-selective/", "/papers/mamba-robot-lab/"}
    tab.assert_clean()


def test_search_page_opens_with_the_results_of_its_query(site: Site, tab: Tab) -> None:
    page = tab.page
    page.goto(site.url + "search/?q=mamba+selective")
    _wait_for_results(page)
    assert _box(page).input_value() == "mamba selective"
    assert _titles(page) == [KNOWN["mamba-selective"][0]]
    # The address follows the query, so that what the reader sees can be shared.
    _box(page).press_sequentially(" xyz")
    page.wait_for_function("() => location.search === '?q=mamba%20selective%20xyz'")
    tab.assert_clean()


def test_enter_in_the_box_opens_the_search_page(site: Site, tab: Tab) -> None:
    page = tab.page
    page.goto(site.url + "papers/mamba-robot-lab/")
    _search(page, "robot")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site.url}search/?q=robot")
    _wait_for_results(page)
    assert KNOWN["mamba-robot-lab"][0] in _titles(page)
    tab.assert_clean()


def test_hand_written_pages_are_found_too(site: Site, tab: Tab) -> None:
    page = tab.page
    page.goto(site.url)
    about = (ROOT / "content" / "pages" / "about.md").read_text(encoding="utf-8")
    assert "curated" in about  # the About page the site is built with
    _search(page, "curated")
    hrefs = page.locator(".pf-result__link").evaluate_all("links => links.map(a => a.href)")
    assert f"{site.url}about/" in hrefs
    tab.assert_clean()


def test_text_from_the_records_is_shown_as_text(site: Site, tab: Tab) -> None:
    page = tab.page
    page.goto(site.url)
    _search(page, "gravitino")
    assert _titles(page) == [KNOWN["hostile-title"][0]]
    dialog = page.locator("#pf-search-dialog")
    assert dialog.locator("img, script").count() == 0
    # The abstract's text as its page shows it: the script the sanitizer removes is not in it either.
    excerpt = page.locator(".pf-result__excerpt").inner_text()
    assert excerpt == "An abstract with markup, ten < eleven && twelve > nine, and the word gravitino."
    tab.assert_clean()


def test_no_results_says_so(site: Site, tab: Tab) -> None:
    page = tab.page
    page.goto(site.url)
    _search(page, "xylophonics")
    assert page.locator(".pf-search__status").inner_text() == "No results"
    assert _titles(page) == []
    tab.assert_clean()


@pytest.mark.parametrize(("scheme", "palette"), [("light", "default"), ("dark", "slate")])
def test_axe_finds_no_violation_with_the_search_open(
    site: Site, chromium: Browser, axe_js: str, scheme: str, palette: str
) -> None:
    """Screenshots of the open search go to test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with _open_tab(chromium, scheme) as tab:
        page = tab.page
        page.goto(site.url)
        assert page.locator("body").get_attribute("data-md-color-scheme") == palette
        _search(page, "mamba")
        page.locator("select.pf-search__tag").focus()
        expect(page.locator("select.pf-search__tag option")).to_have_count(1 + len(TAGS))
        _box(page).focus()
        expect(page.locator("#pf-search-dialog")).to_be_visible()
        page.add_script_tag(content=axe_js)
        # The header: the search box, its open dialog with results and tag filter, the palette switch.
        report = page.evaluate("axe.run({include: ['header.md-header']}, {resultTypes: ['violations']})")
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']}: " + ", ".join(str(n["target"]) for n in v["nodes"])
            for v in report["violations"]
        ]
        assert violations == [], "\n".join(violations)
        page.screenshot(path=str(SCREENSHOTS / f"search-{scheme}.png"))
        tab.assert_clean()


def test_the_dialog_fits_a_phone_screen(site: Site, chromium: Browser) -> None:
    with _open_tab(chromium, width=390) as tab:
        page = tab.page
        page.goto(site.url)
        _search(page, "mamba")
        box = page.locator("#pf-search-dialog").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        page.screenshot(path=str(SCREENSHOTS / "search-phone.png"))
        tab.assert_clean()


def test_search_works_when_the_site_is_served_under_a_path(
    chromium: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A GitHub Pages project site lives under /<repo>/: the index and the results follow the base."""
    tmp = tmp_path_factory.mktemp("subpath")
    content = tmp / "content"
    write_content(content)
    port = free_port()
    build(tmp, content, f"http://{HOST}:{port}/site/")
    with serve(tmp, port) as root, _open_tab(chromium) as tab:
        page = tab.page
        page.goto(f"{root}site/papers/mamba-robot-lab/")
        _search(page, "mamba selective")
        assert _titles(page) == [KNOWN["mamba-selective"][0]]
        href = page.locator(".pf-result__link").first.get_attribute("href")
        assert href == f"{root}site/papers/mamba-selective/"
        assert "/site/pagefind/pagefind.js" in _search_requests(tab.watch)
        tab.assert_clean()


def test_a_sharded_index_answers_as_the_index_of_one_run(
    site: Site, chromium: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The same feed built with search_shard_size 100: its 305 papers and hand-written pages indexed in
    4 runs of Pagefind and merged. Each query shows what the site indexed in one run shows, results
    from every shard among them (the filler papers run across all four), and the tag filter works."""
    tmp = tmp_path_factory.mktemp("sharded")
    write_content(tmp / "content")
    port = free_port()
    site_dir = build(tmp, tmp / "content", f"http://{HOST}:{port}/", search_shard_size=100)
    fragments = (site_dir / "pagefind" / "fragment").iterdir()  # each names its document's folder
    folders = {json.loads(gzip.decompress(f.read_bytes())[12:])["url"].split("/")[1] for f in fragments}
    assert folders == {"0", "1", "2", "3"}
    with serve(site_dir, port) as url, _open_tab(chromium) as tab, _open_tab(chromium) as one_run:
        counts: dict[str, int] = {}
        for query in ["mamba selective", "selective", "ocean", "glacier meadow", "curated", "gravitino"]:
            shown = []
            for where, opened in ((url, tab), (site.url, one_run)):
                opened.page.goto(where)
                _search(opened.page, query)
                more = opened.page.locator(".pf-search__more")
                while more.is_visible():  # every result, not the first page of them
                    count = len(_titles(opened.page))
                    more.click()
                    opened.page.wait_for_function(
                        f"() => document.querySelectorAll('.pf-result').length > {count}"
                    )
                status = opened.page.locator(".pf-search__status").inner_text()
                links = opened.page.locator(".pf-result__link").evaluate_all("ls => ls.map(a => a.pathname)")
                # In order of their score; equal scores in the order of the pages' numbers, which
                # follow the documents' folders (one folder, or a folder a shard): compared as sets.
                shown.append((status, sorted(_titles(opened.page)), sorted(links)))
            assert shown[0] == shown[1], query
            assert shown[0][1], f"{query} found nothing"
            counts[query] = int(shown[0][0].split()[0])
        # 4 shards of 305 papers and the hand-written pages, as evenly as they divide: fewer than 80
        # documents each, so results from all of them.
        assert counts["ocean"] > 3 * 80
        labels = []
        for opened in (tab, one_run):
            tag = opened.page.locator("select.pf-search__tag")
            tag.focus()
            expect(tag.locator("option")).to_have_count(1 + len(TAGS))
            labels.append(tag.locator("option").all_inner_texts())  # each tag with its count of papers
        assert labels[0] == labels[1]
        page = tab.page
        page.goto(url)
        _search(page, "selective")
        tag = page.locator("select.pf-search__tag")
        tag.focus()
        expect(tag.locator("option")).to_have_count(1 + len(TAGS))
        tag.select_option("Computer vision")
        _wait_for_results(page)
        assert _titles(page) == [KNOWN["selective-attention-vision"][0]]
        tab.assert_clean()
        one_run.assert_clean()
