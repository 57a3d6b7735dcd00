"""One rule in one place: e-mail addresses, cutting text with an ellipsis, the GitHub output choice, the
Jinja environment, grouping papers by tag, the digest's web pages and its run. Each test fails when a copy
of a rule drifts from the others, or when the rule itself breaks."""

from __future__ import annotations

import ast
import datetime as dt
import json
from pathlib import Path

import pytest

from generator.config import SiteConfig
from generator.contributing import github_annotations, pathcheck
from generator.data import exports, feeds
from generator.mail import digest, recipient
from generator.mail.ledger import Ledger
from generator.model import Feed, Paper, Tag
from generator.periods import Period
from generator.records import abstracts
from generator.site import pages

ROOT = Path(__file__).resolve().parent.parent
SITE_URL = "https://example.org/feed/"


def mail_site(**options: str) -> SiteConfig:
    values = {"digest_from": "digest@example.org", "unsubscribe_url": "https://lists.example.org/u"}
    return SiteConfig(site_name="Papers", site_url=SITE_URL, **(values | options))  # type: ignore[arg-type]


def paper(slug: str, tags: tuple[str, ...], day: int = 14, title: str = "", abstract: str = "A.") -> Paper:
    return Paper(slug, title or slug.replace("-", " ").title(), dt.date(2025, 3, day), tags, abstract)


# --- e-mail addresses: the sender's, the unsubscribe address and the recipient's follow one rule ---------


@pytest.mark.parametrize(
    ("address", "spelled"),
    [
        # The old recipient rule took these, the old sender rule refused them.
        ("papers@bücher.example", "papers@xn--bcher-kva.example"),
        ("papers@lists.example.org.", "papers@lists.example.org"),
        # Both took these.
        ("first.last+tag@lists.example.org", "first.last+tag@lists.example.org"),
        ("o'brien@x-y.example.co", "o'brien@x-y.example.co"),
    ],
)
def test_an_address_is_taken_by_the_sender_and_the_recipient_alike(address: str, spelled: str) -> None:
    assert recipient.recipient(address).address == spelled
    sender = digest.Sender.from_site(mail_site(digest_from=f"Papers <{address}>"))
    assert sender.address.addr_spec == spelled


@pytest.mark.parametrize(
    ("address", "recipient_line"),
    [
        # The old recipient rule took these, the old sender rule refused them.
        ("a;b@example.org", "'a;b@example.org' is not an e-mail address (name@example.org)"),
        ("alice@x_y.example.org", "'x_y.example.org' is not a valid domain name"),
        ("alice@-x.example.org", "'-x.example.org' is not a valid domain name"),
        # Both took these: dots only between the characters of a local part.
        ("a..b@example.org", "'a..b@example.org' is not an e-mail address (name@example.org)"),
        (".alice@example.org", "'.alice@example.org' is not an e-mail address (name@example.org)"),
        # Both refused these.
        ("alice@localhost", "'alice@localhost' is not an e-mail address (name@example.org)"),
        ("zoë@example.org", "write the part before @ in ASCII letters; SMTPUTF8 is not used"),
    ],
)
def test_an_address_is_refused_by_the_sender_the_unsubscribe_address_and_the_recipient_alike(
    address: str, recipient_line: str
) -> None:
    with pytest.raises(recipient.MailError) as refused:
        recipient.recipient(address)
    assert str(refused.value) == f"PAPERFEED_DIGEST_TO: {recipient_line}"
    with pytest.raises(digest.DigestError) as refused_sender:
        digest.Sender.from_site(mail_site(digest_from=address))
    assert str(refused_sender.value) == (
        f"mkdocs.yml: digest_from '{address}' must be an address, as digest@example.org or"
        " Name <digest@example.org>"
    )
    with pytest.raises(digest.DigestError) as refused_mailto:
        digest.Sender.from_site(mail_site(unsubscribe_mailto=address))
    assert str(refused_mailto.value) == f"mkdocs.yml: unsubscribe_mailto '{address}' must be an address"


def test_an_unsubscribe_address_in_a_header_is_ascii() -> None:
    """Written into List-Unsubscribe as given, an international domain would need its IDNA form."""
    with pytest.raises(digest.DigestError):
        digest.Sender.from_site(mail_site(unsubscribe_mailto="u@bücher.example"))
    sender = digest.Sender.from_site(mail_site(unsubscribe_mailto="u@xn--bcher-kva.example"))
    assert sender.unsubscribe_mailto == "mailto:u@xn--bcher-kva.example?subject=unsubscribe"


# --- cutting text with an ellipsis -------------------------------------------------------------------------


