"""The arXiv API client: one paper by its id, or a search query's papers newest first, page by page."""

from __future__ import annotations

import datetime as dt
import email.utils
import http.client
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import version

from generator.arxiv_ids import ARXIV_RE, arxiv_base
from generator.errors import PaperfeedError

API_ENV = "PAPERFEED_ARXIV_API"
DEFAULT_API = "https://export.arxiv.org"
BACKOFF_ENV = "PAPERFEED_ARXIV_BACKOFF"
TIMEOUT_ENV = "PAPERFEED_ARXIV_TIMEOUT"
DELAY_ENV = "PAPERFEED_ARXIV_DELAY"
# arXiv's terms of use ask for no more than one request every three seconds; a busy API answers 503.
DEFAULT_DELAY = 3.0
DEFAULT_BACKOFF = 3.0
DEFAULT_TIMEOUT = 30.0
TRIES = 3
RETRY_STATUSES = (429, 503)
MAX_WAIT = 60.0  # a Retry-After longer than this is not waited out: the user is told to come back later
MAX_BYTES = 2_000_000  # one entry is a few kilobytes; anything this big is not the answer we asked for
PAGE_SIZE = 100  # papers asked for per request of a search
MAX_PAGE_BYTES = 20_000_000  # a page of 100, each with a collaboration's thousands of authors at worst

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV_NS = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
# An arxiv.org abs/ or pdf/ address, as a browser's address bar or a copied link gives it (the scheme too
# may be missing); the id is checked against ARXIV_RE afterwards.
URL_RE = re.compile(
    r"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/(?P<id>[^?#]+?)(?:\.pdf)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)


class ArxivError(PaperfeedError):
    """Not an arXiv id, or the paper cannot be fetched; the message says why and what to do."""


@dataclass(frozen=True)
class ArxivPaper:
    """What the arXiv API tells about one paper."""

    arxiv: str
    title: str
    authors: tuple[str, ...]
    abstract: str
    published: dt.date
    category: str | None = None
    submitted: dt.datetime | None = None  # the first version's time (UTC), by which a search sorts


@dataclass(frozen=True)
class BadEntry:
    """An entry of a search answer that is not a usable paper, and why."""

    arxiv: str | None
    reason: str


def normalize_id(text: str) -> str:
    """The arXiv id in an id, an `arXiv:` id or an arxiv.org abs/pdf URL; ArxivError if there is none.

    Every command that takes an arXiv id reads it with this, so that an id and a URL work alike.
    """
    value = text.strip()
    match = URL_RE.match(value)
    if match:
        value = match.group("id")
    value = re.sub(r"^arxiv:", "", value, flags=re.IGNORECASE)
    if not ARXIV_RE.match(value):
        raise ArxivError(
            f"'{text}' is not an arXiv id; give one like 2401.01234 or https://arxiv.org/abs/2401.01234"
        )
    return value


def _setting(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ArxivError(f"{name}='{raw}' is not a number of seconds") from None
    if value < 0:
        raise ArxivError(f"{name}='{raw}' must not be negative")
    return value


def api_base() -> str:
    """The API's base URL: $PAPERFEED_ARXIV_API, or arXiv's public export API."""
    base = os.environ.get(API_ENV, "").strip() or DEFAULT_API
    if not re.match(r"^https?://[^/\s]+", base):
        raise ArxivError(f"{API_ENV}='{base}' must be an http(s) address, such as {DEFAULT_API}")
    return base.rstrip("/")


def query_url(arxiv_id: str, base: str) -> str:
    return f"{base}/api/query?id_list={urllib.parse.quote(arxiv_id, safe='/')}"


def _retry_after(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), or None when absent/unreadable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now())


class Client:
    """Requests to the arXiv API: at most one every $PAPERFEED_ARXIV_DELAY seconds (3, as arXiv asks),
    each retried with a growing wait while the API answers that it is busy (429, 503)."""

    def __init__(self) -> None:
        self.base = api_base()
        self.timeout = _setting(TIMEOUT_ENV, DEFAULT_TIMEOUT)
        self.backoff = _setting(BACKOFF_ENV, DEFAULT_BACKOFF)
        self.delay = _setting(DELAY_ENV, DEFAULT_DELAY)
        self._last: float | None = None  # when the last request ended (time.monotonic)

    def _pace(self) -> None:
        if self._last is not None:
            wait = self._last + self.delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)

    def get(self, url: str, max_bytes: int = MAX_BYTES, what: str = "one paper") -> bytes:
        """The body of the answer to `url`; ArxivError once it cannot be had."""
        for attempt in range(1, TRIES + 1):
            self._pace()
            try:
                return _get(url, self.timeout, max_bytes, what)
            except urllib.error.HTTPError as err:
                err.close()
                if err.code not in RETRY_STATUSES:
                    raise ArxivError(
                        f"the arXiv API answered HTTP {err.code} {err.reason} for {url}"
                    ) from None
                if attempt == TRIES:
                    raise ArxivError(
                        f"the arXiv API is busy (HTTP {err.code}) and still was after {TRIES} tries; "
                        "try again in a few minutes"
                    ) from None
                wait = _retry_after(err.headers.get("Retry-After"))
                if wait is None:
                    wait = self.backoff * 2 ** (attempt - 1)
                if wait > MAX_WAIT:
                    raise ArxivError(
                        f"the arXiv API is busy (HTTP {err.code}) and asks to wait {wait:.0f} s;"
                        " try again later"
                    ) from None
                time.sleep(wait)
            finally:
                self._last = time.monotonic()
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def fetch(text: str) -> ArxivPaper:
    """Fetch the paper with this id (or arxiv.org URL); wait and retry when arXiv says it is busy."""
    arxiv_id = normalize_id(text)
    client = Client()
    return parse(client.get(query_url(arxiv_id, client.base)), arxiv_id)


