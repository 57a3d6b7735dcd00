"""Feeds: parse clean, keep the spec rules parsers let through, stay stable, safe and byte-identical."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import json
import re
from pathlib import Path
from typing import Any

import feedparser
import lxml.html
import pytest
from lxml import etree

from generator import config, records, urls
from generator.config import SiteConfig
from generator.data import feed_links, feeds, trending
from generator.data.starfile import StarData
from generator.model import Feed, Link, Paper, Tag
from tests.sitebuild import ROOT, build_site

TESTS = Path(__file__).resolve().parent
SMALL = TESTS / "fixtures" / "small" / "content"
GOLDEN_FEEDS = TESTS / "golden" / "feeds"
SITE = SiteConfig(
    site_name="Small feed",
    site_url="https://papers.example.org/",
    site_description="A small feed of papers, for tests.",
)
TAGS = ["efficiency", "language-models", "robotics", "state-space-models", "vision"]
ATOM = "{http://www.w3.org/2005/Atom}"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
    r"\d{2}:\d{2}:\d{2} \+0000$"
)
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
JSON_FEED_TOP = {
    "version", "title", "home_page_url", "feed_url", "description", "user_comment", "next_url", "icon",
    "favicon", "authors", "language", "expired", "hubs", "items",
}  # fmt: skip
JSON_FEED_ITEM = {
    "id", "url", "external_url", "title", "content_html", "content_text", "summary", "image",
    "banner_image", "date_published", "date_modified", "authors", "tags", "language", "attachments",
}  # fmt: skip


@pytest.fixture(scope="module")
def small() -> Feed:
    return records.load_feed(SMALL)


@pytest.fixture(scope="module")
def files(small: Feed) -> dict[str, bytes]:
    return feeds.render_feeds(small, SITE)


def xml_paths(kind: str) -> list[str]:
    return [urls.feed(kind)] + [urls.feed(kind, tag) for tag in TAGS]


def rss_items(data: bytes) -> list[etree._Element]:
    return etree.fromstring(data).findall("channel/item")


def atom_entries(data: bytes) -> list[etree._Element]:
    return etree.fromstring(data).findall(f"{ATOM}entry")


def atom_link(element: etree._Element, rel: str) -> str:
    found = [ln.get("href") for ln in element.findall(f"{ATOM}link") if ln.get("rel", "alternate") == rel]
    assert len(found) == 1, f"expected one link rel={rel}, found {found}"
    return str(found[0])


def text(element: etree._Element, path: str) -> str:
    found = element.find(path)
    assert found is not None and found.text is not None, f"no {path}"
    return found.text


def html_fields(path: str, data: bytes) -> list[str]:
    """The HTML fragments a feed carries: RSS descriptions, Atom html content, JSON content_html."""
    if path.endswith(".json"):
        return [item["content_html"] for item in json.loads(data)["items"]]
    if path.endswith("atom.xml"):
        return [text(entry, f"{ATOM}content") for entry in atom_entries(data)]
    return [text(item, "description") for item in rss_items(data)]


def hrefs(fragment: str) -> list[str]:
    anchors = lxml.html.fragment_fromstring(fragment, create_parent="div").iter("a")
    return [str(a.get("href")) for a in anchors if a.get("href") is not None]


# --- which files, and that they parse ----------------------------------------------------------------------


def test_every_tag_gets_rss_atom_and_json_and_the_site_gets_an_opml(files: dict[str, bytes]) -> None:
    expected = {"feed.xml", "atom.xml", "feed.json", "feeds.opml"}
    for tag in TAGS:
        expected |= {f"tags/{tag}/feed.xml", f"tags/{tag}/atom.xml", f"tags/{tag}/feed.json"}
    assert set(files) == expected


@pytest.mark.parametrize("path", xml_paths("rss") + xml_paths("atom"))
def test_xml_feeds_parse_clean_with_feedparser_and_lxml(files: dict[str, bytes], path: str) -> None:
    parsed = feedparser.parse(files[path])
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == ("atom10" if path.endswith("atom.xml") else "rss20")
    root = etree.fromstring(files[path])
    assert root.tag == (f"{ATOM}feed" if path.endswith("atom.xml") else "rss")
    assert files[path].startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n")


def test_item_counts_follow_the_tags(files: dict[str, bytes]) -> None:
    counts = {path: len(feedparser.parse(files[path]).entries) for path in xml_paths("rss")}
    assert counts == {
        "feed.xml": 11,
        "tags/efficiency/feed.xml": 4,
        "tags/language-models/feed.xml": 5,
        "tags/robotics/feed.xml": 1,
        "tags/state-space-models/feed.xml": 3,
        "tags/vision/feed.xml": 4,
    }


# --- the spec rules a parser lets through ------------------------------------------------------------------


@pytest.mark.parametrize("path", xml_paths("rss"))
def test_rss_dates_are_rfc822_with_a_four_digit_year(files: dict[str, bytes], path: str) -> None:
    channel = etree.fromstring(files[path]).find("channel")
    assert channel is not None
    dates = [e.text or "" for e in channel.iter("lastBuildDate", "pubDate")]
    assert len(dates) == 1 + len(rss_items(files[path]))
    for value in dates:
        assert RFC822.match(value), value
        assert email.utils.parsedate_to_datetime(value).tzinfo == dt.UTC


@pytest.mark.parametrize("path", xml_paths("atom"))
def test_atom_dates_are_rfc3339(files: dict[str, bytes], path: str) -> None:
    root = etree.fromstring(files[path])
    dates = [e.text or "" for e in root.iter(f"{ATOM}updated", f"{ATOM}published")]
    assert len(dates) == 1 + 2 * len(atom_entries(files[path]))
    for value in dates:
        assert RFC3339.match(value), value


def test_item_dates_are_the_paper_day_at_midnight_utc_and_the_feed_date_the_newest(
    files: dict[str, bytes],
) -> None:
    items = rss_items(files["tags/state-space-models/feed.xml"])
    assert [text(i, "pubDate") for i in items] == [
        "Tue, 04 Mar 2025 00:00:00 +0000",
        "Mon, 03 Mar 2025 00:00:00 +0000",
        "Thu, 27 Feb 2025 00:00:00 +0000",
    ]
    robotics = etree.fromstring(files["tags/robotics/atom.xml"])
    assert text(robotics, f"{ATOM}updated") == "2025-02-28T00:00:00+00:00"
    site = json.loads(files["feed.json"])
    assert site["items"][-1]["date_published"] == "2025-02-26T00:00:00+00:00"
    assert (
        text(etree.fromstring(files["feed.xml"]), "channel/lastBuildDate")
        == "Tue, 04 Mar 2025 00:00:00 +0000"
    )


@pytest.mark.parametrize("tag", [None, *TAGS])
def test_self_links_are_the_feeds_own_urls_and_channel_links_the_pages(
    files: dict[str, bytes], tag: str | None
) -> None:
    page = urls.absolute(SITE.site_url, urls.tag(tag) if tag else "")
    own = {kind: urls.absolute(SITE.site_url, urls.feed(kind, tag)) for kind in feed_links.KINDS}
    channel = etree.fromstring(files[urls.feed("rss", tag)]).find("channel")
    assert channel is not None
    assert text(channel, "link") == page
    assert atom_link(channel, "self") == own["rss"]
    atom = etree.fromstring(files[urls.feed("atom", tag)])
    assert atom_link(atom, "self") == own["atom"]
    assert atom_link(atom, "alternate") == page
    assert text(atom, f"{ATOM}id") == own["atom"]
    document = json.loads(files[urls.feed("json", tag)])
    assert (document["feed_url"], document["home_page_url"]) == (own["json"], page)


@pytest.mark.parametrize("path", xml_paths("rss") + xml_paths("atom") + xml_paths("json"))
def test_every_url_is_absolute(files: dict[str, bytes], path: str) -> None:
    data = files[path]
    if path.endswith(".json"):
        document = json.loads(data)
        own = [document["home_page_url"], document["feed_url"]] + [i["url"] for i in document["items"]]
        others = []
    else:
        root = etree.fromstring(data)
        links = list(root.iter(f"{ATOM}link"))
        own = [str(e.get("href")) for e in links if e.get("rel") != "related"] + [
            e.text or "" for e in root.iter("link")
        ]
        others = [e.text or "" for e in root.iter("docs")]
        others += [str(e.get("href")) for e in links if e.get("rel") == "related"]
    for fragment in html_fields(path, data):
        others += hrefs(fragment)
    assert len(own) > 2
    for url in own:
        assert url.startswith(SITE.site_url), url
    for url in others:
        assert re.match(r"^https?://[a-z0-9.-]+/", url), url


@pytest.mark.parametrize("tag", [None, *TAGS])
def test_ids_are_unique_and_derived_from_the_slug(
    files: dict[str, bytes], small: Feed, tag: str | None
) -> None:
    papers = small.papers_tagged(tag) if tag else list(small.papers)
    expected = [feeds.item_id(p.slug) for p in papers]
    assert len(set(expected)) == len(expected)
    items = rss_items(files[urls.feed("rss", tag)])
    assert [text(i, "guid") for i in items] == expected
    assert {i.find("guid").get("isPermaLink") for i in items} == {"false"}  # type: ignore[union-attr]
    assert [text(e, f"{ATOM}id") for e in atom_entries(files[urls.feed("atom", tag)])] == expected
    assert [i["id"] for i in json.loads(files[urls.feed("json", tag)])["items"]] == expected


def test_the_id_of_a_slug_is_pinned() -> None:
    # A changed namespace or recipe would make every reader show every paper again.
    assert feeds.item_id("linear-attention-revisited") == "urn:uuid:1c08a0aa-32b3-5a66-af98-4e48f9310a2f"


@pytest.mark.parametrize("path", xml_paths("atom"))
def test_atom_content_is_marked_html_and_titles_stay_text(files: dict[str, bytes], path: str) -> None:
    for entry in atom_entries(files[path]):
        content = entry.find(f"{ATOM}content")
        assert content is not None and content.get("type") == "html"
        assert (content.text or "").startswith("<p>")
        title = entry.find(f"{ATOM}title")
        assert title is not None and title.get("type") is None  # text, the Atom default


@pytest.mark.parametrize("path", xml_paths("json"))
def test_json_feed_fields_follow_the_spec(files: dict[str, bytes], path: str) -> None:
    data = files[path]
    assert data.endswith(b"}\n")
    document: dict[str, Any] = json.loads(data)
    assert list(document)[:2] == ["version", "title"]
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert set(document) <= JSON_FEED_TOP
    assert isinstance(document["title"], str) and document["title"]
    assert document["authors"] == [{"name": "Small feed"}]
    assert isinstance(document["items"], list) and document["items"]
    for item in document["items"]:
        assert set(item) <= JSON_FEED_ITEM
        assert isinstance(item["id"], str) and item["id"].startswith("urn:uuid:")
        assert isinstance(item["content_html"], str) and item["content_html"].startswith("<p>")
        assert RFC3339.match(item["date_published"])
        assert all(set(author) == {"name"} for author in item.get("authors", []))
        assert item["tags"] and all(isinstance(t, str) for t in item["tags"])


# --- how much a feed carries: whole days, until at least feed_size papers --------------------------------

VOCABULARY = {"robotics": Tag("robotics", "Robotics"), "vision": Tag("vision", "Computer vision")}


def paper(slug: str, day: str, tags: tuple[str, ...] = ("robotics",), **fields: Any) -> Paper:
    """A paper built here, not read from a file: the title is the slug, so feed order is slug order."""
    date = dt.date.fromisoformat(day)
    return Paper(slug=slug, title=slug, date=date, tags=tags, abstract=f"About {slug}.", **fields)


def papers_on_days(days: dict[str, int]) -> list[Paper]:
    """`n` robotics papers on each day, slugs like p-2025-03-14-007."""
    return [paper(f"p-{day}-{i:03d}", day) for day, n in days.items() for i in range(n)]


def carried(files: dict[str, bytes], tag: str | None = None) -> dict[str, list[str]]:
    """The slugs each of a scope's three feeds carries: XML read by feedparser (no bozo) and lxml alike."""
    found: dict[str, list[str]] = {}
    for kind in feed_links.KINDS:
        path = urls.feed(kind, tag)
        data = files[path]
        if kind == "json":
            links = [item["url"] for item in json.loads(data)["items"]]
        else:
            parsed = feedparser.parse(data)
            assert not parsed.bozo, (path, parsed.get("bozo_exception"))
            links = [entry.link for entry in parsed.entries]
            if kind == "rss":
                assert [text(item, "link") for item in rss_items(data)] == links
            else:
                assert [atom_link(entry, "alternate") for entry in atom_entries(data)] == links
        assert all(link.startswith(f"{SITE.site_url}papers/") for link in links), path
        found[kind] = [link.split("/")[-2] for link in links]
    return found


