"""Site build benchmark: `mkdocs build --strict` of a synthetic corpus; time, memory and page weights.

Budgets (issue 3): build time grows linearly (time(10k) / time(1k) <= 12), a 10k build takes at most 60 s,
the largest paper page is at most 25 KB and does not grow with the feed, no listing page exceeds 150 KB.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import corpus_config

NAME = "build"
SIZES = [1000, 10000]
PAPER_PAGE_MAX = 25_000
LISTING_PAGE_MAX = 150_000
TIME_10K_MAX = 60.0
RATIO_MAX = 12.0
_seen: dict[int, dict[str, float | int | str]] = {}  # earlier sizes of this run, for the linearity check


def _largest(files: list[Path]) -> tuple[int, str]:
    size, path = max((f.stat().st_size, str(f)) for f in files)
    return size, path


def run(corpus: Path, n: int) -> dict[str, float | int | str]:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        site = tmp / "site"
        args = [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-q",
            "-f",
            str(corpus_config.write(tmp, corpus)),
        ]
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        start = time.perf_counter()
        child = subprocess.Popen([*args, "-d", str(site)], env=env)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            raise SystemExit(f"build of {n} papers failed (exit {child.returncode})")
        files = [f for f in site.rglob("*") if f.is_file()]
        pages = [f for f in files if f.name == "index.html"]
        papers = [f for f in pages if f.relative_to(site).parts[0] == "papers"]
        listings = [f for f in pages if f.relative_to(site).parts[0] != "papers"]
        paper_max, paper_path = _largest(papers)
        listing_max, listing_path = _largest(listings)
        result: dict[str, float | int | str] = {
            "seconds": round(seconds, 1),
            "peak_mb": round(usage.ru_maxrss / 1024),
            "site_mb": round(sum(f.stat().st_size for f in files) / 1e6, 1),
            "pages": len(pages),
            "largest_paper_bytes": paper_max,
            "largest_paper": str(Path(paper_path).relative_to(site)),
            "largest_listing_bytes": listing_max,
            "largest_listing": str(Path(listing_path).relative_to(site)),
        }
    ok = paper_max <= PAPER_PAGE_MAX and listing_max <= LISTING_PAGE_MAX
    if n >= 10000:
        ok = ok and seconds <= TIME_10K_MAX
    smaller = [m for m in _seen if m < n]
    if smaller:
        base = _seen[max(smaller)]
        ratio = seconds / float(base["seconds"])
        result["time_ratio"] = round(ratio, 2)
        # Linear means time grows with n: allow what the issue allows for 10x, scaled to other steps.
        ok = ok and ratio <= RATIO_MAX * (n / max(smaller)) / 10
        # A paper page's weight must not grow with the feed (slugs differ, so allow a few bytes).
        ok = ok and abs(paper_max - int(base["largest_paper_bytes"])) <= 200
    result["budget_ok"] = ok
    _seen[n] = result
    return result


if __name__ == "__main__":
    print(run(Path(sys.argv[1]), int(sys.argv[2])))
