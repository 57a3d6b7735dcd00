"""Hand-written pages (content/pages/) are held to MkDocs' link validation: a dead link or anchor stops the
strict build, with a message that names the page."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.sitebuild import ROOT, write_config

SMALL = ROOT / "tests" / "fixtures" / "small" / "content"


def site_with_about(tmp_path: Path, about: str) -> tuple[int, str]:
    """Build the small fixture feed with the project's pages, About replaced by `about`: exit code, log."""
    pages = tmp_path / "pages"
    shutil.copytree(ROOT / "content" / "pages", pages)
    (pages / "about.md").write_text(about, encoding="utf-8")
    config = write_config(tmp_path, SMALL, "https://example.org/")
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    config.write_text(yaml.safe_dump({**data, "docs_dir": str(pages)}), encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(config),
            "-d",
            str(tmp_path / "site"),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    return done.returncode, done.stderr


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("[a dead anchor](#nowhere)", "contains a link '#nowhere', but there is no such anchor on this page"),
        (
            "[a dead page](nope.md)",
            "contains a link 'nope.md', but the target is not found among documentation files",
        ),
        ("[feeds](feeds/index.md#nothing-here)", "but the doc 'feeds/index.md' does not contain an anchor"),
    ],
)
def test_a_dead_link_in_a_hand_written_page_stops_the_strict_build(
    tmp_path: Path, link: str, message: str
) -> None:
    code, log = site_with_about(tmp_path, f"# About\n\n## Follow it\n\nSee {link}.\n")
    assert code == 1
    assert "about.md" in log and message in log


def test_good_links_and_anchors_build(tmp_path: Path) -> None:
    about = "# About\n\n## Follow it\n\nSee [below](#follow-it), [feeds](feeds/index.md), [home](index.md).\n"
    code, log = site_with_about(tmp_path, about)
    assert code == 0, log


@pytest.mark.content
def test_the_hand_written_pages_have_no_placeholder_links() -> None:
    """A link goes somewhere: to a page of the site, or to an address with a path (not a bare host, as
    https://github.com/ stands in for the repository); the repository is linked from every page's foot."""
    import re
    from urllib.parse import urlsplit

    found = []
    for page in sorted((ROOT / "content" / "pages").rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]*)", text) + re.findall(r'href="([^"]*)"', text):
            parts = urlsplit(target)
            if not target or target == "#" or (parts.scheme and parts.path.strip("/") == ""):
                found.append(f"{page.name}: {target!r}")
    assert found == []