def render(papers: list[Paper], feed_size: int) -> dict[str, bytes]:
    return feeds.render_feeds(Feed.of(papers, VOCABULARY), dataclasses.replace(SITE, feed_size=feed_size))


def test_a_newest_day_bigger_than_feed_size_is_carried_whole_and_alone() -> None:
    # The seed's case: 84 papers on one day, feed_size 50; the older day waits.
    files = render(papers_on_days({"2025-03-14": 84, "2025-03-13": 5}), feed_size=50)
    newest = [f"p-2025-03-14-{i:03d}" for i in range(84)]
    assert carried(files) == {"rss": newest, "atom": newest, "json": newest}
    assert carried(files, "robotics") == {"rss": newest, "atom": newest, "json": newest}


def test_a_tag_whose_newest_day_is_bigger_than_feed_size_keeps_it_whole() -> None:
    papers = [
        *(paper(f"v-{i}", "2025-03-14", ("vision",)) for i in range(7)),
        *(paper(f"r-{i}", "2025-03-14") for i in range(2)),
        *(paper(f"v-{i}", "2025-03-13", ("vision",)) for i in range(7, 10)),
        *(paper(f"r-{i}", "2025-03-13") for i in range(2, 5)),
    ]
    files = render(papers, feed_size=3)
    site = ["r-0", "r-1", "v-0", "v-1", "v-2", "v-3", "v-4", "v-5", "v-6"]
    vision = ["v-0", "v-1", "v-2", "v-3", "v-4", "v-5", "v-6"]
    robotics = ["r-0", "r-1", "r-2", "r-3", "r-4"]  # 2 < 3, so the older day comes too, whole
    assert carried(files) == {"rss": site, "atom": site, "json": site}
    assert carried(files, "vision") == {"rss": vision, "atom": vision, "json": vision}
    assert carried(files, "robotics") == {"rss": robotics, "atom": robotics, "json": robotics}


