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
from playwright.sync_api import Browser, Page, expect

from generator import config, records
from generator.model import Feed, Paper
from generator.site import pages
from tests.browser_support import HOST, LOW_CONTRAST_JS, Watch, build, free_port, serve
from tests.sitebuild import ROOT

pytestmark = pytest.mark.browser

SHIPPED = ROOT / "content"
SMALL = ROOT / "tests" / "fixtures" / "small" / "content"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
EMPTY = ROOT / "tests" / "fixtures" / "empty" / "content"
PAGE_SIZE = config.load(ROOT / "mkdocs.yml").page_size  # the site's papers per tag page
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
def empty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from _served(tmp_path_factory.mktemp("empty"), EMPTY)


@pytest.fixture(scope="session")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from _served(tmp_path_factory.mktemp("small"), SMALL)


# Formulas whose sizes, left as written, would deface every page that lists them (and a plain neighbour to
# compare with): spaces of 1000em and more, a font scaled up 30 levels, and two that are only long.
HOSTILE_MATH = {
    "a-plain-neighbour": "An ordinary abstract with $x^2$ in it, and enough words to read like one of them.",
    "wide-latex-spaces": r"Opening words $\hspace{1000em}$ then $\hspace{-1000em}$ and $\kern99999em$,"
    " more words.",
    "raw-mathml-sizes": 'Words <math><mspace width="99999em"></mspace></math> and'
    ' <math><mstyle scriptlevel="-30"><mi>x</mi></mstyle></math> and <math><mo lspace="999em">+</mo></math>.',
    "a-long-formula": "A formula: $" + "x+" * 120 + "y$ and words.",
    "many-wide-spaces": "Spaces: $" + "\\qquad" * 40 + "x$ and words.",
}
# The page's width, each card's height, the largest font in a formula (relative to its card's or abstract's),
# and every formula that reaches out of its card or abstract.
LAYOUT_JS = """
() => {
  const box = (e) => e.closest("article.pf-card, section.pf-abstract");
  const size = (e) => parseFloat(getComputedStyle(e).fontSize);
  const inside = document.querySelectorAll("math, math *");
  const fonts = [...inside].map((e) => size(e) / size(box(e)));
  const outside = [...document.querySelectorAll("math")].filter((m) => {
    const r = m.getBoundingClientRect(), b = box(m).getBoundingClientRect();
    return r.left < b.left - 1 || r.right > b.right + 1 || r.top < b.top - 1 || r.bottom > b.bottom + 1;
  }).map((m) => m.textContent.slice(0, 30));
  const cards = [...document.querySelectorAll("article.pf-card")].map(
    (c) => [c.querySelector(".pf-card__title a").textContent, c.getBoundingClientRect().height]);
  const abstract = document.querySelector("section.pf-abstract");
  return {
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    cards: Object.fromEntries(cards),
    abstractHeight: abstract ? abstract.getBoundingClientRect().height : 0,
    largestFont: Math.max(1, ...fonts),
    outside,
  };
}
"""


@pytest.fixture(scope="session")
def hostile_math(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("hostile-math")
    papers = tmp / "content" / "papers" / "2025"
    papers.mkdir(parents=True)
    (tmp / "content" / "tags.yml").write_text('plain:\n  name: "Plain"\n  description: "Plain."\n')
    for slug, abstract in HOSTILE_MATH.items():
        record = f'---\ntitle: "{slug}"\ndate: 2025-03-14\ntags: [plain]\n---\n{abstract}\n'
        (papers / f"{slug}.md").write_text(record, encoding="utf-8")
    yield from _served(tmp, tmp / "content")


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


def _listed_titles(page: Page) -> list[str]:
    """The titles of a week's, month's or tag's list."""
    return page.locator("ul.pf-titles > li > a:first-child").all_inner_texts()


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]+", text)


MATH_MARK = "\N{SECTION SIGN}"
# The text of a paper page's abstract, its heading left out and each formula read as MATH_MARK.
ABSTRACT_TEXT_JS = f"""
(section) => {{
  const copy = section.cloneNode(true);
  copy.querySelector("h2").remove();
  copy.querySelectorAll("math").forEach((formula) => formula.replaceWith("{MATH_MARK}"));
  return copy.textContent;
}}
"""