def search_url(base: str, query: str, start: int, size: int) -> str:
    """The API address of one page of a search, newest first (by the first version's submission)."""
    params = {
        "search_query": query,
        "start": start,
        "max_results": size,
        "sortBy": "submittedDate",
        "sortOrder": "descending",
    }
    return f"{base}/api/query?{urllib.parse.urlencode(params)}"


def newest_first(query: str, limit: int, client: Client) -> Iterator[ArxivPaper | BadEntry]:
    """The papers of an arXiv `search_query`, newest first, at most `limit`.

    Pages are asked for only as the caller reads on, so a caller that stops early makes no more requests.
    """
    start = 0
    empty = 0
    while start < limit:
        url = search_url(client.base, query, start, min(PAGE_SIZE, limit - start))
        total, entries = parse_page(client.get(url, MAX_PAGE_BYTES, "page of results"), start)
        if not entries:
            if start >= total:
                return
            # arXiv now and then answers a page of a long result with no entries: asking again helps.
            empty += 1
            if empty == TRIES:
                raise ArxivError(
                    f"the arXiv API sent an empty page at result {start} of {total}, {TRIES} times;"
                    " try again later"
                )
            time.sleep(client.backoff * 2 ** (empty - 1))
            continue
        empty = 0
        yield from entries[: limit - start]
        start += len(entries)
        if start >= total:
            return