@pytest.mark.parametrize(
    ("feed_size", "count"),
    [
        (3, 3),  # the newest day alone reaches it exactly: no other day
        (4, 5),  # the second day reaches it, and comes whole
        (5, 5),  # two days reach it exactly: the third day waits
        (6, 9),
        (9, 9),
        (50, 9),  # fewer papers than feed_size: every one
    ],
)
def test_a_day_that_reaches_feed_size_is_the_last(feed_size: int, count: int) -> None:
    papers = papers_on_days({"2025-03-14": 3, "2025-03-13": 2, "2025-03-12": 4})
    files = render(papers, feed_size)
    expected = [p.slug for p in papers[:count]]  # papers_on_days lists them in feed order
    for tag in (None, "robotics"):
        assert carried(files, tag) == {"rss": expected, "atom": expected, "json": expected}


def test_days_smaller_than_feed_size_are_taken_until_it_is_reached() -> None:
    papers = papers_on_days({"2025-03-14": 2, "2025-03-13": 2, "2025-03-12": 2, "2025-03-11": 2})
    files = render(papers, feed_size=5)
    expected = [p.slug for p in papers[:6]]  # 2 + 2 < 5; the third day makes 6
    for tag in (None, "robotics"):
        assert carried(files, tag) == {"rss": expected, "atom": expected, "json": expected}


@pytest.mark.parametrize("feed_size", [1, 50])
def test_a_single_paper_is_a_feed_of_one(feed_size: int) -> None:
    files = render([paper("only-paper", "2025-03-14")], feed_size)
    for tag in (None, "robotics"):
        assert carried(files, tag) == {"rss": ["only-paper"], "atom": ["only-paper"], "json": ["only-paper"]}
    assert carried(files, "vision") == {"rss": [], "atom": [], "json": []}


def test_no_papers_give_empty_feeds_that_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    files = render([], feed_size=50)
    all_parse_clean(files)
    for tag in (None, "robotics", "vision"):
        assert carried(files, tag) == {"rss": [], "atom": [], "json": []}


def test_a_day_of_ten_thousand_papers_is_never_cut() -> None:
    # The rule alone (rendering 10,000 items belongs to benchmarks/): a feed never drops a paper of its
    # newest day, however big, and stops at the first day that brings it to feed_size.
    day = [paper(f"p-{i:05d}", "2025-03-14") for i in range(10_000)]
    older = [paper(f"q-{i}", "2025-03-13") for i in range(3)]
    kept: list[Paper] = []
    for candidate in [*day, *older]:
        if feeds.takes(kept, candidate, 50):
            kept.append(candidate)
    assert kept == day
    assert feeds.takes([], day[0], 1)
    assert feeds.takes(day[:1], day[1], 1)
    assert not feeds.takes(day, older[0], 10_000)
    assert feeds.takes(day, older[0], 10_001)


def newest_days(papers: list[Paper], size: int) -> list[str]:
    """The oracle, written apart from feeds.takes: group by day, newest first, until `size` is reached."""
    by_day: dict[dt.date, list[str]] = {}
    for p in papers:
        by_day.setdefault(p.date, []).append(p.slug)
    slugs: list[str] = []
    for day in sorted(by_day, reverse=True):
        if len(slugs) >= size:
            break
        slugs += by_day[day]
    return slugs


@pytest.mark.content
def test_the_shipped_feeds_carry_every_paper_of_their_newest_day() -> None:
    # Whatever content/ holds (the seed, a contribution, a fork's papers): the shipped settings never cut
    # a day, in the site's feeds or in any tag's.
    site = config.load(ROOT / "mkdocs.yml")
    feed = records.load_feed(ROOT / "content")
    files = feeds.render_feeds(feed, dataclasses.replace(site, site_url=SITE.site_url))
    for tag in [None, *feed.tags]:
        scope = feed.papers_tagged(tag) if tag else list(feed.papers)
        expected = newest_days(scope, site.feed_size)
        assert carried(files, tag) == {"rss": expected, "atom": expected, "json": expected}, tag
        newest = {p.slug for p in scope if p.date == scope[0].date} if scope else set()
        assert newest <= set(expected), tag


