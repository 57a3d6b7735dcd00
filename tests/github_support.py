"""The GitHub REST API's stand-in: tests/http_stub.py's loopback server, with recorded answers by path (the
last one repeats) and GitHub's conditional requests (an If-None-Match that matches a reply's ETag gets 304).
Used by the tests and by the trending benchmark."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from http_stub import Reply, Request, StubServer, running

__all__ = ["FIXTURES", "GitHubStub", "Reply", "Request", "etag_of", "github_stub", "moved", "not_found"]
__all__ += ["recorded", "repo"]

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "github"
RATE_HEADERS = {"X-RateLimit-Limit": "1000", "X-RateLimit-Resource": "core"}


@cache
def _fixture(name: str) -> str:
    return (FIXTURES / f"{name}.json").read_text(encoding="utf-8")


def recorded(fixture: str, **changes: Any) -> bytes:
    """A recorded answer of fixtures/github/<fixture>.json, with top-level fields changed (a repository's
    full_name and stargazers_count, say), as GitHub sends it."""
    data = json.loads(_fixture(fixture))
    data.update(changes)
    return json.dumps(data, indent=2).encode("utf-8")


def etag_of(full_name: str, stars: int) -> str:
    """A weak ETag like GitHub's, the same for the same repository state."""
    return f'W/"{hashlib.sha256(f"{full_name}:{stars}".encode()).hexdigest()}"'


def repo(full_name: str, stars: int, etag: str | None = None) -> Reply:
    """A 200 for a repository, as GitHub answers GET /repos/{owner}/{repo}, with an ETag."""
    name = full_name.split("/", 1)[1]
    body = recorded("repo", full_name=full_name, name=name, stargazers_count=stars, watchers_count=stars)
    return Reply(200, body, {"ETag": etag or etag_of(full_name, stars), "X-RateLimit-Remaining": "999"})


def moved(to_path: str, base: str) -> Reply:
    """GitHub's 301 for a renamed repository: Location is the repository by its id."""
    url = f"{base}{to_path}"
    return Reply(301, recorded("moved", url=url), {"Location": url})


def not_found() -> Reply:
    return Reply(404, recorded("not-found"), {"X-RateLimit-Remaining": "998"})


@dataclass
class GitHubStub(StubServer):
    """The replies to give for each path, and the requests seen. A path with no replies gets `fallback`'s
    answer (by default GitHub's 404)."""

    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=lambda: dict(RATE_HEADERS))
    fallback: Callable[[str], Reply] = lambda path: not_found()


@contextmanager
def github_stub() -> Iterator[GitHubStub]:
    """The stub server, running; give its `base` as PAPERFEED_GITHUB_API."""
    with running(GitHubStub) as stub:
        yield stub
