"""`paperfeed new` and its slugs: a valid record at the right path; no duplicate or invalid one written."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from records_support import materialize

from generator import records
from generator.cli import main
from generator.contributing import authoring

MAMBA = "Mamba: Linear-Time Sequence Modeling with Selective State Spaces"


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of a small valid content tree (the full record: Mamba, arXiv 2312.00752v2), as the cwd."""
    root = materialize("valid/full-record", tmp_path / "site")
    monkeypatch.chdir(root)
    return root


def new(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, ["new", *args], input=stdin, env={"GITHUB_ACTIONS": None})


def files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in (root / "content").rglob("*"))


BASIC = ("--tag", "world-models", "--abstract", "We learn a model of the world.", "--date", "2025-03-15")


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        (MAMBA, "mamba-linear-time-sequence-modeling-with-selective-state"),
        ("Über naïve Café — façade: a test", "uber-naive-cafe-facade-a-test"),
        ("Straße, Łódź and Ærø", "strasse-lodz-and-aero"),
        ("β-VAE: Learning Basic Visual Concepts", "beta-vae-learning-basic-visual-concepts"),
        ("GPT-4o & o1: what's new?", "gpt-4o-o1-whats-new"),
        ("  --Hello,   World!!--  ", "hello-world"),
        ("word " * 30, "word-" * 11 + "word"),
        ("A" * 100, "a" * 60),
        ("X", "x-paper"),
        ("世界モデル", "paper"),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert authoring.slugify(title) == slug
    assert records.SLUG_RE.fullmatch(slug)
    assert len(slug) <= authoring.SLUG_MAX


def test_slugify_cuts_a_long_title_at_a_word_boundary() -> None:
    title = "Scaling Laws for Neural Language Models Trained on Multilingual Tokens"
    assert authoring.slugify(title, limit=1000)[58:62] == "ngua"  # the 60th character is inside a word
    assert authoring.slugify(title) == "scaling-laws-for-neural-language-models-trained-on"


def test_title_key_ignores_case_punctuation_and_spacing() -> None:
    assert authoring.title_key("Mamba:  linear-time SEQUENCE modeling!") == authoring.title_key(
        "mamba linear time sequence modeling"
    )
    assert authoring.title_key("Mamba 2") != authoring.title_key("Mamba")


def test_new_writes_a_valid_record_at_the_right_path(tree: Path) -> None:
    result = new(
        "--title", "World Models: a survey", *BASIC,
        "--author", "Ada Lovelace", "--author", "Null",
        "--arxiv", "2401.10000", "--published", "2024-01-20",
        "--link", "code=https://github.com/owner/repo", "--submitted-by", "octocat",
    )  # fmt: skip
    assert (result.exit_code, result.output) == (0, "wrote content/papers/2025/world-models-a-survey.md\n")
    path = tree / "content/papers/2025/world-models-a-survey.md"
    assert path.read_text(encoding="utf-8") == (
        "---\n"
        'title: "World Models: a survey"\n'
        "date: 2025-03-15\n"
        "tags: [world-models]\n"
        'authors: ["Ada Lovelace", "Null"]\n'
        'arxiv: "2401.10000"\n'
        "published: 2024-01-20\n"
        "links:\n"
        '  code: "https://github.com/owner/repo"\n'
        "submitted_by: octocat\n"
        "---\n"
        "We learn a model of the world.\n"
    )
    paper = records.load_feed(Path("content")).by_slug()["world-models-a-survey"]
    assert (paper.title, paper.date, paper.authors, paper.arxiv) == (
        "World Models: a survey",
        dt.date(2025, 3, 15),
        ("Ada Lovelace", "Null"),
        "2401.10000",
    )


def test_new_reads_the_abstract_from_stdin(tree: Path) -> None:
    abstract = "Line one with $x^2$.\n\nA second paragraph: 13\\% better.\n"
    result = new(
        "--title",
        "From stdin",
        "--tag",
        "world-models",
        "--abstract",
        "-",
        "--date",
        "2025-03-15",
        stdin=abstract,
    )
    assert result.exit_code == 0, result.output
    paper = records.load_feed(Path("content")).by_slug()["from-stdin"]
    assert paper.abstract == abstract.strip()


