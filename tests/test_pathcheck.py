"""The pull-request path check, on real Git repositories: what a contributor's pull request may change."""

from __future__ import annotations

import ast
import io
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.contributing import pathcheck
from generator.contributing.pathcheck import Change

ROOT = Path(__file__).resolve().parent.parent
OUTSIDE = (
    "outside content/papers/**.md, content/tags.yml and content/import-state.yml; take it out of the pull"
    " request, "
    "or ask a maintainer to review it"
)
REVIEW = (
    "need a maintainer's review: a pull request that adds papers changes only "
    "content/papers/**.md, content/tags.yml and content/import-state.yml, as regular files"
)
CHECKER_TEXT = (
    "this is the path check, which CI runs as the default branch has it; "
    "a pull request that changes it needs a maintainer's review"
)
CHECKER_WORKFLOW_TEXT = (
    "this is the path check's workflow, which CI runs as the default branch has it; "
    "a pull request that changes it needs a maintainer's review"
)
CHECKER_ADDED = f"generator/contributing/pathcheck.py:1: file: added: {CHECKER_TEXT}"
WORKFLOW = (
    "this is a workflow, which CI runs as the pull request has it; a maintainer must read it before merging"
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
    """`python3 -m generator.contributing.pathcheck` as CI runs it, in the repository."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GITHUB_ACTIONS": ""}
    done = subprocess.run(
        [sys.executable, "-m", "generator.contributing.pathcheck", *args],
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
        "1 changed file(s), all paper records, the tag list or the import state: ok\n",
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
        "4 changed file(s), all paper records, the tag list or the import state: ok\n",
    )


def test_a_pull_request_of_candidates_passes_but_not_one_changing_the_queries(repo: Path) -> None:
    """The import's pull request adds records and moves the import state on; the queries are not content."""
    state = '- query: "abs:video"\n  newest: 2025-03-13T12:00:00Z\n  seen: ["2503.10006"]\n'
    commit(repo, {"content/papers/2025/new-paper.md": RECORD, "content/import-state.yml": state})
    assert run_module(repo, "--base", "main")[:2] == (
        0,
        "2 changed file(s), all paper records, the tag list or the import state: ok\n",
    )
    commit(repo, {"content/sources.yml": "- query: abs:video\n  tags: [transformers]\n"})
    assert run_module(repo, "--base", "main")[:2] == (1, f"content/sources.yml:1: file: added {OUTSIDE}\n")


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


def test_the_checker_and_the_workflows_are_flagged_for_what_they_are(repo: Path) -> None:
    commit(
        repo,
        {
            ".github/workflows/pull-request.yml": "on: push\n",
            ".github/workflows/pull-request-paths.yml": "on: push\n",
            "generator/contributing/pathcheck.py": "pass\n",
        },
    )
    code, out, _ = run_module(repo, "--base", "main")
    assert code == 1
    assert out.splitlines() == [
        f".github/workflows/pull-request-paths.yml:1: file: added: {CHECKER_WORKFLOW_TEXT}",
        f".github/workflows/pull-request.yml:1: file: added: {WORKFLOW}",
        CHECKER_ADDED,
    ]


def test_changing_the_checker_fails_even_if_content_were_widened(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checker is named apart from the content rule: a fork that lets generator/ in still guards it."""
    monkeypatch.setattr(pathcheck, "is_content", lambda path: True)
    changes = [
        Change("generator/contributing/pathcheck.py", "D", "000000"),
        Change(".github/workflows/pull-request-paths.yml", "M"),
    ]
    assert [str(f) for f in pathcheck.check(changes)] == [
        f"generator/contributing/pathcheck.py:1: file: deleted: {CHECKER_TEXT}",
        f".github/workflows/pull-request-paths.yml:1: file: changed: {CHECKER_WORKFLOW_TEXT}",
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
        [sys.executable, "-m", "generator.contributing.pathcheck", "--base", "main"],
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


def test_head_lists_the_changes_of_a_revision_that_is_not_checked_out(repo: Path) -> None:
    """As CI runs it: the default branch checked out, the pull request's head only fetched."""
    commit(repo, {"content/papers/2025/new-paper.md": RECORD, "mkdocs.yml": "site_name: x\n"})
    git(repo, "checkout", "-q", "main")
    commit(repo, {"theme/main.html": "moved on\n"})  # main's own change since the fork: not the branch's
    assert run_module(repo, "--base", "main", "--head", "pr") == (
        1,
        f"mkdocs.yml:1: file: changed {OUTSIDE}\n",
        f"1 of 2 changed file(s) {REVIEW}\n",
    )
    assert run_module(repo, "--base", "pr", "--head", "main")[:2] == (
        1,
        f"theme/main.html:1: file: added {OUTSIDE}\n",
    )
    assert run_module(repo, "--base", "main")[:2] == (0, f"0 {SUMMARY_OK}")  # HEAD, which is main


def test_an_unknown_head_is_one_clear_line(repo: Path) -> None:
    assert run_module(repo, "--base", "main", "--head", "pr/head") == (
        2,
        "",
        "Error: cannot list the changes of pr/head since main (bad revision 'main...pr/head'); "
        "fetch it first, e.g. git fetch origin main\n",
    )


def test_head_needs_a_base(repo: Path) -> None:
    assert run_module(repo, "--head", "pr", stdin="mkdocs.yml\n") == (
        2,
        "",
        "Error: --head needs --base: the revision its changes are counted from\n",
    )


def test_an_option_is_not_taken_for_a_head(repo: Path) -> None:
    assert run_module(repo, "--base", "main", "--head=--output=/tmp/x")[2] == (
        "Error: '--output=/tmp/x' is not a Git revision; give a branch such as origin/main\n"
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
        "1 changed file(s), all paper records, the tag list or the import state: ok\n",
    )
    git(repo, "checkout", "-q", "main")
    result = CliRunner().invoke(main, ["check-paths", "--base", "main", "--head", "pr"])
    assert (result.exit_code, result.stdout) == (1, f"docs/x.html:1: file: added {OUTSIDE}\n")
    result = CliRunner().invoke(main, ["check-paths", "--head", "pr"], input="docs/x.html\n")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: --head needs --base: the revision its changes are counted from\n",
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
        ("content/import-state.yml", True),  # the import's pull request of candidates moves it on
        ("content/sources.yml", False),  # the queries: configuration, a maintainer's to change
        ("content/papers/import-state.yml", False),
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


# --- names that could forge or hide a line --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "printed"),
    [
        ("docs/two\nlines.md", r'"docs/two\nlines.md"'),
        ("docs/tab\there.md", r'"docs/tab\there.md"'),
        ("docs/\u202egnp.md", r'"docs/\u202egnp.md"'),  # a right-to-left override: shows as "docs/dm.png"
        ("docs/zero\u200bwidth.md", r'"docs/zero\u200bwidth.md"'),
        ('docs/"q" \\ \x1b.md', r'"docs/\"q\" \\ \x1b.md"'),  # quotes and backslashes escaped once quoted
        ('docs/plain \\ and "quotes".md', 'docs/plain \\ and "quotes".md'),  # nothing hidden: as it is
    ],
)
def test_hidden_characters_in_names_are_escaped(repo: Path, name: str, printed: str) -> None:
    commit(repo, {name: "x\n"})
    assert run_module(repo, "--base", "main")[:2] == (1, f"{printed}:1: file: added {OUTSIDE}\n")


def test_a_name_that_is_not_utf8_is_reported(repo: Path) -> None:
    (repo / "docs").mkdir()
    Path(os.fsdecode(bytes(repo / "docs") + b"/caf\xe9.md")).write_text("x\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "latin-1 name")
    assert run_module(repo, "--base", "main")[:2] == (1, f'"docs/caf\\xe9.md":1: file: added {OUTSIDE}\n')
    code, out, _ = run_module(repo, "--base", "main", "--format", "github")
    assert (code, out) == (
        1,
        f'::error file=docs/caf\\xe9.md,line=1,title=path check::"docs/caf\\xe9.md": added {OUTSIDE}\n',
    )


def test_a_newline_in_a_name_is_one_annotation(repo: Path) -> None:
    commit(repo, {"docs/two\nlines.md": "x\n"})
    assert run_module(repo, "--base", "main", "--format", "github")[:2] == (
        1,
        f'::error file=docs/two%0Alines.md,line=1,title=path check::"docs/two\\nlines.md": added {OUTSIDE}\n',
    )


def test_annotations_are_escaped_as_the_check_command_escapes_them() -> None:
    """The checker repeats the escaping of github_annotations (it must run alone); both agree."""
    from generator.contributing.github_annotations import error_annotation

    path, message = "docs/100%,a:b.md", "two\r\nlines, 50% off"
    assert pathcheck.Finding(path, message).annotation() == error_annotation(
        path, 1, "path check", f"{path}: {message}"
    )
    assert pathcheck.Finding(path, message).annotation() == (
        "::error file=docs/100%25%2Ca%3Ab.md,line=1,title=path check::"
        "docs/100%25,a:b.md: two%0D%0Alines, 50%25 off"
    )


# --- the checker's own entry points, in this process: main(), changes_since(), parse_raw(), check() ------

HELP = """\
usage: python3 -m generator.contributing.pathcheck [-h] [--base BASE] [--head HEAD]
                                                   [--format {text,github}]

Fail when a change touches anything but paper records (content/papers/**.md), content/tags.yml and
content/import-state.yml.

options:
  -h, --help            show this help message and exit
  --base BASE           compare HEAD with this revision, e.g. origin/main [names on stdin]
  --head HEAD           with --base: list the changes of this revision instead [HEAD]
  --format {text,github}
"""


def test_help_names_the_command_and_what_each_option_does(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")  # argparse wraps at the terminal's width
    monkeypatch.setenv("NO_COLOR", "1")
    with pytest.raises(SystemExit) as exit:
        pathcheck.main(["--help"], io.StringIO())
    assert exit.value.code == 0
    assert capsys.readouterr() == (HELP, "")


def test_an_unknown_format_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit:
        pathcheck.main(["--format", "xml"], io.StringIO("mkdocs.yml\n"))
    assert exit.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[-1].startswith(
        "python3 -m generator.contributing.pathcheck: error: argument --format: invalid choice: 'xml'"
    )


@pytest.mark.parametrize(
    ("value", "fmt"), [("true", "github"), ("TRUE", "text"), ("1", "text"), ("", "text"), (None, "text")]
)
def test_the_default_format_is_github_only_under_github_actions(
    monkeypatch: pytest.MonkeyPatch, value: str | None, fmt: str
) -> None:
    if value is None:
        monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    else:
        monkeypatch.setenv("GITHUB_ACTIONS", value)
    assert pathcheck.default_format() == fmt


def test_under_github_actions_annotations_unless_text_is_asked_for(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    commit(repo, {"mkdocs.yml": "site_name: x\n"})
    monkeypatch.chdir(repo)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert pathcheck.main(["--base", "main"], io.StringIO()) == 1
    assert capsys.readouterr() == (
        f"::error file=mkdocs.yml,line=1,title=path check::mkdocs.yml: changed {OUTSIDE}\n",
        f"1 of 1 changed file(s) {REVIEW}\n",
    )
    assert pathcheck.main(["--base", "main", "--format", "text"], io.StringIO()) == 1
    assert capsys.readouterr() == (
        f"mkdocs.yml:1: file: changed {OUTSIDE}\n",
        f"1 of 1 changed file(s) {REVIEW}\n",
    )


def test_a_terminal_that_is_not_utf8_gets_every_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """An ASCII-only stdout: the name is printed with a backslash escape instead of failing to encode."""
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="ascii", errors="strict")
    monkeypatch.setattr(sys, "stdout", stdout)
    assert pathcheck.main([], io.StringIO("docs/caf\u00e9.md\n")) == 1
    stdout.flush()
    assert stdout.buffer.getvalue() == f"docs/caf\\xe9.md:1: file: changed {OUTSIDE}\n".encode("ascii")


def test_no_git_is_one_clear_line(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(repo)
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    assert pathcheck.main(["--base", "main"], io.StringIO()) == 2
    assert capsys.readouterr() == (
        "",
        "Error: git is not installed; install it, or pipe the file names in\n",
    )


def test_changes_since_reads_the_repository_it_is_given(
    repo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """From another folder, with head left to its default (HEAD, the branch checked out there)."""
    commit(repo, {"content/papers/2025/new-paper.md": RECORD, "generator/cli.py": None})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert pathcheck.changes_since("main", repo=str(repo)) == [
        Change("content/papers/2025/new-paper.md", "A", "100644"),
        Change("generator/cli.py", "D", "000000"),
    ]


def test_gits_complaint_that_is_not_utf8_is_still_one_line(repo: Path) -> None:
    """A revision holding a byte that is not UTF-8 (as surrogateescape gives it): git's message quotes
    it, and the unreadable byte becomes a replacement character."""
    with pytest.raises(pathcheck.PathCheckError) as err:
        pathcheck.changes_since("\udcff", repo=str(repo))
    assert str(err.value) == (
        "cannot list the changes since \udcff (bad revision '\ufffd...HEAD'); "
        "fetch it first, e.g. git fetch origin main"
    )


def test_the_first_and_last_bytes_that_are_not_utf8_are_escaped(repo: Path) -> None:
    (repo / "docs").mkdir()
    Path(os.fsdecode(bytes(repo / "docs") + b"/\x80-\xff.md")).write_text("x\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "odd bytes")
    assert run_module(repo, "--base", "main")[:2] == (1, f'"docs/\\x80-\\xff.md":1: file: added {OUTSIDE}\n')


def test_a_list_that_is_not_gits_raw_format_is_refused() -> None:
    with pytest.raises(pathcheck.PathCheckError) as err:
        pathcheck.parse_raw(b"mkdocs.yml\0docs/x.md\0")
    assert str(err.value) == "cannot read git's list of changes near b'mkdocs.yml'"
    with pytest.raises(pathcheck.PathCheckError) as err:
        pathcheck.parse_raw(b"M" * 70 + b"\0docs/x.md\0")
    assert str(err.value) == "cannot read git's list of changes near b'" + "M" * 60 + "'"


def test_a_status_without_a_verb_is_changed() -> None:
    """git's U (unmerged) or X (unknown) status: said as "changed"."""
    changes = [Change("mkdocs.yml", "U"), Change(".github/workflows/x.yml", "X")]
    assert [str(f) for f in pathcheck.check(changes)] == [
        f"mkdocs.yml:1: file: changed {OUTSIDE}",
        f".github/workflows/x.yml:1: file: changed: {WORKFLOW}",
    ]


def test_a_record_of_an_odd_mode_is_named_with_its_mode() -> None:
    changes = [Change("content/papers/2025/e.md", "A", "100664"), Change("content/tags.yml", "M", "040000")]
    assert [str(f) for f in pathcheck.check(changes)] == [
        "content/papers/2025/e.md:1: file: has file mode 100664; add it as a regular file",
        "content/tags.yml:1: file: has file mode 040000; add it as a regular file",
    ]


def test_the_checker_imports_nothing_but_the_standard_library() -> None:
    """CI runs the base commit's copy as one file with `python3 -I -S`: no sibling module, no package."""
    tree = ast.parse((ROOT / "generator" / "contributing" / "pathcheck.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"line {node.lineno}: a relative import cannot run from the base commit"
            imported.add(str(node.module).split(".")[0])
        elif isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
    assert imported - sys.stdlib_module_names == set()
    assert "subprocess" in imported  # the walk saw the imports


# --- the workflow's job, end to end -----------------------------------------------------------------------
#
# A scratch "upstream" repository holds a default branch `main` with this checkout's checker and workflow,
# and a contributor's pull request as GitHub keeps it, refs/pull/1/head (the contributor's branch is in
# their fork). As GitHub does for `pull_request_target`, the job is read from the newest commit of `main`,
# never from the pull request. Its steps run in order: the checkout as actions/checkout makes it (the
# default branch, every branch's history), then each `run:` step as the runner runs it (`bash -e`), with
# the values GitHub provides.

JOB = "paths"
WORKFLOW_FILE = ".github/workflows/pull-request-paths.yml"
PROJECT = (
    "generator/__init__.py",
    "generator/contributing/github_annotations.py",
    "generator/contributing/pathcheck.py",
    WORKFLOW_FILE,
)
CONTENT = {
    "mkdocs.yml": "site_name: feed\n",
    "content/tags.yml": 'transformers:\n  name: "Transformers"\n',
    "content/papers/2025/old.md": RECORD,
}
EXPRESSION = re.compile(r"\$\{\{\s*(?P<name>[\w.-]+)\s*\}\}")
TAKE_STEP = "Take the path check from the default branch"
CHECK_STEP = "Changes only content/papers/**.md, content/tags.yml and content/import-state.yml"
SUMMARY_OK = "changed file(s), all paper records, the tag list or the import state: ok\n"
PR_CODE_RAN = "pr-code-ran"  # what the pull request's own code would leave in the runner's temp folder


@dataclass(frozen=True)
class JobRun:
    """How the job ended: the exit status and name of the step that failed (0, None when none did)."""

    code: int
    failed: str | None
    stdout: str
    stderr: str


def base_files() -> dict[str, str | bytes | None]:
    """A base commit like the project's: the files the job reads, as this checkout has them, and content."""
    return {**{name: (ROOT / name).read_text(encoding="utf-8") for name in PROJECT}, **CONTENT}


def write(repo: Path, files: dict[str, str | bytes | None]) -> None:
    for name, data in files.items():
        path = Path(os.fsdecode(bytes(repo) + b"/" + os.fsencode(name)))
        if data is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


def push_to_pull_request(upstream: Path, change: dict[str, str | bytes | None]) -> str:
    """Commit `change` on top of the pull request's head (a value "=>new" renames): its new head commit."""
    git(upstream, "checkout", "-q", "--detach", "refs/pull/1/head")
    renames = {name: data for name, data in change.items() if isinstance(data, str) and data.startswith("=>")}
    for old, new in renames.items():
        git(upstream, "mv", old, new.removeprefix("=>"))
    write(upstream, {name: data for name, data in change.items() if name not in renames})
    git(upstream, "add", "-A")
    git(upstream, "commit", "-q", "-m", "the contribution")
    head_sha = git(upstream, "rev-parse", "HEAD").strip()
    git(upstream, "update-ref", "refs/pull/1/head", head_sha)
    git(upstream, "checkout", "-q", "main")
    return head_sha


def pull_request(
    tmp_path: Path, base: dict[str, str | bytes | None], change: dict[str, str | bytes | None]
) -> tuple[Path, dict[str, str]]:
    """Open a pull request `change` against a default branch of `base`: the upstream and GitHub's context."""
    upstream = tmp_path / "upstream"
    upstream.mkdir()
    write(upstream, base)
    git(upstream, "init", "-q", "-b", "main")
    git(upstream, "add", "-A")
    git(upstream, "commit", "-q", "-m", "base")
    base_sha = git(upstream, "rev-parse", "main").strip()
    git(upstream, "update-ref", "refs/pull/1/head", base_sha)
    head_sha = push_to_pull_request(upstream, change)
    return upstream, {
        "github.event_name": "pull_request_target",
        "github.ref": "refs/heads/main",
        "github.sha": base_sha,  # the default branch's newest commit: the workflow and checkout come from it
        "github.base_ref": "main",
        "github.head_ref": "pr",
        "github.event.pull_request.number": "1",
        "github.event.pull_request.base.sha": base_sha,
        "github.event.pull_request.head.sha": head_sha,
    }


def workflow_at(upstream: Path, commit: str) -> dict[str, Any] | None:
    """The path-check workflow as the commit has it, or None where it has none (GitHub runs nothing)."""
    done = subprocess.run(
        ["git", "show", f"{commit}:{WORKFLOW_FILE}"], cwd=upstream, capture_output=True, text=True
    )
    if done.returncode:
        return None
    workflow = yaml.safe_load(done.stdout)
    assert isinstance(workflow, dict)
    return workflow


def check_out(upstream: Path, workspace: Path, context: dict[str, str]) -> None:
    """What actions/checkout does with no `ref:` and fetch-depth 0 on `pull_request_target`: every branch
    fetched, the default branch checked out; the pull request's refs are not fetched."""
    workspace.mkdir()
    git(workspace, "init", "-q")
    git(workspace, "remote", "add", "origin", upstream.as_uri())
    refspecs = ["+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"]
    git(workspace, "fetch", "-q", "--no-tags", "--prune", "origin", *refspecs)
    branch = context["github.ref"].removeprefix("refs/heads/")
    git(workspace, "checkout", "-q", "--force", "-B", branch, f"refs/remotes/origin/{branch}")
    assert git(workspace, "rev-parse", "HEAD").strip() == context["github.sha"]


def resolve(value: object, context: dict[str, str]) -> str:
    """An `env:` value with its `${{ name }}` expressions replaced; one the test does not know fails it."""

    def lookup(match: re.Match[str]) -> str:
        assert match["name"] in context, f"the test does not provide ${{{{ {match['name']} }}}}"
        return context[match["name"]]

    return EXPRESSION.sub(lookup, str(value))


def run_job(tmp_path: Path, upstream: Path, context: dict[str, str], runner: str = "runner") -> JobRun:
    """Run the `paths` job of the workflow as the default branch has it (as GitHub does), step by step, on
    a fresh runner (tmp_path/runner); then check that the work tree is still the default branch's and
    that no code of the pull request ran."""
    workflow = workflow_at(upstream, context["github.sha"])
    assert workflow is not None, f"the default branch has no {WORKFLOW_FILE}"
    machine = tmp_path / runner
    workspace, runner_temp, scripts, tools = (machine / n for n in ("workspace", "temp", "steps", "tools"))
    for folder in (runner_temp, scripts, tools):
        folder.mkdir(parents=True)
    (tools / "python3").symlink_to(
        sys.executable
    )  # `python3` is this interpreter; git and bash the machine's
    env = {
        "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(machine),
        "LANG": "C.UTF-8",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": context["github.event_name"],
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_REF": context["github.ref"],
        "GITHUB_SHA": context["github.sha"],
        "GITHUB_BASE_REF": context["github.base_ref"],
        "GITHUB_HEAD_REF": context["github.head_ref"],
        "RUNNER_TEMP": str(runner_temp),
    }
    stdout = stderr = ""
    result = JobRun(0, None, "", "")
    for number, step in enumerate(workflow["jobs"][JOB]["steps"]):
        if "uses" in step:
            # The one action the job may use, with the settings the workspace above stands for.
            assert step["uses"].split("@")[0] == "actions/checkout"
            assert step["with"] == {"persist-credentials": False, "fetch-depth": 0}
            check_out(upstream, workspace, context)
            continue
        assert set(step) <= {"name", "env", "run"}, f"the test cannot run {sorted(step)}"
        script = scripts / f"step-{number}.sh"
        script.write_text(step["run"], encoding="utf-8")
        step_env = {**env, **{key: resolve(value, context) for key, value in (step.get("env") or {}).items()}}
        done = subprocess.run(
            ["bash", "-e", str(script)],  # the runner's command for a step without `shell:`
            cwd=workspace,
            env=step_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        stdout, stderr = stdout + done.stdout, stderr + done.stderr
        if done.returncode:
            result = JobRun(done.returncode, step.get("name"), stdout, stderr)
            break
    else:
        result = JobRun(0, None, stdout, stderr)
    # Whatever the verdict: the work tree is the default branch's, untouched, and nothing of the pull
    # request ran (its code would have left PR_CODE_RAN behind).
    assert git(workspace, "rev-parse", "HEAD").strip() == context["github.sha"]
    assert git(workspace, "status", "--porcelain", "--untracked-files=all", "--ignored") == ""
    assert not (runner_temp / PR_CODE_RAN).exists(), "the pull request's code ran"
    return result


def annotation(path: str, message: str) -> str:
    return f"::error file={path},line=1,title=path check::{path}: {message}"


def tampered_checker() -> str:
    """This checkout's checker with `return []` at the top of check(), so it passes everything, and a line
    that leaves PR_CODE_RAN in the runner's temp folder, so that running it shows."""
    text = (ROOT / "generator" / "contributing" / "pathcheck.py").read_text(encoding="utf-8")
    tampered, count = re.subn(r'(\ndef check\(.*\n    """.*"""\n)', r"\1    return []\n", text)
    assert count == 1, "the test no longer finds check() to tamper with"
    mark = f'open(os.path.join(os.environ["RUNNER_TEMP"], "{PR_CODE_RAN}"), "w").close()\n\n\n'
    return tampered.replace('\nif __name__ == "__main__":', f'\n{mark}if __name__ == "__main__":')


def tampered_workflow() -> str:
    """This checkout's path-check workflow with its check step replaced by one that passes (and shows that
    it ran), as a pull request would rewrite it."""
    text = (ROOT / WORKFLOW_FILE).read_text(encoding="utf-8")
    (check,) = [s for s in yaml.safe_load(text)["jobs"][JOB]["steps"] if s.get("name") == CHECK_STEP]
    passing = f"run: touch \"$RUNNER_TEMP/{PR_CODE_RAN}\"; echo 'all good'"
    tampered = text.replace(f"run: {check['run']}\n", f"{passing}\n")
    assert tampered.count(passing) == 1, "the test no longer finds the check step's command"
    return tampered


def test_the_job_passes_a_pull_request_that_adds_a_paper(tmp_path: Path) -> None:
    change: dict[str, str | bytes | None] = {
        "content/papers/2025/new-paper.md": RECORD,
        "content/tags.yml": 'transformers:\n  name: "Transformers!"\n',
    }
    upstream, context = pull_request(tmp_path, base_files(), change)
    assert run_job(tmp_path, upstream, context) == JobRun(0, None, f"2 {SUMMARY_OK}", "")
    # The checker that ran is the default branch's, taken to the temp folder; nothing else is left there.
    temp = tmp_path / "runner" / "temp"
    assert sorted(p.name for p in temp.iterdir()) == ["pathcheck.py"]
    checker = (temp / "pathcheck.py").read_text(encoding="utf-8")
    assert checker == (ROOT / "generator" / "contributing" / "pathcheck.py").read_text(encoding="utf-8")


def test_the_job_fails_a_pull_request_that_disables_its_own_check(tmp_path: Path) -> None:
    """The attack of issue 10: a new workflow, mkdocs.yml edited, and check() made to pass everything."""
    change: dict[str, str | bytes | None] = {
        ".github/workflows/x.yml": "on: pull_request\njobs: {}\n",
        "mkdocs.yml": "site_name: feed\nextra_javascript: [https://evil.example/x.js]\n",
        "generator/contributing/pathcheck.py": tampered_checker(),
    }
    upstream, context = pull_request(tmp_path, base_files(), change)
    assert run_job(tmp_path, upstream, context) == JobRun(
        1,
        CHECK_STEP,
        "\n".join(
            [
                annotation(".github/workflows/x.yml", f"added: {WORKFLOW}"),
                annotation("generator/contributing/pathcheck.py", f"changed: {CHECKER_TEXT}"),
                annotation("mkdocs.yml", f"changed {OUTSIDE}"),
                "",
            ]
        ),
        f"3 of 3 changed file(s) {REVIEW}\n",
    )


def test_the_job_fails_a_pull_request_that_rewrites_the_check_and_its_workflow(tmp_path: Path) -> None:
    """The gap `pull_request` left open: a pull request that rewrites the job's steps and the checker.
    GitHub reads the job from the default branch, so the pull request's steps never run."""
    change: dict[str, str | bytes | None] = {
        WORKFLOW_FILE: tampered_workflow(),
        "generator/contributing/pathcheck.py": tampered_checker(),
        "content/papers/2025/new-paper.md": RECORD,
    }
    upstream, context = pull_request(tmp_path, base_files(), change)
    head = context["github.event.pull_request.head.sha"]
    assert "all good" in git(upstream, "show", f"{head}:{WORKFLOW_FILE}")  # the pull request has its steps
    assert run_job(tmp_path, upstream, context) == JobRun(
        1,
        CHECK_STEP,
        annotation(WORKFLOW_FILE, f"changed: {CHECKER_WORKFLOW_TEXT}")
        + "\n"
        + annotation("generator/contributing/pathcheck.py", f"changed: {CHECKER_TEXT}")
        + "\n",
        f"2 of 3 changed file(s) {REVIEW}\n",
    )


def test_the_job_fails_a_pull_request_that_deletes_the_checker(tmp_path: Path) -> None:
    change: dict[str, str | bytes | None] = {
        "generator/contributing/pathcheck.py": None,
        "content/papers/2025/new-paper.md": RECORD,
    }
    upstream, context = pull_request(tmp_path, base_files(), change)
    assert run_job(tmp_path, upstream, context) == JobRun(
        1,
        CHECK_STEP,
        annotation("generator/contributing/pathcheck.py", f"deleted: {CHECKER_TEXT}") + "\n",
        f"1 of 2 changed file(s) {REVIEW}\n",
    )


def test_the_job_fails_a_pull_request_that_renames_the_checker(tmp_path: Path) -> None:
    change: dict[str, str | bytes | None] = {
        "generator/contributing/pathcheck.py": "=>generator/check_paths.py"
    }
    upstream, context = pull_request(tmp_path, base_files(), change)
    assert run_job(tmp_path, upstream, context) == JobRun(
        1,
        CHECK_STEP,
        annotation("generator/check_paths.py", f"added {OUTSIDE}")
        + "\n"
        + annotation("generator/contributing/pathcheck.py", f"deleted: {CHECKER_TEXT}")
        + "\n",
        f"2 of 2 changed file(s) {REVIEW}\n",
    )


def test_nothing_runs_where_the_default_branch_has_no_path_check_workflow(tmp_path: Path) -> None:
    """First adoption: the pull request brings the checker and its workflow, but GitHub reads the workflow
    from the default branch, which has none: no run, so a required "Only content changes" stays pending."""
    change = {name: (ROOT / name).read_text(encoding="utf-8") for name in PROJECT}
    upstream, context = pull_request(tmp_path, {**CONTENT}, {**change, "content/papers/2025/new.md": RECORD})
    assert workflow_at(upstream, context["github.event.pull_request.head.sha"]) is not None
    assert workflow_at(upstream, context["github.sha"]) is None


def test_the_job_fails_where_the_default_branch_has_no_checker(tmp_path: Path) -> None:
    """The workflow without the checker (merged alone): nothing trusted can judge, so the job fails."""
    base = {
        name: data for name, data in base_files().items() if name != "generator/contributing/pathcheck.py"
    }
    upstream, context = pull_request(tmp_path, base, {"content/papers/2025/new.md": RECORD})
    sha = context["github.sha"]
    assert run_job(tmp_path, upstream, context) == JobRun(
        128, TAKE_STEP, "", f"fatal: path 'generator/contributing/pathcheck.py' does not exist in '{sha}'\n"
    )


def test_the_job_fails_where_the_default_branchs_checker_cannot_run_alone(tmp_path: Path) -> None:
    """A checker that imports a sibling module (as this project's once did) fails; it never passes."""
    base = {
        **base_files(),
        "generator/contributing/pathcheck.py": "from .github_annotations import error_annotation\n",
    }
    upstream, context = pull_request(tmp_path, base, {"content/papers/2025/new.md": RECORD})
    job = run_job(tmp_path, upstream, context)
    assert (job.code, job.failed, job.stdout) == (1, CHECK_STEP, "")
    assert job.stderr.endswith("ImportError: attempted relative import with no known parent package\n")


def test_the_job_reads_odd_names_exactly(tmp_path: Path) -> None:
    change: dict[str, str | bytes | None] = {
        "content/papers/2025/ünï cødé.md": RECORD,  # content, whatever its name: `paperfeed check` judges it
        "docs/two\nlines.md": "x\n",
        "docs/\u202egnp.md": "x\n",
        "docs/a b, c: d.md": "x\n",
    }
    upstream, context = pull_request(tmp_path, base_files(), change)
    assert run_job(tmp_path, upstream, context) == JobRun(
        1,
        CHECK_STEP,
        "::error file=docs/a b%2C c%3A d.md,line=1,title=path check::docs/a b, c: d.md: added "
        f"{OUTSIDE}\n"
        f'::error file=docs/two%0Alines.md,line=1,title=path check::"docs/two\\nlines.md": added {OUTSIDE}\n'
        f'::error file=docs/\u202egnp.md,line=1,title=path check::"docs/\\u202egnp.md": added {OUTSIDE}\n',
        f"3 of 4 changed file(s) {REVIEW}\n",
    )


def test_the_job_counts_only_the_pull_requests_changes(tmp_path: Path) -> None:
    """The default branch moved on after the fork (a maintainer changed mkdocs.yml): not the PR's change,
    whether the event names the old base commit or the new one."""
    upstream, context = pull_request(tmp_path, base_files(), {"content/papers/2025/new.md": RECORD})
    commit(upstream, {"mkdocs.yml": "site_name: moved on\n"})
    moved = git(upstream, "rev-parse", "main").strip()
    stale_base = {**context, "github.sha": moved}
    assert run_job(tmp_path, upstream, stale_base, "first") == JobRun(0, None, f"1 {SUMMARY_OK}", "")
    new_base = {**stale_base, "github.event.pull_request.base.sha": moved}
    assert run_job(tmp_path, upstream, new_base, "second") == JobRun(0, None, f"1 {SUMMARY_OK}", "")


def test_the_job_judges_the_commit_the_event_names(tmp_path: Path) -> None:
    """The pull request moved on (a push that edits mkdocs.yml) before the run for its earlier head: that
    run judges the earlier head, and the push's own run fails."""
    upstream, context = pull_request(tmp_path, base_files(), {"content/papers/2025/new.md": RECORD})
    pushed = push_to_pull_request(upstream, {"mkdocs.yml": "site_name: pushed\n"})
    assert run_job(tmp_path, upstream, context, "first") == JobRun(0, None, f"1 {SUMMARY_OK}", "")
    context = {**context, "github.event.pull_request.head.sha": pushed}
    assert run_job(tmp_path, upstream, context, "second") == JobRun(
        1,
        CHECK_STEP,
        annotation("mkdocs.yml", f"changed {OUTSIDE}") + "\n",
        f"1 of 2 changed file(s) {REVIEW}\n",
    )


def test_the_job_fails_where_the_events_commit_is_gone(tmp_path: Path) -> None:
    """A force-push replaced the head the event names: git cannot list its changes, so the job fails (the
    force-push's own run judges the new head)."""
    upstream, context = pull_request(tmp_path, base_files(), {"content/papers/2025/new.md": RECORD})
    gone = context["github.event.pull_request.head.sha"]
    git(upstream, "update-ref", "refs/pull/1/head", context["github.sha"])
    git(upstream, "reflog", "expire", "--expire=now", "--all")
    git(upstream, "gc", "-q", "--prune=now")
    base = context["github.event.pull_request.base.sha"]
    assert run_job(tmp_path, upstream, context) == JobRun(
        2,
        CHECK_STEP,
        "",
        f"Error: cannot list the changes of {gone} since {base} (Invalid symmetric difference expression "
        f"{base}...{gone}); "
        "fetch it first, e.g. git fetch origin main\n",
    )
