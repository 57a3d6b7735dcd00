"""The search index's chain of processes, run by a process of its own (pagefind_run.Indexing starts it).

The build itself then runs no thread beside MkDocs: a child is forked safely only where no other thread
runs (generator/forked.py), and the build forks the writer of its paper pages while Pagefind runs.

`python -m generator.site.pagefind_chain FOLDER NICENESS` runs the steps pickled in FOLDER/steps (with
the folder they run in), one after another, each with the steps beside it, if any, at once. It writes
FOLDER/log, a line for each process started (`start PID`) and, if a step fails, `error MESSAGE` (the
message as JSON), and exits 1 then. If the process that started it ends first, so do its steps.
"""

from __future__ import annotations

import importlib
import json
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from generator.site.pagefind_run import Step

PARENT_CHECK = 0.2  # seconds between two looks at whether the process that started the chain still runs


class Chain:
    """The steps under way, their log, and the first error."""

    def __init__(self, steps: Sequence[Step], cwd: Path, log: IO[str]) -> None:
        self.steps, self.cwd, self.log = list(steps), cwd, log
        self.error: str | None = None
        self._lock = threading.Lock()

    def run(self) -> bool:
        """Run every step, in order, until one fails; whether they all ran well."""
        for step in self.steps:
            if step.after is not None:
                _wait_for(Path(step.after))
            companions = [
                threading.Thread(target=self._run_step, args=(s,), daemon=True) for s in step.beside
            ]
            for companion in companions:
                companion.start()
            self._run_step(step)
            for companion in companions:
                companion.join()
            if self.error is not None:
                self.log.write(f"error {json.dumps(self.error)}\n")
                self.log.flush()
                return False
        return True

    def _run_step(self, step: Step) -> None:
        """Run one process to its end; its failure, the first one only, is kept as the chain's error."""
        if step.in_chain:
            self._run_here(step)
            return
        try:
            process = subprocess.Popen(
                step.command,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL if step.input is None else subprocess.PIPE,
                env=step.env,
                cwd=self.cwd,  # Pagefind reads a pagefind.yml of its working folder: this one has none
            )
        except OSError as err:
            self._fail(f"{step.failure}: {err}")
            return
        with self._lock:
            self.log.write(f"start {process.pid}\n")
            self.log.flush()
        raw_out, raw_err = process.communicate(step.input)
        if process.returncode:
            shown = (raw_err or raw_out).decode("utf-8", "replace").strip()
            self._fail(f"{step.failure}: {shown or f'exit status {process.returncode}'}")

    def _run_here(self, step: Step) -> None:
        """Run a step's module in this process (`python -m module arguments...` as module.run)."""
        with self._lock:
            self.log.write(f"start {os.getpid()}\n")
            self.log.flush()
        module, arguments = step.command[2], step.command[3:]
        try:
            error = importlib.import_module(module).run(arguments, step.input)
        except Exception as err:  # any failure of the step's is the chain's error, not its thread's end
            error = f"{type(err).__name__}: {err}"
        if error is not None:
            self._fail(f"{step.failure}: {error}")

    def _fail(self, message: str) -> None:
        with self._lock:
            self.error = self.error or message


def _wait_for(path: Path) -> None:
    """Wait until `path` exists: what the step needs that the build writes itself."""
    while not path.exists():
        time.sleep(0.01)


def _end_with(parent: int) -> None:
    """End the chain's processes (its process group) once `parent` is no longer this process's parent."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK)
    os.killpg(os.getpgrp(), signal.SIGKILL)


def main(argv: Sequence[str]) -> int:
    """The command line: FOLDER NICENESS."""
    if len(argv) != 2:
        print("usage: python -m generator.site.pagefind_chain FOLDER NICENESS", file=sys.stderr)
        return 2
    folder, niceness = Path(argv[0]), int(argv[1])
    if niceness:
        os.nice(niceness)  # before any step starts: each one inherits it
    if os.getpgrp() != os.getpid():  # run by hand: its group is its own, which _end_with ends
        os.setpgrp()
    parent = os.getppid()
    steps, cwd = pickle.loads((folder / "steps").read_bytes())
    threading.Thread(target=_end_with, args=(parent,), daemon=True).start()
    with open(folder / "log", "w", encoding="utf-8") as log:
        return 0 if Chain(steps, cwd, log).run() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
