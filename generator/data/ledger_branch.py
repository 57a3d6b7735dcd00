"""Data files on branches of their own on the Git remote, read from the branch's tip and written by
compare-and-swap pushes, so that no two runs can both believe they own a change.

Two files live so: the digest ledger (digests.yml on `digest-ledger`, every version kept, so that no two
runs can both believe they own a delivery) and the star samples of the trending page (stars.tsv on
`trending-data`, only the newest version kept: the file is its own thinned history, and the ETags it
carries would make a kept history grow by tens of bytes per repository per day). No branch rule for
`main` covers either branch. Commits are made with Git's plumbing, so the checked-out branch, index and
working tree never change. It uses only the standard library, so the deploy workflow fetches the files
before installing anything:

    python3 -m generator.data.ledger_branch fetch        (writes content/digests.yml; none if no branch)
    python3 -m generator.data.ledger_branch fetch stars  (writes content/stars.tsv; likewise)
"""

from __future__ import annotations

import argparse
import base64
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.errors import PaperfeedError

REMOTE = "origin"
BOT = ("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com")


@dataclass(frozen=True)
class DataFile:
    """A file kept alone on a branch of its own: its name for `fetch`, the branch, the file's name, whether
    every version is kept (each commit on top of the last) or only the newest (each commit a new root),
    and what the site lacks without it."""

    name: str
    branch: str
    file_name: str
    history: bool
    absent: str


DIGESTS = DataFile("digests", "digest-ledger", "digests.yml", True, "no digests on the site")
STARS = DataFile("stars", "trending-data", "stars.tsv", False, "no activity data on the trending page")
DATA_FILES = {data.name: data for data in (DIGESTS, STARS)}
# The digest ledger's names, as the modules that keep it know them.
BRANCH, FILE_NAME = DIGESTS.branch, DIGESTS.file_name


class BranchError(PaperfeedError):
    """The ledger branch cannot be read or written; the message says what Git answered."""


@dataclass(frozen=True)
class Tip:
    """The branch as last read: its commit (None while the branch does not exist) and its file's text."""

    commit: str | None
    text: str | None


