"""One error family: every error a user reads is a PaperfeedError, which the plugin turns into MkDocs' build
error and the CLI into one line, each in one place; environment settings are checked before a build starts."""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.contributing import pathcheck
from generator.errors import PaperfeedError
from tests.sitebuild import ROOT, build_site, write_config

SMALL = ROOT / "tests" / "fixtures" / "small" / "content"
PAPERFEED = str(Path(sys.executable).with_name("paperfeed"))
EPOCH_LINE = (
    "SOURCE_DATE_EPOCH '2025-03-14' is not a number; give a whole number of seconds since 1970-01-01 UTC,"
    " or unset it"
)
# Exceptions of the package that no user reads, each caught where it is raised.
INTERNAL = {
    "generator.records.yamlnodes.YamlProblem": "becomes a record's problem line",
    "generator.data.github.RateLimited": "the stars run waits, or stops with its own line",
    "generator.mail.addresses.NotAnAddress": "each setting words its own message",
}


def _exception_classes() -> dict[str, type[BaseException]]:
    """Every exception class defined in generator/, by its dotted name."""
    found: dict[str, type[BaseException]] = {}
    for path in sorted((ROOT / "generator").rglob("*.py")):
        module_name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [node.name for node in tree.body if isinstance(node, ast.ClassDef)]
        if not names:
            continue
        module = importlib.import_module(module_name)
        for name in names:
            cls = getattr(module, name)
            if inspect.isclass(cls) and issubclass(cls, BaseException):
                found[f"{module_name}.{name}"] = cls
    return found


def test_every_error_a_user_reads_is_a_paperfeed_error() -> None:
    classes = _exception_classes()
    outside = {name for name, cls in classes.items() if not issubclass(cls, PaperfeedError)}
    # The path check runs alone on the standard library (CI takes it from the base commit): its own class.
    assert outside == {*INTERNAL, "generator.contributing.pathcheck.PathCheckError"}
    for name in (
        "generator.config.ConfigError",
        "generator.records.problems.ContentError",
        "generator.data.feeds.FeedError",
        "generator.periods.PeriodError",
        "generator.mail.ledger.LedgerError",
        "generator.mail.recipient.MailError",
        "generator.mail.digest.DigestError",
        "generator.contributing.authoring.RefusedError",
        "generator.contributing.authoring.DuplicateError",
        "generator.contributing.arxiv.ArxivError",
        "generator.contributing.importer.ImportFailed",
        "generator.data.ledger_branch.BranchError",
        "generator.data.starfile.StarsError",
        "generator.data.github.GitHubError",
        "generator.data.github.RepoError",
        "generator.site.pagefind_run.SearchIndexError",
        "generator.site.pagefind_files.FormatError",
        "generator.records.gitbase.GitBaseError",
    ):
        assert issubclass(classes[name], PaperfeedError), name


def test_the_path_checks_error_stays_its_own() -> None:
    assert not issubclass(pathcheck.PathCheckError, PaperfeedError)


def test_no_assert_narrows_data_in_the_package() -> None:
    """Checks that `python -O` would drop are explicit instead."""
    found = []
    for path in sorted((ROOT / "generator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assert):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


# --- environment settings, checked up front -----------------------------------------------------------


def _with_an_empty_tag(tmp: Path) -> Path:
    content = tmp / "content"
    shutil.copytree(SMALL, content)
    with (content / "tags.yml").open("a", encoding="utf-8") as tags:
        tags.write('no-papers-yet:\n  name: "No papers yet"\n  description: "A tag nothing carries."\n')
    return content


def test_a_bad_source_date_epoch_stops_mkdocs_build_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's bug: a date instead of seconds, and a tag with no papers, gave a traceback."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "2025-03-14")
    done = build_site(tmp_path, _with_an_empty_tag(tmp_path))
    assert done.returncode == 1
    assert done.stderr == f"ERROR   -  {EPOCH_LINE}\n"
    assert not (tmp_path / "site" / "index.html").exists()


def test_the_environment_is_checked_before_the_content_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Up front, every time: not only when some feed happens to be empty, and before any record."""
    content = tmp_path / "content"
    shutil.copytree(SMALL, content)
    (content / "papers" / "2025" / "broken.md").write_text("no front matter\n", encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "2025-03-14")
    done = build_site(tmp_path, content)
    assert (done.returncode, done.stderr) == (1, f"ERROR   -  {EPOCH_LINE}\n")


def test_paperfeed_build_refuses_a_bad_source_date_epoch_before_mkdocs_starts(tmp_path: Path) -> None:
    config = write_config(tmp_path, _with_an_empty_tag(tmp_path), "https://example.org/feed/")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "2025-03-14", "NO_MKDOCS_2_WARNING": "1"}
    env.pop("PAPERFEED_DEBUG", None)
    done = subprocess.run(
        [PAPERFEED, "build", "-f", str(config), "-d", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (1, "", f"Error: {EPOCH_LINE}\n")
    assert not (tmp_path / "out").exists()


# --- user errors from later hooks, through the same handler -----------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("digests.yml", "salt: 0\n", "{content}/digests.yml: salt must be 32 hexadecimal digits"),
        (
            "stars.tsv",
            "not a line of samples\n",
            "{content}/stars.tsv:1: has 1 tab-separated fields, not 4 (name, state, ETag, samples); delete"
            " the line, and the next `paperfeed stars` samples the repository afresh",
        ),
    ],
    ids=["ledger", "stars"],
)
def test_a_broken_data_file_stops_the_build_with_its_line(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    content = tmp_path / "content"
    shutil.copytree(SMALL, content)
    (content / name).write_text(text, encoding="utf-8")
    done = build_site(tmp_path, content)
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if not line.startswith("INFO ")]
    assert errors == ["ERROR   -  " + message.format(content=content.resolve())]
    assert not (tmp_path / "site" / "index.html").exists()