# --- what the items say ------------------------------------------------------------------------------------


def test_items_are_newest_first_with_ties_broken_by_upvotes_then_title(files: dict[str, bytes]) -> None:
    slugs = [i["url"].split("/")[-2] for i in json.loads(files["feed.json"])["items"]]
    assert slugs == [
        "linear-attention-revisited",
        "attention-and-memory",  # 17 upvotes, same day as the next: the title decides
        "selective-state-spaces-at-scale",
        "tiny-vision-transformers",
        "mamba-for-images",
        "scaling-laws-for-data-mixtures",
        "quantized-inference-without-tears",
        "robot-learning-from-video",
        "structured-state-space-survey",
        "long-context-evaluation",
        "diffusion-for-segmentation",
    ]


def test_same_day_ties_go_by_title_not_by_slug() -> None:
    day, tags = dt.date(2025, 3, 14), ("robotics",)
    tied = [
        Paper(slug="a-zebra", title="Zebra crossings", date=day, tags=tags, abstract="Z.", upvotes=2),
        Paper(slug="z-aardvark", title="aardvark burrows", date=day, tags=tags, abstract="A."),
        Paper(slug="m-bee", title="Bee dances", date=day, tags=tags, abstract="B."),
    ]
    files = feeds.render_feeds(Feed.of(tied, VOCABULARY), SITE)
    order = ["a-zebra", "z-aardvark", "m-bee"]  # most upvotes, then aardvark before Bee, ignoring case
    assert carried(files) == {"rss": order, "atom": order, "json": order}


def test_feed_size_counts_whole_days(small: Feed) -> None:
    files = feeds.render_feeds(small, dataclasses.replace(SITE, feed_size=2))
    # 2025-03-04 has three papers: the third is not cut off
    assert [text(i, "title") for i in rss_items(files["feed.xml"])] == [
        "Linear Attention Revisited: Kernels That Scale",
        'Attention & "Memory": What Transformers Store',
        "Selective State Spaces at Scale",
    ]
    # the two papers of 2025-03-03 reach feed_size exactly: the vision paper of 2025-02-28 waits
    assert [text(e, f"{ATOM}title") for e in atom_entries(files["tags/vision/atom.xml"])] == [
        "Tiny Vision Transformers for Edge Devices",
        "Mamba for Images: A Bidirectional Scan",
    ]
    assert len(json.loads(files["tags/robotics/feed.json"])["items"]) == 1


def test_an_item_carries_title_link_abstract_authors_and_tags(files: dict[str, bytes]) -> None:
    page = "https://papers.example.org/papers/attention-and-memory/"
    item = rss_items(files["feed.xml"])[1]
    assert text(item, "title") == 'Attention & "Memory": What Transformers Store'
    assert text(item, "link") == page
    assert [c.text for c in item.findall("category")] == ["Language models"]
    assert [c.text for c in item.findall(DC_CREATOR)] == ["Zoë Müller-Łukasiewicz", "Grace Hopper"]
    description = text(item, "description")
    assert description.startswith("<p>We probe what a transformer keeps in its key-value cache.")
    assert (
        '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline"><mrow><mi>\u03b1</mi>'
        in description
    )
    entry = atom_entries(files["atom.xml"])[1]
    assert atom_link(entry, "alternate") == page
    assert [n.text for n in entry.iter(f"{ATOM}name")] == ["Zoë Müller-Łukasiewicz", "Grace Hopper"]
    assert [(c.get("term"), c.get("label")) for c in entry.findall(f"{ATOM}category")] == [
        ("language-models", "Language models")
    ]
    json_item = json.loads(files["feed.json"])["items"][1]
    assert json_item["authors"] == [{"name": "Zoë Müller-Łukasiewicz"}, {"name": "Grace Hopper"}]
    assert json_item["tags"] == ["Language models"]
    assert json_item["content_html"] == description


def test_items_carry_the_arxiv_pdf_and_code_links_of_their_record() -> None:
    papers = [
        paper("with-code", "2025-03-14", arxiv="2312.00752", links=(Link("code", "https://github.com/o/r"),)),
        paper(
            "own-pdf",
            "2025-03-13",
            arxiv="2401.00001v2",
            links=(Link("project", "https://example.org/p"), Link("pdf", "https://example.org/p.pdf")),
        ),
        # a record link that repeats the arXiv page is not listed twice
        paper(
            "repeated",
            "2025-03-12",
            arxiv="2402.00002",
            links=(Link("paper", "https://arxiv.org/abs/2402.00002"),),
        ),
        paper("code-only", "2025-03-11", links=(Link("code", "https://gitlab.com/o/r"),)),
        paper("bare", "2025-03-10"),
    ]
    files = render(papers, feed_size=50)
    expected = {
        "with-code": [
            ("https://arxiv.org/abs/2312.00752", "arXiv 2312.00752", "text/html"),
            ("https://arxiv.org/pdf/2312.00752", "PDF", "application/pdf"),
            ("https://github.com/o/r", "Code", None),
        ],
        "own-pdf": [
            ("https://arxiv.org/abs/2401.00001v2", "arXiv 2401.00001v2", "text/html"),
            ("https://example.org/p.pdf", "PDF", "application/pdf"),
            ("https://example.org/p", "Project", None),
        ],
        "repeated": [
            ("https://arxiv.org/abs/2402.00002", "arXiv 2402.00002", "text/html"),
            ("https://arxiv.org/pdf/2402.00002", "PDF", "application/pdf"),
        ],
        "code-only": [("https://gitlab.com/o/r", "Code", None)],
        "bare": [],
    }
    arxiv = {
        "with-code": "https://arxiv.org/abs/2312.00752",
        "own-pdf": "https://arxiv.org/abs/2401.00001v2",
        "repeated": "https://arxiv.org/abs/2402.00002",
    }
    entries = atom_entries(files["atom.xml"])
    items = rss_items(files["feed.xml"])
    json_items = json.loads(files["feed.json"])["items"]
    assert carried(files)["atom"] == list(expected)
    for entry, item, json_item, (slug, links) in zip(
        entries, items, json_items, expected.items(), strict=True
    ):
        related = [ln for ln in entry.findall(f"{ATOM}link") if ln.get("rel") == "related"]
        assert [(ln.get("href"), ln.get("title"), ln.get("type")) for ln in related] == links, slug
        assert atom_link(entry, "alternate") == f"https://papers.example.org/papers/{slug}/"
        for fragment in (text(item, "description"), text(entry, f"{ATOM}content"), json_item["content_html"]):
            anchors = list(lxml.html.fragment_fromstring(fragment, create_parent="div").iter("a"))
            assert [(a.get("href"), a.text) for a in anchors] == [(url, title) for url, title, _ in links]
            assert {a.get("rel") for a in anchors} <= {"nofollow noopener noreferrer"}
        assert json_item.get("external_url") == arxiv.get(slug), slug
        # RSS has no element for them: the item's own link stays its page, and nothing else is added
        assert {child.tag for child in item} == {
            "title",
            "link",
            "description",
            "guid",
            "category",
            "pubDate",
        }
    parsed = feedparser.parse(files["atom.xml"])
    assert not parsed.bozo
    assert [(ln.rel, ln.get("title")) for ln in parsed.entries[0].links] == [
        ("alternate", None),
        ("related", "arXiv 2312.00752"),
        ("related", "PDF"),
        ("related", "Code"),
    ]