def test_new_makes_the_folder_of_a_new_year(tree: Path) -> None:
    result = new(
        "--title", "An old paper", "--tag", "world-models", "--abstract", "Old.", "--date", "2019-07-01"
    )
    assert (result.exit_code, result.output) == (0, "wrote content/papers/2019/an-old-paper.md\n")


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--title", "Something else", "--arxiv", "2312.00752"], "arXiv 2312.00752 is already in the feed"),
        (
            ["--title", "Something else", "--arxiv", "2312.00752v1"],
            "arXiv 2312.00752v1 is already in the feed",
        ),
        (
            ["--title", "mamba -- LINEAR time sequence modeling with selective state-spaces."],
            "the title is already",
        ),
        (["--title", "Another paper", "--slug", "paper"], "the slug 'paper' is taken"),
        (["--title", "Päper"], "the slug 'paper' is taken"),
    ],
)
def test_new_refuses_a_duplicate(tree: Path, args: list[str], reason: str) -> None:
    before = files(tree)
    result = new(*args, *BASIC)
    assert result.exit_code == 1
    where = "content/papers/2025/paper.md"
    expected = {
        "arXiv": f"Error: not written: {reason}: {where}\n",
        "the title": f"Error: not written: the title is already in the feed: {where} ({MAMBA})\n",
        "the slug": f"Error: not written: {reason} by {where}; choose another with --slug\n",
    }
    assert result.output == next(v for k, v in expected.items() if reason.startswith(k))
    assert files(tree) == before


def test_new_refuses_an_invalid_record_and_leaves_nothing(tree: Path) -> None:
    before = files(tree)
    result = new("--title", "A new paper", "--tag", "world-model", "--abstract", "x", "--date", "2019-01-01")
    assert (result.exit_code, result.output) == (
        1,
        "content/papers/2019/a-new-paper.md:4: tags: 'world-model' is not a tag of content/tags.yml;"
        " did you mean 'world-models'?\n"
        "Error: not written: the record would be invalid (see above)\n",
    )
    assert files(tree) == before  # not the record, nor the folder of 2019 made for it


def test_new_refuses_a_link_that_is_not_http(tree: Path) -> None:
    before = files(tree)
    result = new("--title", "A new paper", *BASIC, "--link", "code=javascript:alert(1)")
    assert result.output == (
        "content/papers/2025/a-new-paper.md:6: links.code: 'javascript:alert(1)' is not an http(s) address;"
        " write the full address, starting with https://\n"
        "Error: not written: the record would be invalid (see above)\n"
    )
    assert files(tree) == before


@pytest.mark.parametrize(
    ("slug", "fix"), [("../../escape", "escape"), ("Bad_Slug", "bad-slug"), ("x", "x-paper")]
)
def test_new_refuses_a_bad_slug_before_writing_anything(tree: Path, slug: str, fix: str) -> None:
    before = files(tree)
    result = new("--title", "A new paper", *BASIC, "--slug", slug)
    assert (result.exit_code, result.output) == (
        1,
        f"Error: not written: the slug '{slug}' must be lowercase letters, digits and hyphens, e.g. {fix}\n",
    )
    assert files(tree) == before
    assert not (tree.parent / "escape.md").exists() and not (tree / "escape.md").exists()


def test_new_outside_a_feed_says_where_it_looked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = new("--title", "A new paper", *BASIC)
    assert (result.exit_code, result.output) == (
        1,
        "Error: not written: content/tags.yml is missing; run this in the feed's repository, or give its"
        " content folder with --content\n",
    )
    assert os.listdir(tmp_path) == []


def test_new_asks_for_what_is_missing(tree: Path) -> None:
    result = new("--title", "Only a title")
    assert result.exit_code == 2
    assert result.output.endswith("Error: give --abstract, --tag\n")


def test_new_with_content_option(tmp_path: Path) -> None:
    content = materialize("valid/lf", tmp_path / "t") / "content"
    result = new("--title", "Elsewhere", *BASIC, "--content", str(content))
    assert (result.exit_code, result.output) == (0, f"wrote {content.as_posix()}/papers/2025/elsewhere.md\n")
    assert "elsewhere" in records.load_feed(content).by_slug()


