"""The generated Markdown pages: golden files for the small fixture feed, and the pieces they are made of."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from generator import records
from generator.config import SiteConfig
from generator.model import Feed, Link, Paper, Tag
from generator.records import abstracts
from generator.site import pages, skip_link, wording

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


def test_every_kind_of_page_is_generated(built: dict[str, pages.Page]) -> None:
    # The small feed: 11 papers on 5 days in 2 weeks and 2 months; with 2 papers a page, efficiency (4
    # papers), language-models (5), robotics (1), state-space-models (3) and vision (4) have 2, 3, 1, 2 and
    # 2 pages.
    papers = [
        "attention-and-memory", "diffusion-for-segmentation", "linear-attention-revisited",
        "long-context-evaluation", "mamba-for-images", "quantized-inference-without-tears",
        "robot-learning-from-video", "scaling-laws-for-data-mixtures", "selective-state-spaces-at-scale",
        "structured-state-space-survey", "tiny-vision-transformers",
    ]  # fmt: skip
    tags = {"efficiency": 2, "language-models": 3, "robotics": 1, "state-space-models": 2, "vision": 2}
    expected = {"index.md", "archive/index.md", "feeds/index.md", "tags/index.md", "trending/index.md"}
    expected |= {"search/index.md", "week/2025-W09/index.md", "week/2025-W10/index.md"}
    expected |= {"month/2025-02/index.md", "month/2025-03/index.md"}
    expected |= {f"date/2025-{day}/index.md" for day in ("02-26", "02-27", "02-28", "03-03", "03-04")}
    expected |= {f"papers/{slug}.md" for slug in papers}
    expected |= {f"tags/{tag}/index.md" for tag in tags}
    expected |= {f"tags/{tag}/page/{n}/index.md" for tag, count in tags.items() for n in range(2, count + 1)}
    assert set(built) == expected


def test_only_the_listings_of_the_menu_are_in_the_navigation(built: dict[str, pages.Page]) -> None:
    in_nav = {src for src, page in built.items() if page.in_nav}
    assert in_nav == {"index.md", "archive/index.md", "feeds/index.md", "tags/index.md", "trending/index.md"}


def test_home_is_the_newest_day_ordered_by_upvotes_then_title() -> None:
    # Ties on upvotes go by title, ignoring case, not by slug: each tied pair here sorts the other way by
    # slug.
    papers = [
        _paper(slug="a-zebra", title="Zebra crossings", upvotes=3),
        _paper(slug="older", title="Older but loved", upvotes=99, date=dt.date(2025, 3, 13)),
        _paper(slug="z-aardvark", title="aardvark burrows", upvotes=3),
        _paper(slug="m-most", title="Most voted", upvotes=9),
        _paper(slug="b-unvoted", title="Any title"),
    ]
    home = next(
        p for p in pages.build_pages(Feed.of(papers, {"x": Tag("x", "X")}), SITE) if p.src == "index.md"
    )
    links = {
        slug: f'href="papers/{slug}/"' for slug in ("m-most", "z-aardvark", "a-zebra", "b-unvoted", "older")
    }
    shown = [slug for slug, link in links.items() if link in home.text]
    assert sorted(shown, key=lambda slug: home.text.index(links[slug])) == [
        "m-most",
        "z-aardvark",
        "a-zebra",
        "b-unvoted",
    ]
    assert home.text.count('class="pf-card"') == 4


def test_titles_in_front_matter_are_escaped_once_for_material(built: dict[str, pages.Page]) -> None:
    text = built["papers/attention-and-memory.md"].text
    front = text.split("---\n")[1]
    assert 'title: "Attention &amp; &quot;Memory&quot;: What Transformers Store"\n' in front


def test_tag_pages_are_paginated_newest_first(built: dict[str, pages.Page]) -> None:
    # language-models, newest first, 2 a page: linear-attention-revisited and attention-and-memory (4 March),
    # scaling-laws-for-data-mixtures and quantized-inference-without-tears (28 February), then
    # long-context-evaluation (26 February).
    pages_of = [
        built["tags/language-models/index.md"].text,
        built["tags/language-models/page/2/index.md"].text,
        built["tags/language-models/page/3/index.md"].text,
    ]
    expected = [
        ["linear-attention-revisited", "attention-and-memory"],
        ["scaling-laws-for-data-mixtures", "quantized-inference-without-tears"],
        ["long-context-evaluation"],
    ]
    for text, slugs in zip(pages_of, expected, strict=True):
        # A tag page lists each paper as a line of its titles list, whose first link is the paper's page.
        listed = re.findall(r'<li><a href="[./]*papers/([a-z0-9-]+)/">', text)
        assert listed == slugs
    assert 'rel="next" href="../../tags/language-models/page/2/"' in pages_of[0]
    assert 'rel="prev" href="../../../../tags/language-models/"' in pages_of[1]
    assert 'rel="next" href="../../../../tags/language-models/page/3/"' in pages_of[1]
    assert 'rel="next"' not in pages_of[2]


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


def test_a_paper_page_has_one_pdf_button_the_records_own_first() -> None:
    """arXiv's PDF unless the record links its own (as `paperfeed import` writes it): never two buttons."""
    own = _paper(slug="own", arxiv="2503.10005", links=(Link("pdf", "https://arxiv.org/pdf/2503.10005v2"),))
    derived = _paper(slug="derived", arxiv="2503.10006")
    feed = Feed.of([own, derived], {"x": Tag("x", "X")})
    built = {p.src: p.text for p in pages.build_pages(feed, SITE)}
    assert [line for line in built["papers/own.md"].splitlines() if ">PDF<" in line] == [
        '<a class="md-button" href="https://arxiv.org/pdf/2503.10005v2" rel="nofollow">PDF</a>'
    ]
    assert [line for line in built["papers/derived.md"].splitlines() if ">PDF<" in line] == [
        '<a class="md-button" href="https://arxiv.org/pdf/2503.10006" rel="nofollow">PDF</a>'
    ]


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
    assert abstracts.excerpt("word " * 100, 42) == "word word word word word word word word…"
    assert abstracts.excerpt("Short one.", 42) == "Short one."


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
        "trending/index.md",
        "search/index.md",
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


