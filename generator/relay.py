"""Run a child command and pass its output on, a Python traceback cut down to one line."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from collections.abc import Callable, Mapping, Sequence

TRACEBACK = "Traceback (most recent call last):"
# The lines that join two tracebacks of a chained exception: only the last exception is worth a line.
CHAINED = (
    "During handling of the above exception, another exception occurred:",
    "The above exception was the direct cause of the following exception:",
)


class TracebackFilter:
    """Passes lines through, but a traceback only as its exception's line, prefixed with `prefix`."""

    def __init__(self, write: Callable[[str], None], prefix: str) -> None:
        self.write = write
        self.prefix = prefix
        self.in_traceback = False
        self.held: str | None = None  # an exception line, held back in case a chained traceback follows

    def feed(self, line: str) -> None:
        """Take one line of the child's output (with its line end)."""
        text = line.rstrip("\r\n")
        if self.held is not None:
            if not text.strip():
                return  # the blank line before "During handling..."; or just a blank line, dropped
            if text in CHAINED:
                self.held = None
                self.in_traceback = True  # the next traceback, after a blank line, says more
                return
            self._release()
        if text.startswith(TRACEBACK):
            self.in_traceback = True
        elif self.in_traceback:
            # Frames, source lines and carets are indented; the first line that is not names the exception.
            if text and not text[0].isspace() and text not in CHAINED:
                self.in_traceback = False
                self.held = text
        else:
            self.write(line)

    def close(self) -> None:
        """The child has finished: say what is still held back."""
        self._release()

    def _release(self) -> None:
        if self.held is not None:
            self.write(f"{self.prefix}{self.held}\n")
            self.held = None


def run(argv: Sequence[str], env: Mapping[str, str], write: Callable[[str], None], prefix: str | None) -> int:
    """Run `argv`, its stdout and stderr through a TracebackFilter to `write` (as they are, when `prefix`
    is None); its exit code.

    The child gets a process group of its own, and each Ctrl-C (or SIGTERM, SIGHUP) from this process:
    were both signalled by the terminal, this process would quit before the child had cleaned up (MkDocs
    removes its temporary site), or a second signal would cut the child's shutdown short. Its output comes
    through here, so that it never writes to the terminal from outside the terminal's process group.
    """
    # Only the main thread may set signal handlers; called from another, the signals go their usual way.
    own_group = os.name == "posix" and threading.current_thread() is threading.main_thread()
    with subprocess.Popen(
        argv,
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        process_group=0 if own_group else None,
    ) as child:
        pipe = child.stdout
        if pipe is None:  # stdout=PIPE always makes one; the type cannot say so
            raise OSError("no pipe from the child process")

        def forward(signum: int, _frame: object) -> None:
            child.send_signal(signum)

        signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP) if own_group else ()
        # A signal this process ignores (SIGINT in a shell's background job) the child ignores as well.
        previous = {
            signum: signal.signal(signum, forward)
            for signum in signals
            if signal.getsignal(signum) is not signal.SIG_IGN
        }
        try:
            lines = TracebackFilter(write, prefix) if prefix is not None else None
            for raw in iter(pipe.readline, b""):
                line = raw.decode("utf-8", "replace")
                if lines is None:
                    write(line)
                else:
                    lines.feed(line)
            if lines is not None:
                lines.close()
            return child.wait()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
