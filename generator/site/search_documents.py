"""The search index's documents written by processes of their own, steps of the index's chain
(pagefind_run.py): some 10,000 small files took the build's own process 1 to 5 seconds to write, time it
now spends on its pages; each shard's are written while Pagefind indexes the shard before, by the chain's
own process (`run`: each process of its own took 0.3 to 0.6 CPU-seconds to start and read the feed).

`python -m generator.site.search_documents FOLDER LANGUAGE SHARD_SIZE LATER [SHARD]` (LATER: how many
hand-written pages the build writes itself, search.LatePages; SHARD: that shard's documents only), with
the feed and the hand-written pages pickled on stdin (search.documents_steps).
"""

from __future__ import annotations

import pickle
import sys
from collections.abc import Sequence
from pathlib import Path

from generator.model import Feed
from generator.site import search

USAGE = "usage: python -m generator.site.search_documents FOLDER LANGUAGE SHARD_SIZE LATER [SHARD]"

_loaded: dict[
    int, tuple[bytes, tuple[Feed, list[search.Document]]]
] = {}  # the data of the chain's steps, unpickled once for them all


def run(argv: Sequence[str], data: bytes) -> str | None:
    """Write the documents; why they could not be (None: they were). The chain's process runs this
    itself for each shard (pagefind_chain.py), the feed unpickled once."""
    if len(argv) not in (4, 5):
        return USAGE
    folder, language, shard_size, later = Path(argv[0]), argv[1], int(argv[2]), int(argv[3])
    only = int(argv[4]) if len(argv) == 5 else None
    if id(data) not in _loaded:
        _loaded[id(data)] = (data, pickle.loads(data))  # (data kept: its id stays its own)
    feed, pages = _loaded[id(data)][1]
    try:
        search.write_documents(feed, pages, folder, language, shard_size, only, later)
    except OSError as err:
        return str(err)  # after the chain's own words for this step (search.documents_step)
    return None


def main(argv: Sequence[str]) -> int:
    """Write the documents; a failure is one line on stderr and exit status 1."""
    error = run(argv, sys.stdin.buffer.read())
    if error is not None:
        print(error, file=sys.stderr)
        return 2 if error == USAGE else 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
