"""Benchmark: `paperfeed check --content CORPUS` in a fresh process; budget 3 s and 300 MB at 10,000 papers.

Run it alone as `python benchmarks/bench_check.py CONTENT_DIR N`, or through benchmarks/run.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

NAME = "check"
SIZES = [1_000, 10_000]
BUDGET_SECONDS = 3.0
BUDGET_MB = 300
REPEATS = 3


def _command() -> list[str]:
    """The `paperfeed` console script of this Python's environment, as a contributor runs it."""
    script = Path(sys.executable).parent / "paperfeed"
    return [str(script)] if script.exists() else [sys.executable, "-m", "generator.cli"]


def _timed(args: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak resident memory (MB) and output of one run; the memory is this child's alone."""
    start = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise RuntimeError(f"{' '.join(args)} exited {child.returncode}: {output.strip()[-500:]}")
    return seconds, round(usage.ru_maxrss / 1024), output  # Linux gives ru_maxrss in KB


def run(corpus: Path, n: int) -> dict[str, float | int | str]:
    """Best of three runs of a whole check (startup included, as CI pays it), and the startup alone."""
    runs = [_timed([*_command(), "check", "--content", str(corpus)]) for _ in range(REPEATS)]
    startup = min(_timed([*_command(), "--version"])[0] for _ in range(REPEATS))
    summary = runs[0][2].strip()
    if not summary.startswith(f"{n} papers, "):
        raise RuntimeError(f"expected {n} papers checked, got: {summary}")
    seconds = min(r[0] for r in runs)
    peak_mb = max(r[1] for r in runs)
    return {
        "papers": n,
        "seconds": round(seconds, 2),
        "seconds_runs": " ".join(f"{r[0]:.2f}" for r in runs),
        "startup_seconds": round(startup, 2),
        "us_per_paper": round((seconds - startup) / n * 1e6),
        "peak_mb": peak_mb,
        "budget": f"<= {BUDGET_SECONDS} s, <= {BUDGET_MB} MB",
        "budget_ok": seconds <= BUDGET_SECONDS and peak_mb <= BUDGET_MB,
    }


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    result = run(Path(sys.argv[1]), int(sys.argv[2]))
    for key, value in result.items():
        print(f"{key}: {value}")
    sys.exit(0 if result["budget_ok"] else 1)