def test_links_in_abstracts_stay_absolute_http(files: dict[str, bytes]) -> None:
    entry = json.loads(files["feed.json"])["items"][5]
    assert entry["url"].endswith("/papers/scaling-laws-for-data-mixtures/")
    assert hrefs(entry["content_html"]) == [
        "https://example.org/mixtures",
        "https://arxiv.org/abs/2502.04567",
        "https://arxiv.org/pdf/2502.04567",
    ]


def test_a_paper_without_authors_names_none_and_the_feed_author_stands_in(files: dict[str, bytes]) -> None:
    feed = etree.fromstring(files["tags/efficiency/atom.xml"])
    assert [n.text for n in feed.findall(f"{ATOM}author/{ATOM}name")] == ["Small feed"]
    quantized = [e for e in feed.findall(f"{ATOM}entry") if "Quantized" in text(e, f"{ATOM}title")]
    assert [n.text for n in quantized[0].iter(f"{ATOM}name")] == ["Grace Hopper", "Ada Lovelace"]
    survey = json.loads(files["tags/state-space-models/feed.json"])["items"][2]
    assert survey["title"] == "Structured State Space Models: A Survey"
    assert survey["authors"] == [{"name": "Barbara Liskov"}]


def test_the_generator_is_named_without_a_version(files: dict[str, bytes]) -> None:
    assert text(etree.fromstring(files["feed.xml"]), "channel/generator") == "paperfeed"
    generator = etree.fromstring(files["atom.xml"]).find(f"{ATOM}generator")
    assert generator is not None and generator.text == "paperfeed" and dict(generator.attrib) == {}


def test_a_trending_item_names_its_authors_as_dc_creators_and_its_tags_by_name() -> None:
    papers = [
        paper("by-two", "2025-03-14", ("vision", "robotics"), authors=("Ada Lovelace", "Grace Hopper")),
        paper("by-nobody", "2025-03-13"),
    ]
    feed = Feed.of(papers, VOCABULARY)
    data = feeds.trending_feed(trending.rank(feed, StarData()), SITE, feed.tags)
    parsed = feedparser.parse(data)
    assert not parsed.bozo and parsed.version == "rss20"
    items = {text(i, "link").split("/")[-2]: i for i in rss_items(data)}
    assert list(items) == ["by-two", "by-nobody"]  # no samples: the newer paper ranks first
    assert [c.text for c in items["by-two"].findall(DC_CREATOR)] == ["Ada Lovelace", "Grace Hopper"]
    assert items["by-nobody"].findall(DC_CREATOR) == []
    assert [c.text for c in items["by-two"].findall("category")] == ["Computer vision", "Robotics"]


# --- golden files, identity, determinism --------------------------------------------------------------------

GOLDEN_PATHS = [
    "feed.xml",
    "atom.xml",
    "feed.json",
    "tags/language-models/feed.xml",
    "tags/language-models/atom.xml",
    "tags/language-models/feed.json",
    "feeds.opml",
]


@pytest.mark.parametrize("path", GOLDEN_PATHS)
def test_golden(files: dict[str, bytes], golden: Any, path: str) -> None:
    golden(f"feeds/{path}", files[path].decode("utf-8"))


def golden_ids() -> dict[str, str]:
    """slug -> id, as the golden Atom feed published them."""
    entries = atom_entries((GOLDEN_FEEDS / "atom.xml").read_bytes())
    return {atom_link(e, "alternate").split("/")[-2]: text(e, f"{ATOM}id") for e in entries}


def test_ids_survive_new_titles_tags_and_a_new_host(small: Feed) -> None:
    published = golden_ids()
    assert len(published) == 11
    changed = Feed.of(
        [dataclasses.replace(p, title=p.title.upper() + " (v2)", tags=("robotics",)) for p in small.papers],
        small.tags,
    )
    moved = dataclasses.replace(SITE, site_url="https://mirror.example.net/sub/")
    files = feeds.render_feeds(changed, moved)
    for path in ("atom.xml", "tags/robotics/atom.xml"):
        entries = atom_entries(files[path])
        now = {atom_link(e, "alternate").split("/")[-2]: text(e, f"{ATOM}id") for e in entries}
        assert now == published
        assert all(
            atom_link(e, "alternate").startswith("https://mirror.example.net/sub/papers/") for e in entries
        )


def test_rendering_twice_gives_identical_bytes(small: Feed, files: dict[str, bytes]) -> None:
    again = feeds.render_feeds(
        Feed.of(list(reversed(small.papers)), dict(reversed(small.tags.items()))), SITE
    )
    assert list(again) == list(files)
    assert again == files


# --- edge cases: no papers, empty tags, a site in a sub-path ---------------------------------------------