def test_new_takes_back_every_folder_it_made_for_an_invalid_record(tmp_path: Path) -> None:
    content = materialize("valid/lf", tmp_path / "t") / "content"
    shutil.rmtree(content / "papers")
    before = files(content.parent)
    result = new(
        "--title", "A new paper", "--tag", "world-model", "--abstract", "x", "--content", str(content)
    )
    assert result.exit_code == 1
    assert result.output.endswith("Error: not written: the record would be invalid (see above)\n")
    assert files(content.parent) == before  # neither papers/2025 nor papers/


def test_a_draft_that_is_not_utf8_leaves_no_file(tree: Path) -> None:
    """Python keeps the bytes of an argument that is not UTF-8 as lone surrogates, which cannot be written."""
    before = files(tree)
    draft = authoring.Draft(title="Caf\udce9", tags=("world-models",), abstract="x", date=dt.date(2024, 1, 1))
    with pytest.raises(authoring.RefusedError) as err:
        authoring.write_record(Path("content"), draft)
    assert (
        str(err.value)
        == "an option holds bytes that are not UTF-8 text; check the terminal's encoding (locale)"
    )
    assert files(tree) == before


def test_a_tag_vocabulary_that_is_a_folder_is_named(tree: Path) -> None:
    (tree / "content" / "tags.yml").unlink()
    (tree / "content" / "tags.yml").mkdir()
    result = new("--title", "A new paper", *BASIC)
    assert (result.exit_code, result.output) == (
        1,
        "Error: not written: content/tags.yml is a folder; it must be the file of the tag vocabulary"
        " (slug: {name, description})\n",
    )


# --- a batch of records: all or none ----------------------------------------------------------------------


def draft(title: str, tag: str = "world-models", year: int = 2024) -> authoring.Draft:
    return authoring.Draft(title=title, tags=(tag,), abstract="An abstract.", date=dt.date(year, 3, 14))


def test_a_batch_is_written_whole(tree: Path) -> None:
    content = tree / "content"
    written = authoring.write_records(content, [("first", draft("First")), ("second", draft("Second"))])
    assert [p.relative_to(content).as_posix() for p in written.paths] == [
        "papers/2024/first.md",
        "papers/2024/second.md",
    ]
    assert written.folders == [content / "papers" / "2024"]
    assert (content / "papers/2024/first.md").read_text(encoding="utf-8") == (
        '---\ntitle: "First"\ndate: 2024-03-14\ntags: [world-models]\n---\nAn abstract.\n'
    )
    assert not list(content.rglob(".*"))  # no file written aside is left


def test_a_batch_with_a_file_in_the_way_is_taken_back_whole(tree: Path) -> None:
    content = tree / "content"
    (content / "papers" / "2025" / "second.md").write_text("someone else's\n", encoding="utf-8")
    before = files(tree)
    batch = [("first", draft("First", year=2025)), ("second", draft("Second", year=2025))]
    with pytest.raises(authoring.DuplicateError, match=r"/papers/2025/second\.md exists already$"):
        authoring.write_records(content, batch)
    assert files(tree) == before
    assert (content / "papers" / "2025" / "second.md").read_text(encoding="utf-8") == "someone else's\n"


def test_a_batch_that_would_not_check_is_taken_back_with_its_new_folder(tree: Path) -> None:
    before = files(tree)
    with pytest.raises(records.ContentError) as err:
        authoring.write_records(tree / "content", [("first", draft("First")), ("bad", draft("Bad", "nope"))])
    assert [p.field for p in err.value.problems] == ["tags"]
    assert files(tree) == before  # papers/2024/ is gone too


def test_draft_problems_are_those_of_each_record_alone(tree: Path) -> None:
    before = files(tree)
    found = authoring.draft_problems(
        tree / "content" / "tags.yml", [("ok", draft("Fine")), ("angle", draft("A <b> title"))]
    )
    assert found["ok"] == []
    assert [(p.line, p.field) for p in found["angle"]] == [(2, "title")]
    assert files(tree) == before  # nothing was written in the content
