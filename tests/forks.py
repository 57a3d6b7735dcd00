"""Counting a build's forks in a test: os.fork made to record each child it makes, with no other thread
seen (as in `mkdocs build`: a test before may have left one, and forked.can_fork would refuse)."""

from __future__ import annotations

import os
import threading

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