def _built(papers: list[Paper], site: SiteConfig = SITE) -> dict[str, str]:
    return {p.src: p.text for p in pages.build_pages(Feed.of(papers, {"x": Tag("x", "X")}), site)}


def _card(text: str, slug: str) -> str:
    start = text.index(f'papers/{slug}/"')
    return text[text.rindex('<article class="pf-card">', 0, start) : text.index("</article>", start)]


def test_a_card_names_three_authors_and_et_al_and_links_arxiv_pdf_and_code() -> None:
    four = _paper(
        slug="four",
        authors=("Ann A", "Bob B", "Cy C", "Di D"),
        arxiv="2401.00001",
        links=(Link("project", "https://example.org/p"), Link("code", "https://example.org/c")),
        upvotes=3,
    )
    three = _paper(slug="three", title="Three", authors=("Ann A", "Bob B", "Cy C"), upvotes=1)
    one = _paper(slug="none", title="Nothing", links=(Link("pdf", "https://example.org/x.pdf"),))
    home = _built([four, three, one])["index.md"]
    card = _card(home, "four")
    assert '<p class="pf-authors">Ann A, Bob B, Cy C et al.</p>' in card
    # Links made from the arXiv id need no rel; the record's own are nofollow.
    assert (
        '<p class="pf-card__meta"><a href="https://arxiv.org/abs/2401.00001">arXiv</a> '
        '<a href="https://arxiv.org/pdf/2401.00001">PDF</a> '
        '<a href="https://example.org/c" rel="nofollow">Code</a></p>'
    ) in card
    assert '<p class="pf-signal">3 upvotes</p>' in card  # the upvotes: on the card's trending line
    assert "https://example.org/p" not in card  # the project page is on the paper's page, not the card
    assert '<p class="pf-authors">Ann A, Bob B, Cy C</p>' in _card(home, "three")
    assert '<p class="pf-signal">1 upvote</p>' in _card(home, "three")
    assert "pf-card__meta" not in _card(home, "three")  # nothing to link: no line
    bare = _card(home, "none")
    assert "pf-authors" not in bare and "upvote" not in bare  # nothing given, nothing shown
    assert '<p class="pf-card__meta"><a href="https://example.org/x.pdf" rel="nofollow">PDF</a></p>' in bare
    assert "<time" not in home.split('<article class="pf-card">', 1)[1]  # a day's page names its day once


def test_tag_pages_date_each_card_and_week_pages_list_the_links_too() -> None:
    papers = [_paper(arxiv="2401.00001", upvotes=2), _paper(slug="t", title="U", date=dt.date(2025, 3, 10))]
    built = _built(papers)
    tag = built["tags/x/index.md"]
    # A tag's page lists its papers by title, each dated, with its links and upvotes, and no excerpt.
    assert (
        '<p><time datetime="2025-03-14">14 March 2025</time> <a href="https://arxiv.org/abs/2401.00001">'
        in tag
    )
    assert "<span>2 upvotes</span></p></li>" in tag
    assert '<p><time datetime="2025-03-10">10 March 2025</time></p></li>' in tag
    assert 'class="pf-card"' not in tag and 'class="pf-excerpt"' not in tag
    week = built["week/2025-W11/index.md"]
    assert 'href="https://arxiv.org/abs/2401.00001"' in week and "2 upvotes" in week