def test_a_long_text_is_cut_after_its_last_whole_word_before_the_limit() -> None:
    text = " ".join(["word"] * 100)  # 499 characters; the spaces are at 4, 9, ..., 279 is the last before 280
    assert abstracts.shorten(text, 280) == " ".join(["word"] * 56) + "…"
    assert abstracts.excerpt(text) == " ".join(["word"] * 56) + "…"
    assert abstracts.shorten("short enough", 12) == "short enough"
    assert abstracts.shorten("short and long words", 12) == "short and…"


def test_one_very_long_word_is_cut_at_the_limit_and_punctuation_at_the_cut_goes() -> None:
    assert abstracts.shorten("a " + "x" * 50, 20) == "a " + "x" * 18 + "…"
    assert abstracts.shorten("first half, and the rest of it goes", 15) == "first half…"


def test_the_html_excerpt_never_cuts_inside_a_formula() -> None:
    text = "a " * 135 + "$x + y + z + w + v$ and more words after it"  # the formula spans character 280
    assert abstracts.excerpt_html(text) == " ".join(["a"] * 135) + "…"


def test_the_subject_and_the_excerpts_cut_the_same_text_at_the_same_place() -> None:
    title = "Scaling " + " ".join(f"word{n}" for n in range(30))
    cut = "Scaling word0 word1 word2 word3 word4 word5 word6 word7 word8 word9 word10 word11 word12…"
    assert len(cut) <= digest.SUBJECT_TITLE_MAX + 1
    one = Feed.of([paper("one", ("t",), title=title)], {"t": Tag("t", "T")})
    made = digest.Digest(Period.parse("2025-03-14"), one.papers)
    assert digest.subject(made, mail_site()) == f"[Papers] 14 March 2025, 1 paper: {cut}"
    assert abstracts.excerpt(title, digest.SUBJECT_TITLE_MAX) == cut
    assert abstracts.excerpt_html(title, digest.SUBJECT_TITLE_MAX) == cut


# --- the GitHub output choice -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fmt"), [("true", "github"), ("false", "text"), ("1", "text"), (None, "text")]
)
def test_annotations_in_github_actions_plain_lines_elsewhere(
    monkeypatch: pytest.MonkeyPatch, value: str | None, fmt: str
) -> None:
    if value is None:
        monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    else:
        monkeypatch.setenv("GITHUB_ACTIONS", value)
    assert github_annotations.output_format() == fmt


def test_the_package_takes_the_path_checks_github_output() -> None:
    """The path check runs alone (CI takes it from the base commit), so it holds the one definition."""
    assert github_annotations.output_format is pathcheck.default_format
    assert github_annotations.error_annotation is pathcheck.error_annotation
    assert pathcheck.error_annotation("a,b:c.md", 3, "t:1", "50%\nnext") == (
        "::error file=a%2Cb%3Ac.md,line=3,title=t%3A1::50%25%0Anext"
    )
    for command in sorted((ROOT / "generator" / "cli").glob("*.py")):
        assert 'environ.get("GITHUB_ACTIONS")' not in command.read_text(encoding="utf-8"), command.name


# --- one Jinja environment ---------------------------------------------------------------------------------


def test_one_jinja_environment_escapes_all_but_plain_text_templates() -> None:
    made = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in sorted((ROOT / "generator").rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and ast.unparse(node.func) in ("jinja2.Environment", "Environment")
    ]
    assert len(made) == 1 and made[0].startswith("generator/site/pages.py:"), made
    env = pages.environment()
    assert env.from_string("{{ x }}").render(x="<b>&") == "&lt;b&gt;&amp;"
    assert env.autoescape("paper.md.j2") is True  # type: ignore[operator]
    assert env.autoescape("digest_email.html.j2") is True  # type: ignore[operator]
    assert env.autoescape("digest_email.txt.j2") is False  # type: ignore[operator]


def test_the_e_mails_text_part_is_plain_and_its_html_part_escaped() -> None:
    one = Feed.of([paper("one", ("t",), title="Less <than> & more")], {"t": Tag("t", "T")})
    made = digest.Digest(Period.parse("2025-03-14"), one.papers)
    msg = digest.compose(made, one, mail_site(), digest.Sender.from_site(mail_site()))
    text, html = (part.get_content() for part in msg.iter_parts())  # type: ignore[attr-defined]
    assert "Less <than> & more" in text
    assert "Less &lt;than&gt; &amp; more" in html and "<than>" not in html


# --- grouping papers by tag ----------------------------------------------------------------------------