def _findable(feed: Feed) -> tuple[Paper, str]:
    """A paper with a title word that no other paper uses anywhere: the first with links, else the first.

    Skips the test when the content has no such paper (no papers at all, say): the fixture feed's tests
    cover the behaviour; these check that it holds on the content the site ships."""
    used: collections.Counter[str] = collections.Counter()
    for paper in feed.papers:
        used.update({w.casefold() for w in _words(paper.title + " " + paper.abstract)})
    found = []
    for paper in feed.papers:
        unique = [w for w in _words(paper.title) if len(w) > 4 and used[w.casefold()] == 1]
        if unique:
            found.append((paper, unique[0]))
    if not found:
        pytest.skip("no paper of content/ has a title word of its own (or there are no papers)")
    return next((f for f in found if f[0].links), found[0])


def _newest_day(feed: Feed) -> tuple[dt.date, list[Paper]]:
    """The newest day and its papers, in feed order; skips the test when the content has no papers."""
    if not feed.papers:
        pytest.skip("content/ has no papers: no day to show (the empty fixture feed's tests cover it)")
    day = feed.papers[0].date
    return day, [p for p in feed.papers if p.date == day]


def _buttons(page: Page) -> list[tuple[str | None, str]]:
    buttons = page.locator("p.pf-links a")
    return list(zip([buttons.nth(i).get_attribute("href") for i in range(buttons.count())],
                    buttons.all_inner_texts(), strict=True))  # fmt: skip


def _expected_buttons(paper: Paper) -> list[tuple[str | None, str]]:
    """arXiv's abstract, the PDF (the record's own, else arXiv's), Hugging Face's page (new-style ids),
    then the record's other links in its order, each URL once."""
    own = [(link.url, "PDF" if link.label == "pdf" else link.label.capitalize()) for link in paper.links]
    found: list[tuple[str | None, str]] = []
    if paper.arxiv:
        found.append((f"https://arxiv.org/abs/{paper.arxiv}", f"arXiv {paper.arxiv}"))
    pdf = next((url for url, label in own if label == "PDF"), None)
    if pdf or paper.arxiv:
        found.append((pdf or f"https://arxiv.org/pdf/{paper.arxiv}", "PDF"))
    if paper.arxiv and re.match(r"[0-9]{4}\.", paper.arxiv):
        found.append(
            (f"https://huggingface.co/papers/{re.sub(r'v[0-9]+$', '', paper.arxiv)}", "Hugging Face")
        )
    found += [(url, label) for url, label in own if label != "PDF"]
    return [item for i, item in enumerate(found) if item[0] not in [f[0] for f in found[:i]]]


def _papers(n: int) -> str:
    return f"{n} paper" if n == 1 else f"{n} papers"


def _long_date(day: dt.date) -> str:
    # Python's strftime reads the C locale for %A and %B unless a program sets another: English names.
    return f"{day:%A}, {day.day} {day:%B} {day.year}"


@pytest.mark.content
def test_the_home_page_lists_the_papers_of_the_newest_day(shipped: Site, tab: Tab) -> None:
    tab.page.goto(shipped.url)
    if not shipped.feed.papers:
        expect(tab.page.locator("p.pf-empty")).to_contain_text("No papers yet.")
        assert _card_titles(tab.page) == []
    else:
        day, newest = _newest_day(shipped.feed)
        assert _card_titles(tab.page) == [p.title for p in newest]
        heading = f"{_long_date(day)} · {_papers(len(newest))}"
        assert tab.page.locator(".pf-day-heading").inner_text() == heading
    tab.assert_clean()


@pytest.mark.content
def test_a_title_leads_to_the_paper_page_and_a_tag_to_the_tag_page(shipped: Site, tab: Tab) -> None:
    paper, _ = _findable(shipped.feed)
    page = tab.page
    page.goto(f"{shipped.url}date/{paper.date.isoformat()}/")
    page.locator("article.pf-card .pf-card__title").get_by_role("link", name=paper.title, exact=True).click()
    page.wait_for_url(f"{shipped.url}papers/{paper.slug}/")
    assert page.locator("h1").inner_text() == paper.title
    # Its abstract is shown, and every word on the page is one of the record's, whatever markup it had
    # (test_an_abstract_shows_its_words_and_each_formula_as_math reads one exactly).
    shown = page.locator("section.pf-abstract").evaluate(ABSTRACT_TEXT_JS)
    assert shown.strip() and set(_words(shown)) <= set(_words(paper.abstract))
    assert _buttons(page) == _expected_buttons(paper)
    # BibTeX's specials escaped once, LaTeX's ligatures (--, ``, '') kept as typed.
    tex_title = re.sub(r"([-`'])(?=\1)", r"\1{}", re.sub(r"([&%$#_])", r"\\\1", paper.title))
    if not re.search(r"[{}~^\\]", paper.title):  # the others are spelled out (tests/test_citations.py)
        assert "title = {{" + tex_title + "}}" in page.locator("section.pf-cite pre").inner_text()

    # Its first tag; the tag's first page lists the tag's newest papers, and this one if it is among them.
    slug = paper.tags[0]
    tag = shipped.feed.tags[slug]
    page.locator("ul.pf-tags").get_by_role("link", name=tag.name, exact=True).first.click()
    page.wait_for_url(f"{shipped.url}tags/{slug}/")
    assert page.locator("h1").inner_text() == tag.name
    tagged = shipped.feed.papers_tagged(slug)
    assert _listed_titles(page) == [p.title for p in tagged[:PAGE_SIZE]]
    assert (paper.title in _listed_titles(page)) == (tagged.index(paper) < PAGE_SIZE)
    tab.assert_clean()


