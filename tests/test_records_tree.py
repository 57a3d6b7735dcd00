"""`paperfeed check` on whole trees and single files, its output formats, and `records.check` on any bytes."""

from __future__ import annotations

import random
import shutil
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from records_support import FIXTURES, NO_CI, record, run_check

from generator import records
from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
TAGS = (FIXTURES / "valid" / "lf" / "content" / "tags.yml").read_text(encoding="utf-8")


def good(n: int, **front: str) -> str:
    fields = {"title": f'"Paper number {n}"', "date": "2025-03-14", "tags": "[world-models]"} | front
    return "---\n" + "".join(f"{k}: {v}\n" for k, v in fields.items()) + f"---\nThe abstract of paper {n}.\n"


def make_tree(root: Path, files: dict[str, str]) -> Path:
    """A content tree under root/content with the fixtures' tags and the given papers/ files."""
    (root / "content" / "papers").mkdir(parents=True)
    (root / "content" / "tags.yml").write_text(TAGS, encoding="utf-8")
    for name, text in files.items():
        path = root / "content" / "papers" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def hundred(tmp_path: Path) -> Path:
    """A hundred good records, with arXiv ids, and three bad ones among them."""
    files = {f"2025/paper-{n:03}.md": good(n, arxiv=f'"2501.{n:05}"') for n in range(100)}
    files["2025/paper-010.md"] = good(10, upvotes="-1")
    files["2025/paper-050.md"] = good(50, tags="[world-model]")
    files["2025/paper-099.md"] = good(99, arxiv='"2501.00007v3"')  # paper-007's
    return make_tree(tmp_path, files)


def test_three_bad_files_among_a_hundred_good_ones_are_all_reported(hundred: Path) -> None:
    assert run_check(hundred) == (
        1,
        "content/papers/2025/paper-010.md:5: upvotes: -1 is negative; write 0 or more\n"
        "content/papers/2025/paper-050.md:4: tags: 'world-model' is not a tag of content/tags.yml;"
        " did you mean 'world-models'?\n"
        'content/papers/2025/paper-099.md:5: arxiv: "2501.00007v3" is already in the feed as "2501.00007"'
        " (the version does not count): content/papers/2025/paper-007.md; a paper is listed once\n"
        "3 problems in 3 files\n",
    )


@pytest.mark.content
def test_check_of_the_shipped_content_prints_the_summary_line() -> None:
    papers = len(list((ROOT / "content" / "papers").glob("*/*.md")))
    tags = len(yaml.safe_load((ROOT / "content" / "tags.yml").read_text(encoding="utf-8")) or {})
    summary = f"{papers} paper{'' if papers == 1 else 's'}, {tags} tag{'' if tags == 1 else 's'}: ok\n"
    assert run_check(ROOT) == (0, summary)


def test_summary_line_of_a_small_tree(tmp_path: Path) -> None:
    make_tree(tmp_path, {"2025/only-one.md": good(1)})
    assert run_check(tmp_path) == (0, "1 paper, 4 tags: ok\n")
    assert run_check(tmp_path, "--content", "content") == (0, "1 paper, 4 tags: ok\n")


def test_check_of_a_missing_content_folder(tmp_path: Path) -> None:
    assert run_check(tmp_path, "--content", "nowhere") == (
        1,
        "nowhere/papers:1: folder: is missing; create content/papers/\n"
        "nowhere/tags.yml:1: file: is missing; create content/tags.yml with the tag vocabulary\n"
        "2 problems in 2 files\n",
    )


# --- paperfeed check PATH ---------------------------------------------------------------------------------


def test_a_content_folder_without_papers_is_an_empty_feed(tmp_path: Path) -> None:
    # Git keeps no empty folder: a fork that deleted every paper checks out without content/papers/.
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "tags.yml").write_text(TAGS, encoding="utf-8")
    assert run_check(tmp_path) == (0, "0 papers, 4 tags: ok\n")
    (tmp_path / "content" / "papers").mkdir()
    assert run_check(tmp_path) == (0, "0 papers, 4 tags: ok\n")


def test_a_papers_file_instead_of_a_folder_is_reported(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "tags.yml").write_text(TAGS, encoding="utf-8")
    (tmp_path / "content" / "papers").write_text("not a folder\n", encoding="utf-8")
    assert run_check(tmp_path) == (
        1,
        "content/papers:1: folder: is not a folder; make it one, with each record in the folder of its year\n"
        "1 problem in 1 file\n",
    )


def test_one_good_file_is_checked_against_the_tree(hundred: Path) -> None:
    assert run_check(hundred, "content/papers/2025/paper-001.md") == (
        0,
        "1 file checked against 97 papers, 4 tags: ok\n",
    )


