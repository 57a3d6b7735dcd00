"""The e-mail digest of a day or a week: the message (plain text and HTML) and its web copy on the site."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator import periods, urls
from generator.config import SiteConfig
from generator.errors import PaperfeedError
from generator.mail import addresses
from generator.mail.ledger import Ledger
from generator.model import Feed, Paper
from generator.periods import Period
from generator.records import abstracts
from generator.records.chars import UNPRINTABLE_RE
from generator.site.pages import DigestCopy, Page, SiteBuilder, environment

_LIST_ID_RE = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$")
SUBJECT_TITLE_MAX = 90
AUTHORS_MAX = 10
EXCERPT = 280  # characters of each abstract shown in full entries
HTML_LIMIT = 100_000  # bytes of the HTML part as sent (quoted-printable); Gmail clips past about 102 KB
FULL_MIN = 10  # papers shown in full even when the rest then do not all fit as titles
UNDISCLOSED = "undisclosed-recipients:;"


class DigestError(PaperfeedError):
    """The digest cannot be made as configured; the message says what to change."""


def header_text(value: str) -> str:
    """Text that can only ever be one header value: one line, no controls, nothing like an encoded word.

    The mail library decodes anything that starts like an encoded word (=?utf-8?q?...?=, and looser
    forms such as `=? utf-8?q?`) when a header is set, and Python before 3.11.10 / 3.12.5 writes out what
    it decoded, CR LF included (CVE-2024-6923); so every `=?` loses its meaning, at the cost of a space.
    """
    return " ".join(UNPRINTABLE_RE.sub(" ", value).split()).replace("=?", "= ?")


def _host_and_path(site_url: str) -> tuple[str, list[str]]:
    """The site's host (ASCII, as headers need it) and path segments, for ids that name the site."""
    parts = urlsplit(site_url)
    path = [re.sub(r"[^A-Za-z0-9-]", "-", p) for p in parts.path.split("/") if p]
    host = parts.hostname or "localhost"
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        host = re.sub(r"[^A-Za-z0-9.-]", "-", host)
    return host, path


@dataclass(frozen=True)
class Sender:
    """Who the digest comes from and how to leave the list: the paperfeed options of mkdocs.yml."""

    address: Address
    list_id: str
    unsubscribe_url: str
    unsubscribe_mailto: str | None

    @classmethod
    def from_site(cls, site: SiteConfig) -> Sender:
        missing = [k for k in ("digest_from", "unsubscribe_url") if not getattr(site, k)]
        if missing:
            raise DigestError(
                "mkdocs.yml: the e-mail digest needs the paperfeed options digest_from and unsubscribe_url"
                f" (missing: {', '.join(missing)})"
            )
        digest_from, unsubscribe_url = site.digest_from or "", site.unsubscribe_url or ""
        name, addr = parseaddr(digest_from)
        name = name or site.site_name
        if not addresses.is_address(addr) or UNPRINTABLE_RE.search(digest_from):
            raise DigestError(
                f"mkdocs.yml: digest_from '{digest_from}' must be an address, as digest@example.org"
                " or Name <digest@example.org>"
            )
        url = unsubscribe_url.strip()
        if not url.startswith("https://") or re.search(r"[\s<>]", url):
            raise DigestError(
                f"mkdocs.yml: unsubscribe_url '{url}' must be an https:// URL (one-click unsubscribe)"
            )
        mailto = None
        if site.unsubscribe_mailto:
            mailto = site.unsubscribe_mailto.strip()
            bare = mailto.removeprefix("mailto:").partition("?")[0]
            # In a header as written: an international domain would need its IDNA form, so ASCII only.
            if not (bare.isascii() and addresses.is_address(bare)) or re.search(r"[\s<>]", mailto):
                raise DigestError(f"mkdocs.yml: unsubscribe_mailto '{mailto}' must be an address")
            if not mailto.startswith("mailto:"):
                mailto = f"mailto:{mailto}?subject=unsubscribe"
        host, path = _host_and_path(site.site_url)
        list_id = (site.digest_list_id or "").strip().strip("<>") or ".".join(["digest", *path, host])
        if not _LIST_ID_RE.match(list_id):
            raise DigestError(f"mkdocs.yml: digest_list_id '{list_id}' must look like digest.example.org")
        sender = Address(header_text(name), addr_spec=addresses.parse(addr).address)
        return cls(sender, list_id, url, mailto)


