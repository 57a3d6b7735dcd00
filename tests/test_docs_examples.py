"""The README's and CONTRIBUTING's examples work when pasted in a feed's folder: one with the vocabulary the
examples were written for (tests/fixtures/docs/), so that they hold whatever content/ holds.

The commands are taken from the documents themselves and run as a user runs them, with the installed
`paperfeed`; the arXiv API is a local server giving the recorded answer, or a port where nobody answers
when the example must not need it.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from arxiv_support import FIXTURES, ArxivStub, Reply, arxiv_stub

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
GUIDE = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
PAPERFEED = str(Path(sys.executable).with_name("paperfeed"))
DOCS_CONTENT = ROOT / "tests" / "fixtures" / "docs" / "content"
YEAR = re.compile(r"papers/\d{4}/")


def section(text: str, title: str) -> str:
    """The text of the section `## title`, up to the next one."""
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def blocks(text: str, kind: str) -> list[str]:
    return re.findall(rf"^```{kind}\n(.*?)^```", text, re.S | re.M)


def commands(text: str, *having: str) -> list[list[str]]:
    """The `paperfeed` command lines of the text's sh blocks that have all of `having` in them."""
    lines = [line for block in blocks(text, "sh") for line in block.replace("\\\n", " ").splitlines()]
    return [
        shlex.split(line, comments=True)
        for line in lines
        if line.startswith(".venv/bin/paperfeed ") and all(word in line for word in having)
    ]


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A feed's folder, as far as paperfeed reads it: the documents' vocabulary and no papers yet."""
    shutil.copytree(DOCS_CONTENT, tmp_path / "content")
    return tmp_path


@pytest.fixture
def api() -> Iterator[ArxivStub]:
    with arxiv_stub() as stub:
        stub.serve(Reply(body=(FIXTURES / "1706.03762.xml").read_bytes()))
        yield stub


def nobody_answers() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def run(cwd: Path, words: list[str], api_base: str) -> subprocess.CompletedProcess[str]:
    assert words[0] == ".venv/bin/paperfeed"
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    env.update({"PAPERFEED_ARXIV_API": api_base, "NO_PROXY": "127.0.0.1", "PAPERFEED_ARXIV_BACKOFF": "0"})
    env["PAPERFEED_ARXIV_DELAY"] = "0"  # the stand-in needs no 3 s between requests
    done = subprocess.run(
        [PAPERFEED, *words[1:]], cwd=cwd, capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert "Traceback" not in done.stderr
    return done


def check_passes(cwd: Path) -> None:
    done = run(cwd, [".venv/bin/paperfeed", "check", "--format", "text"], nobody_answers())
    assert (done.returncode, done.stderr) == (0, ""), done.stdout
    assert re.fullmatch(r"\d+ papers?, \d+ tags?: ok\n", done.stdout)


def test_the_readme_example_of_new_writes_a_record_that_check_accepts(clone: Path) -> None:
    (words,) = commands(section(README, "Add a paper"), "new")
    assert "--title" in words and "--abstract" in words  # so it needs no network: nobody answers
    done = run(clone, words, nobody_answers())
    assert done.returncode == 0, done.stderr
    written = re.fullmatch(r"wrote (content/papers/\d{4}/[a-z0-9-]+\.md)\n", done.stdout)
    assert written, done.stdout
    record = (clone / written[1]).read_text(encoding="utf-8")
    given = words[words.index("--arxiv") + 1]
    assert given.startswith("https://arxiv.org/abs/")  # an address, which the record keeps as its id
    assert f'\narxiv: "{given.removeprefix("https://arxiv.org/abs/")}"\n' in record
    check_passes(clone)


def test_the_readme_new_arxiv_line_works(clone: Path, api: ArxivStub) -> None:
    (words,) = commands(README, "new --arxiv")
    done = run(clone, words, api.base)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith("wrote content/papers/")
    assert len(api.requests) == 1
    check_passes(clone)


def test_the_guides_new_arxiv_example_prints_what_the_guide_shows(clone: Path, api: ArxivStub) -> None:
    guide = section(GUIDE, "On your computer")
    (words,) = commands(guide, "new --arxiv")
    shown = blocks(guide, "text")[0]
    done = run(clone, words, api.base)
    assert done.returncode == 0, done.stderr
    # The record is dated today, so the year in its path is the one part of the output that changes.
    assert YEAR.sub("papers/YEAR/", done.stdout) == YEAR.sub("papers/YEAR/", shown)
    check_passes(clone)


def record_example() -> str:
    (example,) = blocks(section(README, "The record"), "markdown")
    return example


def test_the_readme_record_is_valid_pasted_as_a_new_file(clone: Path) -> None:
    (clone / "content" / "papers" / "2025").mkdir(parents=True, exist_ok=True)
    (clone / "content" / "papers" / "2025" / "attention-is-all-you-need.md").write_text(
        record_example(), encoding="utf-8"
    )
    check_passes(clone)


def test_the_readme_messages_are_what_check_prints(clone: Path) -> None:
    quoted = blocks(section(README, "The record"), "text")[0].splitlines()
    path = quoted[0].split(":", 1)[0]
    broken = record_example().replace("tags: [transformers]", "tags: [transformer]")
    broken = broken.replace('arxiv: "1706.03762"', "arxiv: 1706.03762")
    assert broken.count("transformer]") == 1 and "arxiv: 1706.03762 " in broken
    (clone / path).parent.mkdir(parents=True, exist_ok=True)
    (clone / path).write_text(broken, encoding="utf-8")
    done = run(clone, [".venv/bin/paperfeed", "check", "--format", "text"], nobody_answers())
    assert (done.returncode, done.stdout.splitlines()) == (1, quoted)


def test_the_readmes_citation_and_papers_json_examples_are_what_the_site_writes(tmp_path: Path) -> None:
    """The README shows Mamba's BibTeX entry and papers.json line: a feed of that record writes them."""
    from generator import records
    from generator.config import SiteConfig
    from generator.data import exports

    record = (
        tmp_path
        / "content"
        / "papers"
        / "2025"
        / "mamba-linear-time-sequence-modeling-with-selective-state.md"
    )
    record.parent.mkdir(parents=True)
    (tmp_path / "content" / "tags.yml").write_text(
        "".join(f'{t}:\n  name: "{t}"\n' for t in ("efficiency", "sequence-modeling", "state-space-models")),
        encoding="utf-8",
    )
    record.write_text(
        '---\ntitle: "Mamba: Linear-Time Sequence Modeling with Selective State Spaces"\ndate: 2025-03-14\n'
        "tags: [efficiency, sequence-modeling, state-space-models]\n"
        'authors: ["Albert Gu", "Tri Dao"]\narxiv: "2312.00752"\n'
        "links:\n  code: https://github.com/state-spaces/mamba\n---\nAn abstract.\n",
        encoding="utf-8",
    )
    site = SiteConfig(site_name="Trending papers", site_url="https://example.github.io/paperfeed/")
    files = exports.render_exports(records.load_feed(tmp_path / "content"), site)
    citations_text = section(README, "Citations")
    assert blocks(citations_text, "bibtex") == [files["papers.bib"].decode("utf-8").removesuffix("\n")]
    assert blocks(section(README, "Data for programs"), "json") == [files["papers.json"].decode("utf-8")]


