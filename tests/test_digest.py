"""The digest without a server: periods, the message, its safety, the ledger, the web pages, the .eml."""

from __future__ import annotations

import datetime as dt
import email
import random
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import lxml.html
import pytest
import yaml
from click.testing import CliRunner
from digest_support import SMALL, UNICODE_RECORD, make_site

from generator import config, records
from generator.cli import main
from generator.config import SiteConfig
from generator.mail import digest
from generator.mail.ledger import Ledger, LedgerError
from generator.model import Feed, Paper, Tag
from generator.periods import Period, PeriodError, due

SITE_URL = "https://example.github.io/paperfeed/"
DASH = "\N{EN DASH}"
DAY = Period.parse("2025-03-04")
DAY_SLUGS = ["linear-attention-revisited", "attention-and-memory", "selective-state-spaces-at-scale"]


@pytest.fixture(scope="module")
def feed() -> Feed:
    return records.load_feed(SMALL)


def site_config(**options: Any) -> SiteConfig:
    values = {
        "digest_from": "digest@example.org",
        "unsubscribe_url": "https://lists.example.org/unsubscribe?list=papers",
        "unsubscribe_mailto": "papers-unsubscribe@example.org",
        **options,
    }
    name = values.pop("site_name", "Trending papers")
    return SiteConfig.from_options({"site_name": name, "site_url": SITE_URL}, values, Path("."))


def compose(feed: Feed, site: SiteConfig, period: Period = DAY, to: str | None = None) -> EmailMessage:
    return digest.compose(digest.build(feed, period, None), feed, site, digest.Sender.from_site(site), to)


def parse(data: bytes) -> EmailMessage:
    msg = email.message_from_bytes(data, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def parts(msg: EmailMessage) -> tuple[str, str]:
    """The plain text and the HTML, in the order the message has them (plain first, as asserted)."""
    text, html = list(msg.iter_parts())
    assert (text.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    return tuple(str(p.get_content()).replace("\r\n", "\n") for p in (text, html))  # type: ignore[return-value,attr-defined]


def paper(slug: str, title: str, abstract: str = "An abstract.", **fields: Any) -> Paper:
    return Paper(slug=slug, title=title, date=dt.date(2025, 3, 4), tags=("t",), abstract=abstract, **fields)


# Periods


@pytest.mark.parametrize(
    ("kind", "day", "pid", "start", "label"),
    [
        ("day", "2025-03-14", "2025-03-14", "2025-03-14", "14 March 2025"),
        ("week", "2025-03-14", "2025-W11", "2025-03-10", f"Week 11 of 2025 (10{DASH}16 March 2025)"),
        ("week", "2025-03-10", "2025-W11", "2025-03-10", f"Week 11 of 2025 (10{DASH}16 March 2025)"),
        ("week", "2025-03-16", "2025-W11", "2025-03-10", f"Week 11 of 2025 (10{DASH}16 March 2025)"),
        ("week", "2025-02-27", "2025-W09", "2025-02-24", f"Week 9 of 2025 (24 February {DASH} 2 March 2025)"),
        (
            "week",
            "2024-12-31",
            "2025-W01",
            "2024-12-30",
            f"Week 1 of 2025 (30 December 2024 {DASH} 5 January 2025)",
        ),
    ],
)
def test_a_period_is_a_day_or_the_iso_week_of_any_of_its_days(
    kind: str, day: str, pid: str, start: str, label: str
) -> None:
    period = Period.of(kind, dt.date.fromisoformat(day))
    assert (period.id, period.start.isoformat(), period.label) == (pid, start, label)
    assert Period.parse(pid) == period


@pytest.mark.parametrize("text", ["2025-W54", "2025-02-30", "2025-3-4", "March", "2025-W1"])
def test_a_bad_period_id_says_what_one_looks_like(text: str) -> None:
    with pytest.raises(PeriodError) as err:
        Period.parse(text)
    assert str(err.value) == f"'{text}' is not a day (2025-03-14) or an ISO week (2025-W11)"


@pytest.mark.parametrize(
    ("kind", "today", "ids"),
    [
        ("day", "2025-03-14", ["2025-03-12", "2025-03-13", "2025-03-14"]),
        ("day", "2025-03-01", ["2025-02-27", "2025-02-28", "2025-03-01"]),
        ("week", "2025-03-15", []),  # Saturday: this week has not ended, the last one ended 6 days ago
        ("week", "2025-03-16", ["2025-W11"]),  # its Sunday
        ("week", "2025-03-17", ["2025-W11"]),
        ("week", "2025-03-18", ["2025-W11"]),
        ("week", "2025-03-19", []),
        ("week", "2025-01-05", ["2025-W01"]),  # a week across the new year
    ],
)
def test_a_run_is_due_the_periods_that_ended_on_its_day_or_the_two_before(
    kind: str, today: str, ids: list[str]
) -> None:
    assert [p.id for p in due(kind, dt.date.fromisoformat(today))] == ids


def test_a_digest_has_the_period_papers_in_feed_order(feed: Feed) -> None:
    assert list(digest.build(feed, DAY, None).slugs) == DAY_SLUGS
    week = digest.build(feed, Period.parse("2025-W10"), None)
    assert list(week.slugs) == [*DAY_SLUGS, "tiny-vision-transformers", "mamba-for-images"]
    assert digest.build(feed, Period.parse("2025-03-01"), None).papers == ()


# Settings from mkdocs.yml


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"digest_from": None, "unsubscribe_url": None},
            "mkdocs.yml: the e-mail digest needs the paperfeed options digest_from and unsubscribe_url"
            " (missing: digest_from, unsubscribe_url)",
        ),
        (
            {"unsubscribe_url": None},
            "mkdocs.yml: the e-mail digest needs the paperfeed options digest_from and unsubscribe_url"
            " (missing: unsubscribe_url)",
        ),
        (
            {"digest_from": "the digest"},
            "mkdocs.yml: digest_from 'the digest' must be an address, as digest@example.org"
            " or Name <digest@example.org>",
        ),
        (
            {"digest_from": "digest@example.org\r\nBcc: x@example.net"},
            "mkdocs.yml: digest_from 'digest@example.org\r\nBcc: x@example.net' must be an address,"
            " as digest@example.org or Name <digest@example.org>",
        ),
        (
            {"unsubscribe_url": "http://lists.example.org/u"},
            "mkdocs.yml: unsubscribe_url 'http://lists.example.org/u' must be an https:// URL"
            " (one-click unsubscribe)",
        ),
        (
            {"unsubscribe_url": "https://lists.example.org/u>, <https://evil.example"},
            "mkdocs.yml: unsubscribe_url 'https://lists.example.org/u>, <https://evil.example' must be an"
            " https:// URL (one-click unsubscribe)",
        ),
        ({"unsubscribe_mailto": "nobody"}, "mkdocs.yml: unsubscribe_mailto 'nobody' must be an address"),
        (
            {"digest_list_id": "papers list"},
            "mkdocs.yml: digest_list_id 'papers list' must look like digest.example.org",
        ),
    ],
)
def test_bad_mail_settings_are_one_clear_error(options: dict[str, Any], message: str) -> None:
    site = site_config(**options)
    with pytest.raises(digest.DigestError) as err:
        digest.Sender.from_site(site)
    assert str(err.value) == message