@dataclass(frozen=True)
class Digest:
    """The papers of one period, as they go out (or went out) by e-mail."""

    period: Period
    papers: tuple[Paper, ...]

    @property
    def web_path(self) -> str:
        return urls.digest(self.period.id)

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(p.slug for p in self.papers)


def build(feed: Feed, period: Period, ledger: Ledger | None) -> Digest:
    """The period's papers in feed order; once a digest has gone out, the papers it carried then, so that
    every recipient, and the web copy, get the same message."""
    sent = ledger.digests.get(period.id) if ledger else None
    if sent is None or not sent.went_out:
        return Digest(period, period.papers(feed))
    by_slug = feed.by_slug()
    return Digest(period, tuple(by_slug[s] for s in sent.papers if s in by_slug))


def subject(digest: Digest, site: SiteConfig) -> str:
    count = len(digest.papers)
    top = abstracts.shorten(header_text(digest.papers[0].title), SUBJECT_TITLE_MAX) if digest.papers else ""
    more = f", and {count - 1} more" if count > 1 else ""
    papers = "1 paper" if count == 1 else f"{count} papers"
    return f"[{header_text(site.site_name)}] {digest.period.label}, {papers}: {top}{more}"


def message_id(digest: Digest, site: SiteConfig) -> str:
    """One id per site and period: a resend to another recipient is the same message."""
    host, path = _host_and_path(site.site_url)
    return f"<digest-{digest.period.id}{''.join('.' + p for p in path)}@{host}>"


def message_date(digest: Digest) -> str:
    """The last day of the period at 00:00 UTC: from the content, not the clock, and not so far in the
    past or the future of a timely sending that spam filters count it against the message."""
    end = dt.datetime.combine(digest.period.end, dt.time(0, 0), tzinfo=dt.UTC)
    return format_datetime(end)


@dataclass(frozen=True)
class _Entry:
    title: str
    url: str
    authors: str
    tags: list[tuple[str, str]]
    excerpt: str


def _entry(paper: Paper, feed: Feed, link: Callable[[str], str], excerpt: int) -> _Entry:
    authors = [" ".join(a.split()) for a in paper.authors]
    if len(authors) > AUTHORS_MAX:
        authors = [*authors[: AUTHORS_MAX - 1], f"and {len(authors) - AUTHORS_MAX + 1} more"]
    return _Entry(
        title=" ".join(paper.title.split()),
        url=link(urls.paper(paper.slug)),
        authors=", ".join(authors),
        tags=[(feed.tags[t].name if t in feed.tags else t, link(urls.tag(t))) for t in paper.tags],
        excerpt=abstracts.excerpt(paper.abstract, excerpt) if excerpt else "",
    )