# --- Candidates from arXiv --------------------------------------------------------------------------------

IMPORT = section(README, "Candidates from arXiv")


def test_the_readme_sources_example_prints_what_the_readme_shows(clone: Path, api: ArxivStub) -> None:
    """The README's queries, run with its command on a fresh clone: the recorded search answers of the
    tests (three pages, then one) stand in for arXiv's, and the output is the README's to the letter."""
    (example,) = blocks(IMPORT, "yaml")
    (clone / "content" / "sources.yml").write_text(example, encoding="utf-8")
    check_passes(clone)
    pages = ("search-ssm-1.xml", "search-ssm-2.xml", "search-ssm-3.xml", "search-video.xml")
    api.serve(*(Reply(body=(FIXTURES / name).read_bytes()) for name in pages))
    (words,) = commands(IMPORT, "import --date")
    done = run(clone, words, api.base)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == blocks(IMPORT, "text")[0]
    check_passes(clone)


def test_the_readme_import_query_line_works(clone: Path, api: ArxivStub) -> None:
    (words,) = commands(README, "import --query")
    api.serve(Reply(body=(FIXTURES / "search-video.xml").read_bytes()))
    done = run(clone, words, api.base)
    assert done.returncode == 0, done.stderr
    query = words[words.index("--query") + 1]
    assert done.stdout.splitlines()[0] == f"'{query}': found 2, new 2, skipped 0"
    assert "&max_results=10&" in api.requests[0].path
    check_passes(clone)