def test_mail_settings_have_sensible_defaults_and_forms() -> None:
    sender = digest.Sender.from_site(site_config(unsubscribe_mailto=None))
    assert (str(sender.address), sender.list_id, sender.unsubscribe_mailto) == (
        "Trending papers <digest@example.org>",
        "digest.paperfeed.example.github.io",
        None,
    )
    named = digest.Sender.from_site(
        site_config(
            digest_from='"Paper Bot" <bot@example.org>',
            digest_list_id="<papers.example.org>",
            unsubscribe_mailto="mailto:leave@example.org?subject=stop",
        )
    )
    assert (str(named.address), named.list_id, named.unsubscribe_mailto) == (
        "Paper Bot <bot@example.org>",
        "papers.example.org",
        "mailto:leave@example.org?subject=stop",
    )


# The message


def test_the_message_matches_its_golden_file(feed: Feed, golden: Any) -> None:
    data = compose(feed, site_config()).as_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF line ends only, as SMTP wants
    golden("digests/2025-03-04.eml", data.decode("ascii").replace("\r\n", "\n"))


def test_the_message_has_exactly_the_intended_headers(feed: Feed) -> None:
    msg = parse(compose(feed, site_config(), to="alice@example.org").as_bytes())
    assert [(k, str(v)) for k, v in msg.items()] == [
        (
            "Subject",
            "[Trending papers] 4 March 2025, 3 papers: Linear Attention Revisited: Kernels That Scale,"
            " and 2 more",
        ),
        ("From", "Trending papers <digest@example.org>"),
        ("To", "alice@example.org"),
        ("Date", "Tue, 04 Mar 2025 00:00:00 +0000"),
        ("Message-ID", "<digest-2025-03-04.paperfeed@example.github.io>"),
        ("List-Id", '"Trending papers digest" <digest.paperfeed.example.github.io>'),
        ("List-Archive", "<https://example.github.io/paperfeed/digests/>"),
        ("List-Post", "NO"),
        (
            "List-Unsubscribe",
            "<https://lists.example.org/unsubscribe?list=papers>, "
            "<mailto:papers-unsubscribe@example.org?subject=unsubscribe>",
        ),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ("Auto-Submitted", "auto-generated"),
        ("MIME-Version", "1.0"),
        ("Content-Type", 'multipart/alternative; boundary="=_paperfeed-digest-2025-03-04"'),
    ]
    assert [list(p.keys()) for p in msg.iter_parts()] == [["Content-Type", "Content-Transfer-Encoding"]] * 2


def test_a_week_is_dated_its_last_day_and_named_in_the_subject(feed: Feed) -> None:
    msg = compose(feed, site_config(), Period.parse("2025-W09"))
    assert msg["Date"] == "Sun, 02 Mar 2025 00:00:00 +0000"
    assert msg["Message-ID"] == "<digest-2025-W09.paperfeed@example.github.io>"
    assert str(msg["Subject"]) == (
        f"[Trending papers] Week 9 of 2025 (24 February {DASH} 2 March 2025), 6 papers:"
        " Scaling Laws for Data Mixtures, and 5 more"
    )


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("A" * 90, "A" * 90),
        ("word " * 30, "word " * 17 + "word…"),
        ("x" * 120, "x" * 90 + "…"),
    ],
)
def test_a_long_title_is_cut_in_the_subject(title: str, shown: str) -> None:
    msg = parse(compose(Feed.of([paper("long", title)], {}), site_config()).as_bytes())
    assert str(msg["Subject"]) == f"[Trending papers] 4 March 2025, 1 paper: {shown.strip()}"