def test_a_paper_page_links_arxiv_pdf_hugging_face_and_the_records_links_then_edits_the_record() -> None:
    site = SiteConfig(
        site_url="https://example.org/feed/",
        repo_url="https://github.com/o/r",
        edit_base="https://github.com/o/r/edit/main/",
    )
    new_style = _paper(
        arxiv="2312.00752v2",
        links=(Link("code", "https://github.com/state-spaces/mamba"),),
        upvotes=9,
        source="content/papers/2023/s.md",
    )
    page = _built([new_style], site)["papers/s.md"]
    buttons = [line for line in page.splitlines() if 'class="md-button"' in line]
    button = '<a class="md-button" href="{}" rel="nofollow">{}</a>'
    assert buttons == [
        button.format("https://arxiv.org/abs/2312.00752v2", "arXiv 2312.00752v2"),
        button.format("https://arxiv.org/pdf/2312.00752v2", "PDF"),
        button.format("https://huggingface.co/papers/2312.00752", "Hugging Face"),
        button.format("https://github.com/state-spaces/mamba", "Code"),
    ]
    assert "<dt>Upvotes</dt><dd>9</dd>" in page
    edit = "https://github.com/o/r/edit/main/content/papers/2023/s.md"
    assert f'<p class="pf-edit"><a href="{edit}">Edit on GitHub</a></p>' in page
    # Hugging Face lists new-style ids only; without repo_url there is no edit link.
    old = _built([_paper(arxiv="hep-th/9901001", source="content/papers/1999/s.md")])["papers/s.md"]
    assert "huggingface" not in old and "pf-edit" not in old and "Upvotes" not in old


def test_the_inbox_is_promised_only_with_a_sign_up_form_whose_field_is_named_as_configured() -> None:
    without = _built([_paper()])["index.md"]
    assert "in your inbox" not in without and "<form" not in without
    assert '<h2 id="pf-subscribe-title">Follow the feed</h2>' in without
    site = SiteConfig(
        site_url="https://example.org/feed/", subscribe_url="https://lists.example/s", subscribe_field="EMAIL"
    )
    with_form = _built([_paper()], site)["index.md"]
    assert '<h2 id="pf-subscribe-title">Get trending papers in your inbox</h2>' in with_form
    assert '<input id="pf-email" type="email" name="EMAIL" autocomplete="email" required>' in with_form
    assert '<form class="pf-subscribe__form" action="https://lists.example/s" method="post">' in with_form


def test_the_digests_page_does_not_link_to_itself() -> None:
    from generator.mail import digest

    digests = {
        p.src: p.text for p in digest.digest_pages(Feed.of([_paper()], {}), SITE, Path("/nonexistent.yml"))
    }
    index = digests["digests/index.md"]
    assert 'href="../digests/"' not in index and 'href="./"' not in index
    assert 'href="digests/"' in _built([_paper()])["index.md"]  # the home page links them


@pytest.mark.parametrize(
    ("body", "expected", "anchor"),
    [
        ("<div><h1>Title</h1></div>", '<div><h1 id="pf-content">Title</h1></div>', "pf-content"),
        (
            '<h1 class="x">T</h1><h1>Second</h1>',
            '<h1 id="pf-content" class="x">T</h1><h1>Second</h1>',
            "pf-content",
        ),
        ('<h1 id="own">T</h1>', '<h1 id="own">T</h1>', "own"),  # a heading's own id is the target
        ("<h2>No h1</h2><h10>", "<h2>No h1</h2><h10>", None),
        ("<h1x>not a heading</h1x>", "<h1x>not a heading</h1x>", None),
    ],
)
def test_the_skip_link_goes_to_the_pages_heading(body: str, expected: str, anchor: str | None) -> None:
    assert skip_link.skip_target(body) == (expected, anchor)
    # The same anchor from the page's text after its front matter, without the page made.
    assert skip_link.skip_anchor("---\ntitle: <h1>\n---\n" + body, 20) == anchor


def test_a_url_shown_as_text_breaks_after_the_slashes_of_its_path_only() -> None:
    assert str(pages.breakable("https://example.org/feed/tags/a&b/feed.xml")) == (
        "https://example.org/<wbr>feed/<wbr>tags/<wbr>a&amp;b/<wbr>feed.xml"
    )
