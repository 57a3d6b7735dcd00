"""Shared test fixtures: paths, golden-file comparison (`pytest --update-goldens` rewrites them), markers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"

# Property tests run the same examples on every run (a red CI run is then one anyone can repeat), and no
# timing check: speed is measured in benchmarks, and a loaded machine must not fail a test.
# `pytest --hypothesis-profile=explore` draws new examples instead.
_NO_TIMING = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("repeatable", derandomize=True, database=None, **_NO_TIMING)
settings.register_profile("explore", database=None, **_NO_TIMING)
settings.load_profile("repeatable")
GOLDEN = TESTS / "golden"


def pytest_configure(config: pytest.Config) -> None:
    # test_any_content.py runs the tests so marked against copies of the repository with other content.
    config.addinivalue_line(
        "markers", "content: reads the repository's own content/, and must pass on any valid content"
    )


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite the golden files under tests/golden/ from the current output instead of comparing",
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Compare text with tests/golden/<name>; with --update-goldens, write it instead."""
    update = request.config.getoption("--update-goldens")

    def check(name: str, actual: str) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8", newline="\n")
            return
        assert path.exists(), f"no golden file {path}; run pytest --update-goldens and review the diff"
        expected = path.read_text(encoding="utf-8")
        assert actual == expected, (
            f"{name} differs from its golden file (if intended: pytest --update-goldens)"
        )

    return check


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """One Chromium for all the browser tests of a test process: Playwright's sync API runs one at a time."""
    from playwright.sync_api import sync_playwright

    from tests.browser_support import launch_chromium

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()
