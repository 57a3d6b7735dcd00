"""The GitHub REST API client: one repository's star count (`GET /repos/{owner}/{repo}`), asked with the
ETag of the last answer, so that an unchanged repository answers 304 and costs no rate limit."""

from __future__ import annotations

import http.client
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

from generator.errors import PaperfeedError

API_ENV = "PAPERFEED_GITHUB_API"
DEFAULT_API = "https://api.github.com"
TOKEN_ENV = "GITHUB_TOKEN"
TIMEOUT_ENV = "PAPERFEED_GITHUB_TIMEOUT"
BACKOFF_ENV = "PAPERFEED_GITHUB_BACKOFF"
MAX_WAIT_ENV = "PAPERFEED_GITHUB_MAX_WAIT"
DEFAULT_TIMEOUT = 20.0
DEFAULT_BACKOFF = 2.0
# A rate limit that lifts within this many seconds is waited out; a longer one stops the run, which keeps
# what it fetched (the next run goes on from there).
DEFAULT_MAX_WAIT = 60.0
# GitHub asks to wait at least a minute after a secondary rate limit that names no time.
SECONDARY_WAIT = 60.0
TRIES = 2  # a timeout, a broken connection or a 5xx is tried once more before the repository is skipped
MAX_REDIRECTS = 3
MAX_RATE_LIMIT_WAITS = 3  # a rate limit that is still there after this many short waits stops the run
MAX_BYTES = 1_000_000  # a repository's JSON is a few kilobytes
MAX_STARS = 999_999_999  # what the samples file holds; no repository comes near it
API_VERSION = "2022-11-28"
GONE_STATUSES = (404, 410, 451)
_NAME_RE = re.compile(r"^[A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100}$")


class GitHubError(PaperfeedError):
    """The API cannot be used at all (unreachable, the token refused): the run stops; the message says why."""


class RepoError(PaperfeedError):
    """This repository's answer could not be had or read (a timeout, a malformed answer): skipped this run."""


class RateLimited(Exception):
    """GitHub's rate limit is used up for longer than the run waits: stop, keep what was fetched."""

    def __init__(self, until: float, why: str) -> None:
        super().__init__(why)
        self.until = until  # epoch seconds at which GitHub takes requests again
        self.why = why


@dataclass(frozen=True)
class Found:
    """A 200: the repository's current name (a renamed one answers under its new name), its stars, and the
    ETag to ask with next time."""

    full_name: str
    stars: int
    etag: str | None


@dataclass(frozen=True)
class Unchanged:
    """A 304: the repository is as it was when its ETag was given."""


@dataclass(frozen=True)
class Gone:
    """404 (no such repository, or a private one), 410 or 451 (access blocked)."""

    status: int
    reason: str


Answer = Found | Unchanged | Gone


