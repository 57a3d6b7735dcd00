"""The pull-request path check, on real Git repositories: what a contributor's pull request may change."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import pathcheck
from generator.cli import main
from generator.pathcheck import Change

ROOT = Path(__file__).resolve().parent.parent
OUTSIDE = (
    "outside content/papers/**.md and content/tags.yml; take it out of the pull request, "
    "or ask a maintainer to review it"
)
REVIEW = (
    "need a maintainer's review: a pull request that adds papers changes only "
    "content/papers/**.md and content/tags.yml, as regular files"
)
RECORD = '---\ntitle: "A paper"\ndate: 2025-03-14\ntags: [transformers]\n---\nAn abstract.\n'


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
    done = subprocess.run(
        ["git", *identity, *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository like the project's, with `main` committed and a contributor's branch `pr` checked out."""
    root = tmp_path / "feed"
    (root / "content" / "papers" / "2025").mkdir(parents=True)
    (root / "content" / "tags.yml").write_text('transformers:\n  name: "Transformers"\n')
    (root / "content" / "papers" / "2025" / "old.md").write_text(RECORD)
    (root / "mkdocs.yml").write_text("site_name: feed\n")
    (root / "generator").mkdir()
    (root / "generator" / "cli.py").write_text("print('hi')\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "pr")
    return root


def commit(repo: Path, files: dict[str, str | None]) -> None:
    """Write (or, for None, delete) the files and commit them on the current branch."""
    for name, text in files.items():
        path = repo / name
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "change")


