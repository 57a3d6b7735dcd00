"""Benchmark: what the reader-facing parts add to a build: related papers (budget 2 s at 10,000 papers),
citation keys, papers.json and papers.bib.

Each is timed in a fresh process, as a build runs it once (scipy's import, a fifth of a second, included in
the related papers' time); the machine is shared, so the figure is the fastest of three such runs, with its
CPU time beside it. Run it alone as `python benchmarks/bench_readers.py CONTENT_DIR [N]`, or through
benchmarks/run.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

NAME = "readers"
SIZES = [1_000, 10_000]
BUDGET_SECONDS = 2.0  # related papers at 10,000 papers
RUNS = 3
ROOT = Path(__file__).resolve().parent.parent
# One timing in a child process: load the corpus (not timed), then time each part once.
CHILD = """
import json, sys, time
from pathlib import Path
from generator.data import citations, exports
from generator import records
from generator.site import related
from generator.config import SiteConfig
feed = records.load_feed(Path(sys.argv[1]))
site = SiteConfig(site_name="bench", site_url="https://bench.example.org/repo/")
out = {}
parts = [("related", lambda: related.related(feed)), ("keys", lambda: citations.citation_keys(feed)),
         ("exports", lambda: exports.render_exports(feed, site))]
for name, work in parts:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    out[name] = [time.perf_counter() - wall, time.process_time() - cpu]
    if name == "exports":
        out["export_bytes"] = sum(len(data) for data in result.values())
print(json.dumps(out))
"""


def _once(corpus: Path) -> dict[str, list[float]]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(corpus)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    result: dict[str, list[float]] = json.loads(done.stdout)
    return result


def run(corpus: Path, n: int) -> dict[str, float | int | str]:
    runs = [_once(corpus) for _ in range(RUNS)]
    best = {part: min(r[part][0] for r in runs) for part in ("related", "keys", "exports")}
    cpu = {part: min(r[part][1] for r in runs) for part in ("related", "keys", "exports")}
    ok = n < 10_000 or best["related"] <= BUDGET_SECONDS
    return {
        "n": n,
        "related_seconds": round(best["related"], 3),
        "related_cpu_seconds": round(cpu["related"], 3),
        "keys_seconds": round(best["keys"], 3),
        "exports_seconds": round(best["exports"], 3),
        "export_mb": round(int(runs[0]["export_bytes"]) / 1e6, 1),  # type: ignore[call-overload]
        "budget_seconds": BUDGET_SECONDS,
        "budget_ok": ok,
    }


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    print(run(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) == 3 else -1))
