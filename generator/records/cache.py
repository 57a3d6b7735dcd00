"""The parsed feed kept between the rebuilds of `paperfeed serve`: a record is read again only when its bytes
(or the vocabulary) changed; the checks across files (slugs, arXiv ids, titles) run on every load.

A file whose size, time and inode are those it had when it was read, longer ago than a file system's clock
could tell apart, is not even opened (as Git trusts its index): 10,000 files read and hashed on each save
were a tenth of a rebuild.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from collections.abc import Collection
from pathlib import Path

from generator.model import Feed, Tag
from generator.records.content import check
from generator.records.paper import Record, read_record
from generator.records.problems import ContentError, Problems, display_path


class RecordCache:
    """Records by path, each with the digest of the bytes it was read from; only records that read clean
    are kept (one with a problem is read again, so that its problems are reported on every load)."""

    def __init__(self) -> None:
        self._records: dict[Path, tuple[bytes, Record]] = {}
        self._stamps: dict[Path, tuple[int, int, int]] = {}  # a file's size, time and inode, when trusted
        self._vocabulary: object = None
        self._given: tuple[object, object] = (None, None)
        self.read = 0  # records read (not taken from the cache) by the last load

    def load_feed(self, content_dir: Path) -> Feed:
        """records.load_feed's feed, re-reading only the records that changed since the last load."""
        self.read = 0
        report = check(content_dir, reader=self._read)
        if report.problems:
            raise ContentError(report.problems)
        # A deleted record leaves the cache; the others stay for the next load.
        kept = {p.source for p in report.feed.papers}
        self._records = {path: v for path, v in self._records.items() if display_path(path) in kept}
        self._stamps = {path: v for path, v in self._stamps.items() if path in self._records}
        return report.feed

    def _read(
        self,
        path: Path,
        tags: dict[str, Tag],
        problems: Problems,
        declared: Collection[str] | None = (),
        *,
        today: dt.date | None = None,
    ) -> Record | None:
        if tags is not self._given[0] or declared is not self._given[1]:  # once a load
            self._given = (tags, declared)
            vocabulary = (tuple(tags.values()), None if declared is None else tuple(sorted(declared)))
            if vocabulary != self._vocabulary:  # every record is checked against the tags anew
                self._records, self._stamps, self._vocabulary = {}, {}, vocabulary
        cached = self._records.get(path)
        stamp = _stamp(path)
        if cached is not None and stamp is not None and self._stamps.get(path) == stamp:
            digest, record = cached
        else:
            self._stamps.pop(path, None)
            try:
                digest = hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
            except OSError:
                digest = b""  # read_record reports why it cannot be read
            # Trusted next time only if a later change could not have the same time (a coarse clock).
            if stamp is not None and stamp[1] < time.time_ns() - RACY_NS:
                self._stamps[path] = stamp
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
        return record


RACY_NS = 2_000_000_000  # file times closer than this to the read may hide a change made just after it


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns, stat.st_ino