def run_module(repo: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    """`python3 -m generator.pathcheck` as CI runs it, in the repository."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GITHUB_ACTIONS": ""}
    done = subprocess.run(
        [sys.executable, "-m", "generator.pathcheck", *args],
        cwd=repo,
        env=env,
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, done.stdout, done.stderr


def test_a_pull_request_that_only_adds_a_paper_passes(repo: Path) -> None:
    commit(repo, {"content/papers/2025/new-paper.md": RECORD})
    assert run_module(repo, "--base", "main") == (
        0,
        "1 changed file(s), all paper records or the tag list: ok\n",
        "",
    )


def test_papers_and_the_tag_list_pass(repo: Path) -> None:
    commit(
        repo,
        {
            "content/papers/2025/new-paper.md": RECORD,
            "content/papers/2024/older-paper.md": RECORD,
            "content/tags.yml": 'transformers:\n  name: "Transformers!"\n',
            "content/papers/2025/old.md": None,
        },
    )
    assert run_module(repo, "--base", "main")[:2] == (
        0,
        "4 changed file(s), all paper records or the tag list: ok\n",
    )


def test_adding_docs_x_html_fails(repo: Path) -> None:
    commit(repo, {"docs/x.html": "<script>alert(1)</script>\n", "content/papers/2025/new-paper.md": RECORD})
    assert run_module(repo, "--base", "main") == (
        1,
        f"docs/x.html:1: file: added {OUTSIDE}\n",
        f"1 of 2 changed file(s) {REVIEW}\n",
    )


def test_changing_mkdocs_yml_fails(repo: Path) -> None:
    commit(repo, {"mkdocs.yml": "site_name: feed\nextra_javascript: [https://evil.example/x.js]\n"})
    assert run_module(repo, "--base", "main") == (
        1,
        f"mkdocs.yml:1: file: changed {OUTSIDE}\n",
        f"1 of 1 changed file(s) {REVIEW}\n",
    )


def test_a_rename_into_content_still_shows_what_left(repo: Path) -> None:
    git(repo, "mv", "generator/cli.py", "content/papers/2025/cli.md")
    git(repo, "commit", "-q", "-m", "rename")
    code, out, _ = run_module(repo, "--base", "main")
    assert (code, out) == (1, f"generator/cli.py:1: file: deleted {OUTSIDE}\n")


def test_a_symlinked_record_fails(repo: Path) -> None:
    (repo / "content/papers/2025/link.md").symlink_to("../../../mkdocs.yml")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "link")
    code, out, _ = run_module(repo, "--base", "main")
    assert (code, out) == (
        1,
        "content/papers/2025/link.md:1: file: is a symbolic link; add the record as a regular file\n",
    )


def test_the_workflow_files_themselves_are_flagged(repo: Path) -> None:
    commit(repo, {".github/workflows/pull-request.yml": "on: push\n", "generator/pathcheck.py": "pass\n"})
    code, out, _ = run_module(repo, "--base", "main")
    assert code == 1
    assert out.splitlines() == [
        f".github/workflows/pull-request.yml:1: file: added {OUTSIDE}",
        f"generator/pathcheck.py:1: file: added {OUTSIDE}",
    ]


def test_odd_file_names_are_reported_exactly(repo: Path) -> None:
    commit(repo, {'docs/ünï cødé, "quoted".md': "x\n"})
    code, out, _ = run_module(repo, "--base", "main")
    assert (code, out) == (1, f'docs/ünï cødé, "quoted".md:1: file: added {OUTSIDE}\n')


def test_only_commits_since_the_fork_point_count(repo: Path) -> None:
    """Changes that landed on main after the branch forked are not the pull request's (base...HEAD)."""
    commit(repo, {"content/papers/2025/new-paper.md": RECORD})
    git(repo, "checkout", "-q", "main")
    commit(repo, {"mkdocs.yml": "site_name: moved on\n"})
    git(repo, "checkout", "-q", "pr")
    assert run_module(repo, "--base", "main")[0] == 0


def test_github_format_prints_annotations(repo: Path) -> None:
    commit(repo, {"mkdocs.yml": "site_name: x\n", "docs/a,b:c.md": "x\n"})
    code, out, _ = run_module(repo, "--base", "main", "--format", "github")
    assert code == 1
    assert out.splitlines() == [
        f"::error file=docs/a%2Cb%3Ac.md,line=1,title=path check::docs/a,b:c.md: added {OUTSIDE}",
        f"::error file=mkdocs.yml,line=1,title=path check::mkdocs.yml: changed {OUTSIDE}",
    ]


def test_github_format_is_the_default_under_github_actions(repo: Path) -> None:
    commit(repo, {"mkdocs.yml": "site_name: x\n"})
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GITHUB_ACTIONS": "true"}
    done = subprocess.run(
        [sys.executable, "-m", "generator.pathcheck", "--base", "main"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.stdout.startswith("::error file=mkdocs.yml,line=1,title=path check::")


def test_unknown_base_is_one_clear_line(repo: Path) -> None:
    assert run_module(repo, "--base", "origin/main") == (
        2,
        "",
        "Error: cannot list the changes since origin/main (bad revision 'origin/main...HEAD'); "
        "fetch it first, e.g. git fetch origin main\n",
    )


def test_an_option_is_not_taken_for_a_base(repo: Path) -> None:
    assert run_module(repo, "--base=--output=/tmp/x")[2] == (
        "Error: '--output=/tmp/x' is not a Git revision; give a branch such as origin/main\n"
    )


def test_names_on_stdin(repo: Path) -> None:
    names = "content/papers/2025/a.md\n\nmkdocs.yml\ncontent/tags.yml\n"
    assert run_module(repo, stdin=names) == (
        1,
        f"mkdocs.yml:1: file: changed {OUTSIDE}\n",
        f"1 of 3 changed file(s) {REVIEW}\n",
    )


def test_the_paperfeed_command_is_the_same_check(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commit(repo, {"docs/x.html": "<p>x</p>\n"})
    monkeypatch.chdir(repo)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    result = CliRunner().invoke(main, ["check-paths", "--base", "main"])
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        f"docs/x.html:1: file: added {OUTSIDE}\n",
        f"1 of 1 changed file(s) {REVIEW}\n",
    )
    result = CliRunner().invoke(main, ["check-paths"], input="content/papers/2025/x.md\n")
    assert (result.exit_code, result.stdout) == (
        0,
        "1 changed file(s), all paper records or the tag list: ok\n",
    )
    result = CliRunner().invoke(main, ["check-paths", "--base", "nope"])
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: cannot list the changes since nope (bad revision 'nope...HEAD'); "
        "fetch it first, e.g. git fetch origin main\n",
    )


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        ("content/papers/2025/a.md", True),
        ("content/papers/a.md", True),  # misplaced, but content: `paperfeed check` says where it belongs
        ("content/tags.yml", True),
        ("content/papers/2025/a.txt", False),
        ("content/papers/2025/a.md.html", False),
        ("content/pages/about.md", False),
        ("content/digests.yml", False),
        ("Content/papers/2025/a.md", False),
        ("content/papers/../../mkdocs.md", False),
        ("content/papers/2025\\..\\x.md", False),
        ("./content/papers/2025/a.md", True),  # the same file
        ("content/tags.yml.bak", False),
        ("README.md", False),
    ],
)
def test_is_content(path: str, ok: bool) -> None:
    assert pathcheck.is_content(path) is ok


def test_modes_of_records() -> None:
    changes = [
        Change("content/papers/2025/a.md", "A", "100755"),
        Change("content/papers/2025/b.md", "A", "160000"),
        Change("content/papers/2025/c.md", "D", "000000"),
        Change("content/papers/2025/d.md", "T", "120000"),
    ]
    assert [str(f) for f in pathcheck.check(changes)] == [
        "content/papers/2025/b.md:1: file: is a Git submodule; add the record as a regular file",
        "content/papers/2025/d.md:1: file: is a symbolic link; add the record as a regular file",
    ]


def test_a_terminal_is_not_waited_on() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    with pytest.raises(
        pathcheck.PathCheckError, match=r"^give --base with a revision such as origin/main, or pipe"
    ):
        pathcheck.changes_piped(Terminal())
