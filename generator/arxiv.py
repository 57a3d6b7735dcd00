"""The arXiv API client: one paper's title, authors, abstract and first publication date, by its id."""

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
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version

from .records import ARXIV_RE, arxiv_base

API_ENV = "PAPERFEED_ARXIV_API"
DEFAULT_API = "https://export.arxiv.org"
BACKOFF_ENV = "PAPERFEED_ARXIV_BACKOFF"
TIMEOUT_ENV = "PAPERFEED_ARXIV_TIMEOUT"
# arXiv's terms of use ask for no more than one request every three seconds; a busy API answers 503.
DEFAULT_BACKOFF = 3.0
DEFAULT_TIMEOUT = 30.0
TRIES = 3
RETRY_STATUSES = (429, 503)
MAX_WAIT = 60.0  # a Retry-After longer than this is not waited out: the user is told to come back later
MAX_BYTES = 2_000_000  # one entry is a few kilobytes; anything this big is not the answer we asked for

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV_NS = "{http://arxiv.org/schemas/atom}"
# An arxiv.org abs/ or pdf/ address, as a browser's address bar or a copied link gives it (the scheme too
# may be missing); the id is checked against ARXIV_RE afterwards.
URL_RE = re.compile(
    r"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/(?P<id>[^?#]+?)(?:\.pdf)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)


class ArxivError(Exception):
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


def fetch(text: str) -> ArxivPaper:
    """Fetch the paper with this id (or arxiv.org URL); wait and retry when arXiv says it is busy."""
    arxiv_id = normalize_id(text)
    base = api_base()
    timeout = _setting(TIMEOUT_ENV, DEFAULT_TIMEOUT)
    backoff = _setting(BACKOFF_ENV, DEFAULT_BACKOFF)
    url = query_url(arxiv_id, base)
    for attempt in range(1, TRIES + 1):
        try:
            body = _get(url, timeout)
        except urllib.error.HTTPError as err:
            err.close()
            if err.code not in RETRY_STATUSES:
                raise ArxivError(f"the arXiv API answered HTTP {err.code} {err.reason} for {url}") from None
            if attempt == TRIES:
                raise ArxivError(
                    f"the arXiv API is busy (HTTP {err.code}) and still was after {TRIES} tries; "
                    "try again in a few minutes"
                ) from None
            wait = _retry_after(err.headers.get("Retry-After"))
            if wait is None:
                wait = backoff * 2 ** (attempt - 1)
            if wait > MAX_WAIT:
                raise ArxivError(
                    f"the arXiv API is busy (HTTP {err.code}) and asks to wait {wait:.0f} s; try again later"
                ) from None
            time.sleep(wait)
            continue
        return parse(body, arxiv_id)
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def _get(url: str, timeout: float) -> bytes:
    """The response body; network failures become ArxivError, HTTP error statuses stay HTTPError."""
    base = url.split("/api/", 1)[0]
    request = urllib.request.Request(
        url, headers={"User-Agent": f"paperfeed/{version('paperfeed')}", "Accept": "application/atom+xml"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body: bytes = response.read(MAX_BYTES + 1)
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
    if len(body) > MAX_BYTES:
        raise ArxivError(f"the arXiv API sent more than {MAX_BYTES} bytes for one paper; try again later")
    return body


def _squash(text: str | None) -> str:
    """arXiv wraps titles and abstracts at ~80 columns; a record keeps them on one line each."""
    return " ".join((text or "").split())


def parse(body: bytes, arxiv_id: str) -> ArxivPaper:
    """Read the API's Atom answer for `arxiv_id`; ArxivError when it is not a usable answer."""
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
    authors = tuple(
        name for name in (_squash(a.findtext(f"{ATOM}name")) for a in entry.iter(f"{ATOM}author")) if name
    )
    category = entry.find(f"{ARXIV_NS}primary_category")
    return ArxivPaper(
        arxiv=arxiv_id,
        title=title,
        authors=authors,
        abstract=abstract,
        published=first,
        category=category.get("term") if category is not None else None,
    )
