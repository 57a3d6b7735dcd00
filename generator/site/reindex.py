"""The search index of `paperfeed serve`, made again in the background after a rebuild: the page a
contributor saved is served at once, and search catches up when Pagefind is done (seconds at 10,000
papers). The new index is made beside the site and swapped in whole, so search never reads half of one."""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from collections.abc import Hashable, Sequence
from pathlib import Path

from generator.errors import PaperfeedError
from generator.model import Feed
from generator.site import search

NICENESS = 10  # Pagefind yields the cores to the next rebuild
READY = "Search index: up to date"
log = logging.getLogger("mkdocs.plugins.paperfeed")  # MkDocs prints its plugins' loggers' lines


class Reindexer:
    """At most one Pagefind run at a time, in a thread; a new start cancels the run under way."""

    def __init__(self) -> None:
        self.key: Hashable = None  # what the index in the site was made from
        self.error: str | None = None  # why the last run failed, if it did
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._running: search.Indexing | None = None
        self._cancelled = False

    def start(
        self,
        key: Hashable,
        feed: Feed,
        pages: Sequence[search.Document],
        output: Path,
        language: str,
        shard_size: int = search.SHARD_SIZE,
    ) -> bool:
        """Make the index into `output` unless it is made from `key` already; whether a run started."""
        if key == self.key:
            return False
        self.cancel()
        self.key, self.error, self._cancelled = key, None, False
        self._thread = threading.Thread(
            target=self._run,
            args=(feed, list(pages), output, language, shard_size),
            name="paperfeed-index",
            daemon=True,
        )
        self._thread.start()
        return True

    def _run(
        self, feed: Feed, pages: list[search.Document], output: Path, language: str, shard_size: int
    ) -> None:
        staging = Path(tempfile.mkdtemp(prefix="paperfeed-index-", dir=output.parent.parent))
        try:
            with self._lock:
                if self._cancelled:
                    return
                _, running = search.start_index(
                    feed, pages, staging / "pagefind", language, shard_size, NICENESS
                )
                self._running = running
            if running is not None:
                running.wait()
            with self._lock:
                if not self._cancelled:
                    _swap(staging / "pagefind", output, staging / "old")
                    log.info(READY)
        except PaperfeedError as err:
            self.error, self.key = str(err), None
            if not self._cancelled:  # info: a warning would stop a strict build that runs meanwhile
                log.info(f"Search index: not made again ({err}); it is made again on the next change")
        finally:
            self._running = None
            shutil.rmtree(staging, ignore_errors=True)

    def wait(self) -> None:
        """Wait for the run under way, if any."""
        if self._thread is not None:
            self._thread.join()

    def cancel(self) -> None:
        """Stop the run under way, if any, and wait for its thread to end."""
        with self._lock:
            self._cancelled = True
            if self._running is not None:
                self._running.stop()
        self.wait()
        self.key = None


def _swap(new: Path, output: Path, old: Path) -> None:
    """Put the index at `new` in `output`'s place (none made: no index, as a full build leaves it); the
    index replaced goes to `old`, outside the site, to be deleted with it."""
    if output.exists():
        output.rename(old)
    if new.exists():
        new.rename(output)