def _many(n: int) -> Feed:
    """n papers of one day with the seed's typical sizes: ~90-character titles, ~60-character slugs."""
    abstract = "A long abstract about attention and state spaces, repeated. " * 20
    topic = "on a fairly long research topic, as titles of machine-learning papers go"
    return Feed.of(
        [
            paper(
                f"paper-{i:03d}-on-a-fairly-long-research-topic-as-titles-go",
                f"Paper {i:03d} {topic}",
                abstract=abstract,
                authors=("Ada Lovelace", "Alan Turing"),
            )
            for i in range(n)
        ],
        {},
    )


def _html_part_size(msg: EmailMessage) -> tuple[int, int]:
    """The HTML part's size as sent (headers and quoted-printable body, CRLF) and decoded."""
    html = list(msg.iter_parts())[1]
    return len(html.as_bytes()), len(str(html.get_content()).encode())  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("count", "regime"), [(40, "all in full"), (150, "all shown"), (500, "web for the rest")]
)
def test_a_big_period_stays_under_the_clipping_limit(count: int, regime: str) -> None:
    msg = compose(_many(count), site_config(), Period.parse("2025-W10"))
    sent, decoded = _html_part_size(msg)
    assert decoded < sent <= 100_000
    text, html = parts(msg)
    doc = lxml.html.document_fromstring(html)
    full, titles = len(doc.xpath("//h2")), len(doc.xpath("//li/a"))
    rest = count - full - titles
    # The first papers in full (with their opening), then titles, in feed order.
    topic = "on a fairly long research topic, as titles of machine-learning papers go"
    assert [a.text_content() for a in doc.xpath("//h2/a | //li/a")] == [
        f"Paper {i:03d} {topic}" for i in range(full + titles)
    ]
    assert len(doc.xpath("//h2/following-sibling::p[starts-with(., 'A long abstract')]")) == full
    if regime == "all in full":
        assert (full, titles) == (count, 0)
    elif regime == "all shown":
        assert full >= digest.FULL_MIN and titles > 0 and rest == 0
        assert f"All {count} papers, in full, on the web" in html
    else:
        assert full == digest.FULL_MIN and titles > 0 and rest > 0
    if regime != "all in full":
        assert sent > 90_000  # the room is used, not given away
    web = "https://example.github.io/paperfeed/digests/2025-W10/"
    assert f"Week 10 of 2025 (3{DASH}9 March 2025): {count} papers" in doc.text_content()
    assert doc.xpath(f"//a[@href='{web}']") and "Unsubscribe" in doc.text_content()
    more = f"And {rest} more papers: read them all on the web"
    assert (more in html and more in text) if rest else "more papers" not in html
    assert text.count("/papers/paper-") == full + titles


def test_five_hundred_papers_with_the_longest_titles_and_slugs_stay_under_the_limit() -> None:
    """The worst a record allows: 300-character titles, 80-character slugs, ten authors, long abstracts."""
    papers = [
        paper(
            f"p{i:03d}-" + "s" * 75,
            f"{i} " + "Überlange Titel " * 18 + "x" * 10,
            abstract="Ein sehr langes Abstract über $O(n^2)$ Aufmerksamkeit. " * 150,
            authors=tuple(f"Autorin {n} Müller" for n in range(10)),
        )
        for i in range(500)
    ]
    msg = compose(Feed.of(papers, {}), site_config(), Period.parse("2025-W10"))
    sent, decoded = _html_part_size(msg)
    assert decoded < sent <= 100_000
    doc = lxml.html.document_fromstring(parts(msg)[1])
    assert len(doc.xpath("//h2")) == 10
    assert "Unsubscribe" in doc.text_content()


def test_the_seed_day_goes_out_with_every_paper_and_under_the_limit() -> None:
    """Not a pin of the shipped content: whatever the newest day of content/ holds, it stays in bounds."""
    shipped = records.load_feed(Path(__file__).resolve().parent.parent / "content")
    if not shipped.papers:
        pytest.skip("no papers shipped")
    day = Period.of("day", shipped.papers[0].date)
    msg = compose(shipped, site_config(), day)
    sent, _ = _html_part_size(msg)
    assert sent <= 100_000
    html = parts(msg)[1]
    shown = len(lxml.html.document_fromstring(html).xpath("//h2 | //li/a"))
    rest = len(day.papers(shipped)) - shown
    assert f"And {rest} more" in html if rest else "more paper" not in html


def test_a_long_author_list_is_cut_in_the_message() -> None:
    authors = tuple(f"Author {i}" for i in range(1, 31))
    text, html = parts(compose(Feed.of([paper("many", "Many authors", authors=authors)], {}), site_config()))
    shown = ", ".join(f"Author {i}" for i in range(1, 10)) + ", and 21 more"
    assert f"   Authors: {shown}".replace(" Author 7,", "\n   Author 7,") in text  # wrapped at 76
    assert shown in lxml.html.document_fromstring(html).text_content()


