"""Benchmark: time to render every feed (site, each tag, JSON, OPML) of a corpus; budget 2 s at 10,000 papers.

Run it alone as `python benchmarks/bench_feeds.py CONTENT_DIR [N]`, or through benchmarks/run.py.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from generator import records
from generator.config import SiteConfig
from generator.data import feeds

NAME = "feeds"
SIZES = [1_000, 10_000]
BUDGET_SECONDS = 2.0
REPEATS = 3


def run(corpus: Path, n: int) -> dict[str, float | int | str]:
    """Load the corpus first (not timed), then time `render_feeds` alone. A build renders once, in a fresh
    process, so the budget is judged on the first run; later runs show the cost without warm-up."""
    feed = records.load_feed(corpus)
    site = SiteConfig(site_name="bench", site_url="https://bench.example.org/repo/")
    times = []
    files: dict[str, bytes] = {}
    for _ in range(REPEATS):
        start = time.perf_counter()
        files = feeds.render_feeds(feed, site)
        times.append(time.perf_counter() - start)
    return {
        "n": n,
        "papers": len(feed.papers),
        "tags": len(feed.tags),
        "files": len(files),
        "bytes": sum(len(data) for data in files.values()),
        "seconds": round(times[0], 4),
        "seconds_warm_median": round(statistics.median(times[1:]), 4),
        "budget_seconds": BUDGET_SECONDS,
        "budget_ok": times[0] <= BUDGET_SECONDS,
    }


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    content = Path(sys.argv[1])
    result = run(content, int(sys.argv[2]) if len(sys.argv) == 3 else -1)
    for key, value in result.items():
        print(f"{key}: {value}")
    sys.exit(0 if result["budget_ok"] else 1)
