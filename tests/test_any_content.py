"""The suite passes on any valid content: the tests marked `content` (those that read the repository's own
content/) run in a copy of the repository whose content is a contribution on a new day, a fork's own papers,
or no papers at all, and pass there too.

Each run selects `-m "content and not browser"`: the browser tests marked `content` check the same
properties in Chromium, at about ten seconds more per run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml

from generator import records
from tests.test_seed import SEED_PAPERS

ROOT = Path(__file__).resolve().parent.parent
SELECTION = "content and not browser"
# The content tests that must run in every copy; the seed's is skipped when no seed paper is left.
EXPECTED = {
    "tests.test_seed::test_the_seed_papers_in_the_content_are_verbatim",
    "tests.test_site_build::test_the_shipped_content_builds_strict_with_a_page_per_paper",
    "tests.test_records_tree::test_check_of_the_shipped_content_prints_the_summary_line",
    "tests.test_feeds::test_the_shipped_feeds_carry_every_paper_of_their_newest_day",
    "tests.test_site_build::test_the_shipped_mamba_page_links_arxiv_names_its_authors_cites_and_relates_it",
    "tests.test_related::test_mambas_related_papers_are_state_space_papers_of_the_feed",
}
SEED_TEST = "tests.test_seed::test_the_seed_papers_in_the_content_are_verbatim"
NO_SEED = "none of the seed's papers is in content/ (a feed of its own): nothing to compare"
MAMBA_TEST = (
    "tests.test_site_build::test_the_shipped_mamba_page_links_arxiv_names_its_authors_cites_and_relates_it"
)
NO_MAMBA = "arXiv 2312.00752 (Mamba) is not in content/: a feed of its own"


def copy_repository(dest: Path) -> Path:
    """The files Git knows here (tracked, or new and not ignored), as they are in the working tree."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the working tree, not yet in Git
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
    return dest


def run_content_tests(repo: Path) -> dict[str, str]:
    """Run the selected tests in `repo` with its own content; each test's outcome, by module::name."""
    report = repo / "content-tests.xml"
    # The child is a pytest of its own: nothing of this run's (xdist worker, options) may leak into it.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    args = ["-q", "-p", "no:cacheprovider", "-m", SELECTION, "--junitxml", str(report), "tests"]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**env, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert done.returncode == 0, f"the content tests fail on this content:\n{done.stdout}\n{done.stderr}"
    outcomes = {}
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        name = f"{case.get('classname')}::{case.get('name')}"
        skipped = case.find("skipped")
        outcomes[name] = "passed" if skipped is None else f"skipped: {skipped.get('message', '')}"
    assert set(outcomes) >= EXPECTED, f"the selection lost a content test: {sorted(outcomes)}"
    return outcomes


def record(title: str, day: str, tags: list[str], abstract: str, more: str = "") -> str:
    """A record as a contributor writes it; `more` is further front-matter lines."""
    return f"---\ntitle: {json.dumps(title)}\ndate: {day}\ntags: {json.dumps(tags)}\n{more}---\n{abstract}\n"


def first_tag(content: Path) -> str:
    return next(iter(yaml.safe_load((content / "tags.yml").read_text(encoding="utf-8"))))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return copy_repository(tmp_path / "repo")


def test_a_contribution_on_a_new_day_and_a_removed_paper(repo: Path) -> None:
    content = repo / "content"
    shipped = sorted((content / "papers").rglob("*.md"))
    if shipped:
        shipped[0].unlink()  # a paper leaves the feed
    new = content / "papers" / "2025" / "sparse-probes-for-world-models.md"
    new.parent.mkdir(parents=True, exist_ok=True)
    new.write_text(
        record(
            "Sparse probes for world models",
            "2025-03-15",
            [first_tag(content)],
            "We probe $n$ world models with sparse linear readouts.",
            "links:\n  code: https://example.org/sparse-probes\n",
        ),
        encoding="utf-8",
    )
    assert [str(p) for p in records.check(content).problems] == []  # `paperfeed check` says ok
    outcomes = run_content_tests(repo)
    seed = {title for title, _ in SEED_PAPERS}
    seed_left = any(p.title in seed for p in records.load_feed(content).papers)
    assert outcomes[SEED_TEST] == ("passed" if seed_left else f"skipped: {NO_SEED}")
    mamba_left = any(p.arxiv == "2312.00752" for p in records.load_feed(content).papers)
    assert outcomes[MAMBA_TEST] == ("passed" if mamba_left else f"skipped: {NO_MAMBA}")


def test_a_fork_with_thirty_papers_of_its_own_and_its_own_tags(repo: Path) -> None:
    content = repo / "content"
    shutil.rmtree(content / "papers", ignore_errors=True)
    (content / "tags.yml").write_text(
        'ocean-models:\n  name: "Ocean models"\n  description: "Papers on models of the sea."\n'
        'sea-ice:\n  name: "Sea ice"\n'
        'tides:\n  name: "Tides"\n',
        encoding="utf-8",
    )
    words = [
        "abyssal", "albedo", "brine", "current", "delta", "estuary", "fjord", "gyre", "halocline", "iceberg",
        "jetty", "kelp", "lagoon", "meltwater", "neap", "outflow", "polynya", "quay", "reef", "salinity",
        "thermocline", "upwelling", "vortex", "wave", "xenolith", "yardang", "zooplankton", "benthic",
        "coral", "dune",
    ]  # fmt: skip
    tags = ["ocean-models", "sea-ice", "tides"]
    for n, word in enumerate(words):
        day = f"{2024 + n % 2}-0{1 + n % 3}-{10 + n % 7}"
        text = record(
            f"{word.capitalize()} dynamics in a coupled model"
            + (": 50% less drift & bias" if n == 3 else ""),
            day,
            [tags[n % 3]] + ([tags[(n + 1) % 3]] if n % 4 == 0 else []),
            f"We study {word} with a model of {n + 1} layers.",
            f'arxiv: "2401.{n + 1:05d}"\nupvotes: {n % 5}\n',
        )
        path = content / "papers" / day[:4] / f"{word}-dynamics.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    report = records.check(content)
    assert ([str(p) for p in report.problems], len(report.feed.papers)) == ([], 30)
    outcomes = run_content_tests(repo)
    assert outcomes[SEED_TEST] == f"skipped: {NO_SEED}"
    assert outcomes[MAMBA_TEST] == f"skipped: {NO_MAMBA}"


def test_a_fork_that_deleted_every_paper(repo: Path) -> None:
    content = repo / "content"
    shutil.rmtree(content / "papers", ignore_errors=True)  # what a fresh clone has: Git keeps no empty folder
    assert [str(p) for p in records.check(content).problems] == []
    outcomes = run_content_tests(repo)
    assert outcomes[SEED_TEST] == f"skipped: {NO_SEED}"


def test_the_copy_holds_the_repository_and_the_check_can_fail(repo: Path) -> None:
    """The harness can fail: in a copy whose content is invalid, the content tests fail, and so does this."""
    assert (repo / "tests" / "test_seed.py").read_bytes() == (ROOT / "tests" / "test_seed.py").read_bytes()
    assert not (repo / ".venv").exists()
    broken = repo / "content" / "papers" / "2025" / "broken.md"
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_text(record("Broken", "2025-03-15", ["no-such-tag"], "An abstract."), encoding="utf-8")
    with pytest.raises(AssertionError, match="the content tests fail on this content") as failed:
        run_content_tests(repo)
    assert "tags: 'no-such-tag' is not a tag of content/tags.yml" in str(failed.value)