def test_one_bad_file_reports_its_problems_only(hundred: Path) -> None:
    assert run_check(hundred, "content/papers/2025/paper-010.md") == (
        1,
        "content/papers/2025/paper-010.md:5: upvotes: -1 is negative; write 0 or more\n1 problem in 1 file\n",
    )


def test_a_path_is_shown_as_given_or_as_the_tree_knows_it(hundred: Path) -> None:
    expected = (
        "content/papers/2025/paper-010.md:5: upvotes: -1 is negative; write 0 or more\n1 problem in 1 file\n"
    )
    assert run_check(hundred, "./content/papers/2025/paper-010.md") == (1, expected)
    assert run_check(hundred, str(hundred / "content/papers/2025/paper-010.md")) == (1, expected)


def test_a_new_bad_file_in_the_tree(hundred: Path) -> None:
    (hundred / "content/papers/2025/a-new-one.md").write_text(good(1000, date="2025-02-30"), encoding="utf-8")
    assert run_check(hundred, "content/papers/2025/a-new-one.md") == (
        1,
        "content/papers/2025/a-new-one.md:3: date: 2025-02-30 is not a real day of the calendar;"
        " check the month and day\n1 problem in 1 file\n",
    )


def test_a_file_outside_the_tree_that_repeats_an_arxiv_id(hundred: Path) -> None:
    (hundred / "draft.md").write_text(good(1000, arxiv='"2501.00042v2"'), encoding="utf-8")
    assert run_check(hundred, "draft.md") == (
        1,
        'draft.md:5: arxiv: "2501.00042v2" is already in the feed as "2501.00042" (the version does not'
        " count): content/papers/2025/paper-042.md; a paper is listed once\n1 problem in 1 file\n",
    )


def test_the_checked_file_is_the_duplicate_even_when_it_sorts_first(hundred: Path) -> None:
    # A new record named before the one it repeats: the file being checked is the one to blame.
    (hundred / "content/papers/2025/aaa-repeat.md").write_text(
        good(1000, arxiv='"2501.00042"'), encoding="utf-8"
    )
    assert run_check(hundred, "content/papers/2025/aaa-repeat.md") == (
        1,
        'content/papers/2025/aaa-repeat.md:5: arxiv: "2501.00042" is already in the feed:'
        " content/papers/2025/paper-042.md; a paper is listed once\n1 problem in 1 file\n",
    )


def test_a_file_outside_the_tree_with_a_slug_of_the_tree(hundred: Path) -> None:
    (hundred / "paper-001.md").write_text(good(1000), encoding="utf-8")
    assert run_check(hundred, "paper-001.md") == (
        1,
        "paper-001.md:1: slug: 'paper-001' is already used by content/papers/2025/paper-001.md;"
        " rename this file\n1 problem in 1 file\n",
    )


def test_paths_that_are_not_records(hundred: Path) -> None:
    (hundred / "notes.txt").write_text("notes\n", encoding="utf-8")
    assert run_check(hundred, "nope.md", "notes.txt") == (
        1,
        "nope.md:1: file: does not exist\n"
        "notes.txt:1: file: is not a paper record (.md) or content/tags.yml\n"
        "2 problems in 2 files\n",
    )


def test_a_folder_stands_for_the_records_under_it(hundred: Path) -> None:
    (hundred / "content/papers/2024").mkdir()
    (hundred / "content/papers/2024/old.md").write_text(good(1000, date="2024-01-01"), encoding="utf-8")
    assert run_check(hundred, "content/papers/2024") == (0, "1 file checked against 98 papers, 4 tags: ok\n")


def test_a_broken_vocabulary_is_reported_when_one_file_is_checked(hundred: Path) -> None:
    tags = hundred / "content/tags.yml"
    tags.write_text(
        tags.read_text(encoding="utf-8").replace('  name: "World models"\n', ""), encoding="utf-8"
    )
    assert run_check(hundred, "content/papers/2025/paper-001.md") == (
        1,
        'content/tags.yml:10: world-models.name: is missing; add name: "..."\n1 problem in 1 file\n',
    )


def test_a_broken_vocabulary_is_one_line_not_one_per_record(hundred: Path) -> None:
    # Every record names a tag; none is reported for it, since the vocabulary itself could not be read.
    (hundred / "content/tags.yml").write_text("world-models: [\n", encoding="utf-8")
    code, output = run_check(hundred)
    assert (code, output.splitlines()) == (
        1,
        [
            "content/papers/2025/paper-010.md:5: upvotes: -1 is negative; write 0 or more",
            'content/papers/2025/paper-099.md:5: arxiv: "2501.00007v3" is already in the feed as "2501.00007"'
            " (the version does not count): content/papers/2025/paper-007.md; a paper is listed once",
            "content/tags.yml:2: world-models: is not valid YAML (did not find expected node content)",
            "3 problems in 3 files",
        ],
    )


# --- formats ----------------------------------------------------------------------------------------------