def test_ids_name_an_international_host_in_ascii(feed: Feed) -> None:
    site = SiteConfig.from_options(
        {"site_url": "https://papiers.café.example/"},
        {"digest_from": "d@example.org", "unsubscribe_url": "https://u.example/"},
        Path("."),
    )
    msg = compose(feed, site)
    assert (msg["Message-ID"], msg["List-Id"]) == (
        "<digest-2025-03-04@papiers.xn--caf-dma.example>",
        '"paperfeed digest" <digest.papiers.xn--caf-dma.example>',
    )


def test_the_message_is_the_same_bytes_every_time(feed: Feed) -> None:
    assert compose(feed, site_config()).as_bytes() == compose(feed, site_config()).as_bytes()


def test_the_wire_form_is_ascii_with_short_lines(feed: Feed) -> None:
    site = site_config(site_name="Café papers")
    data = compose(Feed.of([*feed.papers, *_unicode_papers()], feed.tags), site).as_bytes()
    assert data.isascii()
    assert max(len(line) for line in data.split(b"\r\n")) <= 78


def test_the_plain_text_lists_each_paper_with_its_link_authors_tags_and_opening(feed: Feed) -> None:
    text, _ = parts(compose(feed, site_config()))
    assert text.startswith(
        "Trending papers, 4 March 2025: 3 papers\n"
        "Read it on the web: https://example.github.io/paperfeed/digests/2025-03-04/\n"
        "\n"
        "1. Linear Attention Revisited: Kernels That Scale\n"
        "   https://example.github.io/paperfeed/papers/linear-attention-revisited/\n"
        "   Authors: Ada Lovelace, Alan Turing\n"
        "   Tags: Efficiency, Language models\n"
        "\n"
        "   Softmax attention costs $O(n^2)$ in the sequence length $n$. We revisit\n"
    )
    positions = [text.index(f"/papers/{slug}/") for slug in DAY_SLUGS]
    assert positions == sorted(positions)
    assert text.endswith(
        "-- \n"
        "Trending papers: https://example.github.io/paperfeed/\n"
        "Every digest: https://example.github.io/paperfeed/digests/\n"
        "Feeds: https://example.github.io/paperfeed/feed.xml (RSS), https://example.github.io/paperfeed/atom.xml"
        " (Atom)\n"
        "Unsubscribe: https://lists.example.org/unsubscribe?list=papers\n"
    )


def test_the_html_has_inline_styles_absolute_links_and_nothing_active(feed: Feed) -> None:
    _, html = parts(compose(feed, site_config()))
    doc = lxml.html.document_fromstring(html)
    assert doc.xpath("//script | //style | //link | //img | //iframe | //form | //object | //embed") == []
    assert [a for e in doc.iter() for a in e.attrib if a.lower().startswith("on") or a == "class"] == []
    hrefs = [str(h) for h in doc.xpath("//a/@href")]
    assert all(
        h.startswith(("https://example.github.io/paperfeed/", "https://lists.example.org/")) for h in hrefs
    )
    base = "https://example.github.io/paperfeed/"
    papers = [h for h in hrefs if "/papers/" in h]
    assert list(dict.fromkeys(papers)) == [f"{base}papers/{s}/" for s in DAY_SLUGS]
    for must in [base, f"{base}feed.xml", f"{base}atom.xml", f"{base}digests/2025-03-04/", f"{base}digests/"]:
        assert must in hrefs
    assert "https://lists.example.org/unsubscribe?list=papers" in hrefs
    titles = [h.text_content() for h in doc.xpath("//h2")]
    assert titles == [p.title for p in feed.papers if p.slug in DAY_SLUGS]
    assert doc.xpath("//h2")[1].text_content() == 'Attention & "Memory": What Transformers Store'


def _unicode_papers() -> list[Paper]:
    return [
        Paper(
            slug="uber-attention",
            title="Über-Attention: Café Transformers für alle, 注意力",
            date=dt.date(2025, 3, 4),
            tags=("language-models",),
            abstract="Ein Abstract über Aufmerksamkeit.",
            authors=("Łukasz Kaiser", "Zoë Müller"),
            upvotes=99,
        )
    ]