def compose(
    digest: Digest, feed: Feed, site: SiteConfig, sender: Sender, to: str | None = None
) -> EmailMessage:
    """The message for one recipient (`to`), or for a look (None): multipart/alternative, text then HTML."""
    base = site.site_url

    def link(path: str) -> str:
        return urls.absolute(base, path)

    context: dict[str, Any] = {
        "subject": subject(digest, site),
        "site_name": " ".join(site.site_name.split()),
        "site_url": base,
        "period": digest.period,
        "count": len(digest.papers),
        "web_url": link(digest.web_path),
        "archive_url": link(urls.digests()),
        "rss_url": link(urls.feed("rss")),
        "atom_url": link(urls.feed("atom")),
        "unsubscribe_url": sender.unsubscribe_url,
    }
    env = environment()
    entries = [_entry(p, feed, link, EXCERPT) for p in digest.papers]
    html_template = env.get_template("digest_email.html.j2")

    def layout(full: int, titles: int) -> dict[str, Any]:
        return context | {
            "entries": entries[:full],
            "titles": entries[full : full + titles],
            "more": len(entries) - full - titles,
        }

    def html_part(full: int, titles: int) -> EmailMessage:
        part = EmailMessage(policy=policy.SMTP)
        part.set_content(html_template.render(layout(full, titles)), subtype="html", cte="quoted-printable")
        return part

    full, titles = _fit(len(entries), lambda f, t: len(html_part(f, t).as_bytes()) <= HTML_LIMIT)
    msg = EmailMessage(policy=policy.SMTP)
    msg["Subject"] = context["subject"]
    msg["From"] = sender.address
    msg["To"] = to if to else UNDISCLOSED
    msg["Date"] = message_date(digest)
    msg["Message-ID"] = message_id(digest, site)
    phrase = header_text(f"{site.site_name} digest")
    phrase = phrase.replace("\\", "\\\\").replace('"', '\\"')
    msg["List-Id"] = f'"{phrase}" <{sender.list_id}>' if phrase.isascii() else f"<{sender.list_id}>"
    msg["List-Archive"] = f"<{context['archive_url']}>"
    msg["List-Post"] = "NO"
    unsubscribe = [
        sender.unsubscribe_url,
        *([sender.unsubscribe_mailto] if sender.unsubscribe_mailto else []),
    ]
    msg["List-Unsubscribe"] = ", ".join(f"<{u}>" for u in unsubscribe)
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["Auto-Submitted"] = "auto-generated"  # no vacation or out-of-office replies to the sender
    shown = layout(full, titles)
    msg.set_content(env.get_template("digest_email.txt.j2").render(shown), cte="quoted-printable")
    msg.add_alternative(html_template.render(shown), subtype="html", cte="quoted-printable")
    for part in msg.iter_parts():
        del part["MIME-Version"]  # add_alternative copies it into the part; it belongs to the message only
    # A fixed boundary keeps the .eml byte-identical; "=_" never occurs in quoted-printable text.
    msg.set_boundary(f"=_paperfeed-digest-{digest.period.id}")
    return msg


def _fit(count: int, fits: Callable[[int, int], bool]) -> tuple[int, int]:
    """How many papers to show in full and how many as titles, so that `fits`: all in full if they fit;
    else as many in full as leave room for all the rest as titles; else FULL_MIN in full and as many
    titles as fit (the web copy, linked, has the rest). `fits` grows false as either number grows."""

    def most(low: int, high: int, ok: Callable[[int], bool]) -> int:
        """The largest n in [low, high] with ok(n), given ok(low); bisection."""
        while low < high:
            mid = (low + high + 1) // 2
            low, high = (mid, high) if ok(mid) else (low, mid - 1)
        return low

    if fits(count, 0):
        return count, 0
    if fits(0, count):
        full = most(0, count, lambda f: fits(f, count - f))
        if full >= FULL_MIN:
            return full, count - full
    full = min(FULL_MIN, count)
    while full and not fits(full, 0):  # only a pathological feed gets here: keep the footer in
        full -= 1
    return full, most(0, count - full, lambda t: fits(full, t))


def web_copies(feed: Feed, ledger: Ledger) -> list[DigestCopy]:
    """Every digest that went out, newest first, with the papers its e-mail carried."""
    return [
        DigestCopy(s.period, build(feed, s.period, ledger).papers, len(s.papers), s.first_sent)
        for s in ledger.newest_first()
    ]


def digest_pages(
    feed: Feed, site: SiteConfig, ledger_path: Path, builder: SiteBuilder | None = None
) -> list[Page]:
    """The site's /digests/ page and each digest's web copy, from the ledger at `ledger_path`, made by the
    site's page builder (site/pages.py) like every other page."""
    copies = web_copies(feed, Ledger.load(ledger_path))
    return (builder or SiteBuilder(feed, site)).digest_pages(copies)


@dataclass(frozen=True)
class Run:
    """A digest run's sender and due periods, checked before anything is read or sent: the one step that
    writing a digest to a file and sending it both start from (`prepare`)."""

    feed: Feed
    sender: Sender
    periods: tuple[Period, ...]

    @property
    def has_papers(self) -> bool:
        """Whether any due period has papers in the feed (else there is nothing to write or send)."""
        return any(p.papers(self.feed) for p in self.periods)

    def digests(self, ledger: Ledger | None) -> list[Digest]:
        """The due digests that have papers, oldest first; one that went out carries what it carried."""
        return [d for d in (build(self.feed, p, ledger) for p in self.periods) if d.papers]


def prepare(feed: Feed, site: SiteConfig, kind: str, today: dt.date) -> Run:
    """The run of `kind` (day or week) on `today`: DigestError if mkdocs.yml's digest settings are wrong."""
    return Run(feed, Sender.from_site(site), tuple(periods.due(kind, today)))