GITHUB = (
    "::error file=content/papers/2025/paper-010.md,line=5,title=upvotes::-1 is negative; write 0 or more\n"
    "::error file=content/papers/2025/paper-050.md,line=4,title=tags::'world-model' is not a tag of"
    " content/tags.yml; did you mean 'world-models'?\n"
    '::error file=content/papers/2025/paper-099.md,line=5,title=arxiv::"2501.00007v3" is already in the'
    ' feed as "2501.00007" (the version does not count): content/papers/2025/paper-007.md; a paper is listed'
    " once\n"
)


def test_github_format_prints_annotations(hundred: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(hundred)
    result = CliRunner().invoke(main, ["check", "--format", "github"], env=NO_CI)
    assert (result.exit_code, result.stdout, result.stderr) == (1, GITHUB, "3 problems in 3 files\n")


def test_github_format_is_the_default_on_github_actions(
    hundred: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(hundred)
    result = CliRunner().invoke(main, ["check"], env={"GITHUB_ACTIONS": "true"})
    assert (result.exit_code, result.stdout) == (1, GITHUB)
    result = CliRunner().invoke(main, ["check", "--format", "text"], env={"GITHUB_ACTIONS": "true"})
    assert result.stdout.startswith("content/papers/2025/paper-010.md:5: upvotes: ")


def test_github_annotation_escapes_what_the_format_reserves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_tree(tmp_path, {"2025/50%,off: sale.md": good(1)})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--format", "github"])
    assert result.stdout == (
        "::error file=content/papers/2025/50%25%2Coff%3A sale.md,line=1,title=slug::'50%25,off: sale'"
        " (the file name) must be lowercase letters, digits and hyphens; rename it 50-off-sale.md\n"
    )


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"], prog_name="paperfeed")
    assert (result.exit_code, result.output) == (0, f"paperfeed, version {version('paperfeed')}\n")


@pytest.mark.parametrize("command", [[], *([name] for name in sorted(main.commands))])
def test_every_command_has_help(command: list[str]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"], prog_name="paperfeed")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: {' '.join(['paperfeed', *command])} ")
    assert "--help" in result.output


def test_check_help_names_its_options() -> None:
    output = CliRunner().invoke(main, ["check", "--help"]).output
    for option in ("--format [text|github]", "--content DIRECTORY", "[PATHS]..."):
        assert option in output


# --- any bytes --------------------------------------------------------------------------------------------


def mutations(rng: random.Random, base: bytes, count: int) -> list[bytes]:
    """Random byte strings, and a good record with random bytes cut, repeated or put in (YAML's own first)."""
    alphabet = b"-:[]{}&*!|>'\"#%@`,?\n\r\t \\\x00\x07\x85\xef\xbb\xbf\xff\xc3\x28\xe2\x80\xae" + b"ay0.~"
    out = [bytes(rng.randrange(256) for _ in range(rng.randrange(200))) for _ in range(count // 4)]
    while len(out) < count:
        data = bytearray(base)
        for _ in range(rng.randrange(1, 6)):
            at = rng.randrange(len(data) + 1)
            choice = rng.random()
            if choice < 0.3:
                del data[at : at + rng.randrange(1, 8)]
            elif choice < 0.4:
                data[at:at] = data[at : at + rng.randrange(1, 30)]
            else:
                data[at:at] = bytes(rng.choice(alphabet) for _ in range(rng.randrange(1, 6)))
        out.append(bytes(data))
    return out


def test_any_bytes_give_clean_problems_never_an_exception(tmp_path: Path) -> None:
    tree = make_tree(tmp_path, {"2025/other.md": good(1)})
    base = record(
        'title: "A paper"\ndate: 2025-03-14\ntags: [world-models, state-space-models]\n'
        'authors: ["Ada Lovelace"]\narxiv: "2401.01234"\npublished: 2024-01-01\n'
        "links:\n  code: https://example.org/x\nsubmitted_by: octocat\nupvotes: 3\n"
    )
    tags = (tree / "content/tags.yml").read_bytes()
    paths = {
        (tree / "content" / n).as_posix()
        for n in ("papers/2025/paper.md", "papers/2025/other.md", "tags.yml")
    }
    rng = random.Random(20250314)
    for i, data in enumerate(mutations(rng, base, 300) + mutations(rng, tags, 100)):
        target = tree / "content" / ("papers/2025/paper.md" if i < 300 else "tags.yml")
        target.write_bytes(data)
        report = records.check(tree / "content")
        for problem in report.problems:
            assert isinstance(problem, records.Problem)
            assert problem.path in paths
            assert problem.line >= 1 and problem.field and problem.message
            assert "\n" not in str(problem) and "\r" not in str(problem), (data, problem)
        if target.name == "tags.yml":
            target.write_bytes(tags)
    shutil.rmtree(tree)
