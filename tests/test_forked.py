"""forked.split: the child's part and this process's part, both results; the child's error raised here in
full; no child left behind when this side fails while the child is still sending. forked.Child: a child
cancelled is stopped at once; where none can be forked, the work is done as it is started; the collector
leaves the objects both sides share alone while a child runs, and a first result waiting to be read does
not hold the child up, and what a fork froze stays frozen while a build holds it. forked.Turns: each
number taken once, by whichever side asks first."""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import forked


@pytest.fixture
def one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    # As in `mkdocs build`, where no other thread runs (a test before this one may have left one).
    monkeypatch.setattr(threading, "active_count", lambda: 1)


def test_each_part_runs_in_its_own_process(one_thread: None) -> None:
    there, here = forked.split(lambda: (os.getpid(), list(range(5))), os.getpid)
    assert here == os.getpid()
    assert there[0] != os.getpid() and there[1] == [0, 1, 2, 3, 4]


def test_a_large_result_comes_back_whole(one_thread: None) -> None:
    # Larger than a pipe's buffer many times over: the child writes while this side reads.
    there, _ = forked.split(lambda: "x" * 5_000_000 + "end", lambda: None)
    assert len(there) == 5_000_003 and there.endswith("end")


def test_the_childs_error_is_raised_here_in_full(one_thread: None) -> None:
    runs: list[int] = []

    def fails() -> None:
        runs.append(os.getpid())
        raise ValueError("papers/x.md: cannot be read")

    with pytest.raises(ValueError, match=r"^papers/x\.md: cannot be read$"):
        forked.split(fails, lambda: None)
    assert runs == [os.getpid()]  # run again here (the child's own run appended in the child's copy)


def test_an_error_here_ends_a_child_still_sending(one_thread: None) -> None:
    # The child blocks on a full pipe until this side reads or closes it: closing it must end the child,
    # or waiting for it would hang (pytest-timeout stops the test then).
    children_before = _children()

    def fails_here() -> None:
        raise RuntimeError("listing failed")

    with pytest.raises(RuntimeError, match="listing failed"):
        forked.split(lambda: "x" * 20_000_000, fails_here)
    assert _children() == children_before


def test_with_another_thread_both_parts_run_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise AssertionError("no fork while another thread runs")

    monkeypatch.setattr(os, "fork", no_fork)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        order: list[str] = []
        assert not forked.can_fork()
        assert forked.split(lambda: order.append("there") or 1, lambda: order.append("here") or 2) == (1, 2)
    finally:
        stop.set()
        other.join()
    assert order == ["there", "here"]


def test_a_cancelled_child_is_stopped_at_once(one_thread: None) -> None:
    children_before = _children()
    start = time.monotonic()
    child = forked.Child(lambda: time.sleep(30))
    assert _children() - children_before
    child.cancel()
    assert time.monotonic() - start < 10
    assert _children() == children_before


def test_without_a_fork_the_work_is_done_as_it_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked, "can_fork", lambda: False)
    order: list[str] = []
    child = forked.Child(lambda: order.append("there") or os.getpid())
    order.append("here")
    assert child.result() == os.getpid()
    assert order == ["there", "here"]


def test_the_first_result_comes_while_the_child_works_on(one_thread: None, tmp_path: Path) -> None:
    go_on = tmp_path / "go-on"  # the child's second part waits for this file: the first must come before

    def there() -> str:
        while not go_on.exists():
            time.sleep(0.01)
        return "pages"

    child = forked.Child(there, first=lambda: {"related": os.getpid()})
    first = child.first_result()
    assert isinstance(first, dict) and first["related"] != os.getpid()
    go_on.touch()
    assert child.result() == "pages"


def test_the_child_goes_on_while_its_first_result_waits_to_be_read(one_thread: None, tmp_path: Path) -> None:
    started = tmp_path / "started"  # there() makes it; this side reads nothing until then
    # The first result is many times a pipe's 64 KB.
    child = forked.Child(lambda: started.touch() or "pages", first=lambda: "r" * 5_000_000)
    deadline = time.monotonic() + 10
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert started.exists(), "the child waited for its first result to be read before going on"
    assert child.first_result() == "r" * 5_000_000
    assert child.result() == "pages"


def test_a_first_result_that_cannot_be_sent_leaves_both_here(one_thread: None) -> None:
    parent = os.getpid()
    child = forked.Child(os.getpid, first=lambda: (lambda: None) if os.getpid() != parent else "made here")
    assert child.first_result() == "made here"  # a lambda cannot be pickled: the child sent nothing whole
    assert child.result() == parent


def _fails_in_a_child(what: str) -> Callable[[], int]:
    """A part that raises in a forked child, and gives this process's id where it runs here."""
    parent = os.getpid()

    def part() -> int:
        if os.getpid() != parent:
            raise OSError(what)
        return parent

    return part