class LedgerBranch:
    """The branch of a data file (the digest ledger unless told) on the remote of the repository at `repo`."""

    def __init__(
        self, repo: Path, env: Mapping[str, str], remote: str = REMOTE, data: DataFile = DIGESTS
    ) -> None:
        self.repo, self.remote, self.data = repo, remote, data
        self.branch, self.file_name = data.branch, data.file_name
        self.ref = f"refs/heads/{self.branch}"
        self.env = _git_env(env)
        self.known: Tip | None = None  # the tip as this object last read or wrote it

    @property
    def where(self) -> str:
        return f"branch {self.branch} of {self.remote}"

    def _git(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        try:
            return subprocess.run(
                ["git", *args],
                cwd=self.repo,
                input=stdin,
                capture_output=True,
                text=True,
                encoding="utf-8",
                env=self.env,
                check=False,
            )
        except OSError as err:
            raise BranchError(f"cannot run git ({err.strerror})") from None

    def _ok(self, *args: str, stdin: str | None = None) -> str:
        done = self._git(*args, stdin=stdin)
        if done.returncode:
            raise BranchError(f"git {args[0]} failed: {_said(done)}")
        return done.stdout

    def remote_tip(self) -> str | None:
        """The branch's commit on the remote now (None if it has no such branch), asked afresh."""
        done = self._git("ls-remote", "--quiet", self.remote, self.ref)
        if done.returncode:
            raise BranchError(f"cannot reach the Git remote {self.remote}: {_said(done)}")
        lines = [line.split("\t") for line in done.stdout.splitlines()]
        return next((sha for sha, ref in lines if ref == self.ref), None)

    def read(self) -> Tip:
        """The file at the branch's tip on the remote: never an older copy from the checked-out commit."""
        commit = self.remote_tip()
        if commit is None:
            self.known = Tip(None, None)
            return self.known
        done = self._git(
            "fetch",
            "--quiet",
            "--no-tags",
            self.remote,
            f"+{self.ref}:refs/remotes/{self.remote}/{self.branch}",
        )
        if done.returncode:
            raise BranchError(f"cannot fetch the {self.where}: {_said(done)}")
        # The tip may have moved since ls-remote: take what was fetched, which is at least as new.
        commit = self._ok(
            "rev-parse", "--verify", f"refs/remotes/{self.remote}/{self.branch}^{{commit}}"
        ).strip()
        done = self._git("cat-file", "blob", f"{commit}:{self.file_name}")
        if done.returncode:
            raise BranchError(f"the {self.where} has no {self.file_name} (commit {commit[:12]})")
        self.known = Tip(commit, done.stdout)
        return self.known

    def write(self, tip: Tip, text: str, message: str) -> bool:
        """Make `text` the branch's file in one commit and push it, only if the branch is still at `tip`
        (compare-and-swap): on top of `tip`, or as the branch's one commit if no history is kept. False if
        another run moved it first; BranchError if the remote refused the push for any other reason (a
        rule, a hook, no permission)."""
        blob = self._ok("hash-object", "-w", "--stdin", stdin=text).strip()
        tree = self._ok("mktree", stdin=f"100644 blob {blob}\t{self.file_name}\n").strip()
        parent = ["-p", tip.commit] if tip.commit and self.data.history else []
        commit = self._ok("commit-tree", tree, *parent, "-m", message).strip()
        lease = f"--force-with-lease={self.ref}:{tip.commit or ''}"
        done = self._git("push", "--quiet", "--porcelain", lease, self.remote, f"{commit}:{self.ref}")
        if done.returncode == 0:
            self.known = Tip(commit, text)
            return True
        now = self.remote_tip()
        if now == commit:  # it did go in; only the answer was lost
            self.known = Tip(commit, text)
            return True
        # Another run wrote first (or is writing: the remote could not lock the branch): read, retry.
        if now != tip.commit or "(failed to update ref)" in done.stdout:
            return False
        raise BranchError(f"the Git remote {self.remote} refused the push to {self.branch}: {_refusal(done)}")


def _git_env(env: Mapping[str, str]) -> dict[str, str]:
    """Git's environment: its messages in English (they are quoted in errors), never a prompt for a
    password, the bot's name in GitHub Actions, and GITHUB_TOKEN as an HTTP header when it is set, so the
    token is never on a command line or in .git/config."""
    out = {**env, "LC_ALL": "C", "LANGUAGE": "", "GIT_TERMINAL_PROMPT": "0"}
    if env.get("GITHUB_ACTIONS") == "true":
        for who in ("AUTHOR", "COMMITTER"):
            out[f"GIT_{who}_NAME"], out[f"GIT_{who}_EMAIL"] = BOT
    token = env.get("GITHUB_TOKEN")
    if token:
        basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        count = int(env.get("GIT_CONFIG_COUNT", "0") or 0)
        out |= {
            "GIT_CONFIG_COUNT": str(count + 1),
            f"GIT_CONFIG_KEY_{count}": "http.https://github.com/.extraheader",
            f"GIT_CONFIG_VALUE_{count}": f"AUTHORIZATION: basic {basic}",
        }
    return out


def _said(done: subprocess.CompletedProcess[str]) -> str:
    """Git's own words, on one line."""
    lines = [line.strip() for line in (done.stderr or done.stdout).splitlines() if line.strip()]
    return " ".join(lines) or f"exit status {done.returncode}"


def _refusal(done: subprocess.CompletedProcess[str]) -> str:
    """Why a push was refused: the status of `--porcelain` and what the remote's hook said."""
    status = [line.split("\t")[-1] for line in done.stdout.splitlines() if line.startswith("!\t")]
    remote = [
        line.removeprefix("remote:").strip()
        for line in done.stderr.splitlines()
        if line.startswith("remote:")
    ]
    words = [*status, *(f"remote: {r}" for r in remote if r)]
    return "; ".join(words) or _said(done)


def fetch(repo: Path, out: Path, env: Mapping[str, str], data: DataFile = DIGESTS) -> str:
    """Copy the file from its branch's tip to `out`, read-only; with no branch (a fork), write nothing."""
    tip = LedgerBranch(repo, env, data=data).read()
    if tip.text is None:
        out.unlink(missing_ok=True)  # a stale copy would show what this remote never recorded
        return f"no {data.branch} branch on {REMOTE}: {data.absent}"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(tip.text, encoding="utf-8", newline="")
    return f"wrote {out.as_posix()} from {data.branch} of {REMOTE} at {(tip.commit or '')[:12]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m generator.data.ledger_branch",
        description=f"Copy a data file from its branch of {REMOTE} into the site's content: the digest"
        f" ledger from {DIGESTS.branch}, or the star samples from {STARS.branch}.",
    )
    parser.add_argument("command", choices=["fetch"])
    parser.add_argument("data", nargs="?", choices=sorted(DATA_FILES), default=DIGESTS.name)
    parser.add_argument("--out", type=Path, help="[content/digests.yml or content/stars.tsv]")
    args = parser.parse_args(argv)
    data = DATA_FILES[args.data]
    try:
        print(fetch(Path.cwd(), args.out or Path("content") / data.file_name, os.environ, data))
    except (BranchError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
