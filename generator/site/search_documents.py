"""The search index's documents written by processes of their own, steps of the index's chain
(pagefind_run.py): some 10,000 small files took the build's own process 1 to 5 seconds to write, time it
now spends on its pages; each shard's are written while Pagefind indexes the shard before.

`python -m generator.site.search_documents FOLDER LANGUAGE SHARD_SIZE [SHARD]` (SHARD: that shard's
documents only), with the feed and the hand-written pages pickled on stdin (search.documents_steps).
"""

from __future__ import annotations

import pickle
import sys
from collections.abc import Sequence
from pathlib import Path

from generator.site import search


def main(argv: Sequence[str]) -> int:
    """Write the documents; a failure is one line on stderr and exit status 1."""
    if len(argv) not in (3, 4):
        usage = "usage: python -m generator.site.search_documents FOLDER LANGUAGE SHARD_SIZE [SHARD]"
        print(usage, file=sys.stderr)
        return 2
    folder, language, shard_size = Path(argv[0]), argv[1], int(argv[2])
    only = int(argv[3]) if len(argv) == 4 else None
    feed, pages = pickle.load(sys.stdin.buffer)
    try:
        search.write_documents(feed, pages, folder, language, shard_size, only)
    except OSError as err:
        print(err, file=sys.stderr)  # after the chain's own words for this step (search.documents_step)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
