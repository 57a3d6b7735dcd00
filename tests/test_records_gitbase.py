"""`check --base`: which files of the work tree a base commit lacks, asked of git in the repository given,
and the one-line errors when git cannot answer."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from generator.records.gitbase import GitBaseError, files_not_in


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def repository(repo: Path) -> tuple[Path, Path]:
    """A repository whose base commit holds old.md; the work tree adds new.md."""
    repo.mkdir()
    (repo / "old.md").write_text("old\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "-c", "user.name=CI", "-c", "user.email=ci@example.org", "commit", "-qm", "base")
    (repo / "new.md").write_text("new\n", encoding="utf-8")
    return repo / "old.md", repo / "new.md"


# The repository's folder name ends in a space or an X: only the newline of git's answer is its end.
@pytest.mark.parametrize("name", ["a repo ", "repoX"])
def test_the_files_the_base_lacks_are_new(tmp_path: Path, name: str) -> None:
    old, new = repository(tmp_path / name)
    outside = tmp_path / "draft.md"  # no commit of the repository can hold it
    outside.write_text("draft\n", encoding="utf-8")
    # Asked from elsewhere (this process runs in another folder, maybe another repository).
    assert files_not_in("main", [outside, old, new], cwd=tmp_path / name) == {outside, new}


def test_a_base_name_that_is_not_utf8_is_not_a_commit(tmp_path: Path) -> None:
    old, _ = repository(tmp_path / "repo")
    bad = b"\xffmain".decode("utf-8", "surrogateescape")  # as the shell passes such bytes to Python
    with pytest.raises(GitBaseError) as caught:
        files_not_in(bad, [old], cwd=tmp_path / "repo")
    assert str(caught.value) == f"--base {bad}: is not a commit of this repository; fetch it first"


def test_without_git_the_error_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old, _ = repository(tmp_path / "repo")
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    with pytest.raises(GitBaseError) as caught:
        files_not_in("main", [old], cwd=tmp_path / "repo")
    assert str(caught.value) == "--base needs git, which cannot be run (No such file or directory)"
