"""Work split over both cores: one part in a forked child process while this process does the other.

A fork copies the process as it is, so the child is sent nothing: only its result comes back, pickled,
through a pipe. Where a child cannot be forked safely, both parts run here, one after the other.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import struct
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Generic, TypeVar

_T = TypeVar("_T")
_U = TypeVar("_U")


# While a build holds its objects (hold_build() called, release_build() not yet): whether the collector ran
# before.
_HELD: list[bool] = []


def hold_build() -> None:
    """Until release_build(), the build holds what it makes to its end. What a child's fork froze stays
    frozen once the child has ended: a collection that walks it all, which the next after the child's end
    would, took a third of a second at 10,000 papers. And the collector pauses: a build makes almost no
    reference cycles (9,000 objects over a build of 10,000 papers), and the collector's passes over what
    it makes found next to nothing for a fifth of a second."""
    if not _HELD:
        _HELD.append(gc.isenabled())
    gc.disable()


def freeze_held() -> None:
    """Freeze what the process made so far, while a build holds its objects: its pages live to its end, and
    a collection that walks them finds nothing to free (70 ms once the pages are made, at 10,000 papers)."""
    if _HELD:
        gc.freeze()


def release_build() -> None:
    """The build has ended: collect as before, what the children's forks froze too, with the collector
    on again if it was on before hold_build()."""
    if _HELD:
        if _HELD.pop():
            gc.enable()
        gc.unfreeze()


def can_fork() -> bool:
    """Whether a child can be forked safely: a fork copies only the thread that makes it, so with others
    running (mkdocs serve's server and watcher) a lock one of them holds would stay locked in the child."""
    return hasattr(os, "fork") and threading.active_count() == 1


class Child(Generic[_T]):
    """`there()` under way in a forked child (or already done here, where no child could be forked).

    `first()`, if given, runs in the child before `there()`, and its result is sent at once, for this
    process to go on with (`first_result`) while the child works on.
    """

    def __init__(self, there: Callable[[], _T], first: Callable[[], object] | None = None) -> None:
        self._there, self._first = there, first
        self._pid = 0
        self._done: list[_T] = []
        self._sent_first: list[object] = []
        if not can_fork():
            if first is not None:
                self._sent_first.append(first())
            self._done.append(there())
            return
        read_end, write_end = os.pipe()
        # Frozen until the child has ended (or the build, hold_build), as Python's gc docs advise before
        # a fork: a collection (on either side) would otherwise write to every object it walks, and copy
        # each page they share.
        gc.freeze()
        try:
            self._pid = os.fork()
        except BaseException:
            gc.unfreeze()
            raise
        if self._pid == 0:  # the child: work, send, and leave without running the parent's exit handlers
            status = 1
            try:
                os.close(read_end)
                # first() is sent from a thread: a pipe holds 64 KB, and this process would otherwise
                # wait for the parent to read the rest before it could go on with there().
                with os.fdopen(write_end, "wb") as out, ThreadPoolExecutor(1) as sender:
                    sending = sender.submit(_send, first(), out) if first is not None else None
                    made = there()
                    if sending is not None:
                        sending.result()  # raises here what sending raised
                    _send(made, out)
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        self._reader = os.fdopen(read_end, "rb")

    def first_result(self) -> object:
        """What `first()` gave, once the child has sent it (made here if the child failed before)."""
        if self._first is None:
            raise ValueError("this child was given no first()")
        if not self._sent_first:
            self._sent_first.append(self._next(self._first, last=False))
        return self._sent_first[0]

    def result(self) -> _T:
        """The child's result, once it has ended. A child that failed sent nothing: `there()` is run again
        here, which raises its error in full."""
        if self._first is not None:
            self.first_result()
        if not self._done:
            self._done.append(self._next(self._there, last=True))
        return self._done[0]

    def _next(self, made_here: Callable[[], _U], last: bool) -> _U:
        """The next result the child sends (the `last`: once it has ended well); made here instead if
        the child sends none (it failed)."""
        if self._pid:
            try:
                received: _U = pickle.load(self._reader)
            except (EOFError, pickle.UnpicklingError):  # the child failed (before or while sending)
                self._reap()
            except BaseException:
                self.cancel()
                raise
            else:
                if not last or self._reap() == 0:
                    return received
        return made_here()

    def cancel(self) -> None:
        """Stop the child, if it still runs, and wait for it to end (its work is not wanted)."""
        if self._pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            self._reap()

    def _reap(self) -> int:
        """Close the pipe, then wait for the child: its exit code."""
        # Closed before waiting: a child still sending gets a broken pipe and ends.
        self._reader.close()
        pid, self._pid = self._pid, 0
        _, status = os.waitpid(pid, 0)
        if not _HELD:
            gc.unfreeze()
        return os.waitstatus_to_exitcode(status)


class Turns:
    """The numbers 0 to count-1, each taken once, by whichever process asks first: this one or a child
    forked after they were made. Work split in turns this way ends on both sides about together, however
    long each side's other work took. They are written into a pipe that both sides read, 4 bytes at a
    time: a read holds the pipe's lock until done (Linux, the BSDs), so two readers never get the same
    number, and a read of an empty pipe whose writer is closed ends at once."""

    _NUMBER = struct.Struct("<I")
    # Numbers a pipe holds for sure (its smallest buffer, a page): all are written before any is read.
    LIMIT = 1024

    def __init__(self, count: int) -> None:
        if not 0 <= count <= self.LIMIT:
            raise ValueError(f"{count} turns: at most {self.LIMIT}")
        self.count = count
        self._read, write = os.pipe()
        try:
            os.write(write, b"".join(self._NUMBER.pack(n) for n in range(count)))
        finally:
            os.close(write)

    def take(self) -> Iterator[int]:
        """The numbers still left, one at a time, as this process takes them."""
        while number := os.read(self._read, self._NUMBER.size):
            yield self._NUMBER.unpack(number)[0]

    def close(self) -> None:
        """Forget the numbers left (each process closes its own copy)."""
        with contextlib.suppress(OSError):
            os.close(self._read)


class InTurns(Generic[_T]):
    """run(0) to run(count - 1) under way: a forked child (`child`) takes their turns (Turns) from now on,
    after `first()` if given (its result sent at once); this process takes the turns left with `finish()`,
    whenever it is free, so both end about together. A child's runs that never came (it failed) are made
    here, which raises their error in full."""

    def __init__(
        self, count: int, run: Callable[[int], _T], first: Callable[[], object] | None = None
    ) -> None:
        self._run = run
        self._turns = Turns(count)
        try:
            self.child = Child(self._sent, first=first)
        except BaseException:
            self._turns.close()
            raise

    def _taken(self) -> dict[int, _T]:
        return {n: self._run(n) for n in self._turns.take()}

    def _sent(self) -> dict[int, bytes]:
        """The child's runs, each pickled as soon as it is made: once this process has taken the last turn,
        it waits for the bytes to come, not for them to be pickled too (90 ms for 5,000 paper pages)."""
        return {n: pickle.dumps(self._run(n), pickle.HIGHEST_PROTOCOL) for n in self._turns.take()}

    def finish(self) -> list[_T]:
        """Take the turns left here, wait for the child: every run's result, in order."""
        try:
            mine = self._taken()
            done = {**{n: pickle.loads(sent) for n, sent in self.child.result().items()}, **mine}
        except BaseException:
            self.child.cancel()
            raise
        finally:
            self._turns.close()
        return [done[n] if n in done else self._run(n) for n in range(self._turns.count)]

    def cancel(self) -> None:
        """Stop the child (its runs are not wanted)."""
        self.child.cancel()
        self._turns.close()


def in_turns(
    count: int,
    run: Callable[[int], _T],
    first: Callable[[], object] | None = None,
    here: Callable[[Callable[[], object]], _U] | None = None,
) -> tuple[list[_T], _U | None]:
    """run(0) to run(count - 1), each made once, in order, by this process or a forked child (InTurns); and
    what `here` gave. The child runs `first()` before its turns, if given, and sends what it gives at once;
    this process does `here(first_result)` before its own, given how to wait for it."""
    shared = InTurns(count, run, first)
    try:
        done_here = None if here is None else here(shared.child.first_result if first else lambda: None)
    except BaseException:
        shared.cancel()
        raise
    return shared.finish(), done_here


def _send(result: object, out: IO[bytes]) -> None:
    pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()


def split(there: Callable[[], _T], here: Callable[[], _U]) -> tuple[_T, _U]:
    """`there()` in a forked child while `here()` runs in this process; both results.

    Where no child can be forked, `there()` runs here first. A child that fails sends nothing, and
    `there()` is run again here, which raises its error in full.
    """
    child = Child(there)
    try:
        mine = here()
    except BaseException:
        child.cancel()
        raise
    return child.result(), mine
