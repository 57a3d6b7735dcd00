"""A real HTTP server on 127.0.0.1 standing in for the arXiv API, giving recorded answers in order.

The recorded answers are in tests/fixtures/arxiv/: one paper by id (`<id>.xml`), and the pages of search
queries (`search-*.xml`: Atom feeds with opensearch totalResults, startIndex and itemsPerPage, newest
paper first, as the API sends them for sortBy=submittedDate&sortOrder=descending).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "arxiv"


@dataclass
class Reply:
    """One recorded answer: status, headers, body, and how long the server waits before sending it."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def recorded(*names: str) -> list[Reply]:
    """The recorded answers of these fixture files, in order."""
    return [Reply(body=(FIXTURES / name).read_bytes()) for name in names]


@dataclass
class ArxivStub:
    """The replies to give, in order (the last one repeats), and the requests seen: (path, time, agent)."""

    base: str
    replies: list[Reply] = field(default_factory=list)
    requests: list[tuple[str, float, str]] = field(default_factory=list)

    def serve(self, *replies: Reply) -> None:
        self.replies = list(replies)

    def paths(self) -> list[str]:
        """The paths (and queries) asked for, in order."""
        return [path for path, _, _ in self.requests]


def _handler(stub: ArxivStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            stub.requests.append((self.path, time.monotonic(), self.headers.get("User-Agent", "")))
            reply = stub.replies.pop(0) if len(stub.replies) > 1 else stub.replies[0]
            time.sleep(reply.delay)
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/atom+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting: that is the test
                pass

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def arxiv_stub() -> Iterator[ArxivStub]:
    """The stub server, running; give its `base` as PAPERFEED_ARXIV_API."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    server.daemon_threads = True
    stub = ArxivStub(f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(stub)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
