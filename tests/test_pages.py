"""The generated Markdown pages: golden files for the small fixture feed, and the pieces they are made of."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator import abstracts, pages, records, urls, wording
from generator.config import SiteConfig
from generator.model import Feed, Paper, Tag

FIXTURE = Path(__file__).parent / "fixtures" / "small" / "content"
SITE = SiteConfig(site_name="Small feed", site_url="https://example.org/feed/", page_size=2, feed_size=5)


@pytest.fixture(scope="module")
def feed() -> Feed:
    return records.load_feed(FIXTURE)


@pytest.fixture(scope="module")
def built(feed: Feed) -> dict[str, pages.Page]:
    return {page.src: page for page in pages.build_pages(feed, SITE)}


def test_generated_pages_match_their_golden_files(built: dict[str, pages.Page], golden) -> None:  # type: ignore[no-untyped-def]
    for src, page in sorted(built.items()):
        golden(f"pages/{src}", page.text)


def test_every_kind_of_page_is_generated(built: dict[str, pages.Page], feed: Feed) -> None:
    days = {p.date for p in feed.papers}
    expected = {"index.md", "archive/index.md", "feeds/index.md", "tags/index.md"}
    expected |= {pages.src_of(urls.paper(p.slug)) for p in feed.papers}
    expected |= {pages.src_of(urls.day(d)) for d in days}
    expected |= {pages.src_of(urls.week(d)) for d in days} | {pages.src_of(urls.month(d)) for d in days}
    for slug in feed.tags:
        count = len(feed.papers_tagged(slug))
        expected |= {pages.src_of(urls.tag(slug, n)) for n in range(1, max(1, -(-count // 2)) + 1)}
    assert set(built) == expected


def test_only_the_listings_of_the_menu_are_in_the_navigation(built: dict[str, pages.Page]) -> None:
    in_nav = {src for src, page in built.items() if page.in_nav}
    assert in_nav == {"index.md", "archive/index.md", "feeds/index.md", "tags/index.md"}


def test_home_is_the_newest_day_ordered_by_upvotes_then_title(
    built: dict[str, pages.Page], feed: Feed
) -> None:
    newest = feed.papers[0].date
    day = [p for p in feed.papers if p.date == newest]
    assert [p.upvotes for p in day] == sorted((p.upvotes for p in day), reverse=True)
    home = built["index.md"].text
    positions = [home.index(f'href="papers/{p.slug}/"') for p in day]
    assert positions == sorted(positions)
    assert built["index.md"].text.count('class="pf-card"') == len(day)


def test_titles_in_front_matter_are_escaped_once_for_material(
    built: dict[str, pages.Page], feed: Feed
) -> None:
    paper = next(p for p in feed.papers if "&" in p.title)
    text = built[pages.src_of(urls.paper(paper.slug))].text
    front = text.split("---\n")[1]
    assert 'title: "Attention &amp; &quot;Memory&quot;: What Transformers Store"\n' in front


def test_tag_pages_are_paginated_newest_first(built: dict[str, pages.Page], feed: Feed) -> None:
    slug = max(feed.tags, key=lambda s: len(feed.papers_tagged(s)))
    tagged = feed.papers_tagged(slug)
    assert len(tagged) > 2
    first = built[pages.src_of(urls.tag(slug))].text
    second = built[pages.src_of(urls.tag(slug, 2))].text
    assert tagged[0].title.split()[0] in first
    assert 'rel="next" href="../../tags/' + slug + '/page/2/"' in first
    assert 'rel="prev" href="../../../../tags/' + slug + '/"' in second


@pytest.mark.parametrize(
    ("here", "target", "expected"),
    [
        ("", "papers/x/", "papers/x/"),
        ("", "", "./"),
        ("papers/x/", "tags/y/", "../../tags/y/"),
        ("tags/y/page/2/", "feed.xml", "../../../../feed.xml"),
    ],
)
def test_links_are_relative_to_the_page(here: str, target: str, expected: str) -> None:
    assert pages._Linker(here)(target) == expected


def _paper(**fields: object) -> Paper:
    values: dict[str, object] = {
        "slug": "s",
        "title": "T",
        "date": dt.date(2025, 3, 14),
        "tags": ("x",),
        "abstract": "A.",
    }
    values.update(fields)
    return Paper(**values)  # type: ignore[arg-type]


def test_abstract_math_becomes_mathml_and_latex_escapes_read_right() -> None:
    html = abstracts.render(r"Costs $O(n^2)$ and \(\alpha\) for 13\% of ``memory wall'' in \textbf{Mamba}.")
    assert html.count("<math") == 2
    assert "<msup><mi>n</mi><mn>2</mn></msup>" in html
    assert "13% of" in html
    assert "<strong>Mamba</strong>" in html
    assert "\\%" not in html


def test_dollar_amounts_are_not_math() -> None:
    assert "<math" not in abstracts.render("It costs $5 and $10 a month.")


def test_bad_latex_stays_visible_as_written() -> None:
    assert abstracts.render(r"Broken $\frac{a}{$ math.") == r"<p>Broken $\frac{a}{$ math.</p>"
    assert abstracts.render(r"Broken \(\frac{a}{\) math.") == r"<p>Broken \(\frac{a}{\) math.</p>"


def test_abstract_html_is_sanitized() -> None:
    html = abstracts.render(
        "<script>alert(1)</script><img src=x onerror=alert(1)> [x](javascript:alert(1)) "
        '<a href="https://example.org" onclick="steal()">ok</a> <iframe src="https://evil.example"></iframe>'
    )
    assert "<script" not in html and "onerror" not in html and "onclick" not in html
    assert "<iframe" not in html and "<img" not in html
    # A line that opens with a tag is an HTML block, whose text CommonMark does not read as Markdown: the
    # javascript: "link" stays text, and the tags are dropped but for the link, which keeps its href.
    assert html == (
        '<p> [x](javascript:alert(1)) <a href="https://example.org" rel="nofollow noopener noreferrer">ok</a>'
        " </p>"
    )
    inline = abstracts.render("See [x](javascript:alert(1)) and <a href='javascript:alert(2)'>y</a>.")
    assert inline == (
        '<p>See <a rel="nofollow noopener noreferrer">x</a> and'
        ' <a rel="nofollow noopener noreferrer">y</a>.</p>'
    )


def test_excerpt_cuts_at_a_word_with_an_ellipsis() -> None:
    text = "word " * 100
    cut = abstracts.excerpt(text, 42)
    assert cut.endswith("…") and len(cut) <= 43 and not cut.startswith(" ")
    assert abstracts.excerpt("Short one.", 42) == "Short one."


def test_search_entries_come_from_the_model_escaped(feed: Feed) -> None:
    from generator import search

    entries = {e["location"]: e for e in search.paper_entries(feed)}
    assert set(entries) == {urls.paper(p.slug) for p in feed.papers}
    entry = entries["papers/attention-and-memory/"]
    assert entry["title"] == "Attention &amp; &quot;Memory&quot;: What Transformers Store"
    assert entry["text"].startswith(
        "<p>Zoë Müller-Łukasiewicz, Grace Hopper</p><p>Language models</p><p>We probe"
    )


def test_plain_text_reads_links_as_their_text_and_drops_emphasis() -> None:
    text = "See [the *project* site](https://example.org/x) and `code`,\n\n**now**."
    assert abstracts.plain_text(text) == "See the project site and code, now."


def test_one_paper_is_one_paper_on_every_listing_and_in_its_descriptions() -> None:
    tags = {"x": Tag("x", "X")}
    one = {p.src: p.text for p in pages.build_pages(Feed.of([_paper()], tags), SITE)}
    expected = {
        "index.md": ["Friday, 14 March 2025</time></a> · 1 paper</p>", 'description: "1 paper of Friday, 14'],
        "date/2025-03-14/index.md": ['"pf-day-heading">1 paper · <a', 'description: "1 paper of Friday, 14'],
        "week/2025-W11/index.md": ['"pf-day-heading">1 paper · <a', 'description: "1 paper, Week 11 of 2025'],
        "month/2025-03/index.md": ['"pf-day-heading">1 paper · <a', 'description: "1 paper, March 2025"'],
        "archive/index.md": ['<span class="pf-count">1 paper</span>'],
        "tags/index.md": ['<span class="pf-count">1 paper</span>'],
        "tags/x/index.md": ['"pf-day-heading">1 paper · <a'],
    }
    for src, phrases in expected.items():
        for phrase in phrases:
            assert phrase in one[src], f"{src}: {phrase}"
    assert [src for src, text in one.items() if "1 papers" in text] == []
    two = {p.src: p.text for p in pages.build_pages(Feed.of([_paper(), _paper(slug="t")], tags), SITE)}
    assert '"pf-day-heading">2 papers · <a' in two["date/2025-03-14/index.md"]
    assert '<span class="pf-count">2 papers</span>' in two["archive/index.md"]


def test_the_home_page_of_an_empty_feed_says_so_and_links_the_feeds() -> None:
    built = {p.src: p for p in pages.build_pages(Feed.of([], {"x": Tag("x", "X")}), SITE)}
    assert set(built) == {
        "index.md",
        "archive/index.md",
        "feeds/index.md",
        "tags/index.md",
        "tags/x/index.md",
    }
    home = built["index.md"]
    assert (home.in_nav, home.updated) == (True, None)
    assert '<p class="pf-empty">No papers yet.' in home.text
    for href in ("feed.xml", "atom.xml", "feed.json", "feeds/", "digests/"):
        assert f'href="{href}"' in home.text
    assert "<p>No papers yet.</p>" in built["archive/index.md"].text
    assert '<span class="pf-count">0 papers</span>' in built["tags/index.md"].text


@pytest.mark.parametrize(
    ("n", "noun", "plural", "expected"),
    [
        (0, "paper", None, "0 papers"),
        (1, "paper", None, "1 paper"),
        (2, "paper", None, "2 papers"),
        (1, "query", "queries", "1 query"),
        (3, "query", "queries", "3 queries"),
    ],
)
def test_a_count_is_singular_for_exactly_one(n: int, noun: str, plural: str | None, expected: str) -> None:
    assert wording.count(n, noun, plural) == expected
