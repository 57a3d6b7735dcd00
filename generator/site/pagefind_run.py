"""Pagefind's runs for one index, in a thread beside the build: one run, or one per shard of the documents
and then their merge, one process after another (two at once would add up their memory, which is what the
shards are for). `start` it, `wait` for it, or `cancel` it; `stop` only asks it to end."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import generator
from generator.errors import PaperfeedError

# What Pagefind writes that the site's search script never loads: its ready-made interfaces, and its web
# worker (the script searches on the page's own thread: see theme/assets/javascripts/paperfeed-search-ui.js).
UNUSED_PREFIXES = ("pagefind-ui", "pagefind-modular-ui", "pagefind-component-ui", "pagefind-highlight")
UNUSED_OUTPUT = ("pagefind-worker.js",)


class SearchIndexError(PaperfeedError):
    """The search index could not be built; the message says why."""


def pagefind_binary() -> Path:
    """The `pagefind` executable that the pagefind-bin wheel ships."""
    try:
        import pagefind_bin  # type: ignore[import-untyped]
    except ImportError:
        raise SearchIndexError("the search index needs pagefind-bin: pip install pagefind-bin") from None
    try:
        return Path(pagefind_bin.get_executable())
    except FileNotFoundError as err:
        raise SearchIndexError(f"pagefind-bin is installed without its binary: {err}") from None


@dataclass(frozen=True)
class Step:
    """One process of the chain: its command, what its failure is called in the error, what it reads on
    stdin (none: nothing), and a step run `beside` it (started with it, waited for with it)."""

    command: list[str]
    failure: str
    env: dict[str, str]
    input: bytes | None = None
    beside: Step | None = None


def pagefind_step(source: Path, output: Path, language: str, glob: str | None = None, what: str = "") -> Step:
    """Pagefind over the documents under `source` (those that `glob` matches, if given) into `output`."""
    command = [
        str(pagefind_binary()),
        "--site", str(source),
        "--output-path", str(output),
        "--force-language", language,
        "--silent",
    ]  # fmt: skip
    if glob is not None:
        command += ["--glob", glob]
    return Step(command, f"pagefind could not build the search index{what}", _environment())


def merge_step(bundles: Sequence[Path], output: Path) -> Step:
    """The merge of Pagefind's bundles into the index (generator/site/pagefind_merge.py), in a Python
    process of its own: its memory is not the build's, and it runs on the other core."""
    return python_step(
        "generator.site.pagefind_merge",
        [str(output), *map(str, bundles)],
        "the search index's bundles could not be merged",
    )


def python_step(module: str, arguments: list[str], failure: str, input: bytes | None = None) -> Step:
    """A module of paperfeed run as a process of the chain (`python -m module arguments...`)."""
    # The same paperfeed as this process's, wherever it is imported from.
    root = str(Path(generator.__file__).resolve().parent.parent)
    path = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    env = {**_environment(), "PYTHONPATH": path}
    return Step([sys.executable, "-m", module, *arguments], failure, env, input)


def _environment() -> dict[str, str]:
    # Pagefind reads PAGEFIND_* variables as options; only the ones given here may change the index.
    return {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}


class Indexing:
    """The chain of processes under way, in a thread of its own."""

    def __init__(
        self,
        steps: Sequence[Step],
        output: Path,
        cwd: Path,
        cleanup: Callable[[], None] = lambda: None,
        niceness: int = 0,
    ) -> None:
        self.steps = list(steps)
        self.output = output
        self.cleanup = cleanup
        self._cwd = cwd  # Pagefind reads a pagefind.yml of its working folder: this one has none
        self._niceness = niceness
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None  # the step under way (not one beside it)
        self._running: set[subprocess.Popen[bytes]] = set()
        self._stopped = False
        self._error: str | None = None
        self.ran = 0  # how many processes the chain started
        if output.exists():
            shutil.rmtree(output)
        self._thread = threading.Thread(target=self._run, name="paperfeed-pagefind", daemon=True)
        self._thread.start()

    @classmethod
    def start(cls, source: Path, output: Path, language: str = "en") -> Indexing:
        """Start indexing every document under `source` into `output` (which is replaced): one run of
        Pagefind, into a temporary bundle, and the merge that orders it."""
        tmp = tempfile.TemporaryDirectory(prefix="paperfeed-search-")
        bundle = Path(tmp.name) / "bundle"
        steps = [pagefind_step(source, bundle, language), merge_step([bundle], output)]
        return cls(steps, output, source if source.is_dir() else source.parent, tmp.cleanup)

    @property
    def process(self) -> subprocess.Popen[bytes] | None:
        """The process under way, if any."""
        return self._process

    def _run(self) -> None:
        for step in self.steps:
            companion = None
            if step.beside is not None:
                companion = threading.Thread(target=self._run_step, args=(step.beside, False), daemon=True)
                companion.start()
            ok = self._run_step(step, True)
            if companion is not None:
                companion.join()
            if not ok or self._error is not None:
                return

    def _run_step(self, step: Step, primary: bool) -> bool:
        """Run one process to its end; False (the error kept, the first one only) if it failed."""
        with self._lock:
            if self._stopped:
                return False
            try:
                process = subprocess.Popen(
                    step.command,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    stdin=subprocess.DEVNULL if step.input is None else subprocess.PIPE,
                    env=step.env,
                    cwd=self._cwd,
                )
            except OSError as err:
                self._error = self._error or f"{step.failure}: {err}"
                return False
            self._running.add(process)
            if primary:
                self._process = process
            self.ran += 1
        if self._niceness:
            with contextlib.suppress(OSError):  # it may have ended already
                os.setpriority(os.PRIO_PROCESS, process.pid, self._niceness)
        raw_out, raw_err = process.communicate(step.input)
        stdout, stderr = raw_out.decode("utf-8", "replace"), raw_err.decode("utf-8", "replace")
        with self._lock:
            self._running.discard(process)
            if primary:
                self._process = None
            if process.returncode and not self._stopped and self._error is None:
                shown = (stderr or stdout).strip() or f"exit status {process.returncode}"
                self._error = f"{step.failure}: {shown}"
        return not process.returncode

    def stop(self) -> None:
        """Ask the chain to end, at once: the process under way is killed and no other starts."""
        with self._lock:
            self._stopped = True
            for process in self._running:
                if process.poll() is None:
                    process.kill()

    def wait(self) -> None:
        """Wait for the chain, then keep only what the site loads."""
        try:
            self._thread.join()
        finally:
            self.cleanup()
        if self._error is not None:
            raise SearchIndexError(self._error)
        if self._stopped:
            raise SearchIndexError("the search index was stopped before it was done")
        _prune(self.output)

    def cancel(self) -> None:
        """Stop the chain (the build failed), wait for its thread, and remove what it was given."""
        self.stop()
        self._thread.join()
        self.cleanup()


def _prune(output: Path) -> None:
    """Delete what no page loads: the unused files, and the word stemmers of languages not indexed."""
    entry = json.loads((output / "pagefind-entry.json").read_text(encoding="utf-8"))
    stemmers = {f"wasm.{language['wasm']}.pagefind" for language in entry["languages"].values()}
    for path in output.iterdir():
        stemmer = path.name.startswith("wasm.") and path.name not in stemmers
        if stemmer or path.name in UNUSED_OUTPUT or path.name.startswith(UNUSED_PREFIXES):
            path.unlink()
