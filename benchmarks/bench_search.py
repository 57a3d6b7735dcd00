"""Search and page-weight benchmark: the built site served on loopback and measured in Chromium.

Budgets (issue 11), at 10,000 papers unless said otherwise:
- home page, first load: <= 200 KB fetched, search included;
- first query ("mamba selective"): <= 300 KB more, its first results on screen within 1 s, measured twice:
  typed all at once into a fresh page (cold: the search script and index load with the query), and typed
  key by key at 200 ms a key, every query on the way counted;
- a paper page: <= 12 KB, at 1,000 and 10,000 papers;
- the whole site: <= 20 KB of files per paper;
- the search index: <= 1 ms of build time per paper: the best of two builds with it less the best of two
  without it, in turn (Pagefind runs beside MkDocs writing the pages, so its own time is not the figure);
  what the build itself reports it waited for the index is printed too.

Bytes fetched are what crosses the network, counted by Chromium (CDP Network.loadingFinished), from a server
that compresses text as GitHub Pages does (gzip); the uncompressed total is printed beside it.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import corpus_config

NAME = "search"
SIZES = [1000, 10000]
ROOT = Path(__file__).resolve().parent.parent
QUERY = "mamba selective"
HOME_MAX = 200_000
QUERY_MAX = 300_000
FIRST_RESULTS_MAX_S = 1.0
PAPER_PAGE_MAX = 12_000
SITE_PER_PAPER_MAX = 20_000
INDEX_MS_PER_PAPER_MAX = 1.0
KEY_DELAY_MS = 200  # an ordinary typist: a query at nearly every key, the most bytes
# What GitHub Pages compresses; Pagefind's own files are compressed already.
COMPRESSED = {".html", ".css", ".js", ".json", ".xml", ".svg", ".txt"}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]


# `mkdocs build` with the search index left out (its start replaced by "nothing to index"), to time what
# the index adds to a build: Pagefind runs beside MkDocs writing the pages, so its own time is not that.
WITHOUT_INDEX = (
    "import sys; from generator.site import search; search.start_index = lambda *a, **k: (0, None); "
    "from mkdocs.__main__ import cli; sys.argv[0] = 'mkdocs'; cli()"
)


def build(corpus: Path, tmp: Path, site: Path, index: bool = True, root: Path = ROOT) -> tuple[float, float]:
    """Build the corpus into `site` with `root`'s mkdocs.yml and theme: the seconds it took, and the seconds
    the build reports the index added (writing its documents, and waiting for Pagefind at the end)."""
    config = corpus_config.write(tmp, corpus, root=root)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    python = [sys.executable, "-m", "mkdocs"] if index else [sys.executable, "-c", WITHOUT_INDEX]
    command = [*python, "build", "--strict", "-f", str(config), "-d", str(site)]
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=root, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"build of {corpus} failed (exit {done.returncode}):\n{done.stderr}")
    reported = re.search(r"Search index of (\d+) pages: it added ([\d.]+) seconds", done.stderr)
    if not reported or (int(reported.group(1)) > 0) != index:
        raise SystemExit(f"the build did not report the search index expected:\n{done.stderr}")
    return seconds, float(reported.group(2))


def added_seconds(corpus: Path, tmp: Path, first: float, runs: int = 2) -> float:
    """What the index adds to a build: the best of `runs` builds with it (`first` is one) less the best of
    as many without it, taken in turn (the machine is shared, and its load changes)."""
    with_index, without = [first], []
    for i in range(runs):
        without.append(build(corpus, tmp, tmp / "timed", index=False)[0])
        if i + 1 < runs:
            with_index.append(build(corpus, tmp, tmp / "timed")[0])
    return min(with_index) - min(without)


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files, text gzipped when the browser accepts it (as GitHub Pages serves them)."""

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.is_file() and path.suffix in COMPRESSED):
            return super().send_head()
        if not self.path.split("?", 1)[0].endswith("/") and path.name == "index.html":
            return super().send_head()  # the directory redirect
        body = _gzipped(str(path), path.stat().st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _Body(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@functools.lru_cache(maxsize=4096)
def _gzipped(path: str, _mtime: int) -> bytes:
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, *_: Any) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    handler = functools.partial(_Handler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class Traffic:
    """Bytes that crossed the network (encoded) and their uncompressed size, per URL, as Chromium counts."""

    # A plain class: run.py loads benchmarks without registering them as modules, which dataclasses need.
    def __init__(self) -> None:
        self.urls: dict[str, str] = {}
        self.encoded: dict[str, int] = {}
        self.decoded: dict[str, int] = {}

    def attach(self, cdp: Any) -> None:
        cdp.on(
            "Network.requestWillBeSent", lambda e: self.urls.__setitem__(e["requestId"], e["request"]["url"])
        )
        cdp.on("Network.dataReceived", self._data)
        cdp.on(
            "Network.loadingFinished",
            lambda e: self.encoded.__setitem__(e["requestId"], e["encodedDataLength"]),
        )
        cdp.send("Network.enable")

    def _data(self, event: dict[str, Any]) -> None:
        self.decoded[event["requestId"]] = self.decoded.get(event["requestId"], 0) + event["dataLength"]

    def mark(self) -> set[str]:
        return set(self.encoded)

    def since(self, mark: set[str]) -> tuple[int, int, list[str]]:
        ids = [i for i in self.encoded if i not in mark]
        return (
            sum(self.encoded[i] for i in ids),
            sum(self.decoded.get(i, 0) for i in ids),
            [self.urls.get(i, "?") for i in ids],
        )


def _browser_page(playwright: Any) -> tuple[Any, Any, Traffic]:
    browser = playwright.chromium.launch(
        executable_path=os.environ.get("PAPERFEED_CHROMIUM", "/usr/bin/chromium"), args=CHROMIUM_ARGS
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    traffic = Traffic()
    traffic.attach(context.new_cdp_session(page))
    return browser, page, traffic


def _results_shown(page: Any) -> None:
    page.wait_for_function(
        "(q) => document.querySelector('.pf-search__input').value === q"
        " && document.querySelectorAll('.pf-result').length > 0"
        " && !document.querySelector('.pf-search__status').textContent.startsWith('Loading')",
        arg=QUERY,
        timeout=30_000,
    )


def measure(url: str, typed: bool) -> dict[str, Any]:
    """Home page first load, then the query: bytes fetched for each, and how long its results took."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser, page, traffic = _browser_page(playwright)
        page.goto(url, wait_until="networkidle")
        home, home_raw, _ = traffic.since(set())
        before = traffic.mark()
        box = page.locator(".pf-search__input")
        if typed:
            box.focus()
            box.press_sequentially(QUERY, delay=KEY_DELAY_MS)
            start = time.perf_counter()  # from the last key
        else:
            start = time.perf_counter()  # from focus, with the query typed at once
            box.focus()
            box.fill(QUERY)
        _results_shown(page)
        seconds = time.perf_counter() - start
        page.wait_for_load_state("networkidle")
        query, query_raw, fetched = traffic.since(before)
        results = page.locator(".pf-result").count()
        browser.close()
    return {
        "home": home,
        "home_raw": home_raw,
        "query": query,
        "query_raw": query_raw,
        "seconds": seconds,
        "requests": len(fetched),
        "results": results,
    }


def by_folder(site: Path, files: list[Path], n: int, top: int = 8) -> str:
    """Bytes per paper in each top-level folder of the site (files at its root as "root"), largest first:
    where a site over its budget spends them."""
    folders: dict[str, int] = {}
    for f in files:
        parts = f.relative_to(site).parts
        folder = parts[0] if len(parts) > 1 else "root"
        folders[folder] = folders.get(folder, 0) + f.stat().st_size
    largest = sorted(folders.items(), key=lambda item: (-item[1], item[0]))[:top]
    return ",".join(f"{name}_{size / n / 1000:.2f}" for name, size in largest)


def site_figures(site: Path, n: int) -> dict[str, Any]:
    files = [f for f in site.rglob("*") if f.is_file()]
    papers = [f for f in (site / "papers").glob("*/index.html")]
    largest = max(papers, key=lambda f: f.stat().st_size)
    return {
        "site_bytes": sum(f.stat().st_size for f in files),
        "per_paper": sum(f.stat().st_size for f in files) / n,
        "paper_max": largest.stat().st_size,
        "paper_max_name": largest.parent.name,
        "index_bytes": sum(f.stat().st_size for f in (site / "pagefind").rglob("*") if f.is_file()),
        "index_files": sum(1 for f in (site / "pagefind").rglob("*") if f.is_file()),
        "by_folder": by_folder(site, files, n),
    }


def _kb(value: float) -> str:
    return f"{value / 1000:.1f}KB"


def run(corpus: Path, n: int) -> dict[str, float | int | str]:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        build_s, waited_s = build(corpus, tmp, tmp / "site")
        site = site_figures(tmp / "site", n)
        with serve(tmp / "site") as url:
            cold = measure(url, typed=False)
            typed = measure(url, typed=True)
        added_s = added_seconds(corpus, tmp, build_s)
    ms_per_paper = added_s * 1000 / n
    result: dict[str, float | int | str] = {
        "paper_page": f"{_kb(site['paper_max'])}/{_kb(PAPER_PAGE_MAX)}",
        "site_per_paper": f"{_kb(site['per_paper'])}/{_kb(SITE_PER_PAPER_MAX)}",
        "site_mb": round(site["site_bytes"] / 1e6, 1),
        "site_kb_per_paper_by_folder": site["by_folder"],
        "index_added_ms_per_paper": f"{ms_per_paper:.2f}/{INDEX_MS_PER_PAPER_MAX:.0f}",
        "index_waited_ms_per_paper": f"{waited_s * 1000 / n:.2f}",
        "load_avg": f"{os.getloadavg()[0]:.1f}",
        "index": f"{_kb(site['index_bytes'])}_in_{site['index_files']}_files",
        "build_s": round(build_s, 1),
    }
    ok = site["paper_max"] <= PAPER_PAGE_MAX
    if n >= 10000:
        ok = ok and site["per_paper"] <= SITE_PER_PAPER_MAX and ms_per_paper <= INDEX_MS_PER_PAPER_MAX
        ok = ok and cold["home"] <= HOME_MAX
        for run_ in (cold, typed):
            ok = ok and run_["query"] <= QUERY_MAX and run_["seconds"] <= FIRST_RESULTS_MAX_S
    result |= {
        "home": f"{_kb(cold['home'])}/{_kb(HOME_MAX)}(raw_{_kb(cold['home_raw'])})",
        "query_cold": f"{_kb(cold['query'])}/{_kb(QUERY_MAX)}(raw_{_kb(cold['query_raw'])})",
        "first_results_cold": f"{cold['seconds']:.2f}s/{FIRST_RESULTS_MAX_S:.0f}s",
        "query_typed": f"{_kb(typed['query'])}/{_kb(QUERY_MAX)}(raw_{_kb(typed['query_raw'])})",
        "results_after_last_key": f"{typed['seconds']:.2f}s/{FIRST_RESULTS_MAX_S:.0f}s",
        "results": cold["results"],
    }
    result["budget_ok"] = ok
    return result


if __name__ == "__main__":
    print(run(Path(sys.argv[1]), int(sys.argv[2])))