@pytest.mark.content
def test_the_day_leads_to_its_week_and_month(shipped: Site, tab: Tab) -> None:
    day, newest = _newest_day(shipped.feed)
    dates = [p.date for p in shipped.feed.papers]
    year, week, _ = day.isocalendar()
    page = tab.page
    page.goto(shipped.url)
    page.locator(".pf-day-heading a").click()
    page.wait_for_url(f"{shipped.url}date/{day.isoformat()}/")
    assert page.locator("h1").inner_text() == f"Papers of {_long_date(day)}"
    assert _card_titles(page) == [p.title for p in newest]
    # The newest day: a link to the day before it if the feed has one, never one to a newer day.
    assert page.locator("nav.pf-pager a[rel=next]").count() == 0
    assert page.locator("nav.pf-pager a[rel=prev]").count() == (2 if min(dates) < day else 0)  # top, bottom
    page.get_by_role("link", name="this week").click()
    page.wait_for_url(f"{shipped.url}week/{year}-W{week:02d}/")
    assert page.locator("h1").inner_text().startswith(f"Week {week} of {year}")
    in_week = [d for d in dates if d.isocalendar()[:2] == (year, week)]
    assert page.locator("ul.pf-titles > li").count() == len(in_week)
    page.get_by_role("link", name="the month").click()
    page.wait_for_url(f"{shipped.url}month/{day:%Y-%m}/")
    assert page.locator("h1").inner_text() == f"{day:%B} {day.year}"
    in_month = [d for d in dates if (d.year, d.month) == (day.year, day.month)]
    assert page.locator("ul.pf-titles > li").count() == len(in_month)
    tab.assert_clean()


def test_the_home_page_of_an_empty_feed_says_so_and_links_its_feeds(empty: Site, tab: Tab) -> None:
    page = tab.page
    page.goto(empty.url)
    expect(page.locator("p.pf-empty")).to_have_text(
        "No papers yet. The first ones will appear here on the day they enter the feed; follow the feed to"
        " hear of them."
    )
    assert _card_titles(page) == []
    links = page.locator("aside.pf-subscribe ul.pf-feeds a")
    assert links.all_inner_texts() == ["RSS: all papers", "Atom: all papers", "JSON Feed", "Every feed"]
    for i in range(links.count()):
        href = links.nth(i).get_attribute("href")
        response = page.request.get(f"{empty.url}{href}")
        assert response.status == 200, href
    assert "<item>" not in page.request.get(f"{empty.url}feed.xml").text()
    links.get_by_text("Every feed").click()
    page.wait_for_url(f"{empty.url}feeds/")
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
    assert formulas.count() == 4
    for i in range(formulas.count()):
        box = formulas.nth(i).bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0, f"formula {i} has no size"
    # Laid out as math, not as text: the exponent of n^2 sits higher than its base.
    base = tab.page.locator("section.pf-abstract msup > mi").first.bounding_box()
    power = tab.page.locator("section.pf-abstract msup > mn").first.bounding_box()
    assert base is not None and power is not None
    assert power["y"] < base["y"]
    tab.assert_clean()


@pytest.mark.parametrize(
    ("slug", "text"),
    [
        (  # a formula and a Markdown link
            "scaling-laws-for-data-mixtures",
            f"How should a pretraining corpus be mixed? We fit a law {MATH_MARK} per domain and show that the"
            " best mixture can be predicted from small runs. See the paper's site.",
        ),
        (  # two formulas, and \% as a percent sign
            "long-context-evaluation",
            "Needle-in-a-haystack tests are saturated. We propose tasks whose difficulty grows with the"
            f" context length {MATH_MARK} and find that accuracy of every model tested falls below 50% past"
            f" {MATH_MARK} tokens.",
        ),
        (  # **strong**
            "selective-state-spaces-at-scale",
            "Selective state space models run in linear time. We train one to 13B parameters and match a"
            f" transformer of the same size on long-context benchmarks while decoding {MATH_MARK} faster.",
        ),
    ],
)
def test_an_abstract_shows_its_words_and_each_formula_as_math(
    small: Site, tab: Tab, slug: str, text: str
) -> None:
    tab.page.goto(f"{small.url}papers/{slug}/")
    shown = tab.page.locator("section.pf-abstract").evaluate(ABSTRACT_TEXT_JS)
    assert " ".join(shown.split()) == text
    tab.assert_clean()