def all_parse_clean(files: dict[str, bytes]) -> None:
    for path, data in files.items():
        if path.endswith(".json"):
            assert json.loads(data)["version"] == feeds.JSON_FEED_VERSION
        elif path.endswith(".xml"):
            parsed = feedparser.parse(data)
            assert not parsed.bozo, (path, parsed.get("bozo_exception"))
            etree.fromstring(data)
        else:
            etree.fromstring(data)


def test_zero_papers_give_valid_empty_feeds_dated_at_the_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    files = feeds.render_feeds(Feed.of([], {"vision": Tag("vision", "Vision")}), SITE)
    assert len(files) == 7
    all_parse_clean(files)
    assert rss_items(files["feed.xml"]) == []
    assert (
        text(etree.fromstring(files["feed.xml"]), "channel/lastBuildDate")
        == "Thu, 01 Jan 1970 00:00:00 +0000"
    )
    atom = etree.fromstring(files["tags/vision/atom.xml"])
    assert text(atom, f"{ATOM}updated") == "1970-01-01T00:00:00+00:00"
    assert text(atom, f"{ATOM}subtitle") == "The newest papers tagged Vision."
    assert json.loads(files["feed.json"])["items"] == []


def test_an_empty_feed_takes_its_date_from_source_date_epoch(
    small: Feed, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1741910400")  # 2025-03-14
    tags = {**small.tags, "unused": Tag("unused", "Unused")}
    files = feeds.render_feeds(Feed.of(small.papers, tags), SITE)
    all_parse_clean(files)
    unused = etree.fromstring(files["tags/unused/feed.xml"])
    assert text(unused, "channel/lastBuildDate") == "Fri, 14 Mar 2025 00:00:00 +0000"
    assert rss_items(files["tags/unused/feed.xml"]) == []
    # a feed with papers ignores it
    assert (
        text(etree.fromstring(files["feed.xml"]), "channel/lastBuildDate")
        == "Tue, 04 Mar 2025 00:00:00 +0000"
    )
    assert b"tags/unused/atom.xml" in files["feeds.opml"]


HOW_TO_FIX = "give a whole number of seconds since 1970-01-01 UTC, or unset it"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("2025-03-14", "is not a number"),
        ("", "is not a number"),
        ("abc", "is not a number"),
        ("-1", "is not a number"),
        ("1_741_910_400", "is not a number"),  # int() would take it
        ("\u0661\u0662\u0663", "is not a number"),  # Arabic-Indic digits: int() would take them too
        ("1741910400.5", "is not a number"),
        ("253402300800", "is after the year 9999"),
        ("99999999999999999999999", "is after the year 9999"),
    ],
)
def test_a_bad_source_date_epoch_is_refused_with_a_message(
    small: Feed, monkeypatch: pytest.MonkeyPatch, value: str, problem: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    for feed in (Feed.of([], {}), small):  # refused even when no feed is empty, so every build is alike
        with pytest.raises(feeds.FeedError) as err:
            feeds.render_feeds(feed, SITE)
        assert str(err.value) == f"SOURCE_DATE_EPOCH '{value}' {problem}; {HOW_TO_FIX}"


@pytest.mark.parametrize(
    ("value", "rss_date"),
    [
        ("0", "Thu, 01 Jan 1970 00:00:00 +0000"),
        (" 1741910400\n", "Fri, 14 Mar 2025 00:00:00 +0000"),  # surrounding blanks are not the number
        ("253402300799", "Fri, 31 Dec 9999 23:59:59 +0000"),
    ],
)
def test_source_date_epoch_dates_an_empty_feed(
    monkeypatch: pytest.MonkeyPatch, value: str, rss_date: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    files = feeds.render_feeds(Feed.of([], {}), SITE)
    all_parse_clean(files)
    assert text(etree.fromstring(files["feed.xml"]), "channel/lastBuildDate") == rss_date


def test_a_tag_with_a_single_paper(files: dict[str, bytes]) -> None:
    parsed = feedparser.parse(files["tags/robotics/feed.xml"])
    assert not parsed.bozo
    assert [e.title for e in parsed.entries] == ["Robot Learning from Internet Video"]
    assert [e.link for e in parsed.entries] == [
        "https://papers.example.org/papers/robot-learning-from-video/"
    ]


def test_a_site_under_a_path_keeps_its_path_in_every_link(small: Feed, tmp_path: Path) -> None:
    site = dataclasses.replace(SITE, site_url="https://user.github.io/repo/")
    files = feeds.render_feeds(small, site)
    channel = etree.fromstring(files["tags/vision/feed.xml"]).find("channel")
    assert channel is not None
    assert text(channel, "link") == "https://user.github.io/repo/tags/vision/"
    assert atom_link(channel, "self") == "https://user.github.io/repo/tags/vision/feed.xml"
    assert text(channel, "item/link") == "https://user.github.io/repo/papers/tiny-vision-transformers/"
    atom = etree.fromstring(files["atom.xml"])
    assert atom_link(atom, "self") == "https://user.github.io/repo/atom.xml"
    assert atom_link(atom, "alternate") == "https://user.github.io/repo/"
    assert (
        json.loads(files["tags/vision/feed.json"])["feed_url"]
        == "https://user.github.io/repo/tags/vision/feed.json"
    )
    opml = etree.fromstring(files["feeds.opml"])
    assert opml.xpath("//outline/@xmlUrl")[:2] == [
        "https://user.github.io/repo/atom.xml",
        "https://user.github.io/repo/tags/efficiency/atom.xml",
    ]
    # a relative link in an abstract resolves against the paper's page, path included
    paper = dataclasses.replace(
        small.papers[0], abstract="See [the other one](../other-paper/) and [top](/x)."
    )
    files = feeds.render_feeds(Feed.of([paper], small.tags), site)
    html = json.loads(files["feed.json"])["items"][0]["content_html"]
    assert hrefs(html)[:2] == ["https://user.github.io/repo/papers/other-paper/", "https://user.github.io/x"]


# --- OPML and discovery links ------------------------------------------------------------------------------


def test_opml_lists_the_site_atom_feed_then_every_tag_atom_feed(files: dict[str, bytes]) -> None:
    root = etree.fromstring(files["feeds.opml"])
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "Small feed: every feed"
    outlines = root.findall("body/outline")
    assert [o.get("xmlUrl") for o in outlines] == ["https://papers.example.org/atom.xml"] + [
        f"https://papers.example.org/tags/{tag}/atom.xml" for tag in TAGS
    ]
    assert [o.get("htmlUrl") for o in outlines] == ["https://papers.example.org/"] + [
        f"https://papers.example.org/tags/{tag}/" for tag in TAGS
    ]
    assert {o.get("type") for o in outlines} == {"rss"}
    assert [(o.get("text"), o.get("title")) for o in outlines[:4:3]] == [
        ("Small feed", "Small feed"),
        ("Small feed: Robotics", "Small feed: Robotics"),
    ]
    assert outlines[0].get("description") == "A small feed of papers, for tests."


def test_feed_links_of_every_page_and_of_a_tag_page() -> None:
    site = dataclasses.replace(SITE, site_url="https://user.github.io/repo/")
    assert feed_links.feed_links(site) == [
        feed_links.FeedLink(
            "Small feed (RSS)", "https://user.github.io/repo/feed.xml", "application/rss+xml", "rss"
        ),
        feed_links.FeedLink(
            "Small feed (Atom)", "https://user.github.io/repo/atom.xml", "application/atom+xml", "atom"
        ),
        feed_links.FeedLink(
            "Small feed (JSON Feed)", "https://user.github.io/repo/feed.json", "application/feed+json", "json"
        ),
    ]
    links = feed_links.feed_links(site, Tag("vision", "Computer vision", "Seeing."))
    assert [(link.title, link.url, link.tag) for link in links] == [
        ("Small feed: Computer vision (RSS)", "https://user.github.io/repo/tags/vision/feed.xml", "vision"),
        ("Small feed: Computer vision (Atom)", "https://user.github.io/repo/tags/vision/atom.xml", "vision"),
        (
            "Small feed: Computer vision (JSON Feed)",
            "https://user.github.io/repo/tags/vision/feed.json",
            "vision",
        ),
        ("Small feed (RSS)", "https://user.github.io/repo/feed.xml", None),
        ("Small feed (Atom)", "https://user.github.io/repo/atom.xml", None),
        ("Small feed (JSON Feed)", "https://user.github.io/repo/feed.json", None),
    ]


@pytest.mark.parametrize("slug", ["yes", "on", "null", "true", "no"])
def test_a_tag_pages_head_links_to_the_tags_feeds_whatever_its_slug(slug: str) -> None:
    # The tag is read from the page's address, whatever YAML would make of its slug in a front matter.
    tags = {slug: Tag(slug, slug.title())}
    tag_feed = f'href="{urls.absolute(SITE.site_url, urls.feed("rss", slug))}"'
    for src in (f"tags/{slug}/index.md", f"tags/{slug}/page/2/index.md"):
        assert tag_feed in feed_links.of_page(SITE, tags, {}, src), src
    # The tags' index, and a paper of that slug, name the site's feeds alone (a paper page its RSS feed).
    assert "tags/" not in feed_links.of_page(SITE, tags, {}, "tags/index.md")
    assert feed_links.of_page(SITE, tags, {}, f"papers/{slug}.md").count("<link ") == 1
    assert feed_links.of_page(SITE, tags, {"feed_trending": True}, "trending/index.md").count("<link ") == 4


# --- hostile records ---------------------------------------------------------------------------------------

# One-line fields cannot hold '<' or '>' (check refuses them): what is left are quotes and entities, which
# a feed must carry as the text they are, decoded once by a reader.
HOSTILE_TITLE = '&lt;/title&gt;&lt;script&gt;alert("t")&lt;/script&gt; & "quoted" &#60;b&#62;bold'
HOSTILE_AUTHORS = ['&lt;img src=x onerror="alert(1)"&gt;', "Eve &#x3C;b onmouseover=alert(2)&#x3E;Evil & Co"]
HOSTILE_ABSTRACT = """Intro <script>alert(3)</script> text, with $x^2$.

<img src="x" onerror="alert(4)"> and [x](javascript:alert(5)) and
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg2KTwvc2NyaXB0Pg==">d</a> and
<a href="JaVaScRiPt:alert(7)">j</a> and <a href=" javascript:alert(8)">s</a> and
<a href="vbscript:msgbox(9)">v</a> and [ok](https://example.com/ok) and [rel](../other-paper/).

<svg onload="alert(10)"><circle r="1"/></svg> <iframe src="https://evil.example/"></iframe>
<style>body { display: none }</style> <form action="https://evil.example/"><input name="q"></form>

<p onclick="alert(11)" style="color: red">para</p> <object data="https://evil.example/x.swf"></object>
"""
UNSAFE_TAGS = {"script", "img", "svg", "iframe", "style", "form", "input", "object", "embed", "link", "meta"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "cite", "srcset"}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The feeds of a content tree with one hostile record, read the way contributed files are.

    check refuses the abstract's javascript:, data: and relative links, so the abstract goes into the
    model after reading: the feeds must stay safe should such a link ever get past check.
    """
    content = tmp_path_factory.mktemp("hostile") / "content"
    (content / "papers" / "2025").mkdir(parents=True)
    (content / "tags.yml").write_text((SMALL / "tags.yml").read_text(encoding="utf-8"), encoding="utf-8")
    front = [
        "---",
        f"title: {json.dumps(HOSTILE_TITLE)}",
        "date: 2025-03-05",
        "tags: [robotics]",
        f"authors: {json.dumps(HOSTILE_AUTHORS)}",
        "---",
    ]
    record = content / "papers" / "2025" / "hostile.md"
    record.write_text("\n".join(front) + "\nA placeholder.\n", encoding="utf-8")
    read = records.load_feed(content)
    feed = Feed.of([dataclasses.replace(p, abstract=HOSTILE_ABSTRACT) for p in read.papers], read.tags)
    return feeds.render_feeds(feed, dataclasses.replace(SITE, site_url="https://example.org/"))


def test_hostile_records_leave_no_live_markup_in_any_feed(hostile: dict[str, bytes]) -> None:
    carrying = [
        "feed.xml",
        "atom.xml",
        "feed.json",
        *(f"tags/robotics/{n}" for n in ("feed.xml", "atom.xml", "feed.json")),
    ]
    for path in carrying:
        fragments = html_fields(path, hostile[path])
        assert len(fragments) == 1, path
        tree = lxml.html.fragment_fromstring(fragments[0], create_parent="div")
        tags = {str(e.tag) for e in tree.iter() if isinstance(e.tag, str)}
        assert not tags & UNSAFE_TAGS, (path, tags & UNSAFE_TAGS)
        for element in tree.iter():
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on"), (path, name)
                assert name.lower() not in {"style", "srcdoc"}, (path, name)
                if name.lower() in URL_ATTRIBUTES:
                    assert re.match(r"^https?://", value), (path, name, value)
        assert hrefs(fragments[0]) == ["https://example.com/ok", "https://example.org/papers/other-paper/"]
        assert "alert" not in fragments[0] and "javascript" not in fragments[0].lower()
        assert "para" in fragments[0]  # the harmless text survives


def test_hostile_titles_and_authors_stay_plain_text(hostile: dict[str, bytes]) -> None:
    # XML escapes every '<'; JSON Feed titles and names are plain text by its spec, checked by value below.
    for path, data in hostile.items():
        if path.endswith((".xml", ".opml")):
            for markup in (b"<script", b"<b>", b"<b ", b"<img"):
                assert markup not in data.lower(), (path, markup)
    item = rss_items(hostile["feed.xml"])[0]
    assert text(item, "title") == HOSTILE_TITLE
    assert [c.text for c in item.findall(DC_CREATOR)] == HOSTILE_AUTHORS
    entry = atom_entries(hostile["atom.xml"])[0]
    assert text(entry, f"{ATOM}title") == HOSTILE_TITLE
    assert [n.text for n in entry.iter(f"{ATOM}name")] == HOSTILE_AUTHORS
    item_json = json.loads(hostile["feed.json"])["items"][0]
    assert item_json["title"] == HOSTILE_TITLE
    assert item_json["authors"] == [{"name": name} for name in HOSTILE_AUTHORS]
    parsed = feedparser.parse(hostile["atom.xml"])
    assert not parsed.bozo
    assert parsed.entries[0].title == HOSTILE_TITLE


def test_descriptions_with_markup_characters_read_as_the_same_text_in_every_format() -> None:
    """A description is plain text (tags.yml, site_description): RSS carries it as HTML, escaped once;
    Atom's subtitle, JSON Feed and OPML as the text itself. feedgen keeps one value for the RSS description
    and the Atom subtitle, so the escaping for RSS once showed in Atom as '&amp;' and '&lt;b&gt;'."""
    words = {None: 'Papers & "code" <for> tests', "vision": "Seeing & <b>looking</b> at 2 < 3"}
    site = dataclasses.replace(SITE, site_description=words[None])
    vocabulary = {"vision": Tag("vision", "Vision", words["vision"])}
    files = feeds.render_feeds(Feed.of([paper("a-paper", "2025-03-14", ("vision",))], vocabulary), site)
    opml = {
        o.get("xmlUrl"): o.get("description") for o in etree.fromstring(files["feeds.opml"]).iter("outline")
    }
    for tag, description in words.items():
        atom = feedparser.parse(files[urls.feed("atom", tag)]).feed
        assert (atom.subtitle_detail.type, atom.subtitle) == ("text/plain", description), tag
        assert text(etree.fromstring(files[urls.feed("atom", tag)]), f"{ATOM}subtitle") == description
        rss = text(etree.fromstring(files[urls.feed("rss", tag)]), "channel/description")
        assert lxml.html.fragment_fromstring(rss, create_parent="div").text_content() == description, tag
        assert json.loads(files[urls.feed("json", tag)])["description"] == description
        assert opml[urls.absolute(SITE.site_url, urls.feed("atom", tag))] == description


# --- through the MkDocs plugin -----------------------------------------------------------------------------


def test_an_empty_papers_folder_builds_a_site_with_valid_empty_feeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    content = tmp_path / "content"
    (content / "papers").mkdir(parents=True)
    (content / "tags.yml").write_text((SMALL / "tags.yml").read_text(encoding="utf-8"), encoding="utf-8")
    done = build_site(tmp_path, content, SITE.site_url)
    assert done.returncode == 0, done.stderr
    site = tmp_path / "site"
    files = {
        path: (site / path).read_bytes()
        for path in [*xml_paths("rss"), *xml_paths("atom"), *xml_paths("json")]
    }
    files["feeds.opml"] = (site / "feeds.opml").read_bytes()
    all_parse_clean(files)
    for tag in [None, *TAGS]:
        assert carried(files, tag) == {"rss": [], "atom": [], "json": []}
    assert text(etree.fromstring(files["atom.xml"]), f"{ATOM}updated") == "1970-01-01T00:00:00+00:00"


@pytest.mark.parametrize("value", ["abc", ""])
def test_a_bad_source_date_epoch_stops_the_build_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    # Without the plugin's check MkDocs itself fails on it later, with a traceback.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    done = build_site(tmp_path, SMALL, SITE.site_url)
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1, done.stderr
    assert errors[0].endswith(f"SOURCE_DATE_EPOCH '{value}' is not a number; {HOW_TO_FIX}")
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "site" / "feed.xml").exists()


def test_carried_names_the_papers_of_each_feed_the_site_first_then_each_tag_by_slug() -> None:
    # What paperfeed serve compares to know whether the feeds must be made again: the same papers as the
    # rendered feeds carry, read back from them.
    papers = [
        *papers_on_days({"2025-03-14": 2, "2025-03-12": 3}),
        paper("v-new", "2025-03-13", ("vision",)),
        paper("v-old", "2025-03-01", ("vision", "robotics")),
    ]
    site = dataclasses.replace(SITE, feed_size=3)
    feed = Feed.of(papers, VOCABULARY)
    files = feeds.render_feeds(feed, site)
    slugs = [[p.slug for p in papers] for papers in feeds.carried(feed, site)]
    assert slugs == [
        carried(files)["rss"],
        carried(files, "robotics")["rss"],
        carried(files, "vision")["rss"],
    ]
    assert slugs[0] != slugs[1] != slugs[2]  # three feeds that differ, so an order mixed up shows
