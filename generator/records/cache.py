"""The parsed feed kept between the rebuilds of `paperfeed serve`: a record is read again only when its bytes
(or the vocabulary) changed; the checks across files (slugs, arXiv ids, titles) run on every load."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection
from pathlib import Path

from generator.model import Feed, Paper, Tag
from generator.records.content import check
from generator.records.paper import Record, read_record
from generator.records.problems import ContentError, Problems, display_path


class RecordCache:
    """Records by path, each with the digest of the bytes it was read from; only records that read clean
    are kept (one with a problem is read again, so that its problems are reported on every load)."""

    def __init__(self) -> None:
        self._records: dict[Path, tuple[bytes, Record]] = {}
        self._vocabulary: object = None
        self._tokens: dict[str, str] = {}  # each paper's digest, by its source, for the last feed loaded
        self.read = 0  # records read (not taken from the cache) by the last load

    def load_feed(self, content_dir: Path) -> Feed:
        """records.load_feed's feed, re-reading only the records that changed since the last load."""
        self._tokens, self.read = {}, 0
        report = check(content_dir, reader=self._read)
        if report.problems:
            raise ContentError(report.problems)
        # A deleted record leaves the cache; the others stay for the next load.
        kept = {p.source for p in report.feed.papers}
        self._records = {path: v for path, v in self._records.items() if display_path(path) in kept}
        return report.feed

    def token(self, paper: Paper) -> str:
        """A name for the paper's whole value, the same across loads as long as its file is unchanged."""
        digest = self._tokens.get(paper.source)
        return f"{paper.source}:{digest}" if digest is not None else repr(paper)

    def _read(
        self,
        path: Path,
        tags: dict[str, Tag],
        problems: Problems,
        declared: Collection[str] | None = (),
        *,
        today: dt.date | None = None,
    ) -> Record | None:
        vocabulary = (tuple(tags.values()), None if declared is None else tuple(sorted(declared)))
        if vocabulary != self._vocabulary:  # every record is checked against the tags anew
            self._records, self._vocabulary = {}, vocabulary
        try:
            digest = hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
        except OSError:
            digest = b""  # read_record reports why it cannot be read
        cached = self._records.get(path)
        if digest and cached is not None and cached[0] == digest:
            record = cached[1]
        else:
            # A record valid once stays valid (its dates only move further from the future): kept clean.
            before = len(problems.found)
            self.read += 1
            fresh = read_record(path, tags, problems, declared, today=today)
            if fresh is None or len(problems.found) != before or not digest:
                return fresh
            record = fresh
            self._records[path] = (digest, record)
        self._tokens[record.paper.source] = digest.hex()
        return record
