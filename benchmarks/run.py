"""The one benchmark command: write synthetic corpora, run every benchmarks/bench_*.py, print one table.

    .venv/bin/python benchmarks/run.py [--sizes 1000,10000] [--only check,build] [--make-corpus PATH]

Exits 1 when a benchmark reports a broken budget (`budget_ok: False`) or fails. See benchmarks/README.md.
A benchmark with no SIZES needs no corpus: it runs once, and `--sizes` does not apply to it.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# The corpus writer lives beside the repository in this workplace, not in it: ../shared/bench/.
DEFAULT_MAKE_CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"

Result = dict[str, float | int | str]


@dataclass(frozen=True)
class Benchmark:
    name: str
    sizes: list[int]  # empty: no corpus, run() once, one row per result it returns
    run: Callable[..., Result | list[Result]]
    error: str = ""  # why the module could not be loaded

    @property
    def needs_corpus(self) -> bool:
        return bool(self.sizes)


def discover(folder: Path = HERE) -> list[Benchmark]:
    """Every bench_*.py of the folder, in name order; each exposes NAME, SIZES and run(corpus, n), or run()
    if SIZES is empty."""
    found = []
    for path in sorted(folder.glob("bench_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec is not None and spec.loader is not None
        module: ModuleType = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
            found.append(Benchmark(module.NAME, list(module.SIZES), module.run))
        except Exception as err:  # one broken module must not hide the others' figures
            error = f"{path.name} cannot be loaded: {type(err).__name__}: {err}"
            found.append(Benchmark(path.stem.removeprefix("bench_"), [], lambda: {}, error))
    return found


def make_corpus(script: Path, n: int, out: Path) -> float:
    """Write an n-record content tree to `out` with the corpus script; the seconds it took."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, str(script), "--papers", str(n), "--out", str(out)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def table(rows: list[tuple[str, int, str, str]]) -> str:
    header = ("benchmark", "papers", "budget", "figures")
    cells = [header, *[(name, f"{n:,}" if n else "-", budget, figures) for name, n, budget, figures in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(3)]
    lines = [
        "  ".join([*(c.ljust(w) for c, w in zip(row[:3], widths, strict=True)), row[3]]) for row in cells
    ]
    lines.insert(1, "  ".join(["-" * w for w in widths] + ["-" * 7]))
    return "\n".join(line.rstrip() for line in lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", help="comma-separated corpus sizes for every benchmark [each one's SIZES]")
    parser.add_argument("--only", help="comma-separated benchmark names, e.g. check,build [all]")
    parser.add_argument(
        "--make-corpus",
        type=Path,
        default=DEFAULT_MAKE_CORPUS,
        help="the corpus writer make_corpus.py [../shared/bench/make_corpus.py from the repository root]",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT))  # the benchmarks import the generator package from this checkout
    benchmarks = discover()
    if args.only:
        wanted = [name.strip() for name in args.only.split(",") if name.strip()]
        unknown = sorted(set(wanted) - {b.name for b in benchmarks})
        if unknown:
            known = ", ".join(b.name for b in benchmarks)
            sys.exit(f"run.py: no benchmark named {', '.join(unknown)}; the benchmarks are: {known}")
        benchmarks = [b for b in benchmarks if b.name in wanted]
    sizes_override = [int(s) for s in args.sizes.split(",")] if args.sizes else None
    plan = [
        (b, [] if b.error or not b.needs_corpus else sorted(sizes_override or b.sizes)) for b in benchmarks
    ]
    if any(sizes for _, sizes in plan) and not args.make_corpus.is_file():
        sys.exit(f"run.py: the corpus writer is not at {args.make_corpus}; give its path with --make-corpus")

    rows: list[tuple[str, int, str, str]] = []
    failed = False
    with tempfile.TemporaryDirectory(prefix="paperfeed-bench-") as tmp:
        corpora: dict[int, Path] = {}
        for n in sorted({n for _, sizes in plan for n in sizes}):
            corpora[n] = Path(tmp) / f"corpus-{n}"
            seconds = make_corpus(args.make_corpus, n, corpora[n])
            print(f"corpus of {n:,} papers written in {seconds:.1f} s", file=sys.stderr, flush=True)
        for bench, sizes in plan:
            if bench.error:
                rows.append((bench.name, 0, "ERROR", bench.error))
                failed = True
                continue
            # smallest first: a benchmark may compare a size with the one before it; 0 is "no corpus"
            for n in sizes if bench.needs_corpus else [0]:
                print(
                    f"running {bench.name}" + (f" at {n:,} papers" if n else ""), file=sys.stderr, flush=True
                )
                try:
                    returned = bench.run(corpora[n], n) if n else bench.run()
                except (Exception, SystemExit) as err:
                    traceback.print_exc()
                    rows.append((bench.name, n, "ERROR", f"{type(err).__name__}: {err}"))
                    failed = True
                    continue
                for result in returned if isinstance(returned, list) else [returned]:
                    figures_of = dict(result)
                    ok = figures_of.pop("budget_ok", True)
                    failed = failed or not ok
                    figures = " ".join(f"{key}={value}" for key, value in figures_of.items())
                    rows.append((bench.name, n, "ok" if ok else "BROKEN", figures))
    print(table(rows))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
