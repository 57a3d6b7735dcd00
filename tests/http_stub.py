"""A real HTTP server on 127.0.0.1 giving recorded answers: the one stand-in for the web APIs the code calls.

Answers are given by path, in order (the last one repeats); a path with none gets `fallback`'s answer. An
If-None-Match that matches a 200's ETag gets 304, as GitHub's conditional requests do. tests/arxiv_support.py
and tests/github_support.py dress it as the arXiv and GitHub APIs.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TypeVar


@dataclass
class Reply:
    """One recorded answer: status, headers, body, and how long the server waits before sending it. Status
    0 hangs up without an answer."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass(frozen=True)
class Request:
    """A request as the server saw it: path (and query), headers by lowercase name, when (epoch seconds)."""

    path: str
    headers: dict[str, str]
    time: float


def no_answer(path: str) -> Reply:
    return Reply(404)


@dataclass
class StubServer:
    """The answers to give for each path, and the requests seen, in order."""

    base: str
    content_type: str = "application/octet-stream"
    headers: dict[str, str] = field(default_factory=dict)  # sent with every answer, before its own
    routes: dict[str, list[Reply]] = field(default_factory=dict)
    fallback: Callable[[str], Reply] = no_answer
    requests: list[Request] = field(default_factory=list)
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
        """The paths (and queries) asked for, in order."""
        return [r.path for r in self.requests]


def _handler(stub: StubServer) -> type[BaseHTTPRequestHandler]:
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
            if status == 200 and etag and headers.get("if-none-match") == etag:
                status, body = 304, b""
            try:
                self.send_response(status)
                for name, value in {**stub.headers, **reply.headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", stub.content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting: that is the test
                pass

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


Stub = TypeVar("Stub", bound=StubServer)


@contextmanager
def running(make: Callable[[str], Stub]) -> Iterator[Stub]:
    """A stub made by `make(base)`, served on a free loopback port until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    server.daemon_threads = True
    stub = make(f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(stub)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