def test_non_ascii_names_and_titles_are_encoded_and_decode_back(feed: Feed) -> None:
    site = site_config(site_name="Café papers")
    data = compose(Feed.of([*feed.papers, *_unicode_papers()], feed.tags), site).as_bytes()
    head = data.split(b"\r\n\r\n", 1)[0].decode("ascii")
    assert "=?utf-8?" in head and "Über" not in head
    msg = parse(data)
    assert str(msg["Subject"]) == (
        "[Café papers] 4 March 2025, 4 papers: Über-Attention: Café Transformers für alle, 注意力, and 3 more"
    )
    assert str(msg["From"]) == "Café papers <digest@example.org>"
    assert msg["List-Id"] == "<digest.paperfeed.example.github.io>"
    text, html = parts(msg)
    assert "1. Über-Attention: Café Transformers für alle, 注意力\n" in text
    assert "   Authors: Łukasz Kaiser, Zoë Müller\n" in text
    assert "Authors: Zoë Müller-Łukasiewicz, Grace Hopper" in text
    doc = lxml.html.document_fromstring(html)
    assert doc.xpath("//h2")[0].text_content() == "Über-Attention: Café Transformers für alle, 注意力"
    assert "Łukasz Kaiser, Zoë Müller" in [p.text_content() for p in doc.xpath("//p")]


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("Evil\r\nBcc: x@example.net", "Evil Bcc: x@example.net"),
        ("Evil\nBcc: x@example.net\n\nbody", "Evil Bcc: x@example.net body"),
        ("Evil\u2028Bcc: x@example.net", "Evil Bcc: x@example.net"),
        # An encoded word decodes to CR LF inside the header machinery (CVE-2024-6923): it is broken up.
        ("=?utf-8?q?=0D=0ABcc=3A_x=40example.net?=", "= ?utf-8?q?=0D=0ABcc=3A_x=40example.net?="),
        (
            "ok =?utf-8?b?DQpCY2M6IHhAZXhhbXBsZS5uZXQ=?= end",
            "ok = ?utf-8?b?DQpCY2M6IHhAZXhhbXBsZS5uZXQ= ?= end",
        ),
        # Looser forms the library decodes as well.
        ("=? utf-8?q?=0D=0ABcc=3A_x=40example.net?=", "= ? utf-8?q?=0D=0ABcc=3A_x=40example.net?="),
        ("=?utf-8 ?q?=0D=0ABcc=3A_x=40example.net?=", "= ?utf-8 ?q?=0D=0ABcc=3A_x=40example.net?="),
    ],
)
def test_a_title_cannot_add_a_header(title: str, shown: str) -> None:
    hostile = Feed.of([paper("evil", title)], {})
    msg = parse(compose(hostile, site_config(site_name=f"Papers {title}"), to="alice@example.org").as_bytes())
    assert msg.keys() == parse(compose(Feed.of([paper("ok", "OK")], {}), site_config()).as_bytes()).keys()
    assert msg["Bcc"] is None
    assert str(msg["Subject"]) == f"[Papers {shown}] 4 March 2025, 1 paper: {shown}"
    assert str(msg["From"].addresses[0].display_name) == f"Papers {shown}"
    assert [str(a) for a in msg["To"].addresses] == ["alice@example.org"]


def test_no_variant_of_an_encoded_word_adds_a_header() -> None:
    """Encoded words that decode to CR LF + Bcc, in the strict and looser forms (fixed seed)."""
    rng = random.Random(6)
    payload = {"q": "=0D=0ABcc=3A_x=40example.net", "b": "DQpCY2M6IHhAZXhhbXBsZS5uZXQ="}
    base = parse(compose(Feed.of([paper("ok", "OK")], {}), site_config()).as_bytes()).keys()
    for _ in range(100):
        kind = rng.choice("qb")
        word = "=?{}{}{}?{}?{}?=".format(
            rng.choice(["", " "]),
            rng.choice(["utf-8", "UTF-8", "utf-8*en", "iso-8859-1", "x"]),
            rng.choice(["", " "]),
            rng.choice([kind, kind.upper()]),
            payload[kind],
        )
        title = rng.choice(["", "A ", "(", "x", "=", "=?"]) + word + rng.choice(["", " end", ")", "?="])
        msg = parse(compose(Feed.of([paper("fuzz", title)], {}), site_config(site_name=title)).as_bytes())
        assert msg.keys() == base, title


def test_contributed_markup_is_text_in_the_html(feed: Feed) -> None:
    title = '</a></h2><script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:x">'
    evil = Paper(
        slug="evil",
        title=title,
        date=dt.date(2025, 3, 4),
        tags=("bad",),
        abstract="<script>alert(3)</script> [x](javascript:alert(4))",
        authors=("<b onmouseover=alert(5)>Mallory</b>",),
    )
    tags = {"bad": Tag("bad", "<i onclick=alert(6)>Bad</i>")}
    _, html = parts(compose(Feed.of([evil], tags), site_config()))
    doc = lxml.html.document_fromstring(html)
    assert doc.xpath("//script | //img | //b | //i") == []
    assert [a for e in doc.iter() for a in e.attrib if a.lower().startswith("on")] == []
    assert all(str(h).startswith("https://") for h in doc.xpath("//@href"))
    assert doc.xpath("//h2")[0].text_content() == title
    assert "<b onmouseover=alert(5)>Mallory</b>" in [p.text_content() for p in doc.xpath("//p")]


def test_header_text_is_one_clean_line() -> None:
    assert digest.header_text("  a\tb\r\nc\x00d\x85e\u2028f  ") == "a b c d e f"
    assert digest.header_text("P =? NP, ==??") == "P = ? NP, == ??"


# The ledger


def write_ledger(path: Path, *entries: tuple[str, tuple[str, ...], str, str]) -> Ledger:
    """A ledger file of (period, papers, state, first_sent) for a@example.org, made as a run makes it."""
    ledger = Ledger.new()
    for pid, papers, state, first_sent in entries:
        period, key = Period.parse(pid), ledger.key("a@example.org")
        ledger.claim(period, papers, key, dt.date.fromisoformat(first_sent))
        ledger.mark(period, key, state)
    path.write_text(ledger.dump(), encoding="utf-8")
    return ledger


