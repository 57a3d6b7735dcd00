"""Benchmark: `paperfeed stars` sampling every repository of a corpus from a loopback stub of the GitHub API
(recorded answers: 200s on the first day, 304s on the next), the samples file's size, and the build-time
cost of the trending ranking (read a year of samples, rank, write /trending/ and /trending.xml); budget 1 s
of CPU at 10,000 papers for the ranking, 5 ms a repository for sampling (client and stub together).

Every paper of the corpus is given a code repository of its own (the corpus has no links). Run it alone as
`python benchmarks/bench_trending.py CONTENT_DIR [N]`, or through benchmarks/run.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the stub server the tests use, with GitHub's recorded answers

from github_support import github_stub, repo  # noqa: E402

from generator import records  # noqa: E402
from generator.config import SiteConfig  # noqa: E402
from generator.data import feeds, github, starfile, stars, trending  # noqa: E402
from generator.data.starfile import Entry, Sample, StarData, thin  # noqa: E402
from generator.model import Feed, Link  # noqa: E402
from generator.site import pages  # noqa: E402

NAME = "trending"
SIZES = [1_000, 10_000]
BUDGET_RANK_SECONDS = 1.0
BUDGET_SAMPLE_MS = 5.0
YEAR_PAPERS = 1_000  # the samples file of this many papers, each sampled daily for a year
REPEATS = 3


def with_code(feed: Feed) -> Feed:
    """The corpus with a GitHub repository for every paper."""
    papers = [
        dataclasses.replace(p, links=(Link("code", f"https://github.com/bench/repo-{i:05d}"),))
        for i, p in enumerate(feed.papers)
    ]
    return Feed(tuple(papers), feed.tags)


def stars_of(path: str) -> int:
    return int(hashlib.sha256(path.encode()).hexdigest()[:6], 16) % 50_000


def sample(feed: Feed, out: Path) -> dict[str, float | int]:
    """Two daily runs against the stub: every repository answers 200, then (the same ETag) 304."""
    env = {**os.environ, "NO_PROXY": "127.0.0.1"}
    figures: dict[str, float | int] = {}
    with github_stub() as stub:
        stub.fallback = lambda path: repo(path.removeprefix("/repos/"), stars_of(path))
        env[github.API_ENV] = stub.base
        for label, day in (("200", dt.date(2025, 3, 14)), ("304", dt.date(2025, 3, 15))):
            client = github.Client(env)
            start = time.perf_counter()
            report = stars.run_local(feed, out, client, day, lambda line: None)
            seconds = time.perf_counter() - start
            assert report.asked == len(feed.papers) and not report.results.failed, report.summary
            figures[f"sample_{label}_seconds"] = round(seconds, 2)
            figures[f"sample_{label}_ms_each"] = round(1000 * seconds / max(1, report.asked), 2)
        figures["requests"] = len(stub.requests)
    figures["file_bytes_2_days"] = out.stat().st_size
    return figures


def year_of_samples(n: int) -> StarData:
    """n repositories sampled every day of a year, thinned as each daily run thins: the days kept are the
    same for every repository, so they are worked out once; the counts grow at each one's own rate."""
    today = dt.date(2025, 12, 31)
    kept: tuple[Sample, ...] = ()
    for days in range(364, -1, -1):
        day = today - dt.timedelta(days=days)
        kept = thin((Sample(day, 0), *kept), day)
    ages = [(today - s.day).days for s in kept]
    entries = {}
    for i in range(n):
        key = f"bench/repo-{i:05d}"
        base, rate = stars_of(key) // 10, 1 + i % 40
        samples = tuple(Sample(s.day, base + rate * (365 - age)) for s, age in zip(kept, ages, strict=True))
        entries[key] = Entry(key, samples, f'W/"{hashlib.sha256(key.encode()).hexdigest()}"')
    return StarData(entries)


def rank(feed: Feed, text: str) -> dict[str, float | int]:
    """What a build spends on trending: read the samples, rank, and write the page and the feed. The
    fastest of REPEATS runs, in CPU seconds (the machine is shared: wall time measures the neighbours)."""
    site = SiteConfig(site_name="bench", site_url="https://bench.example.org/repo/")
    best: dict[str, float] = {}
    sizes: dict[str, int] = {}
    for _ in range(REPEATS):
        wall, start = time.perf_counter(), time.process_time()
        data = starfile.parse(text, "stars.tsv", recent=True)  # as the build reads it
        parsed = time.process_time()
        trend = trending.rank(feed, data)
        ranked = time.process_time()
        builder = pages.SiteBuilder(feed, site, data)
        builder.__dict__["trend"] = trend  # the build's builder ranks once; its pages reuse the ranking
        page = builder.trending_page()
        rss = feeds.trending_feed(trend, site, feed.tags)
        done, wall = time.process_time(), time.perf_counter() - wall
        run = {
            "parse_cpu_seconds": parsed - start,
            "rank_cpu_seconds": ranked - parsed,
            "page_and_feed_cpu_seconds": done - ranked,
            "ranking_cpu_seconds": done - start,
            "ranking_wall_seconds": wall,
        }
        start = time.process_time()
        starfile.parse(text, "stars.tsv")  # all of it, as `paperfeed stars` reads it before a run
        run["full_parse_cpu_seconds"] = time.process_time() - start
        best = {k: min(v, best.get(k, v)) for k, v in run.items()}
        sizes = {"page_bytes": len(page.text.encode()), "feed_bytes": len(rss)}
    return {**{k: round(v, 4) for k, v in best.items()}, **sizes}


def run(corpus: Path, n: int) -> dict[str, float | int | str]:
    feed = with_code(records.load_feed(corpus))
    with tempfile.TemporaryDirectory(prefix="paperfeed-bench-stars-") as tmp:
        sampled = sample(feed, Path(tmp) / "stars.tsv")
    year = year_of_samples(len(feed.papers))
    text = starfile.dumps(year)
    ranking = rank(feed, text)
    per_1000 = len(starfile.dumps(year_of_samples(YEAR_PAPERS)).encode())
    ok = ranking["ranking_cpu_seconds"] <= BUDGET_RANK_SECONDS or n < 10_000
    ok = (
        ok
        and sampled["sample_200_ms_each"] <= BUDGET_SAMPLE_MS
        and sampled["sample_304_ms_each"] <= BUDGET_SAMPLE_MS
    )
    return {
        "n": n,
        **sampled,
        "file_bytes_1_year": len(text.encode()),
        "file_bytes_per_1000_papers_1_year": per_1000,
        "bytes_per_paper_per_day": round(per_1000 / YEAR_PAPERS / 365, 2),
        **ranking,
        "budget_rank_seconds": BUDGET_RANK_SECONDS,
        "budget_sample_ms_each": BUDGET_SAMPLE_MS,
        "budget_ok": ok,
    }


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    content = Path(sys.argv[1])
    result = run(content, int(sys.argv[2]) if len(sys.argv) == 3 else -1)
    for key, value in result.items():
        print(f"{key}: {value}")
    sys.exit(0 if result["budget_ok"] else 1)
