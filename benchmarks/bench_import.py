"""Benchmark: `paperfeed import` of one page of 100 new papers into a corpus, in a fresh process; budget 10 s
at 10,000 papers (the run checks the whole feed twice: before, and with the new records).

A loopback HTTP server stands in for the arXiv API (with no wait between requests: the 3 s arXiv asks for
are not paperfeed's time). Run it alone as `python benchmarks/bench_import.py CONTENT_DIR N`, or through
benchmarks/run.py; it works on a copy, so the corpus stays as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

NAME = "import"
SIZES = [1_000, 10_000]
BUDGET_SECONDS = 10.0
PAPERS = 100
QUERY = "cat:cs.LG"


def _entry(i: int) -> str:
    arxiv = f"2612.{90000 + i:05d}"
    when = f"2026-11-{1 + i % 28:02d}T{i % 24:02d}:00:00Z"
    abstract = (
        f"Benchmark paper {i} studies state space models and transformers for long sequences; it reports"
        " the efficiency of attention against linear-time recurrences on video and language benchmarks."
    )
    return (
        f"<entry><id>http://arxiv.org/abs/{arxiv}v1</id><published>{when}</published>"
        f"<title>{escape(f'A benchmark paper on sequence models, number {i}')}</title>"
        f"<summary>{escape(abstract)}</summary>"
        "<author><name>Ada Lovelace</name></author><author><name>Alan Turing</name></author></entry>"
    )


def _page() -> bytes:
    entries = "".join(_entry(i) for i in range(PAPERS))
    return (
        '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"'
        ' xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
        f"<opensearch:totalResults>{PAPERS}</opensearch:totalResults>"
        f"<opensearch:startIndex>0</opensearch:startIndex><opensearch:itemsPerPage>{PAPERS}"
        f"</opensearch:itemsPerPage>{entries}</feed>"
    ).encode()


def _serve(body: bytes) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/atom+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _command() -> list[str]:
    script = Path(sys.executable).parent / "paperfeed"
    return [str(script)] if script.exists() else [sys.executable, "-m", "generator.cli"]


def run(corpus: Path, n: int) -> dict[str, float | int | str]:
    server = _serve(_page())
    tags = sorted(
        line.split(":")[0] for line in (corpus / "tags.yml").read_text().splitlines() if line[:1].isalpha()
    )
    env = {
        **os.environ,
        "PAPERFEED_ARXIV_API": f"http://127.0.0.1:{server.server_address[1]}",
        "PAPERFEED_ARXIV_DELAY": "0",
        "NO_PROXY": "127.0.0.1",
    }
    try:
        with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
            content = Path(tmp) / "content"
            shutil.copytree(corpus, content)
            args = [*_command(), "import", "--content", str(content), "--query", QUERY, "--tag", tags[0]]
            args += ["--limit", str(PAPERS)]
            start = time.perf_counter()
            child = subprocess.Popen(
                args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
            )
            assert child.stdout is not None
            output = child.stdout.read()
            _, status, usage = os.wait4(child.pid, 0)  # this child's own CPU time and memory
            seconds = time.perf_counter() - start
    finally:
        server.shutdown()
        server.server_close()
    code = os.waitstatus_to_exitcode(status)
    if code or f"new {PAPERS}," not in output.split("\n", 1)[0]:
        raise RuntimeError(f"import failed ({code}): {output.strip()[-500:]}")
    return {
        "papers": n,
        "new": PAPERS,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),  # what a busy machine does not inflate
        "peak_mb": round(usage.ru_maxrss / 1024),
        "budget_ok": n < 10_000 or seconds <= BUDGET_SECONDS,
    }


if __name__ == "__main__":
    print(run(Path(sys.argv[1]), int(sys.argv[2])))
