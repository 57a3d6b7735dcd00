"""`paperfeed serve` on a corpus, its real server on a free loopback port: from saving one abstract to the
served page showing the change, and from adding one new paper file to its page being served.

Budgets (issue 12), at 10,000 papers: save -> served at most 3 s, new file -> served at most 5 s. Each is
measured from the moment the file is written to the first response that shows it (polled every 50 ms), so
it includes the server noticing the change and the whole rebuild; the CPU seconds the server used meanwhile
are printed beside (on a shared machine, the figure the load changes least). The search index is made
again in the background after each rebuild; each measure starts once it is done.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import corpus_config

NAME = "serve"
SIZES = [1000, 10000]
ROOT = Path(__file__).resolve().parent.parent
SAVE_MAX = 3.0
NEW_FILE_MAX = 5.0
SAVES = 3  # abstracts saved, one after another
READY = "Search index: up to date"  # generator/site/reindex.py's line when the index is in place
STARTED = "Serving on"
FIRST_BUILD_TIMEOUT = 900.0
CHANGE_TIMEOUT = 120.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return int(response.status), response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as err:
        return err.code, ""
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, ""


class Server:
    """`paperfeed serve` in its own process group, its log read line by line as it comes."""

    def __init__(self, config: Path, port: int) -> None:
        command = [sys.executable, "-m", "generator.cli", "serve", "-f", str(config)]
        self.process = subprocess.Popen(
            [*command, "--dev-addr", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    def wait_for(self, text: str, after: int, timeout: float) -> None:
        """Wait until a log line after the first `after` ones holds `text`."""
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines[after:]):
            if self.process.poll() is not None:
                raise SystemExit("paperfeed serve stopped:\n" + "".join(self.lines[-30:]))
            if time.monotonic() > deadline:
                raise SystemExit(f"no '{text}' within {timeout:.0f} s:\n" + "".join(self.lines[-30:]))
            time.sleep(0.05)

    def cpu(self) -> float:
        """CPU seconds MkDocs' process (paperfeed's child) has used so far; 0 where /proc cannot tell."""
        try:
            pid = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()[0]
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime

    def stop(self) -> None:
        for stop, wait in ((signal.SIGINT, 30), (signal.SIGKILL, 10)):
            if self.process.poll() is not None:
                break
            os.killpg(self.process.pid, stop)
            try:
                self.process.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
        self._reader.join(timeout=10)


def _until_served(url: str, text: str, start: float) -> float:
    """Seconds from `start` until `url` answers with a page that holds `text`."""
    while time.perf_counter() - start < CHANGE_TIMEOUT:
        status, page = _get(url)
        if status == 200 and text in page:
            return time.perf_counter() - start
        time.sleep(0.05)
    raise SystemExit(f"{url} did not show '{text}' within {CHANGE_TIMEOUT:.0f} s")


def _new_record(model: str, n: int) -> str:
    """A record like `model` (its day, tags, authors), with a title and no arXiv id of its own."""
    lines = [line for line in model.splitlines() if not line.startswith(("title:", "arxiv:"))]
    lines.insert(1, f'title: "A new paper number {n}: served fresh"')
    end = lines.index("---", 1)
    return "\n".join([*lines[: end + 1], "The abstract of a paper just added to the feed.", ""])


def run(corpus: Path, n: int) -> dict[str, float | int | str]:
    with tempfile.TemporaryDirectory(prefix="paperfeed-serve-") as tmp_name:
        tmp = Path(tmp_name)
        content = tmp / "content"
        shutil.copytree(corpus, content)
        port = _free_port()
        url = f"http://127.0.0.1:{port}/"
        server = Server(corpus_config.write(tmp, content, f"http://127.0.0.1:{port}/"), port)
        try:
            start = time.perf_counter()
            server.wait_for(STARTED, 0, FIRST_BUILD_TIMEOUT)
            first = time.perf_counter() - start
            server.wait_for(READY, 0, FIRST_BUILD_TIMEOUT)
            records = sorted((content / "papers").rglob("*.md"))
            record = records[len(records) // 2]
            page = f"{url}papers/{record.stem}/"
            text = record.read_text(encoding="utf-8")
            saves, save_seen, save_cpu = [], 0, []
            for i in range(SAVES):
                marker = f"Saved abstract number {i}"
                seen = save_seen = len(server.lines)
                start = time.perf_counter()
                cpu = server.cpu()
                record.write_text(text.replace("\n---\n", f"\n---\n{marker}. ", 1), encoding="utf-8")
                saves.append(_until_served(page, marker, start))
                save_cpu.append(server.cpu() - cpu)
                server.wait_for(READY, seen, CHANGE_TIMEOUT)
            new = record.parent / "a-new-paper-just-added.md"
            seen = len(server.lines)
            start, cpu = time.perf_counter(), server.cpu()
            new.write_text(_new_record(text, n), encoding="utf-8")  # on the day of the paper saved
            added = _until_served(f"{url}papers/{new.stem}/", f"A new paper number {n}", start)
            added_cpu = server.cpu() - cpu
            server.wait_for(READY, seen, CHANGE_TIMEOUT)
        finally:
            server.stop()

    def rebuild(after: int) -> str:
        """What the first rebuild after a change made and wrote, as its log line says."""
        found = [
            line.split("Rebuilt: ", 1)[1].strip() for line in server.lines[after:] if "Rebuilt: " in line
        ]
        return found[0].replace(" ", "_") if found else "none"

    return {
        "first_build_s": round(first, 1),
        "save_to_served_s": round(statistics.median(saves), 2),
        "save_max_s": round(max(saves), 2),
        "save_cpu_s": round(statistics.median(save_cpu), 2),
        "new_file_to_served_s": round(added, 2),
        "new_file_cpu_s": round(added_cpu, 2),
        "save_rebuilt": rebuild(save_seen),
        "new_file_rebuilt": rebuild(seen),
        "budget_ok": max(saves) <= SAVE_MAX and added <= NEW_FILE_MAX,
    }


if __name__ == "__main__":
    print(run(Path(sys.argv[1]), int(sys.argv[2])))
