"""The contributor guide says what is true: its template is a valid record, its messages are the ones
paperfeed prints, its commands exist; and the issue form and pull-request template are well formed."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

from generator import records
from generator.cli import main
from generator.contributing import pathcheck

ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
GUIDE_TAGS = (
    'transformers:\n  name: "Transformers"\n'
    'state-space-models:\n  name: "State-space models"\n'
    'world-models:\n  name: "World models"\n'
)


def blocks(kind: str) -> list[str]:
    return re.findall(rf"^```{kind}\n(.*?)^```", GUIDE, re.S | re.M)


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty feed, as `content/` of the current directory, with the tags the guide's examples use (its
    own: a fork that edits content/tags.yml keeps a guide that passes these tests)."""
    (tmp_path / "content" / "papers" / "2025").mkdir(parents=True)
    (tmp_path / "content" / "tags.yml").write_text(GUIDE_TAGS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return Path("content")


def test_the_template_is_a_valid_record(content: Path) -> None:
    (template,) = blocks("markdown")
    path = content / "papers" / "2025" / "the-papers-title.md"
    path.write_text(template, encoding="utf-8")
    report = records.check(content)
    assert [str(p) for p in report.problems] == []
    (paper,) = report.feed.papers
    assert (paper.title, paper.arxiv, paper.submitted_by) == (
        "The paper's title, exactly as published",
        "2401.01234",
        "your-github-name",
    )


def test_the_quoted_content_messages_are_what_check_prints(content: Path) -> None:
    quoted = [line for block in blocks("text") for line in block.splitlines() if "My_Paper.md" in line]
    assert len(quoted) == 4
    (content / "papers" / "2025" / "My_Paper.md").write_text(
        '---\ntitle: "My paper"\ndate: 2025-3-14\ntags: [transformer]\narxiv: 2401.10\n---\nAn abstract.\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["check", "--format", "text"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == quoted


def test_the_quoted_path_check_message_is_what_it_prints() -> None:
    quoted = [
        line for block in blocks("text") for line in block.splitlines() if line.startswith("mkdocs.yml:")
    ]
    assert quoted == [str(f) for f in pathcheck.check([pathcheck.Change("mkdocs.yml")])]


def test_the_guide_names_the_checks_of_the_pull_request_workflows() -> None:
    names = [
        job["name"]
        for name in ("pull-request.yml", "pull-request-paths.yml")
        for job in yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))[
            "jobs"
        ].values()
    ]
    assert names == ["Content and site", "Test suite", "Only content changes"]
    for name in names:
        assert f"| **{name}** |" in GUIDE


def test_the_paperfeed_commands_of_the_guide_exist() -> None:
    shown = [
        shlex.split(line, comments=True)
        for block in blocks("sh")
        for line in block.replace("\\\n", " ").splitlines()
        if line.startswith(".venv/bin/paperfeed ")
    ]
    assert len(shown) >= 4
    for words in shown:
        command = main.commands[words[1]]
        known = {opt for param in command.params if isinstance(param, click.Option) for opt in param.opts}
        options = {w for w in words[2:] if w.startswith("--")}
        assert options <= known, f"{shlex.join(words)}: unknown {options - known}"


def test_the_issue_form() -> None:
    form = yaml.safe_load(
        (ROOT / ".github" / "ISSUE_TEMPLATE" / "suggest-paper.yml").read_text(encoding="utf-8")
    )
    assert form["name"] == "Suggest a paper"
    fields = {item["id"]: item for item in form["body"] if "id" in item}
    assert list(fields) == ["arxiv", "title", "why", "tags", "links", "checked"]
    required = [name for name, item in fields.items() if item.get("validations", {}).get("required")]
    assert required == ["arxiv", "title", "why"]
    assert {item["type"] for item in form["body"]} <= {
        "markdown",
        "input",
        "textarea",
        "checkboxes",
        "dropdown",
    }
    config = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / "config.yml").read_text(encoding="utf-8"))
    assert all(link["url"].startswith("https://") for link in config["contact_links"])


def test_the_pull_request_template_has_a_checklist() -> None:
    template = (ROOT / ".github" / "PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8")
    checklist = re.findall(r"^- \[ \] (.*)$", template, re.M)
    # The last thing to tick is the check CI runs; the files it names are where a record and a tag go.
    assert checklist and "`paperfeed check`" in checklist[-1]
    named = re.findall(r"`(content/[^`<]+)`", template)
    assert named and all((ROOT / name).exists() for name in named), named
    assert "`content/papers/<year>/<slug>.md`" in checklist[0]
    assert (ROOT / "CONTRIBUTING.md").is_file() and "CONTRIBUTING.md" in template
