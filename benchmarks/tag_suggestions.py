"""How well `paperfeed new --arxiv`'s tag suggestions agree with the tags the feed's papers were given.

    .venv/bin/python benchmarks/tag_suggestions.py [CONTENT_DIR]      (default: content)

For each paper, the suggestion from its title and abstract is compared with its `tags:`; precision is the
share of suggested tags that the paper has, recall the share of its tags that were suggested.
"""

from __future__ import annotations

import sys
from pathlib import Path

from generator import records
from generator.contributing import suggest


def main() -> None:
    feed = records.load_feed(Path(sys.argv[1] if len(sys.argv) > 1 else "content"))
    for limit in (1, 2, 3, 4):
        hits = suggested = given = empty = 0
        for paper in feed.papers:
            found = {s.tag for s in suggest.suggest(paper.title, paper.abstract, feed.tags, limit=limit)}
            hits += len(found & set(paper.tags))
            suggested += len(found)
            given += len(paper.tags)
            empty += not found
        print(
            f"limit {limit}: precision {hits / max(1, suggested):.2f}, recall {hits / max(1, given):.2f}, "
            f"no suggestion for {empty} of {len(feed.papers)} papers"
        )


if __name__ == "__main__":
    main()
