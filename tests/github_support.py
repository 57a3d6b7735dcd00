"""A real HTTP server on 127.0.0.1 standing in for the GitHub REST API: recorded answers by path, given in
order (the last one repeats), with GitHub's conditional requests (an If-None-Match that matches a reply's
ETag gets 304). Used by the tests and by the trending benchmark."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

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


@dataclass
class Reply:
    """One recorded answer: status, headers, body, and how long the server waits before sending it. Status
    0 hangs up without an answer."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


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


@dataclass(frozen=True)
class Request:
    """A request as the server saw it: path, headers by lowercase name, and when it came (epoch seconds)."""

    path: str
    headers: dict[str, str]
    time: float


@dataclass
class GitHubStub:
    """The replies to give for each path, and the requests seen. A path with no replies gets `fallback`'s
    answer (by default GitHub's 404)."""

    base: str
    routes: dict[str, list[Reply]] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    fallback: Callable[[str], Reply] = lambda path: not_found()
    lock: threading.Lock = field(default_factory=threading.Lock)

    def serve(self, path: str, *replies: Reply) -> None:
        self.routes[path] = list(replies)

    def reply_for(self, path: str) -> Reply:
        with self.lock:
            replies = self.routes.get(path)
            if not replies:
                return self.fallback(path)
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]


def _handler(stub: GitHubStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            stub.requests.append(Request(self.path, headers, time.time()))
            reply = stub.reply_for(self.path)
            time.sleep(reply.delay)
            if reply.status == 0:
                self.close_connection = True
                return
            status, body = reply.status, reply.body
            etag = reply.headers.get("ETag")
            if status == 200 and etag and self.headers.get("If-None-Match") == etag:
                status, body = 304, b""
            try:
                self.send_response(status)
                for name, value in {**RATE_HEADERS, **reply.headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting: that is the test
                pass

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def github_stub() -> Iterator[GitHubStub]:
    """The stub server, running; give its `base` as PAPERFEED_GITHUB_API."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    server.daemon_threads = True
    stub = GitHubStub(f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(stub)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
