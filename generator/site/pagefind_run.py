"""Pagefind's runs for one index, beside the build: one run, or one per shard of the documents and then
their merge, one process after another (two at once would add up their memory, which is what the shards are
for), run by a process of their own (pagefind_chain.py). `start` it, `wait` for it, or `cancel` it; `stop`
only asks it to end."""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
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
    stdin (none: nothing), the steps run `beside` it (started with it, waited for with it), and a file it
    needs that the build writes itself, which the chain waits for (`after`: its path)."""

    command: list[str]
    failure: str
    env: dict[str, str]
    input: bytes | None = None
    beside: tuple[Step, ...] = ()
    after: str | None = None
    in_chain: bool = False  # a module run by the chain's own process, as module.run(arguments, input)


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


MERGE_FAILURE = (
    "the search index's bundles could not be merged"  # what a failed merge, or preparing, is called
)


def merge_step(bundles: Sequence[Path], output: Path) -> Step:
    """The merge of Pagefind's bundles into the index (generator/site/pagefind_merge.py), in a Python
    process of its own: its memory is not the build's, and it runs on the other core."""
    return python_step(
        "generator.site.pagefind_merge",
        [str(output), *map(str, bundles)],
        MERGE_FAILURE,
    )


def prepare_step(bundle: Path) -> Step:
    """A bundle prepared for the merge (pagefind_merge.prepare), by the chain's own process (a process of
    its own took 0.15 CPU-seconds to start): the chain runs it beside Pagefind's run over the next shard,
    which leaves the merge the last bundle's words to prepare."""
    return python_step(
        "generator.site.pagefind_merge",
        ["--prepare", str(bundle)],
        MERGE_FAILURE,
        in_chain=True,
    )


def python_step(
    module: str, arguments: list[str], failure: str, input: bytes | None = None, in_chain: bool = False
) -> Step:
    """A module of paperfeed run as a process of the chain (`python -m module arguments...`), or by the
    chain's own process (`in_chain`: `module.run(arguments, input)`, which says why it failed)."""
    # The same paperfeed as this process's, wherever it is imported from.
    root = str(Path(generator.__file__).resolve().parent.parent)
    path = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    env = {**_environment(), "PYTHONPATH": path}
    return Step([sys.executable, "-m", module, *arguments], failure, env, input, in_chain=in_chain)


def _environment() -> dict[str, str]:
    # Pagefind reads PAGEFIND_* variables as options; only the ones given here may change the index.
    return {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}


class Indexing:
    """The chain of processes under way, run by a process of its own (pagefind_chain.py): the build
    starts it and goes on, with no thread of its own."""

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
        self._stopped = False
        self._ended: list[str] | None = None  # the log, once the chain has ended and its folder is gone
        if output.exists():
            shutil.rmtree(output)
        self._folder = Path(tempfile.mkdtemp(prefix="paperfeed-chain-"))
        try:
            (self._folder / "steps").write_bytes(pickle.dumps((self.steps, cwd), pickle.HIGHEST_PROTOCOL))
            chain = python_step("generator.site.pagefind_chain", [str(self._folder), str(niceness)], "")
            with open(self._folder / "stderr", "wb") as stderr:
                # A session of its own: stop() ends the chain and every process it started at once.
                self._driver = subprocess.Popen(
                    chain.command,
                    env=chain.env,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,
                    start_new_session=True,
                )
        except BaseException:
            shutil.rmtree(self._folder, ignore_errors=True)
            raise

    @classmethod
    def start(cls, source: Path, output: Path, language: str = "en") -> Indexing:
        """Start indexing every document under `source` into `output` (which is replaced): one run of
        Pagefind, into a temporary bundle, and the merge that orders it."""
        tmp = tempfile.TemporaryDirectory(prefix="paperfeed-search-")
        bundle = Path(tmp.name) / "bundle"
        steps = [pagefind_step(source, bundle, language), merge_step([bundle], output)]
        return cls(steps, output, source if source.is_dir() else source.parent, tmp.cleanup)

    def started(self) -> list[int]:
        """The process ids of the chain's steps started so far, in order."""
        return [int(line.split()[1]) for line in self._log() if line.startswith("start ")]

    @property
    def ran(self) -> int:
        """How many processes the chain started."""
        return len(self.started())

    def _log(self) -> list[str]:
        if self._ended is not None:
            return self._ended
        try:
            return (self._folder / "log").read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:  # not written yet
            return []

    def stop(self) -> None:
        """Ask the chain to end, at once: the process under way is killed and no other starts."""
        self._stopped = True
        with contextlib.suppress(ProcessLookupError, PermissionError):  # (it has ended already)
            os.killpg(self._driver.pid, signal.SIGKILL)

    def _end(self) -> str | None:
        """Wait for the chain's process and clean up: why it failed (None: it did not)."""
        try:
            code = self._driver.wait()
            errors = [json.loads(line[6:]) for line in self._log() if line.startswith("error ")]
            if errors or code == 0 or self._stopped:
                return str(errors[0]) if errors else None
            shown = (self._folder / "stderr").read_text(encoding="utf-8", errors="replace").strip()
            return f"the search index's chain of processes failed: {shown or f'exit status {code}'}"
        finally:
            self._ended = self._log()
            shutil.rmtree(self._folder, ignore_errors=True)
            self.cleanup()

    def wait(self) -> None:
        """Wait for the chain, then keep only what the site loads."""
        error = self._end()
        if error is not None and not self._stopped:
            raise SearchIndexError(error)
        if self._stopped:
            raise SearchIndexError("the search index was stopped before it was done")
        _prune(self.output)

    def cancel(self) -> None:
        """Stop the chain (the build failed), wait for it to end, and remove what it was given."""
        self.stop()
        self._end()


def _prune(output: Path) -> None:
    """Delete what no page loads: the unused files, and the word stemmers of languages not indexed."""
    entry = json.loads((output / "pagefind-entry.json").read_text(encoding="utf-8"))
    stemmers = {f"wasm.{language['wasm']}.pagefind" for language in entry["languages"].values()}
    for path in output.iterdir():
        stemmer = path.name.startswith("wasm.") and path.name not in stemmers
        if stemmer or path.name in UNUSED_OUTPUT or path.name.startswith(UNUSED_PREFIXES):
            path.unlink()