def test_a_missing_ledger_is_empty_and_not_created(tmp_path: Path) -> None:
    ledger = Ledger.load(tmp_path / "digests.yml")
    assert ledger.digests == {}
    assert not (tmp_path / "digests.yml").exists()


def test_the_ledger_keeps_each_delivery_state_and_no_address(tmp_path: Path) -> None:
    ledger = Ledger.new()
    alice, bob = ledger.key("alice@example.org"), ledger.key("bob@example.net")
    ledger.claim(DAY, tuple(DAY_SLUGS), alice, dt.date(2025, 3, 5))
    ledger.mark(DAY, alice, "sent")
    ledger.claim(DAY, ("ignored-once-sent",), bob, dt.date(2025, 3, 6))
    text = ledger.dump()
    assert "alice" not in text and "bob" not in text and "example" not in text
    again = Ledger.parse(text, "digests.yml")
    assert again.salt == ledger.salt and again.key("alice@example.org") == alice
    sent = again.digests["2025-03-04"]
    assert (sent.first_sent, list(sent.papers)) == (dt.date(2025, 3, 5), DAY_SLUGS)
    assert sent.recipients == {alice: "sent", bob: "sending"}
    assert (again.state(DAY, alice), again.state(DAY, ledger.key("carol@example.org"))) == ("sent", None)
    assert again.state(Period.parse("2025-W10"), alice) is None
    assert Ledger.new().key("alice@example.org") != alice  # each ledger has its own salt
    assert text.startswith("# The e-mail digests of `paperfeed digest --send`")
    assert (
        "- period: '2025-03-04'\n  first_sent: '2025-03-05'\n  papers:\n  - linear-attention-revisited\n"
        in text
    )
    assert f"  recipients:\n    {alice}: sent\n    {bob}: sending\n" in text


def test_a_digest_that_reached_nobody_takes_the_papers_and_day_of_its_next_try() -> None:
    ledger = Ledger.new()
    key = ledger.key("a@example.org")
    ledger.claim(DAY, ("old-paper",), key, dt.date(2025, 3, 4))
    ledger.mark(DAY, key, "failed")
    assert not ledger.digests[DAY.id].went_out and ledger.newest_first() == []
    ledger.claim(DAY, ("new-paper", "old-paper"), key, dt.date(2025, 3, 5))
    sent = ledger.digests[DAY.id]
    assert (sent.papers, sent.first_sent, sent.recipients) == (
        ("new-paper", "old-paper"),
        dt.date(2025, 3, 5),
        {key: "sending"},
    )
    other = ledger.key("b@example.org")
    ledger.claim(DAY, ("newer-still",), other, dt.date(2025, 3, 6))  # it has gone out: papers stay
    assert (sent.papers, sent.first_sent) == (("new-paper", "old-paper"), dt.date(2025, 3, 5))


def test_the_ledger_lists_digests_that_went_out_newest_first(tmp_path: Path) -> None:
    ledger = write_ledger(
        tmp_path / "digests.yml",
        *[(pid, ("a-paper",), "sent", "2025-03-09") for pid in ["2025-W09", "2025-03-04", "2025-03-02"]],
        ("2025-W10", ("a-paper",), "sending", "2025-03-09"),  # in doubt: it may have gone out
        ("2025-02-26", ("a-paper",), "sent", "2025-03-09"),
        ("2025-03-05", ("a-paper",), "failed", "2025-03-09"),  # reached nobody: not listed
    )
    assert [s.period.id for s in ledger.newest_first()] == [
        "2025-W10",
        "2025-03-04",
        "2025-W09",
        "2025-03-02",
        "2025-02-26",
    ]


