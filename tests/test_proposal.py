"""The candidates pull request's title and description, and `paperfeed candidates` on a real repository."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from arxiv_support import FIXTURES
from click.testing import CliRunner

from generator.cli import main
from generator.contributing import proposal
from generator.model import Paper

DAY = dt.date(2025, 3, 14)


def paper(title: str, arxiv: str | None = "2503.10005", slug: str = "p") -> Paper:
    return Paper(
        slug=slug,
        title=title,
        date=DAY,
        tags=("video", "efficiency"),
        abstract="A.",
        arxiv=arxiv,
        source=f"content/papers/2025/{slug}.md",
    )


def test_titles_count_papers() -> None:
    assert proposal.title(DAY, 0) == "Candidates for 2025-03-14: 0 papers"
    assert proposal.title(DAY, 1) == "Candidates for 2025-03-14: 1 paper"
    assert proposal.title(DAY, 12) == "Candidates for 2025-03-14: 12 papers"


def test_an_item_links_arxiv_and_escapes_what_markdown_would_read() -> None:
    assert proposal.item(paper("A *bold* [claim] & $x_1$ for `@octocat` \\ #12")) == (
        r"1. [A \*bold\* \[claim\] \& \$x\_1\$ for \`@octocat\` \\ #12](https://arxiv.org/abs/2503.10005):"
        " `content/papers/2025/p.md`, tags `video`, `efficiency`"
    )
    assert proposal.item(paper("By hand", arxiv=None)) == (
        "1. By hand: `content/papers/2025/p.md`, tags `video`, `efficiency`"
    )


def test_the_log_is_fenced_longer_than_any_backticks_in_it() -> None:
    text = proposal.description([paper("P")], DAY, "'abs:```x```': found 0, new 0, skipped 0\n")
    assert text.endswith(
        "<details><summary>What the import did</summary>\n\n"
        "````text\n'abs:```x```': found 0, new 0, skipped 0\n````\n\n</details>\n"
    )
    assert "<details>" not in proposal.description([paper("P")], DAY, None)


def test_a_description_stays_under_githubs_limit() -> None:
    many = [
        paper("A fairly long title of a paper about state space models " * 4, slug=f"p{i}")
        for i in range(400)
    ]
    text = proposal.description(many, DAY, "x" * 50_000)
    assert len(text) <= proposal.MAX_BODY
    shown = sum(line.startswith("1. ") for line in text.splitlines())
    assert 0 < shown < 400
    assert f"\n… and {400 - shown} more: see **Files changed**.\n" in text
    assert "\n… (cut; the workflow run has it all)\n" in text


# --- paperfeed candidates ---------------------------------------------------------------------------------


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    identity = ["-c", "user.name=T", "-c", "user.email=t@example.org"]
    return subprocess.run(
        ["git", *identity, *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    ).stdout


RECORD = '---\ntitle: "{title}"\ndate: 2025-03-14\ntags: [video]\narxiv: "{arxiv}"\n---\nAn abstract.\n'


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """main with one paper; the branch `candidates` adds two."""
    (tmp_path / "content" / "papers" / "2025").mkdir(parents=True)
    shutil.copy(FIXTURES / "tags.yml", tmp_path / "content" / "tags.yml")
    papers = tmp_path / "content" / "papers" / "2025"
    (papers / "old.md").write_text(RECORD.format(title="Old", arxiv="2501.00001"), encoding="utf-8")
    git(tmp_path, "init", "--quiet", "--initial-branch=main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "--quiet", "-m", "main")
    git(tmp_path, "checkout", "--quiet", "-b", "candidates")
    (papers / "zebra.md").write_text(RECORD.format(title="Zebra video", arxiv="2503.00002"), encoding="utf-8")
    (papers / "aardvark.md").write_text(
        RECORD.format(title="Aardvark video", arxiv="2503.00001"), encoding="utf-8"
    )
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "--quiet", "-m", "candidates")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def candidates(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["candidates", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_the_candidates_are_the_records_the_base_lacks(repo: Path) -> None:
    assert candidates("--base", "main", "--date", "2025-03-14", "--title") == (
        0,
        "Candidates for 2025-03-14: 2 papers\n",
    )
    code, out = candidates("--base", "main", "--date", "2025-03-14")
    assert code == 0
    assert [line for line in out.splitlines() if line.startswith("1. ")] == [
        "1. [Aardvark video](https://arxiv.org/abs/2503.00001): `content/papers/2025/aardvark.md`,"
        " tags `video`",
        "1. [Zebra video](https://arxiv.org/abs/2503.00002): `content/papers/2025/zebra.md`, tags `video`",
    ]
    assert out.startswith("**2 candidates** from the arXiv queries of `content/sources.yml`")


def test_a_base_that_is_not_a_commit(repo: Path) -> None:
    assert candidates("--base", "origin/nowhere") == (
        1,
        "Error: --base origin/nowhere: is not a commit of this repository; fetch it first\n",
    )


def test_content_with_problems_proposes_nothing(repo: Path) -> None:
    (repo / "content" / "papers" / "2025" / "zebra.md").write_text("---\ntitle: x\n", encoding="utf-8")
    code, out = candidates("--base", "main")
    assert code == 1
    assert out.splitlines()[-1] == "Error: the content has problems (see above)"