@pytest.mark.content
def test_search_finds_a_paper_by_a_word_of_its_title(shipped: Site, tab: Tab) -> None:
    paper, word = _findable(shipped.feed)
    page = tab.page
    page.goto(shipped.url)
    # The header's search box (tests/test_search_browser.py tests it in depth).
    page.locator("input.pf-search__input").press_sequentially(word)
    # Results come at each key: wait for the paper among those of the whole word, not the first shown.
    page.wait_for_function(
        "title => [...document.querySelectorAll('.pf-result__title')].some(e => e.innerText === title)",
        arg=paper.title,
    )
    assert page.locator("input.pf-search__input").input_value() == word
    tab.assert_clean()


@pytest.mark.content
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


@pytest.mark.content
@pytest.mark.parametrize(("scheme", "palette"), [("light", "default"), ("dark", "slate")])
def test_home_and_a_paper_keep_their_contrast_in_light_and_dark(
    shipped: Site, chromium: Browser, scheme: str, palette: str
) -> None:
    """The palette follows the system's scheme; screenshots go to test-artifacts/screenshots/."""
    shown = [("home", shipped.url)]
    if shipped.feed.papers:  # one with links, which add buttons, if there is one
        paper = next((p for p in shipped.feed.papers if p.links), shipped.feed.papers[0])
        shown.append(("paper", f"{shipped.url}papers/{paper.slug}/"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with _open_tab(chromium, scheme) as tab:
        for name, url in shown:
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


def test_formulas_with_huge_sizes_leave_every_page_layout_as_it_was(hostile_math: Site, tab: Tab) -> None:
    """The listings (home, day, tag) and each paper page stay as wide as the window, no formula reaches
    out of its card or abstract, no text is scaled up, and no card is much taller than the plain one (a long
    formula scrolls in its own box, which takes a line and a scroll bar). A screenshot of the home page goes
    to test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    listings = ["", "date/2025-03-14/"]  # with cards; a tag's page lists titles, without excerpts
    for path in listings + ["tags/plain/"] + [f"papers/{slug}/" for slug in HOSTILE_MATH]:
        tab.page.goto(hostile_math.url + path)
        layout = tab.page.evaluate(LAYOUT_JS)
        assert layout["scrollWidth"] == layout["clientWidth"], path
        assert layout["outside"] == [], path
        assert layout["largestFont"] <= 1.5, path
        if path in listings:
            assert sorted(layout["cards"]) == sorted(HOSTILE_MATH), path
            plain = layout["cards"]["a-plain-neighbour"]
            assert all(height <= 1.5 * plain for height in layout["cards"].values()), (path, layout["cards"])
        elif path.startswith("papers/"):
            assert 0 < layout["abstractHeight"] <= 200, path
        if path == "":
            tab.page.screenshot(path=str(SCREENSHOTS / "hostile-math-home.png"), full_page=True)
    tab.assert_clean()


@pytest.fixture(scope="session")
def trending(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The trending fixture: papers and a samples file (tests/fixtures/trending/content/stars.tsv)."""
    yield from _served(
        tmp_path_factory.mktemp("trending"), ROOT / "tests" / "fixtures" / "trending" / "content"
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_trending_strip_and_page_keep_their_contrast_and_fetch_nothing_else(
    trending: Site, chromium: Browser, scheme: str
) -> None:
    with _open_tab(chromium, scheme) as tab:
        for path in ("", "trending/", "papers/viral-code/"):
            tab.page.goto(trending.url + path)
            assert tab.page.evaluate(LOW_CONTRAST_JS, ".md-main") == [], f"/{path} in {scheme}"
            assert tab.page.locator(".pf-trending-strip li").count() == (5 if path == "" else 0)
        tab.page.goto(trending.url)
        tab.page.locator(".pf-trending-strip").get_by_role("link", name="Every trending paper").click()
        expect(tab.page).to_have_url(trending.url + "trending/")
        expect(tab.page.locator("article.pf-card h2").first).to_have_text(
            "Viral Code: A Repository Everyone Stars"
        )
        tab.assert_clean()