def _get(url: str, timeout: float, max_bytes: int = MAX_BYTES, what: str = "one paper") -> bytes:
    """The response body; network failures become ArxivError, HTTP error statuses stay HTTPError."""
    base = url.split("/api/", 1)[0]
    request = urllib.request.Request(
        url, headers={"User-Agent": f"paperfeed/{version('paperfeed')}", "Accept": "application/atom+xml"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body: bytes = response.read(max_bytes + 1)
    except urllib.error.HTTPError:
        raise
    except (TimeoutError, urllib.error.URLError) as err:
        reason = err.reason if isinstance(err, urllib.error.URLError) else err
        if isinstance(reason, TimeoutError):
            raise ArxivError(
                f"the arXiv API at {base} did not answer within {timeout:g} s; try again later"
            ) from None
        why = getattr(reason, "strerror", None) or str(reason)
        raise ArxivError(
            f"cannot reach the arXiv API at {base} ({why}); check the network connection or {API_ENV}"
        ) from None
    except (http.client.HTTPException, OSError) as err:
        raise ArxivError(
            f"the arXiv API at {base} broke off its answer ({type(err).__name__}); try again later"
        ) from None
    if len(body) > max_bytes:
        raise ArxivError(f"the arXiv API sent more than {max_bytes} bytes for {what}; try again later")
    return body


def _squash(text: str | None) -> str:
    """arXiv wraps titles and abstracts at ~80 columns; a record keeps them on one line each."""
    return " ".join((text or "").split())


def _feed(body: bytes) -> ET.Element:
    """The Atom feed the API answers with; ArxivError when the body is something else."""
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:  # arXiv's Atom never has one; entities are an attack
        raise ArxivError("the arXiv API sent a document with a DOCTYPE, not its Atom feed; try again later")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as err:
        raise ArxivError(
            f"the arXiv API sent a response that is not valid XML ({err}); try again later"
        ) from None
    if root.tag != f"{ATOM}feed":
        raise ArxivError("the arXiv API sent a response that is not an Atom feed; try again later")
    return root


def parse(body: bytes, arxiv_id: str) -> ArxivPaper:
    """Read the API's Atom answer for `arxiv_id`; ArxivError when it is not a usable answer."""
    root = _feed(body)
    entry = root.find(f"{ATOM}entry")
    entry_id = _squash(entry.findtext(f"{ATOM}id")) if entry is not None else ""
    if entry is None or not entry_id:
        raise ArxivError(f"arXiv has no paper {arxiv_id}; check the id")
    if "/api/errors" in entry_id:
        why = _squash(entry.findtext(f"{ATOM}summary")) or entry_id
        raise ArxivError(f"arXiv refused the id {arxiv_id}: {why}")
    got = entry_id.split("/abs/", 1)[-1]
    if arxiv_base(got) != arxiv_base(arxiv_id):
        raise ArxivError(f"the arXiv API answered with the paper {got} when asked for {arxiv_id}")
    title = _squash(entry.findtext(f"{ATOM}title"))
    abstract = _squash(entry.findtext(f"{ATOM}summary"))
    if not title or not abstract:
        raise ArxivError(f"the arXiv API sent {arxiv_id} without a title or abstract; try again later")
    published = _squash(entry.findtext(f"{ATOM}published"))
    try:
        first = dt.date.fromisoformat(published[:10])
    except ValueError:
        raise ArxivError(f"the arXiv API sent {arxiv_id} without a valid <published> date") from None
    return ArxivPaper(
        arxiv=arxiv_id,
        title=title,
        authors=_authors(entry),
        abstract=abstract,
        published=first,
        category=_category(entry),
    )


def _authors(entry: ET.Element) -> tuple[str, ...]:
    names = (_squash(a.findtext(f"{ATOM}name")) for a in entry.iter(f"{ATOM}author"))
    return tuple(name for name in names if name)


def _category(entry: ET.Element) -> str | None:
    category = entry.find(f"{ARXIV_NS}primary_category")
    return category.get("term") if category is not None else None


def _count(root: ET.Element, name: str) -> int | None:
    text = _squash(root.findtext(f"{OPENSEARCH}{name}"))
    return int(text) if text.isdigit() else None


def parse_page(body: bytes, start: int) -> tuple[int, list[ArxivPaper | BadEntry]]:
    """Read one page of a search answer: the number of results in all, and this page's entries."""
    root = _feed(body)
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        # A query arXiv cannot read is answered with one entry, the error, whose id is under /api/errors.
        if "/api/errors" in _squash(entry.findtext(f"{ATOM}id")):
            why = _squash(entry.findtext(f"{ATOM}summary")) or "no reason given"
            raise ArxivError(f"arXiv refused the query: {why}")
    total, index = _count(root, "totalResults"), _count(root, "startIndex")
    if total is None or index is None:
        raise ArxivError(
            "the arXiv API sent a feed without its result counts (opensearch:totalResults and"
            " startIndex); try again later"
        )
    if index != start:
        raise ArxivError(
            f"the arXiv API sent the page at result {index} when asked for the one at {start};"
            " try again later"
        )
    return total, [entry_paper(entry) for entry in entries]


def entry_paper(entry: ET.Element) -> ArxivPaper | BadEntry:
    """One entry of a search answer as a paper (its id without the version), or why it is not one."""
    entry_id = _squash(entry.findtext(f"{ATOM}id"))
    got = entry_id.split("/abs/", 1)[1] if "/abs/" in entry_id else ""
    if not ARXIV_RE.match(got):
        return BadEntry(None, f"it has no arXiv id (<id> {entry_id[:80]!r})")
    arxiv_id = arxiv_base(got)
    title = _squash(entry.findtext(f"{ATOM}title"))
    abstract = _squash(entry.findtext(f"{ATOM}summary"))
    if not title or not abstract:
        return BadEntry(arxiv_id, "arXiv sent it without a title or abstract")
    published = _squash(entry.findtext(f"{ATOM}published"))
    try:
        when = dt.datetime.fromisoformat(published)
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        return BadEntry(arxiv_id, "arXiv sent it without a valid <published> time")
    when = when.astimezone(dt.UTC)
    return ArxivPaper(
        arxiv=arxiv_id,
        title=title,
        authors=_authors(entry),
        abstract=abstract,
        published=when.date(),
        category=_category(entry),
        submitted=when,
    )


def abs_url(arxiv_id: str) -> str:
    """The paper's page on arxiv.org."""
    return f"https://arxiv.org/abs/{arxiv_id}"


def pdf_url(arxiv_id: str) -> str:
    """The paper's PDF on arxiv.org, its newest version."""
    return f"https://arxiv.org/pdf/{arxiv_id}"