def _setting(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise GitHubError(f"{name}='{raw}' is not a number of seconds") from None
    if not value >= 0:  # also refuses nan
        raise GitHubError(f"{name}='{raw}' must not be negative")
    return value


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects come back as answers: the client follows them itself, only within the API, so that the
    token is never sent to another host."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Client:
    """The API at $PAPERFEED_GITHUB_API (default api.github.com), with $GITHUB_TOKEN when it is set."""

    def __init__(
        self,
        env: Mapping[str, str],
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        notify: Callable[[str], None] = lambda line: None,
    ) -> None:
        base = env.get(API_ENV, "").strip() or DEFAULT_API
        if not re.match(r"^https?://[^/\s]+", base):
            raise GitHubError(f"{API_ENV}='{base}' must be an http(s) address, such as {DEFAULT_API}")
        self.base = base.rstrip("/")
        self.origin = _origin(self.base)
        self.timeout = _setting(env, TIMEOUT_ENV, DEFAULT_TIMEOUT)
        self.backoff = _setting(env, BACKOFF_ENV, DEFAULT_BACKOFF)
        self.max_wait = _setting(env, MAX_WAIT_ENV, DEFAULT_MAX_WAIT)
        self.token = env.get(TOKEN_ENV, "").strip() or None
        self.sleep, self.clock, self.notify = sleep, clock, notify
        self.opener = urllib.request.build_opener(_NoRedirects())

    def repo(self, name: str, etag: str | None = None) -> Answer:
        """The repository `owner/name`: its stars, Unchanged (if `etag` still holds) or Gone.

        Waits out a short rate limit; raises RateLimited for a long one, RepoError when this repository's
        answer is unusable, GitHubError when the API is not usable at all."""
        url = f"{self.base}/repos/{urllib.parse.quote(name, safe='/')}"
        for _ in range(MAX_REDIRECTS + 1):
            status, headers, body = self._get(url, name, etag)
            if status in (301, 302, 307, 308):
                url = self._redirect(headers, url, name)
                continue
            if status == 304:
                return Unchanged()
            if status in GONE_STATUSES:
                return Gone(status, http.client.responses.get(status, "Gone"))
            if status == 200:
                return _found(body, headers, name)
            why = _message(body) or http.client.responses.get(status, "")
            raise RepoError(f"the GitHub API answered HTTP {status} for {name}" + (f": {why}" if why else ""))
        raise RepoError(f"the GitHub API redirected {name} more than {MAX_REDIRECTS} times")

    def _redirect(self, headers: dict[str, str], url: str, name: str) -> str:
        location = headers.get("location", "").strip()
        target = urllib.parse.urljoin(url, location) if location else ""
        if not target or _origin(target) != self.origin:
            raise RepoError(
                f"the GitHub API redirected {name} to {location or 'nowhere'!s}, outside {self.base}; not"
                " followed"
            )
        return target

    def _get(self, url: str, name: str, etag: str | None) -> tuple[int, dict[str, str], bytes]:
        """One request, with its retries: (status, headers, body) of any answer but a rate limit, a 5xx or
        a failure, which are waited out and tried again, or raised."""
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": f"paperfeed/{version('paperfeed')}",  # GitHub refuses a request without one
        }
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if etag:
            headers["If-None-Match"] = etag
        failures = waits = 0
        while True:
            try:
                status, answer, body = self._once(urllib.request.Request(url, headers=headers))
            except (RepoError, GitHubError):  # a timeout, a broken or refused connection: once more
                failures += 1
                if failures >= TRIES:
                    raise
                self.sleep(self.backoff)
                continue
            if status in (403, 429):
                wait = self._rate_limit_wait(status, answer, body)
                if wait is None:
                    return status, answer, body  # a plain 403: the caller says so
                waits += 1
                if wait > self.max_wait or waits > MAX_RATE_LIMIT_WAITS:
                    raise RateLimited(self.clock() + wait, _rate_limit_words(status, body))
                self.notify(f"{name}: {_rate_limit_words(status, body)}; waiting {wait:.0f} s as GitHub asks")
                self.sleep(wait)
                continue
            if status == 401:
                raise GitHubError(
                    f"the GitHub API refused the token (HTTP 401 {_message(body) or 'Unauthorized'}); check"
                    f" {TOKEN_ENV}, or unset it to ask without one"
                )
            if status >= 500:
                failures += 1
                if failures >= TRIES:
                    raise RepoError(f"the GitHub API answered HTTP {status} for {name} {TRIES} times")
                self.sleep(self.backoff)
                continue
            return status, answer, body

    def _once(self, request: urllib.request.Request) -> tuple[int, dict[str, str], bytes]:
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.status, _headers(response.headers), _read(response)
        except urllib.error.HTTPError as err:
            with err:
                return err.code, _headers(err.headers), _read(err)
        except (TimeoutError, urllib.error.URLError) as err:
            reason = err.reason if isinstance(err, urllib.error.URLError) else err
            if isinstance(reason, TimeoutError):
                raise RepoError(f"the GitHub API did not answer within {self.timeout:g} s") from None
            why = getattr(reason, "strerror", None) or str(reason)
            raise GitHubError(
                f"cannot reach the GitHub API at {self.base} ({why}); check the network connection or"
                f" {API_ENV}"
            ) from None
        except (http.client.HTTPException, OSError) as err:
            raise RepoError(f"the GitHub API broke off its answer ({type(err).__name__})") from None

    def _rate_limit_wait(self, status: int, headers: dict[str, str], body: bytes) -> float | None:
        """Seconds to wait before asking again, if this 403/429 is a rate limit (None if it is not):
        Retry-After first, then X-RateLimit-Reset when no requests remain, as GitHub's documentation says."""
        retry_after = headers.get("retry-after", "").strip()
        if retry_after.isdigit():
            return float(retry_after)
        if headers.get("x-ratelimit-remaining", "").strip() == "0":
            reset = headers.get("x-ratelimit-reset", "").strip()
            if reset.isdigit():
                return max(0.0, int(reset) - self.clock())
            return SECONDARY_WAIT
        if status == 429 or "rate limit" in _message(body).lower():
            return SECONDARY_WAIT
        return None


def _headers(message: Any) -> dict[str, str]:
    """An answer's headers by lowercase name."""
    return {str(name).lower(): str(value) for name, value in message.items()}


def _origin(url: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _read(response: Any) -> bytes:
    try:
        body: bytes = response.read(MAX_BYTES + 1)
    except (http.client.HTTPException, OSError) as err:
        raise RepoError(f"the GitHub API broke off its answer ({type(err).__name__})") from None
    if len(body) > MAX_BYTES:
        raise RepoError(f"the GitHub API sent more than {MAX_BYTES:,} bytes for one repository")
    return body


def _message(body: bytes) -> str:
    """The `message` of a GitHub error answer, on one line, or ''."""
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    message = data.get("message") if isinstance(data, dict) else None
    return " ".join(message.split())[:200] if isinstance(message, str) else ""


def _rate_limit_words(status: int, body: bytes) -> str:
    return f"HTTP {status}: {_message(body) or 'rate limit exceeded'}"


def _found(body: bytes, headers: dict[str, str], name: str) -> Found:
    """The stars and name of a 200 answer; RepoError if it is not a repository's JSON."""
    try:
        data = json.loads(body)
    except ValueError:
        raise RepoError(f"the GitHub API sent {name} an answer that is not JSON") from None
    if not isinstance(data, dict):
        raise RepoError(f"the GitHub API sent {name} JSON that is not a repository")
    stars, full_name = data.get("stargazers_count"), data.get("full_name")
    if type(stars) is not int or not 0 <= stars <= MAX_STARS:
        raise RepoError(f"the GitHub API sent {name} without a valid stargazers_count")
    if not isinstance(full_name, str) or not _NAME_RE.match(full_name):
        raise RepoError(f"the GitHub API sent {name} without a valid full_name")
    return Found(full_name, stars, headers.get("etag", "").strip() or None)
