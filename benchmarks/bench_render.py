"""Benchmark: the worst abstracts found, each at the 10,000-character limit; budget 50 ms of rendering each.

Run it alone as `python benchmarks/bench_render.py`, or through benchmarks/run.py (`--only render`). It needs
no corpus: each input is written here, and one row per input shows its time against the budget, and the
time `check` spends on it (its link reader and `abstract_problem`), against the same budget.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

from generator.records import abstract_links, abstracts
from generator.records.abstracts import MATH_CHARACTERS, MATH_FORMULAS

NAME = "render"
SIZES: list[int] = []  # no corpus
LIMIT = 10_000  # the longest abstract a record may have
BUDGET_MS = 50.0
REPEATS = 5
PAGE = "https://bench.example.org/papers/x/"


def _fill(unit: str | Callable[[int], str], prefix: str = "", suffix: str = "") -> str:
    """`prefix`, `unit` repeated (or unit(i) for i = 0, 1, ...), then `suffix`: LIMIT characters in all."""
    room = LIMIT - len(prefix) - len(suffix)
    parts, size, i = [], 0, 0
    while size < room:
        part = unit if isinstance(unit, str) else unit(i)
        parts.append(part)
        size, i = size + len(part), i + 1
    return prefix + "".join(parts)[:room] + suffix


def _nested(open_: str, close: str, room: int) -> str:
    """`open_` as deep as fits in `room` characters, then "x", then as many `close`."""
    k = (room - 1) // (len(open_) + len(close))
    return open_ * k + "x" + close * k


def _half(open_: str, close: str) -> str:
    """`open_` nested as deep as fits, then "x", then as many `close`, padded to LIMIT characters."""
    return _fill(" ", prefix=_nested(open_, close, LIMIT))


PROSE = (
    "We study $O(n^2)$ attention and propose a *linear* variant with rank $r \\ll n$, cutting cost to"
    " $O(nr)$; on **long-context** benchmarks it keeps 99\\% of the quality. Code: [repo](https://x.org/r)."
    " See `model.py` and \\(\\frac{a}{b}\\). "
)

WORST: dict[str, str] = {
    # What ordinary text costs at the limit, for scale.
    "prose with math": _fill(PROSE),
    # Brackets and links: Python-Markdown took 12 s for the first one.
    "[ run": _fill("["),
    "nested brackets": _half("[", "]"),
    "![ run": _fill("!["),
    "[![ run": _fill("[!["),
    "*[ run": _fill("*["),
    "[x]( unclosed": _fill("[x]("),
    "[a](b unclosed": _fill("[a](b"),
    "[a](< unclosed": _fill("[a](<"),
    "[[]() run": _fill("[[]()"),
    "( in a destination": _fill("(", prefix="[a]("),
    "link chain [a][b]": _fill(lambda i: f"[a{i}][a{i + 1}]"),
    "reference definitions": _fill(lambda i: f"[r{i}]: https://x.org/{i}\n"),
    "reference uses": _fill("[r]", prefix="[r]: https://x.org/\n\n"),
    # Emphasis.
    "* run": _fill("*"),
    "_ run": _fill("_"),
    "*a run": _fill("*a"),
    "a*** run": _fill("a***"),
    "a***_b__ run": _fill("a***_b__"),
    "[*_a run": _fill("[*_a"),
    "_* run": _fill("_*"),
    "nested emphasis": _half("*", "*"),
    "nested strong and em": _half("*_", "_*"),
    # Code, HTML and entities.
    "` run": _fill("`"),
    "`a run": _fill("`a"),
    "backtick ladder": _fill(lambda i: "`" * (i + 1) + " "),
    "< run": _fill("<"),
    "<a run": _fill("<a"),
    "<!-- run": _fill("<!--"),
    "unclosed <em title> per paragraph": _fill(lambda i: f"<em title={i}><p>x"),
    "unclosed <b id> per paragraph": _fill(lambda i: f"<b id={i}><p>x"),
    "<s title><table> run": _fill(lambda i: f"<s title={i}><table>"),
    "nested <sub>": _fill("<sub>"),
    "<div> lines": _fill("<div>\n"),
    "& run": _fill("&"),
    "&# run": _fill("&#"),
    "\\ run": _fill("\\"),
    # Blocks: lists and quotes nested on one line, deep indented lists, many lines.
    "> run": _fill(">"),
    "> - nesting": _fill("> - ", suffix="x"),
    "- nesting": _fill("- ", suffix="x"),
    "1. nesting": _fill("1. ", suffix="x"),
    "indented list ladder": _fill(lambda i: "  " * i + "- x\n"),
    "softbreak lines": _fill("a\n"),
    "hard breaks": _fill("a  \n"),
    "setext headings": _fill("a\n=\n"),
    "| run": _fill("|"),
    # Math.
    "$ run": _fill("$"),
    "$a run": _fill("$a"),
    "$a $ formulas": _fill("$a $"),
    "$$ run": _fill("$$"),
    "\\( unclosed": _fill("\\("),
    "\\[ unclosed": _fill("\\["),
    "one long formula": _fill("x", prefix="$", suffix="$"),
    "formula x_a^b": _fill("x_a^b", prefix="$", suffix="$"),
    # Math at the budget (past it, formulas are not converted and cost nothing).
    "formulas at the budget": _fill(lambda i: f"${'x+' * 9}y$ " if i < MATH_FORMULAS else "w "),
    "formula at the budget": _fill(" w", prefix="$" + "x" * MATH_CHARACTERS + "$"),
    "nested braces at the budget": _fill(" w", prefix=f"${_nested('{', '}', MATH_CHARACTERS)}$"),
    "nested powers at the budget": _fill(" w", prefix=f"${_nested('x^{', '}', MATH_CHARACTERS)}$"),
    "matrix at the budget": _fill(
        " w", prefix="$\\begin{matrix}" + "a\\\\" * ((MATH_CHARACTERS - 30) // 3) + "\\end{matrix}$"
    ),
    "\\hspace formulas": _fill("$\\hspace{1000em}$ "),
}


def work(text: str) -> None:
    """What a build does with one abstract: its page, its card, its descriptions, its feed entry."""
    abstracts.render(text)
    abstracts.excerpt_html(text)
    abstracts.excerpt(text, 200)
    abstracts.plain_text(text)
    abstracts.sanitize(abstracts.render(text), base=PAGE)


def check(text: str) -> None:
    """What `check` does with one abstract beyond its length: read its links, look for a render problem."""
    list(abstract_links.destinations(text))
    abstracts.abstract_problem(text)


def timed(text: str, job: Callable[[str], None] = work) -> list[float]:
    """Milliseconds of `job`, once per repeat, every cache emptied first."""
    times = []
    for _ in range(REPEATS):
        abstracts.clear_caches()
        start = time.perf_counter()
        job(text)
        times.append((time.perf_counter() - start) * 1000)
    return times


def run() -> list[dict[str, float | int | str]]:
    """One row per worst input: the fastest of REPEATS runs (the machine is shared, so the fastest is the
    input's own cost) against the budget, and the median."""
    rows: list[dict[str, float | int | str]] = []
    for name, text in WORST.items():
        assert len(text) == LIMIT, f"{name}: {len(text)} characters"
        times, checks = timed(text), timed(text, check)
        rows.append(
            {
                "input": name,
                "ms": round(min(times), 1),
                "median_ms": round(statistics.median(times), 1),
                "check_ms": round(min(checks), 1),
                "budget_ms": BUDGET_MS,
                "budget_ok": max(min(times), min(checks)) <= BUDGET_MS,
            }
        )
    return rows


if __name__ == "__main__":
    results = run()
    width = max(len(str(row["input"])) for row in results)
    for row in results:
        verdict = "ok" if row["budget_ok"] else "OVER"
        print(
            f"{row['input']!s:{width}}  {row['ms']:6.1f} ms  (median {row['median_ms']:5.1f})"
            f"  check {row['check_ms']:5.1f} ms  {verdict}"
        )
    sys.exit(0 if all(row["budget_ok"] for row in results) else 1)
