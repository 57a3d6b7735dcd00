"""Counting a build's forks in a test: os.fork made to record each child it makes, with no other thread
seen (as in `mkdocs build`: a test before may have left one, and forked.can_fork would refuse); and two
processes that take runs in turns made to meet, so that each takes one."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest


def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The list that each child forked from now on is appended to (its pid, in the parent)."""
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    forks: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    return forks


def meet(started: Path, side: str, other: str) -> None:
    """`side` says it holds a run (in the file `started`) and waits for `other` to say so (10 s at most):
    on a busy machine, one side could otherwise take every run before the other asks."""
    with started.open("a", encoding="utf-8") as out:
        out.write(f"{side}\n")
    deadline = time.monotonic() + 10
    while other not in started.read_text(encoding="utf-8").split() and time.monotonic() < deadline:
        time.sleep(0.01)
