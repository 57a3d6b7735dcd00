"""Work split over both cores: one part in a forked child process while this process does the other.

A fork copies the process as it is, so the child is sent nothing: only its result comes back, pickled,
through a pipe. Where a child cannot be forked safely, both parts run here, one after the other.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import threading
from collections.abc import Callable
from typing import TypeVar

_T = TypeVar("_T")
_U = TypeVar("_U")


def can_fork() -> bool:
    """Whether a child can be forked safely: a fork copies only the thread that makes it, so with others
    running (mkdocs serve's server and watcher) a lock one of them holds would stay locked in the child."""
    return hasattr(os, "fork") and threading.active_count() == 1


def split(there: Callable[[], _T], here: Callable[[], _U]) -> tuple[_T, _U]:
    """`there()` in a forked child while `here()` runs in this process; both results.

    Where no child can be forked, `there()` runs here first. A child that fails sends nothing, and
    `there()` is run again here, which raises its error in full.
    """
    if not can_fork():
        return there(), here()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: work, send, and leave without running the parent's exit handlers
        status = 1
        try:
            os.close(read_end)
            result = there()
            with os.fdopen(write_end, "wb") as out:
                pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    received: list[_T] = []
    reader = os.fdopen(read_end, "rb")
    try:
        mine = here()
        with contextlib.suppress(EOFError):  # nothing sent: the child failed
            received.append(pickle.load(reader))
    finally:
        # Closed before waiting: a child still sending (this side raised) gets a broken pipe and ends.
        reader.close()
        _, status = os.waitpid(pid, 0)
    if not received or os.waitstatus_to_exitcode(status) != 0:
        return there(), mine
    return received[0], mine
