"""The trending ranking on a fixture with known samples (tests/fixtures/trending: "now" is 2025-03-14, the
newest sample's day), its page and its feed; and the same with no samples at all, and with no papers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from pathlib import Path
from typing import Any

import feedparser
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from generator import records
from generator.config import SiteConfig
from generator.data import feeds, starfile, trending
from generator.data.starfile import Entry, Sample, StarData
from generator.model import Feed, Link, Paper, Tag
from generator.site import pages

FIXTURE = Path(__file__).parent / "fixtures" / "trending" / "content"
SITE = SiteConfig(site_name="Trend feed", site_url="https://example.org/feed/")

# The order the fixture's samples give, each score worked out by hand from the README's formula:
# (1 + upvotes + stars gained in 7 days) / (days in the feed + 2) ** 1.5, now = 2025-03-14.
EXPECTED = [
    ("viral-code", (1 + 5 + 5000) / 6**1.5),  # 300 -> 5,300 stars from 7 to 14 March, 4 days old
    ("missed-runs", (1 + 0 + 700) / 8**1.5),  # +1,000 over 10 days (no sample from 5 to 13 March): 700 a week
    ("young-repo", (1 + 2 + 300) / 5**1.5),  # first sampled on 12 March: +300 since, not scaled up
    ("popular-upvotes", (1 + 150) / 4**1.5),
    ("old-steady", (1 + 10 + 700) / 65**1.5),  # +700, but 63 days in the feed
    ("gone-repo", (1 + 20) / 7**1.5),  # the repository is gone: its upvotes alone
    ("tie-alpha", (1 + 7) / 4**1.5),  # a tie, broken by the title
    ("tie-beta", (1 + 7) / 4**1.5),
    ("folder-link", (1 + 4) / 3**1.5),  # a link into a repository's folder is not sampled
    ("lost-stars", (1 + 3) / 6**1.5),  # 80 -> 50 stars: a loss counts as no gain
    ("not-github", 1 / 3**1.5),
    ("fresh-nothing", 1 / 4**1.5),
    ("stale-samples", (1 + 1) / 11**1.5),  # its newest sample is of 5 March: no gain this week
]


@pytest.fixture(scope="module")
def feed() -> Feed:
    return records.load_feed(FIXTURE)


@pytest.fixture(scope="module")
def data() -> StarData:
    return starfile.load(FIXTURE / "stars.tsv")


@pytest.fixture(scope="module")
def trend(feed: Feed, data: StarData) -> trending.Trending:
    return trending.rank(feed, data)


def test_the_fixture_ranks_in_the_expected_order_with_the_expected_scores(trend: trending.Trending) -> None:
    assert trend.now == dt.date(2025, 3, 14)
    assert trend.sampled
    assert [p.slug for p in trend.ranked] == [slug for slug, _ in EXPECTED]
    for slug, score in EXPECTED:
        assert math.isclose(trend.signals[slug].score, score, rel_tol=1e-12), slug


def test_each_paper_knows_its_stars_its_weekly_gain_and_its_upvotes(trend: trending.Trending) -> None:
    shown = {slug: trending.words(trend.signals[slug]) for slug, _ in EXPECTED}
    assert shown == {
        "viral-code": ["+5,000 stars this week", "5,300 stars", "5 upvotes"],
        "missed-runs": ["+700 stars this week", "2,000 stars"],
        "young-repo": ["+300 stars this week", "400 stars", "2 upvotes"],
        "popular-upvotes": ["150 upvotes"],
        "old-steady": ["+700 stars this week", "10,700 stars", "10 upvotes"],
        "gone-repo": ["20 upvotes"],
        "tie-alpha": ["7 upvotes"],
        "tie-beta": ["7 upvotes"],
        "folder-link": ["4 upvotes"],
        "lost-stars": ["50 stars", "3 upvotes"],
        "not-github": [],
        "fresh-nothing": [],
        "stale-samples": ["500 stars", "1 upvote"],
    }
    assert trend.signals["lost-stars"].gained == -30
    assert trend.signals["old-steady"].age == 63
    assert trending.words(None) == []


def test_the_top_is_cut_at_the_size_and_the_strip_is_the_first_five(feed: Feed, data: StarData) -> None:
    top = trending.rank(feed, data, size=3)
    assert [p.slug for p in top.ranked] == ["viral-code", "missed-runs", "young-repo"]
    assert len(top.signals) == len(feed.papers)  # every paper's card shows its signal
    assert [p.slug for p in trending.rank(feed, data).strip] == [s for s, _ in EXPECTED[:5]]


def test_without_samples_papers_rank_by_upvotes_and_recency(feed: Feed) -> None:
    trend = trending.rank(feed, StarData())
    assert (trend.now, trend.sampled) == (dt.date(2025, 3, 13), False)  # the newest paper's day
    # Worked out by hand: (1 + upvotes) / (days since 13 March + 2) ** 1.5.
    assert [p.slug for p in trend.ranked] == [
        "popular-upvotes",  # 151 / 3**1.5
        "folder-link",  # 5 / 2**1.5
        "tie-alpha",  # 8 / 3**1.5
        "tie-beta",
        "gone-repo",  # 21 / 6**1.5
        "viral-code",  # 6 / 5**1.5
        "young-repo",  # 3 / 4**1.5
        "lost-stars",  # 4 / 5**1.5
        "not-github",  # 1 / 2**1.5
        "fresh-nothing",  # 1 / 3**1.5
        "stale-samples",  # 2 / 10**1.5
        "missed-runs",  # 1 / 7**1.5
        "old-steady",  # 11 / 64**1.5
    ]
    assert all(s.stars is None and s.gained is None for s in trend.signals.values())


def test_samples_of_repositories_no_paper_links_count_for_nothing(feed: Feed, data: StarData) -> None:
    assert "lab/unlinked" in data.entries  # 99,998 stars this week, linked by no paper
    alone = StarData({"lab/unlinked": data.entries["lab/unlinked"]})
    trend = trending.rank(feed, alone)
    assert not trend.sampled  # so: no activity data yet
    assert trend.now == dt.date(2025, 3, 14)  # its sample is still the newest day in the data


def test_now_is_the_newest_paper_when_the_samples_are_older(feed: Feed, data: StarData) -> None:
    later = Paper("a-later-paper", "A Later Paper", dt.date(2025, 3, 30), ("models",), "An abstract.")
    trend = trending.rank(Feed.of([*feed.papers, later], feed.tags), data)
    assert trend.now == dt.date(2025, 3, 30)
    # The week to 30 March has no samples: viral-code keeps its stars, but no gain, 20 days in the feed.
    assert math.isclose(trend.signals["viral-code"].score, 6 / 22**1.5)
    assert math.isclose(trend.signals["a-later-paper"].score, 1 / 2**1.5)
    assert trend.signals["viral-code"].stars == 5300 and trend.signals["viral-code"].gained is None


def test_a_paper_dated_after_the_samples_is_zero_days_old() -> None:
    paper = Paper("p", "P", dt.date(2025, 3, 20), ("t",), "A.", upvotes=3)
    code = dataclasses.replace(paper, slug="q", links=(Link("code", "https://github.com/a/b"),))
    data = StarData(
        {"a/b": Entry("a/b", (Sample(dt.date(2025, 3, 25), 10), Sample(dt.date(2025, 3, 18), 4)))}
    )
    trend = trending.rank(Feed.of([paper, code], {"t": Tag("t", "T")}), data)
    assert trend.now == dt.date(2025, 3, 25)
    assert trend.signals["q"].gained == 6
    assert (trend.signals["p"].age, trend.signals["q"].age) == (5, 5)


def test_no_papers_rank_nothing() -> None:
    trend = trending.rank(Feed.of([], {}), StarData())
    assert (trend.now, trend.sampled, trend.ranked, trend.signals) == (None, False, (), {})


@pytest.mark.parametrize(
    ("samples", "expected"),
    [
        ([], (None, None)),
        ([("2025-03-14", 10)], (10, None)),  # one day of samples: no gain yet
        ([("2025-03-13", 30), ("2025-03-06", 10)], (30, 20)),  # a week back from a day before now
        ([("2025-03-14", 30), ("2025-03-07", 10), ("2025-03-01", 0)], (30, 20)),  # the week's baseline
        ([("2025-03-14", 114), ("2025-02-28", 0)], (114, 57)),  # 14 days: scaled to 7, rounded down
        ([("2025-03-14", 10), ("2025-02-28", 111)], (10, -51)),  # a loss, scaled too
        ([("2025-03-06", 30), ("2025-03-01", 10)], (30, None)),  # nothing this week
        ([("2025-03-15", 30), ("2025-03-10", 10)], (30, None)),  # after now (a hand-made file): not counted
    ],
)
def test_a_week_of_samples(samples: list[tuple[str, int]], expected: tuple[int | None, int | None]) -> None:
    entry = Entry("a/b", tuple(Sample(dt.date.fromisoformat(d), n) for d, n in samples))
    assert trending.weekly(entry, dt.date(2025, 3, 14)) == expected


def test_the_ranking_is_the_same_whatever_order_the_papers_come_in(feed: Feed, data: StarData) -> None:
    once = trending.rank(feed, data)
    shuffled = Feed(tuple(reversed(feed.papers)), feed.tags)
    again = trending.rank(shuffled, data)
    assert [p.slug for p in again.ranked] == [p.slug for p in once.ranked]
    assert again.signals == once.signals


# --- the pages and the feed ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(feed: Feed, data: StarData) -> dict[str, pages.Page]:
    return {page.src: page for page in pages.build_pages(feed, SITE, data)}


def test_the_trending_page_and_feed_match_their_golden_files(
    built: dict[str, pages.Page], trend: trending.Trending, feed: Feed, golden: Any
) -> None:
    golden("trending/trending/index.md", built["trending/index.md"].text)
    golden("trending/index.md", built["index.md"].text)
    golden("trending/trending.xml", feeds.trending_feed(trend, SITE, feed.tags).decode("utf-8"))


def test_the_trending_page_lists_the_ranking_with_each_cards_signal(built: dict[str, pages.Page]) -> None:
    page = built["trending/index.md"]
    assert page.in_nav and page.updated == dt.date(2025, 3, 14)
    text = page.text
    positions = [text.index(f'href="../papers/{slug}/"') for slug, _ in EXPECTED]
    assert positions == sorted(positions)
    assert '<p class="pf-signal">+5,000 stars this week · 5,300 stars · 5 upvotes</p>' in text
    # On this page a card with nothing known says so; elsewhere it says nothing.
    assert text.count('<p class="pf-signal pf-signal--none">No activity data yet</p>') == 2
    assert "No activity data yet: no code repository" not in text
    assert '<h2 id="how-this-is-ranked">How this is ranked</h2>' in text
    assert "(1 + upvotes + stars gained in 7 days) / (days in the feed + 2)<sup>1.5</sup>" in text
    assert 'The week to <time datetime="2025-03-14">Friday, 14 March 2025</time> · 13 papers' in text


def test_cards_and_paper_pages_show_what_is_known(built: dict[str, pages.Page]) -> None:
    day = built["date/2025-03-10/index.md"].text
    assert '<p class="pf-signal">+5,000 stars this week · 5,300 stars · 5 upvotes</p>' in day
    assert '<p class="pf-signal">50 stars · 3 upvotes</p>' in day
    assert "No activity data yet" not in day
    viral = built["papers/viral-code.md"].text
    assert "<dt>Upvotes</dt><dd>5</dd>\n" in viral
    assert (
        '<dt>GitHub stars</dt><dd>5,300 (+5,000 this week) · <a href="../../trending/">Trending</a></dd>'
        in viral
    )
    nothing = built["papers/fresh-nothing.md"].text
    assert "<dt>Upvotes</dt>" not in nothing and "<dt>GitHub stars</dt>" not in nothing
    lost = built["papers/lost-stars.md"].text
    assert "<dt>GitHub stars</dt><dd>50 · " in lost


def test_the_home_page_has_a_strip_of_the_first_five(built: dict[str, pages.Page]) -> None:
    home = built["index.md"].text
    strip = home[home.index('<section class="pf-trending-strip"') : home.index("</section>")]
    assert [strip.index(f'href="papers/{slug}/"') for slug, _ in EXPECTED[:5]] == sorted(
        strip.index(f'href="papers/{slug}/"') for slug, _ in EXPECTED[:5]
    )
    assert strip.count("<li>") == 5
    assert '<span class="pf-signal">+5,000 stars this week</span>' in strip
    assert '<a href="trending/">Every trending paper →</a>' in strip


def test_the_trending_feed_is_rss_in_rank_order_with_ids_from_the_slug(
    trend: trending.Trending, feed: Feed
) -> None:
    data = feeds.trending_feed(trend, SITE, feed.tags)
    parsed = feedparser.parse(data)
    assert not parsed.bozo and parsed.version == "rss20"
    assert [e.link for e in parsed.entries] == [f"https://example.org/feed/papers/{s}/" for s, _ in EXPECTED]
    ids = [e.id for e in parsed.entries]
    assert ids[0] == "urn:uuid:9e7b6147-9414-5416-b595-f8d3dc24ce87"  # pinned: readers keep it
    assert len(set(ids)) == len(ids)
    assert ids[0] != feeds.item_id("viral-code")  # a trending item is news apart from the paper's item
    channel = etree.fromstring(data).find("channel")
    assert channel is not None
    assert channel.findtext("lastBuildDate") == "Fri, 14 Mar 2025 00:00:00 +0000"  # now, not the clock
    assert channel.findtext("link") == "https://example.org/feed/trending/"
    atom = "{http://www.w3.org/2005/Atom}link"
    assert [(link.get("rel"), link.get("href")) for link in channel.iter(atom)] == [
        ("self", "https://example.org/feed/trending.xml")
    ]
    first = parsed.entries[0]
    assert first.title == "Viral Code: A Repository Everyone Stars"
    assert first.summary.startswith(
        "<p>+5,000 stars this week · 5,300 stars · 5 upvotes</p>\n<p>The abstract"
    )
    assert first.published == "Mon, 10 Mar 2025 00:00:00 +0000"


def test_an_item_keeps_its_id_while_the_paper_stays_whatever_its_rank_or_signal(
    feed: Feed, data: StarData, trend: trending.Trending
) -> None:
    later = dataclasses.replace(data, entries={**data.entries})
    later.entries["lab/young"] = Entry(
        "lab/young", (Sample(dt.date(2025, 3, 15), 9000), *data.entries["lab/young"].samples)
    )
    moved = trending.rank(feed, later)
    assert moved.ranked[0].slug == "young-repo"

    def ids(t: trending.Trending) -> dict[str, str]:
        parsed = feedparser.parse(feeds.trending_feed(t, SITE, feed.tags))
        return {e.link.rsplit("/", 2)[-2]: e.id for e in parsed.entries}

    assert ids(moved) == ids(trend)


def test_without_samples_the_page_says_so_and_the_home_page_has_no_strip(feed: Feed) -> None:
    built = {page.src: page for page in pages.build_pages(feed, SITE)}
    text = built["trending/index.md"].text
    assert (
        '<p class="pf-empty">No activity data yet: no code repository has been sampled, so the papers rank by'
        " upvotes and recency alone.</p>"
    ) in text
    assert text.index("popular-upvotes") < text.index("folder-link") < text.index("old-steady")
    assert "pf-trending-strip" not in built["index.md"].text
    assert "<dt>GitHub stars</dt>" not in built["papers/viral-code.md"].text
    parsed = feedparser.parse(feeds.trending_feed(trending.rank(feed, StarData()), SITE, feed.tags))
    assert not parsed.bozo and len(parsed.entries) == 13


def test_with_no_papers_the_page_and_feed_are_empty_and_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    empty = Feed.of([], {})
    built = {page.src: page for page in pages.build_pages(empty, SITE)}
    page = built["trending/index.md"]
    assert page.updated is None and page.in_nav
    assert '<p class="pf-empty">No papers yet.</p>' in page.text
    assert "The week to" not in page.text
    data = feeds.trending_feed(trending.rank(empty, StarData()), SITE, {})
    parsed = feedparser.parse(data)
    assert not parsed.bozo and parsed.entries == []
    assert parsed.feed.updated == "Thu, 01 Jan 1970 00:00:00 +0000"


def test_a_title_with_markup_stays_text_on_the_page_and_in_the_feed() -> None:
    paper = Paper("p-x", 'A <b>bold</b> & "quoted" title', dt.date(2025, 3, 1), ("t",), "A.", upvotes=2)
    hostile = Feed.of([paper], {"t": Tag("t", "T")})
    text = {p.src: p for p in pages.build_pages(hostile, SITE)}["trending/index.md"].text
    assert "<b>bold</b>" not in text and "A &lt;b&gt;bold&lt;/b&gt; &amp; &#34;quoted&#34; title" in text
    data = feeds.trending_feed(trending.rank(hostile, StarData()), SITE, hostile.tags)
    assert feedparser.parse(data).entries[0].title == 'A <b>bold</b> & "quoted" title'
    assert b"<b>" not in data


def test_the_builds_reading_of_recent_samples_ranks_as_the_whole_file(feed: Feed) -> None:
    whole = trending.rank(feed, starfile.load(FIXTURE / "stars.tsv"))
    recent = trending.rank(feed, starfile.load(FIXTURE / "stars.tsv", recent=True))
    assert (recent.ranked, recent.signals, recent.now) == (whole.ranked, whole.signals, whole.now)


@given(
    gaps=st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=40),
    counts=st.lists(st.integers(min_value=0, max_value=10**6), min_size=41, max_size=41),
    later=st.integers(min_value=0, max_value=12),
)
def test_a_weeks_gain_needs_no_sample_that_the_build_leaves_unread(
    gaps: list[int], counts: list[int], later: int
) -> None:
    """Whatever the days sampled, and however much later "now" is than the newest sample."""
    newest = dt.date(2025, 3, 14)
    days = [newest]
    for gap in gaps:
        days.append(days[-1] - dt.timedelta(days=gap))
    text = (
        "a/b\tok\t-\t" + " ".join(f"{d.isoformat()}={n}" for d, n in zip(days, counts, strict=False)) + "\n"
    )
    now = newest + dt.timedelta(days=later)
    whole = starfile.parse(text, "x").entries["a/b"]
    recent = starfile.parse(text, "x", recent=True).entries["a/b"]
    assert trending.weekly(recent, now) == trending.weekly(whole, now)