SALT = "0123456789abcdef0123456789abcdef"
HASH = "ab" * 32
RECIPIENTS = (
    "digest 1: recipients must map SHA-256 hashes (64 hexadecimal digits) to a state: sending, sent or failed"
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("salt: x\ndigests: []\n", "salt must be 32 hexadecimal digits"),
        ("- a\n", "must be a mapping with the keys salt and digests"),
        (f"salt: {SALT}\nextra: 1\n", "must be a mapping with the keys salt and digests"),
        (f"salt: {SALT}\ndigests: 3\n", "digests must be a list"),
        (
            f"salt: {SALT}\ndigests:\n- period: '2025-03-04'\n",
            "digest 1 must have exactly the keys period, first_sent, papers and recipients",
        ),
        (
            f"salt: {SALT}\ndigests:\n- {{period: 2025-13-01, first_sent: 2025-03-05, papers: [],"
            " recipients: {}}\n",
            "digest 1: period '2025-13-01' is not a day (2025-03-14) or an ISO week (2025-W11)",
        ),
        (
            f"salt: {SALT}\ndigests:\n- {{period: 2025-W9, first_sent: 2025-03-05, papers: [],"
            " recipients: []}\n",
            "digest 1: period '2025-W9' is not a day (2025-03-14) or an ISO week (2025-W11)",
        ),
        (
            f"salt: {SALT}\ndigests:\n- {{period: 2025-03-04, first_sent: soon, papers: [],"
            " recipients: []}\n",
            "digest 1: first_sent 'soon' is not a date (YYYY-MM-DD)",
        ),
        (
            f"salt: {SALT}\ndigests:\n- {{period: 2025-03-04, first_sent: 2025-03-05, papers: [Bad Slug],"
            " recipients: []}\n",
            "digest 1: papers must be a list of paper slugs",
        ),
        (
            f"salt: {SALT}\ndigests:\n- {{period: 2025-03-04, first_sent: 2025-03-05, papers: [],"
            " recipients: {alice@example.org: sent}}\n",
            RECIPIENTS,
        ),
        (
            f"salt: {SALT}\ndigests:\n- {{period: 2025-03-04, first_sent: 2025-03-05, papers: [],"
            f" recipients: [{HASH}]}}\n",
            RECIPIENTS,
        ),
        (
            f"salt: {SALT}\ndigests:\n- {{period: 2025-03-04, first_sent: 2025-03-05, papers: [],"
            f" recipients: {{{HASH}: delivered}}}}\n",
            RECIPIENTS,
        ),
        (
            f"salt: {SALT}\ndigests:\n- {{period: 2025-03-04, first_sent: 2025-03-05, papers: [],"
            f" recipients: {{{HASH}: sent}}}}\n- {{period: 2025-03-04, first_sent: 2025-03-06, papers: [],"
            " recipients: {}}\n",
            "digest 2: period 2025-03-04 comes twice; keep one entry per period",
        ),
        ("salt: [unclosed\n", None),
    ],
)
def test_a_broken_ledger_is_one_clear_error(tmp_path: Path, text: str, message: str | None) -> None:
    path = tmp_path / "digests.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LedgerError) as err:
        Ledger.load(path)
    if message is None:
        assert str(err.value).startswith(f"{path.as_posix()}: is not valid YAML (")
        assert "\n" not in str(err.value)
    else:
        assert str(err.value) == f"{path.as_posix()}: {message}"


# The web copies and the /digests/ page


def _ledger(tmp_path: Path, feed: Feed) -> Path:
    path = tmp_path / "digests.yml"
    week = Period.parse("2025-W09")
    write_ledger(
        path,
        (DAY.id, digest.build(feed, DAY, None).slugs, "sent", "2025-03-04"),
        (week.id, digest.build(feed, week, None).slugs, "sent", "2025-03-03"),
        ("2025-03-03", digest.build(feed, Period.parse("2025-03-03"), None).slugs, "failed", "2025-03-03"),
    )
    return path


def front_matter(page: str) -> dict[str, Any]:
    _, front, _ = page.split("---\n", 2)
    data = yaml.safe_load(front)
    assert isinstance(data, dict)
    return data


def web_pages(feed: Feed, ledger_path: Path) -> dict[str, str]:
    """The digest pages' Markdown by docs path."""
    return {page.src: page.text for page in digest.digest_pages(feed, site_config(), ledger_path)}


def test_without_a_ledger_the_digests_page_says_none_was_sent(tmp_path: Path, feed: Feed) -> None:
    pages = web_pages(feed, tmp_path / "digests.yml")
    assert list(pages) == ["digests/index.md"]
    assert "<p>No digest has been sent yet.</p>" in pages["digests/index.md"]
    assert front_matter(pages["digests/index.md"])["title"] == "Digests"


def test_the_digest_pages_match_their_golden_files(tmp_path: Path, feed: Feed, golden: Any) -> None:
    pages = web_pages(feed, _ledger(tmp_path, feed))
    assert list(pages) == ["digests/index.md", "digests/2025-03-04/index.md", "digests/2025-W09/index.md"]
    golden("digests/index.md", pages["digests/index.md"])
    golden("digests/2025-03-04.md", pages["digests/2025-03-04/index.md"])
    assert front_matter(pages["digests/2025-W09/index.md"])["title"] == (
        f"Digest: Week 9 of 2025 (24 February {DASH} 2 March 2025)"
    )


def test_a_web_copy_has_the_papers_the_email_carried(tmp_path: Path, feed: Feed) -> None:
    path = tmp_path / "digests.yml"
    write_ledger(path, (DAY.id, ("selective-state-spaces-at-scale", "gone-paper"), "sent", "2025-03-04"))
    page = web_pages(feed, path)["digests/2025-03-04/index.md"]
    assert page.count('<article class="pf-card">') == 1
    assert 'href="../../papers/selective-state-spaces-at-scale/"' in page
    assert list(digest.build(feed, DAY, Ledger.load(path)).slugs) == ["selective-state-spaces-at-scale"]


def test_contributed_text_in_a_web_copy_is_escaped(tmp_path: Path) -> None:
    title = '<script>alert(1)</script> [x](javascript:alert(2)) "quoted" & more'
    hostile = Feed.of([paper("evil", title, authors=("<img src=x onerror=alert(3)>",))], {})
    path = tmp_path / "digests.yml"
    write_ledger(path, (DAY.id, ("evil",), "sending", "2025-03-04"))
    page = web_pages(hostile, path)["digests/2025-03-04/index.md"]
    body = page.split("---\n", 2)[2]
    doc = lxml.html.fragment_fromstring(body, create_parent="div")
    assert doc.xpath("//script | //img") == []
    assert doc.xpath("//h2")[0].text_content() == title
    assert all(not str(h).startswith("javascript:") for h in doc.xpath("//@href"))


