"""The ledger's branch against a bare origin on disk: read from the tip, compare-and-swap writes, refusals,
and ledger.update's retries when another run writes first."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from digest_support import GIT_ENV, Origin, git, make_repo

from generator.data.ledger_branch import BranchError, LedgerBranch, Tip
from generator.mail import ledger as ledgers
from generator.mail.ledger import Ledger, LedgerError
from generator.periods import Period

ROOT = Path(__file__).resolve().parent.parent
DAY = Period.parse("2025-03-04")
ENV = {**os.environ, **GIT_ENV, "GITHUB_ACTIONS": "true"}


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Origin, Path]:
    origin, config = make_repo(tmp_path)
    return origin, config.parent


def test_a_missing_branch_reads_as_no_ledger(repo: tuple[Origin, Path]) -> None:
    _, clone = repo
    branch = LedgerBranch(clone, ENV)
    assert branch.read() == Tip(None, None)
    assert ledgers.read(branch).digests == {}


def test_a_write_creates_the_branch_with_one_file_and_later_writes_build_on_it(
    repo: tuple[Origin, Path], tmp_path: Path
) -> None:
    origin, clone = repo
    branch = LedgerBranch(clone, ENV)
    assert branch.write(branch.read(), "first\n", "one") is True
    assert origin.ledger_text() == "first\n"
    other = LedgerBranch(origin.clone(tmp_path / "other"), ENV)  # another clone sees the tip
    tip = other.read()
    assert tip.text == "first\n"
    assert other.write(tip, "second\n", "two") is True
    assert origin.ledger_log() == ["two", "one"]
    assert git(origin.path, "ls-tree", "-r", "--name-only", "digest-ledger") == "digests.yml\n"
    assert git(clone, "status", "--porcelain") == ""


def test_a_write_on_a_tip_that_moved_is_refused_and_changes_nothing(repo: tuple[Origin, Path]) -> None:
    origin, clone = repo
    branch = LedgerBranch(clone, ENV)
    empty = branch.read()
    assert branch.write(empty, "first\n", "one")
    assert branch.write(empty, "clobbered\n", "stale") is False  # creating it again: it exists now
    tip = branch.read()
    assert branch.write(tip, "second\n", "two")
    assert branch.write(tip, "clobbered\n", "stale") is False
    assert (origin.ledger_text(), origin.ledger_log()) == ("second\n", ["two", "one"])


def test_a_push_that_finds_the_branch_locked_by_another_write_is_tried_again(
    repo: tuple[Origin, Path],
) -> None:
    origin, clone = repo
    branch = LedgerBranch(clone, ENV)
    tip = branch.read()
    lock = origin.path / "refs" / "heads" / "digest-ledger.lock"  # another push is updating the branch
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.write_text("", encoding="utf-8")
    assert branch.write(tip, "x\n", "one") is False  # not a refusal: read again and retry
    lock.unlink()
    assert branch.write(tip, "x\n", "one") is True
    assert origin.ledger_text() == "x\n"


def test_a_refused_push_says_what_the_remote_said(repo: tuple[Origin, Path]) -> None:
    origin, clone = repo
    origin.refuse_ledger_pushes(from_push=1)
    branch = LedgerBranch(clone, ENV)
    with pytest.raises(BranchError) as err:
        branch.write(branch.read(), "x\n", "one")
    assert str(err.value) == (
        "the Git remote origin refused the push to digest-ledger: [remote rejected] (pre-receive hook"
        " declined); remote: push 1 to digest-ledger refused by this test's rules"
    )
    assert origin.ledger_text() is None


def test_a_push_whose_answer_is_lost_counts_as_written(
    repo: tuple[Origin, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    origin, clone = repo
    branch = LedgerBranch(clone, ENV)
    real = LedgerBranch._git

    def push_loses_its_answer(self: LedgerBranch, *args: str, stdin: str | None = None) -> Any:
        done = real(self, *args, stdin=stdin)
        if args[0] != "push":
            return done
        return subprocess.CompletedProcess(done.args, 128, "", "fatal: the remote end hung up unexpectedly")

    tip = branch.read()
    monkeypatch.setattr(LedgerBranch, "_git", push_loses_its_answer)
    assert branch.write(tip, "in\n", "one") is True
    assert origin.ledger_text() == "in\n"


def test_a_branch_without_the_ledger_file_is_one_clear_error(repo: tuple[Origin, Path]) -> None:
    _, clone = repo
    branch = LedgerBranch(clone, ENV)
    empty_tree = git(clone, "hash-object", "-t", "tree", "-w", os.devnull).strip()
    commit = git(
        clone, "-c", "user.name=M", "-c", "user.email=m@example.org", "commit-tree", empty_tree, "-m", "no"
    )
    commit = commit.strip()
    git(clone, "push", "--quiet", "origin", f"{commit}:refs/heads/digest-ledger")
    with pytest.raises(BranchError) as err:
        branch.read()
    assert str(err.value) == f"the branch digest-ledger of origin has no digests.yml (commit {commit[:12]})"


def test_an_unreachable_remote_is_one_clear_error(repo: tuple[Origin, Path], tmp_path: Path) -> None:
    _, clone = repo
    git(clone, "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    with pytest.raises(BranchError) as err:
        LedgerBranch(clone, ENV).read()
    assert str(err.value).startswith("cannot reach the Git remote origin: ")
    assert "\n" not in str(err.value)


def test_update_applies_the_change_again_on_the_tip_another_run_wrote(
    repo: tuple[Origin, Path], tmp_path: Path
) -> None:
    origin, clone = repo
    ours, theirs = LedgerBranch(clone, ENV), LedgerBranch(origin.clone(tmp_path / "other"), ENV)
    ledgers.read(ours)  # this run looked while the branch was empty
    seen: list[int] = []

    def claim(ledger: Ledger) -> str:
        seen.append(len(ledger.digests))
        if len(seen) == 1:  # meanwhile, another run claims another period
            ledgers.update(theirs, lambda other: _claimed(other, Period.parse("2025-03-03")))
        return _claimed(ledger, DAY)

    written = ledgers.update(ours, claim)
    assert seen == [0, 1]  # the first try built on the empty tip, the second on theirs
    assert list(written.digests) == ["2025-03-03", "2025-03-04"]
    text = origin.ledger_text()
    assert text is not None and list(Ledger.parse(text, "x").digests) == ["2025-03-03", "2025-03-04"]
    assert origin.ledger_log() == ["ours", "theirs"]


def _claimed(ledger: Ledger, period: Period) -> str:
    ledger.claim(period, ("a-paper",), ledger.key("a@example.org"), dt.date(2025, 3, 4))
    return "theirs" if period != DAY else "ours"


def test_update_gives_up_when_the_branch_keeps_moving(repo: tuple[Origin, Path], tmp_path: Path) -> None:
    origin, clone = repo
    ours, theirs = LedgerBranch(clone, ENV), LedgerBranch(origin.clone(tmp_path / "other"), ENV)

    def another_day(other: Ledger) -> str:
        return _claimed(other, Period.of("day", dt.date(2025, 1, 1) + dt.timedelta(len(other.digests))))

    def always_overtaken(ledger: Ledger) -> str:
        ledgers.update(theirs, another_day)  # each try, another run writes first
        return _claimed(ledger, DAY)

    with pytest.raises(LedgerError) as err:
        ledgers.update(ours, always_overtaken)
    assert str(err.value) == (
        "origin/digest-ledger:digests.yml: other runs wrote to it 5 times while this one tried; run again"
    )
    text = origin.ledger_text()
    assert text is not None and DAY.id not in Ledger.parse(text, "x").digests


def test_the_token_reaches_git_through_the_environment_only(repo: tuple[Origin, Path]) -> None:
    _, clone = repo
    branch = LedgerBranch(clone, {**ENV, "GITHUB_TOKEN": "ghs_secret"})
    header = (
        "AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX3NlY3JldA=="  # base64 of x-access-token:ghs_secret
    )
    assert (
        branch.env["GIT_CONFIG_COUNT"],
        branch.env["GIT_CONFIG_KEY_0"],
        branch.env["GIT_CONFIG_VALUE_0"],
    ) == (
        "1",
        "http.https://github.com/.extraheader",
        header,
    )
    assert branch.write(branch.read(), "x\n", "one")
    assert "ghs_secret" not in (clone / ".git" / "config").read_text(encoding="utf-8")
    assert "GIT_CONFIG_COUNT" not in LedgerBranch(clone, ENV).env


def test_the_deploy_can_run_it_before_anything_is_installed() -> None:
    """`python3 -m generator.data.ledger_branch` needs the standard library only: no YAML, no jinja2."""
    loaded = "sorted({'yaml', 'jinja2', 'click'} & set(sys.modules))"
    code = f"import sys; import generator.data.ledger_branch; print({loaded})"
    done = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); {code}"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == "[]\n"


# --- reading and changing a ledger -----------------------------------------------------------------------

BROKEN = "salt: [unclosed\n"
BROKEN_WHY = (
    'is not valid YAML (while parsing a flow sequence   in "<unicode string>", line 1, column 7 did not'
    " find expected ',' or ']'   in \"<unicode string>\", line 2, column 1)"
)


def test_the_ledger_on_the_branch_is_read_and_a_broken_one_is_named_by_where_it_is(
    repo: tuple[Origin, Path],
) -> None:
    _, clone = repo
    branch = LedgerBranch(clone, ENV)
    written = ledgers.update(branch, lambda ledger: _claimed(ledger, DAY))
    read = ledgers.read(LedgerBranch(clone, ENV))
    assert (read.salt, list(read.digests)) == (written.salt, [DAY.id])
    assert branch.write(branch.read(), BROKEN, "broken")
    for action in (lambda b: ledgers.read(b), lambda b: ledgers.update(b, lambda ledger: None)):
        with pytest.raises(LedgerError) as err:
            action(LedgerBranch(clone, ENV))
        assert str(err.value) == f"origin/digest-ledger:digests.yml: {BROKEN_WHY}"


def test_a_ledger_file_that_cannot_be_read_says_why(tmp_path: Path) -> None:
    path = tmp_path / "digests.yml"
    path.write_bytes(b"\xff salt: x\n")
    with pytest.raises(LedgerError) as err:
        Ledger.load(path)
    assert str(err.value) == (
        f"{path.as_posix()}: cannot be read ('utf-8' codec can't decode byte 0xff in position 0: invalid"
        " start byte)"
    )
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(LedgerError) as err:
        Ledger.load(path)
    assert str(err.value) == f"{path.as_posix()}: {BROKEN_WHY}"
    assert Ledger.load(tmp_path / "missing.yml").digests == {}


def test_a_digest_that_went_out_to_nobody_keeps_its_recipients_and_takes_the_new_papers() -> None:
    ledger = Ledger.new()
    a, b = ledger.key("a@example.org"), ledger.key("b@example.org")
    ledger.claim(DAY, ("p",), a, dt.date(2025, 3, 4))
    ledger.mark(DAY, a, "failed")
    sent = ledger.claim(DAY, ("p", "q"), b, dt.date(2025, 3, 5))
    assert (sent.papers, sent.first_sent, sent.recipients) == (
        ("p", "q"),
        dt.date(2025, 3, 5),
        {a: "failed", b: "sending"},
    )


def test_marking_a_delivery_whose_line_was_deleted_leaves_it_deleted() -> None:
    ledger = Ledger.new()
    a = ledger.key("a@example.org")
    ledger.claim(DAY, ("p",), a, dt.date(2025, 3, 4))
    del ledger.digests[DAY.id].recipients[a]  # by hand, so that the next run sends it
    ledger.mark(DAY, a, "sent")
    ledger.mark(Period.parse("2025-03-05"), a, "sent")  # a period with no digest: nothing to mark
    assert ledger.digests[DAY.id].recipients == {}
    assert list(ledger.digests) == [DAY.id]


def test_of_a_week_and_a_day_that_end_together_the_week_is_listed_first() -> None:
    ledger = Ledger.new()
    a = ledger.key("a@example.org")
    for pid in ("2025-03-16", "2025-W11", "2025-03-15"):  # W11 ends on Sunday 16 March
        ledger.claim(Period.parse(pid), ("p",), a, dt.date(2025, 3, 17))
        ledger.mark(Period.parse(pid), a, "sent")
    assert [s.period.id for s in ledger.newest_first()] == ["2025-W11", "2025-03-16", "2025-03-15"]
