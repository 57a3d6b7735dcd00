"""The record fixtures of tests/fixtures/records/: each invalid one fails `paperfeed check` with exactly the
lines of its expected.txt, each valid one loads to exactly the model of its expected.json."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from records_support import FIXTURES, GENERATED, LF, PAPER, fixture_names, materialize, run_check

from generator import records
from generator.model import Feed

INVALID = fixture_names("invalid")
VALID = fixture_names("valid")


def feed_as_json(feed: Feed) -> dict[str, Any]:
    def plain(obj: Any) -> Any:
        return json.loads(json.dumps(dataclasses.asdict(obj), default=str))

    return {
        "tags": {slug: plain(tag) for slug, tag in feed.tags.items()},
        "papers": [plain(p) for p in feed.papers],
    }


def test_there_are_enough_invalid_fixtures() -> None:
    assert len(INVALID) >= 35
    assert all((FIXTURES / "invalid" / name / "expected.txt").is_file() for name in INVALID)
    assert {key.split("/")[1] for key in GENERATED if key.startswith("invalid/")} <= set(INVALID)


def case_sensitive(folder: Path) -> bool:
    (folder / "probe").touch()
    return not (folder / "PROBE").exists()


@pytest.mark.parametrize("name", INVALID)
def test_invalid_fixture_fails_with_its_message(
    name: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if name == "slug-differs-only-in-case" and not case_sensitive(tmp_path):
        pytest.skip("two file names that differ only in case are one file here (macOS, Windows)")
    tree = materialize(f"invalid/{name}", tmp_path / name)
    code, output = run_check(tree)
    expected_file = FIXTURES / "invalid" / name / "expected.txt"
    if request.config.getoption("--update-goldens"):
        expected_file.write_text(output, encoding="utf-8", newline="\n")
    assert (code, output) == (1, expected_file.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["bom-only", "utf16", "control-nul", "yaml-billion-laughs", "tags-yml-tab"])
def test_the_installed_command_prints_the_same_and_no_traceback(name: str, tmp_path: Path) -> None:
    tree = materialize(f"invalid/{name}", tmp_path / name)
    paperfeed = Path(sys.executable).parent / "paperfeed"
    result = subprocess.run(
        [str(paperfeed), "check"],
        cwd=tree,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"},
        check=False,
    )
    expected = (FIXTURES / "invalid" / name / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert (result.returncode, result.stdout.splitlines(), result.stderr.splitlines()) == (
        1,
        expected[:-1],
        expected[-1:],
    )


def test_invalid_fixtures_hold_one_problem_each() -> None:
    for name in INVALID:
        lines = (FIXTURES / "invalid" / name / "expected.txt").read_text(encoding="utf-8").splitlines()
        assert lines[-1] == "1 problem in 1 file", name


@pytest.mark.parametrize("name", VALID)
def test_valid_fixture_loads_to_its_model(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    tree = materialize(f"valid/{name}", tmp_path / name)
    monkeypatch.chdir(tree)
    model = feed_as_json(records.load_feed(Path("content")))
    expected_file = FIXTURES / "valid" / name / "expected.json"
    if request.config.getoption("--update-goldens"):
        text = json.dumps(model, indent=2, ensure_ascii=False) + "\n"
        expected_file.write_text(text, encoding="utf-8", newline="\n")
    assert model == json.loads(expected_file.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["crlf", "bom", "bom-crlf"])
def test_crlf_and_bom_read_the_same_as_lf(name: str, tmp_path: Path) -> None:
    assert (FIXTURES / "valid" / "lf" / PAPER).read_bytes() == LF  # the generated variants are of this file
    lf = records.load_feed(materialize("valid/lf", tmp_path / "lf") / "content")
    other = records.load_feed(materialize(f"valid/{name}", tmp_path / name) / "content")
    assert other.papers[0] == dataclasses.replace(lf.papers[0], source=other.papers[0].source)
    assert other.papers[0].abstract == "Line one.\nLine two."


def test_yaml_1_1_traps_are_read_as_written(tmp_path: Path) -> None:
    feed = records.load_feed(materialize("valid/yaml11-traps", tmp_path / "t") / "content")
    papers = feed.by_slug()
    assert papers["no"].title == "NO"
    assert papers["no"].authors == ("Null", "yes", "on", "~x")
    assert papers["no"].submitted_by == "on"
    assert papers["sexagesimal"].title == "1:20"
    assert papers["sexagesimal"].authors == ("1:20", "0o17", ".inf", "1e3")
    assert papers["float-title"].title == "2401.10000"
    assert papers["float-title"].arxiv == "2401.10000"
    assert papers["date-title"].title == "2025-03-14"
    assert papers["date-title"].authors == ("True", "off", "y", "n")


def test_a_python_object_tag_is_refused_and_nothing_runs(tmp_path: Path) -> None:
    tree = materialize("invalid/yaml-python-object", tmp_path / "t")
    assert "os.system" in (tree / PAPER).read_text(encoding="utf-8")
    # A real process, as CI runs it: had YAML built the object, the shell would have written pwned.txt.
    result = subprocess.run(
        [sys.executable, "-m", "generator.cli", "check"],
        cwd=tree,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"},
        check=False,
    )
    assert result.returncode == 1
    assert "uses the YAML tag '!!python/object/apply:os.system'" in result.stdout
    assert "Traceback" not in result.stderr
    assert not (tree / "pwned.txt").exists()


@pytest.mark.timeout(10)  # expanded, the document below is a billion strings: it would never finish
def test_billion_laughs_is_refused_before_anything_is_expanded(tmp_path: Path) -> None:
    laughs = ['lol0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    laughs += [f"lol{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    tree = materialize("valid/lf", tmp_path / "t")
    (tree / PAPER).write_text("---\n" + "\n".join(laughs) + "\n---\nHa.\n", encoding="utf-8")
    problems = records.check(tree / "content").problems
    assert [str(p) for p in problems] == [
        f"{(tree / PAPER).as_posix()}:2: lol0: uses the YAML anchor '&a0'; anchors are not allowed"
    ]
