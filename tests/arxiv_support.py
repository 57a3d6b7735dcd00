"""The arXiv API's stand-in: tests/http_stub.py's loopback server, giving recorded answers in order.

The recorded answers are in tests/fixtures/arxiv/: one paper by id (`<id>.xml`), and the pages of search
queries (`search-*.xml`: Atom feeds with opensearch totalResults, startIndex and itemsPerPage, newest
paper first, as the API sends them for sortBy=submittedDate&sortOrder=descending).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from http_stub import Reply, Request, StubServer, running

__all__ = ["FIXTURES", "ArxivStub", "Reply", "Request", "arxiv_stub", "recorded"]

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "arxiv"
ANY_PATH = "*"


def recorded(*names: str) -> list[Reply]:
    """The recorded answers of these fixture files, in order."""
    return [Reply(body=(FIXTURES / name).read_bytes()) for name in names]


@dataclass
class ArxivStub(StubServer):
    """The API answers every query from one list of replies, in order (the last one repeats)."""

    content_type: str = "application/atom+xml; charset=utf-8"

    def serve(self, *replies: Reply) -> None:  # type: ignore[override]
        self.routes[ANY_PATH] = list(replies)

    def reply_for(self, path: str) -> Reply:
        return super().reply_for(ANY_PATH)


@contextmanager
def arxiv_stub() -> Iterator[ArxivStub]:
    """The stub server, running; give its `base` as PAPERFEED_ARXIV_API."""
    with running(ArxivStub) as stub:
        yield stub