def test_a_child_that_fails_after_its_first_result_leaves_the_rest_here(one_thread: None) -> None:
    child = forked.Child(_fails_in_a_child("the child's part failed"), first=os.getpid)
    assert child.first_result() != os.getpid()
    assert child.result() == os.getpid()


def test_a_child_that_fails_before_its_first_result_leaves_both_here(one_thread: None) -> None:
    parent = os.getpid()
    child = forked.Child(lambda: os.getpid(), first=_fails_in_a_child("the child's first part failed"))
    assert child.first_result() == parent
    assert child.result() == parent


def _children() -> set[int]:
    """The live child processes of this one (zombies included: a child not waited for shows)."""
    task = f"/proc/{os.getpid()}/task/{os.getpid()}/children"
    with open(task, encoding="ascii") as listing:
        return {int(pid) for pid in listing.read().split()}


def test_the_collector_leaves_the_shared_objects_alone_while_the_child_runs(one_thread: None) -> None:
    # Python's gc docs: freeze before a fork, or collections on either side copy every page they walk.
    gc.collect()
    child = forked.Child(gc.get_freeze_count)
    assert gc.get_freeze_count() > 0  # this side, while the child works
    assert child.result() > 0  # the child's side
    assert gc.get_freeze_count() == 0  # and all collected as before once it has ended
    cancelled = forked.Child(lambda: time.sleep(30))
    cancelled.cancel()
    assert gc.get_freeze_count() == 0


def test_turns_give_each_number_once_to_whichever_side_asks(one_thread: None, tmp_path: Path) -> None:
    started = tmp_path / "started"  # the child's first number is taken: this side starts then
    turns = forked.Turns(400)

    def slowly() -> list[int]:
        taken = []
        for number in turns.take():
            taken.append(number)
            started.touch()
            time.sleep(0.002)
        return taken

    try:
        child = forked.Child(slowly)
        deadline = time.monotonic() + 10
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.001)
        mine = list(turns.take())
        theirs = child.result()
    finally:
        turns.close()
    assert theirs and mine
    assert sorted(theirs + mine) == list(range(400))  # each number once
    assert len(mine) > len(theirs)  # the side with less else to do takes more


def test_turns_taken_by_one_side_alone_are_all_its(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked, "can_fork", lambda: False)
    turns = forked.Turns(5)
    child = forked.Child(lambda: list(turns.take()))  # run here, at once
    assert child.result() == [0, 1, 2, 3, 4] and list(turns.take()) == []
    turns.close()
    turns.close()  # twice is harmless (a failed build closes what it opened)


@pytest.mark.parametrize("count", [-1, forked.Turns.LIMIT + 1])
def test_turns_beyond_what_a_pipe_holds_for_sure_are_refused(count: int) -> None:
    with pytest.raises(ValueError, match=f"^{count} turns: at most {forked.Turns.LIMIT}$"):
        forked.Turns(count)


def test_as_many_turns_as_allowed_are_all_given() -> None:
    turns = forked.Turns(forked.Turns.LIMIT)  # written whole before any is read: must not block
    assert list(turns.take()) == list(range(forked.Turns.LIMIT))
    turns.close()


def test_what_a_fork_froze_stays_frozen_and_the_collector_pauses_while_a_build_holds(
    one_thread: None,
) -> None:
    # A build holds its objects to its end: the collections between its children leave them alone, and
    # the collector waits for the build's end.
    gc.collect()
    forked.hold_build()
    try:
        assert not gc.isenabled()
        assert forked.Child(lambda: 1).result() == 1
        assert gc.get_freeze_count() > 0
        assert forked.Child(lambda: 2).result() == 2
        assert gc.get_freeze_count() > 0
    finally:
        forked.release_build()
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    forked.release_build()  # once more: nothing held, nothing to do
    assert forked.Child(lambda: 3).result() == 3
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_a_build_leaves_the_collector_off_if_it_was(one_thread: None) -> None:
    gc.disable()
    try:
        forked.hold_build()
        forked.release_build()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_runs_in_turns_come_back_in_order_each_made_once(one_thread: None, tmp_path: Path) -> None:
    log = tmp_path / "made"  # both sides append: which run each made

    def run(n: int) -> int:
        with log.open("a", encoding="ascii") as out:
            out.write(f"{n}\n")
        time.sleep(0.002)
        return n * n

    seen: list[object] = []
    made, here = forked.in_turns(30, run, first=lambda: "first", here=lambda first: seen.append(first()) or 7)
    assert made == [n * n for n in range(30)] and here == 7
    assert sorted(int(line) for line in log.read_text(encoding="ascii").split()) == list(range(30))
    assert seen == ["first"]  # the child's first result, given to this side before its turns


def test_the_runs_of_a_child_that_fails_are_made_here(one_thread: None) -> None:
    parent = os.getpid()

    def run(n: int) -> int:
        if os.getpid() != parent:
            os._exit(1)  # the child dies in its first run
        return n

    assert forked.in_turns(5, run, here=lambda first: time.sleep(0.2)) == ([0, 1, 2, 3, 4], None)
