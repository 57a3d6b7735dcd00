"""The search index's chain run by a process of its own: the build keeps no thread beside it (so it can
still fork its page writer), a step waits for a file the build writes, and the chain ends with the build."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.site.pagefind_run import Indexing, SearchIndexError, Step


def runs(pid: int) -> bool:
    """Whether the process runs (one killed may stay a zombie until its new parent reaps it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


ENV = dict(os.environ)


def _python(code: str, failure: str = "the step", after: Path | None = None) -> Step:
    return Step([sys.executable, "-c", code], failure, ENV, after=None if after is None else str(after))


def until(condition: Callable[[], bool], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def test_a_running_chain_leaves_the_build_without_threads_and_free_to_fork(tmp_path: Path) -> None:
    threads = threading.active_count()  # (pytest's workers may run threads of their own)
    indexing = Indexing([_python("import time; time.sleep(60)")], tmp_path / "out", tmp_path)
    try:
        until(lambda: indexing.ran == 1, "the step did not start")
        # No thread more: one running the chain would keep forked.can_fork() from forking the page writer.
        assert threading.active_count() == threads
        sleeper = indexing.started()[0]
        assert runs(sleeper)
    finally:
        indexing.cancel()
    until(lambda: not runs(sleeper), "the step outlived its chain's cancel", seconds=10)  # (SIGKILL is async)


def test_a_step_waits_for_the_file_the_build_writes(tmp_path: Path) -> None:
    ready, out = tmp_path / "pages-ready", tmp_path / "out"
    # The step copies the file it waited for into the index, beside an entry file with no languages.
    code = (
        f"import os, shutil; os.mkdir({str(out)!r}); shutil.copy({str(ready)!r}, {str(out / 'made')!r});"
        f"open({str(out / 'pagefind-entry.json')!r}, 'w').write('{{\"languages\": {{}}}}')"
    )
    indexing = Indexing([_python(code, after=ready)], out, tmp_path)
    time.sleep(0.5)
    assert indexing.ran == 0 and not out.exists()  # waiting
    ready.write_text("the pages are written", encoding="utf-8")
    indexing.wait()
    assert (out / "made").read_text(encoding="utf-8") == "the pages are written"
    assert indexing.ran == 1


def test_a_failing_step_is_reported_with_its_stderr_and_ends_the_chain(tmp_path: Path) -> None:
    steps = [_python("import sys; sys.exit('no room left')", "the step failed"), _python("pass")]
    indexing = Indexing(steps, tmp_path / "out", tmp_path)
    with pytest.raises(SearchIndexError) as caught:
        indexing.wait()
    assert str(caught.value) == "the step failed: no room left"
    assert indexing.ran == 1  # the step after it never started


def test_the_chain_ends_when_the_process_that_started_it_does(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import os, sys, time
        from pathlib import Path
        from generator.site.pagefind_run import Indexing, Step
        step = Step([sys.executable, "-c", "import time; time.sleep(60)"], "sleep", dict(os.environ))
        indexing = Indexing([step], Path({str(tmp_path / "out")!r}), Path({str(tmp_path)!r}))
        while indexing.ran < 1:
            time.sleep(0.02)
        print(indexing.started()[0], flush=True)
        os._exit(0)  # no clean-up, as a build that is killed ends
        """
    )
    # Its temporary folders in tmp_path: the process leaves them behind, as a build that is killed would.
    env = {**ENV, "TMPDIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True, env=env
    )
    sleeper = int(done.stdout)
    until(lambda: not runs(sleeper), "the chain's step outlived the process that started it", seconds=10)