# The command, without --send


def run(args: list[str], **env: str | None) -> Any:
    return CliRunner().invoke(main, ["digest", *args], env=env, catch_exceptions=False)


def test_the_command_writes_the_eml_of_the_day_due(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config_path = make_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = run(["--date", "2025-03-06"])
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "2025-03-04: 3 paper(s); wrote digest-2025-03-04.eml\n",
        "",
    )
    site = config.load(config_path)
    assert (tmp_path / "digest-2025-03-04.eml").read_bytes() == compose(
        records.load_feed(site.content_dir), site
    ).as_bytes()
    assert not (tmp_path / "content" / "digests.yml").exists()


def test_the_look_is_of_the_newest_due_period_as_the_site_copy_of_the_ledger_has_it(tmp_path: Path) -> None:
    config_path = make_site(tmp_path)
    out = tmp_path / "x.eml"
    assert run(["--date", "2025-03-04", "--out", str(out), "-f", str(config_path)]).stdout == (
        f"2025-03-04: 3 paper(s); wrote {out.as_posix()}\n"  # 2025-03-03 is due too, but older
    )
    write_ledger(
        tmp_path / "content" / "digests.yml", (DAY.id, ("attention-and-memory",), "sent", "2025-03-04")
    )
    assert run(["--date", "2025-03-04", "--out", str(out), "-f", str(config_path)]).stdout == (
        f"2025-03-04: 1 paper(s); wrote {out.as_posix()}\n"
    )


def test_the_command_takes_a_week_a_date_and_a_file(tmp_path: Path) -> None:
    config_path = make_site(tmp_path)
    out = tmp_path / "week.eml"
    result = run(["--period", "week", "--date", "2025-03-02", "--out", str(out), "-f", str(config_path)])
    assert (result.exit_code, result.stdout) == (0, f"2025-W09: 6 paper(s); wrote {out.as_posix()}\n")
    assert parse(out.read_bytes())["Message-ID"] == "<digest-2025-W09.paperfeed@example.github.io>"


@pytest.mark.parametrize(
    ("kind", "day"), [("day", "2025-03-10"), ("day", "2025-06-01"), ("week", "2025-03-07")]
)
def test_a_run_day_with_nothing_due_writes_nothing(tmp_path: Path, kind: str, day: str) -> None:
    config_path = make_site(tmp_path)
    out = tmp_path / "x.eml"
    result = run(["--period", kind, "--date", day, "--out", str(out), "-f", str(config_path)])
    assert (result.exit_code, result.stdout) == (
        0,
        f"{day}: no digest due: no {kind} with papers ends on this day or the two before\n",
    )
    assert not out.exists()


def test_a_site_without_mail_settings_says_which_are_missing(tmp_path: Path) -> None:
    config_path = make_site(tmp_path, options="")
    result = run(["-f", str(config_path)])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: mkdocs.yml: the e-mail digest needs the paperfeed options digest_from and unsubscribe_url"
        " (missing: digest_from, unsubscribe_url)\n"
    )


def test_send_and_out_do_not_go_together(tmp_path: Path) -> None:
    result = run(["--send", "--out", "x.eml", "-f", str(make_site(tmp_path))])
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: --out writes the message for a look; --send sends it and writes no file\n"
    )


def test_invalid_content_stops_the_digest_with_its_problems(tmp_path: Path) -> None:
    config_path = make_site(tmp_path, records={"broken": "---\ntitle: x\n---\n"})
    result = run(["-f", str(config_path)])
    assert result.exit_code == 1
    assert result.stderr == "Error: no digest: the content has problems (see above)\n"
    assert f"{(tmp_path / 'content/papers/2025/broken.md').as_posix()}:" in result.stdout


def test_a_unicode_record_goes_through_the_whole_command(tmp_path: Path) -> None:
    config_path = make_site(tmp_path, site_name="Café papers", records={"uber-attention": UNICODE_RECORD})
    out = tmp_path / "u.eml"
    assert run(["-f", str(config_path), "--out", str(out), "--date", "2025-03-04"]).exit_code == 0
    msg = parse(out.read_bytes())
    assert str(msg["Subject"]).startswith("[Café papers] 4 March 2025, 4 papers: Über-Attention: Café")


def test_a_feed_without_papers_has_no_digest(tmp_path: Path) -> None:
    config_path = make_site(tmp_path)
    for record in (tmp_path / "content" / "papers" / "2025").iterdir():
        record.unlink()
    result = run(["-f", str(config_path), "--send"])
    assert (result.exit_code, result.stdout) == (
        0,
        f"no papers in {(tmp_path / 'content').as_posix()}: no digest\n",
    )


def test_an_unwritable_out_file_is_one_clear_error(tmp_path: Path) -> None:
    out = tmp_path / "missing-folder" / "x.eml"
    result = run(["-f", str(make_site(tmp_path)), "--out", str(out), "--date", "2025-03-04"])
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: cannot write {out.as_posix()} (No such file or directory)\n",
    )
