"""Every kind of page of the built site passes the Nu HTML Checker (npm's vnu-jar, run with Java)."""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

import tasks
from tests.browser_support import build
from tests.sitebuild import ROOT

SMALL = ROOT / "tests" / "fixtures" / "small" / "content"
EMPTY = ROOT / "tests" / "fixtures" / "empty" / "content"
# One page of every kind the site has (the fixture is built with page_size=2, so tags paginate).
PAGES = {
    "home": "index.html",
    "paper": "papers/attention-and-memory/index.html",
    "day": "date/2025-03-04/index.html",
    "week": "week/2025-W10/index.html",
    "month": "month/2025-03/index.html",
    "tags index": "tags/index.html",
    "tag": "tags/vision/index.html",
    "tag page 2": "tags/vision/page/2/index.html",
    "archive": "archive/index.html",
    "feeds": "feeds/index.html",
    "digests": "digests/index.html",
    "about": "about/index.html",
    "404": "404.html",
}
# Material's base.html puts autocomplete="off" on its two hidden toggle checkboxes (so that Firefox does not
# restore an open drawer or search on "back"); the HTML spec allows autocomplete only on text-like inputs.
# Those two lines sit outside every block of base.html, so overriding them would mean copying all of it.
MATERIAL_AUTOCOMPLETE = (
    "Attribute “autocomplete” is only allowed when the input type is “color”, “date”, “datetime-local”, "
    "“email”, “hidden”, “month”, “number”, “password”, “range”, “search”, “tel”, “text”, “time”, “url”, "
    "or “week”."
)
MATERIAL_TOGGLES = ('data-md-toggle="drawer" type="checkbox"', 'data-md-toggle="search" type="checkbox"')


@pytest.fixture(scope="session")
def vnu() -> Path:
    """The checker's jar; `python3 tasks.py test` installs it before the tests, this only when run alone."""
    if not tasks.VNU_JAR.is_file():
        assert shutil.which("npm"), "the HTML checker needs npm (Debian package npm) to install vnu-jar"
        tasks.NODE_PREFIX.mkdir(parents=True, exist_ok=True)
        with (tasks.NODE_PREFIX / ".install.lock").open("w") as lock:  # xdist workers may both get here
            fcntl.flock(lock, fcntl.LOCK_EX)
            tasks.node_tools()
    assert shutil.which("java"), "the HTML checker needs Java (Debian package default-jre-headless)"
    return tasks.VNU_JAR


def check(jar: Path, files: list[Path]) -> list[dict[str, Any]]:
    """The checker's error messages for the files (its JSON output, which it writes to stderr)."""
    done = subprocess.run(
        ["java", "-jar", str(jar), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )
    messages: list[dict[str, Any]] = json.loads(done.stderr)["messages"]
    assert done.returncode == (1 if messages else 0), done.stderr
    return messages


def _ours(message: dict[str, Any]) -> bool:
    """False for the one known error of Material's own markup (see MATERIAL_AUTOCOMPLETE)."""
    extract = message.get("extract", "")
    material = message["message"] == MATERIAL_AUTOCOMPLETE and any(t in extract for t in MATERIAL_TOGGLES)
    return not material


def _shown(message: dict[str, Any], site: Path) -> str:
    path = message.get("url", "").removeprefix("file:").removeprefix(str(site) + "/")
    return f"{path}:{message.get('lastLine', '?')}: {message['message']}\n    {message.get('extract', '')!r}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # A subscribe URL, so that the home page's e-mail form is checked too.
    return build(
        tmp_path_factory.mktemp("valid"),
        SMALL,
        "https://papers.example.org/feed/",
        page_size=2,
        subscribe_url="https://lists.example.org/subscribe",
    )


def test_every_kind_of_page_is_valid_html(vnu: Path, site: Path) -> None:
    files = [site / path for path in PAGES.values()]
    missing = [str(f.relative_to(site)) for f in files if not f.is_file()]
    assert missing == [], "the site lacks a page of some kind"
    assert "<form" in (site / PAGES["home"]).read_text(encoding="utf-8").split("pf-subscribe", 1)[1]
    errors = [m for m in check(vnu, files) if _ours(m)]
    assert errors == [], "\n".join(_shown(m, site) for m in errors)


def test_the_pages_of_a_feed_without_papers_are_valid_html(vnu: Path, tmp_path: Path) -> None:
    site = build(tmp_path, EMPTY, "https://papers.example.org/feed/")
    files = [site / p for p in ("index.html", "archive/index.html", "tags/index.html", "feeds/index.html")]
    assert "No papers yet." in files[0].read_text(encoding="utf-8")
    errors = [m for m in check(vnu, files) if _ours(m)]
    assert errors == [], "\n".join(_shown(m, site) for m in errors)


def test_the_checker_reports_errors_and_the_filter_keeps_them(vnu: Path, tmp_path: Path) -> None:
    """The harness can fail: a broken page gives errors, and only Material's known one is left out."""
    page = tmp_path / "broken.html"
    page.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title></head><body>'
        '<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" autocomplete="off">'
        '<input type="checkbox" id="ours" autocomplete="off"><p id="x">a</p><p id="x">b</p></body></html>',
        encoding="utf-8",
    )
    messages = check(vnu, [page])
    assert [m["message"] for m in messages] == [
        MATERIAL_AUTOCOMPLETE,
        MATERIAL_AUTOCOMPLETE,
        "Duplicate ID “x”.",
    ]
    assert [m["message"] for m in messages if _ours(m)] == [MATERIAL_AUTOCOMPLETE, "Duplicate ID “x”."]


def test_the_trending_pages_are_valid_html_with_samples_and_with_no_papers(vnu: Path, tmp_path: Path) -> None:
    url = "https://papers.example.org/feed/"
    (tmp_path / "trending").mkdir()
    (tmp_path / "empty").mkdir()
    site = build(tmp_path / "trending", ROOT / "tests" / "fixtures" / "trending" / "content", url)
    files = [site / p for p in ("trending/index.html", "index.html", "papers/viral-code/index.html")]
    assert "pf-trending-strip" in files[1].read_text(encoding="utf-8")  # the home page's strip
    empty = build(tmp_path / "empty", EMPTY, url)
    files.append(empty / "trending/index.html")
    errors = [m for m in check(vnu, files) if _ours(m)]
    assert errors == [], "\n".join(_shown(m, site) for m in errors)
