"""Both cores for the generated pages: the paper pages rendered in a forked child while this process renders
every other page (their work is about even), in the order SiteBuilder.pages() gives them."""

from __future__ import annotations

import contextlib
import os
import pickle
import threading

from generator.site.pages import Page, SiteBuilder

# Below this many papers a fork costs more than it saves.
MIN_PAPERS = 500


def build_pages(builder: SiteBuilder) -> list[Page]:
    """builder.pages(), the paper pages made in a child process where one can be forked safely."""
    # A fork copies only the thread that makes it: with others running (mkdocs serve's server), a lock
    # one of them holds would stay locked in the child forever.
    if not hasattr(os, "fork") or len(builder.feed.papers) < MIN_PAPERS or threading.active_count() > 1:
        return list(builder.pages())
    # Made once, before the fork, for both processes: related papers, citation keys, the trending ranking.
    _ = builder.related, builder.keys, builder.trend
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: render, send, and leave without running the parent's exit handlers
        status = 1
        try:
            os.close(read_end)
            made = list(builder.paper_pages())
            with os.fdopen(write_end, "wb") as out:
                pickle.dump(made, out, protocol=pickle.HIGHEST_PROTOCOL)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    papers: list[Page] | None = None
    try:
        listings = list(builder.listing_pages())
        # Nothing sent (EOFError): the child failed; the pages are made here, which raises its error in full.
        with os.fdopen(read_end, "rb") as data, contextlib.suppress(EOFError):
            papers = pickle.load(data)
    finally:
        _, status = os.waitpid(pid, 0)
    if papers is None or os.waitstatus_to_exitcode(status) != 0:
        papers = list(builder.paper_pages())
    return [*papers, *listings]