TAGS = {slug: Tag(slug, slug.title()) for slug in ("alpha", "beta", "empty")}
TAGGED = Feed.of(
    [
        paper("old-beta", ("beta",), day=12),
        paper("both", ("alpha", "beta"), day=14),
        paper("new-alpha", ("alpha",), day=15),
    ],
    TAGS,
)


def test_papers_are_grouped_by_every_tag_in_feed_order() -> None:
    grouped = {slug: [p.slug for p in papers] for slug, papers in TAGGED.by_tag().items()}
    assert grouped == {"alpha": ["new-alpha", "both"], "beta": ["both", "old-beta"], "empty": []}
    assert list(grouped) == ["alpha", "beta", "empty"]


def test_the_tag_pages_the_tag_feeds_and_the_tag_exports_list_the_same_papers() -> None:
    site = SiteConfig(site_name="Papers", site_url=SITE_URL, page_size=10, feed_size=10)
    built = {page.src: page.text for page in pages.build_pages(TAGGED, site)}
    feed_files = feeds.render_feeds(TAGGED, site)
    export_files = exports.render_exports(TAGGED, site)
    expected = {"alpha": ["new-alpha", "both"], "beta": ["both", "old-beta"], "empty": []}
    for slug, slugs in expected.items():
        page = built[f"tags/{slug}/index.md"]
        assert [s for s in ("new-alpha", "both", "old-beta") if f"papers/{s}/" in page] == sorted(
            slugs, key=["new-alpha", "both", "old-beta"].index
        )
        items = json.loads(feed_files[f"tags/{slug}/feed.json"])["items"]
        assert [item["url"] for item in items] == [f"{SITE_URL}papers/{s}/" for s in slugs]
        listed = json.loads(export_files[f"tags/{slug}/papers.json"])["papers"]
        assert [p["slug"] for p in listed] == slugs


# --- the digest's web pages and its run ---------------------------------------------------------------


def test_the_site_builder_makes_the_digest_pages() -> None:
    site = SiteConfig(site_name="Papers", site_url=SITE_URL)
    builder = pages.SiteBuilder(TAGGED, site)
    assert [(p.src, p.updated) for p in builder.digest_pages([])] == [("digests/index.md", None)]
    assert "No digest has been sent yet." in builder.digest_pages([])[0].text
    # Sent with three papers, of which the feed still has two: the index counts what the e-mail carried.
    copy = pages.DigestCopy(Period.parse("2025-03-14"), TAGGED.papers[1:], 3, dt.date(2025, 3, 15))
    made = builder.digest_pages([copy])
    assert [(p.src, p.updated, p.in_nav) for p in made] == [
        ("digests/index.md", dt.date(2025, 3, 15), True),
        ("digests/2025-03-14/index.md", dt.date(2025, 3, 15), False),
    ]
    index = '<a href="../digests/2025-03-14/">14 March 2025</a> <span class="pf-count">3 papers, sent'
    assert index in made[0].text
    assert made[1].text.count('class="pf-card"') == 2
    assert 'href="../../papers/both/"' in made[1].text and 'href="../../papers/old-beta/"' in made[1].text


def test_one_prepare_step_checks_the_sender_before_anything_is_read() -> None:
    with pytest.raises(digest.DigestError) as refused:
        digest.prepare(TAGGED, mail_site(digest_from="nobody"), "day", dt.date(2025, 3, 15))
    assert str(refused.value) == (
        "mkdocs.yml: digest_from 'nobody' must be an address, as digest@example.org or"
        " Name <digest@example.org>"
    )
    run = digest.prepare(TAGGED, mail_site(), "day", dt.date(2025, 3, 15))
    assert [p.id for p in run.periods] == ["2025-03-13", "2025-03-14", "2025-03-15"]
    assert run.has_papers
    assert [(d.period.id, [p.slug for p in d.papers]) for d in run.digests(None)] == [
        ("2025-03-14", ["both"]),
        ("2025-03-15", ["new-alpha"]),
    ]
    assert not digest.prepare(TAGGED, mail_site(), "day", dt.date(2025, 3, 20)).has_papers


def test_a_digest_that_went_out_keeps_the_papers_it_carried(tmp_path: Path) -> None:
    ledger_file = tmp_path / "digests.yml"
    ledger = Ledger.load(ledger_file)
    key = ledger.key("list@example.org")
    ledger.claim(Period.parse("2025-03-14"), ("old-beta",), key, dt.date(2025, 3, 14))
    run = digest.prepare(TAGGED, mail_site(), "day", dt.date(2025, 3, 15))
    assert [(d.period.id, [p.slug for p in d.papers]) for d in run.digests(ledger)] == [
        ("2025-03-14", ["old-beta"]),
        ("2025-03-15", ["new-alpha"]),
    ]
