"""The package's shape, as DESIGN.md and README's Develop map give it: small modules, and the two libraries
the site could move away from each imported in one place."""

from __future__ import annotations

import ast
from pathlib import Path

GENERATOR = Path(__file__).resolve().parent.parent / "generator"
MODULES = sorted(GENERATOR.rglob("*.py"))
MAX_LINES = 400


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def _importers(library: str) -> list[str]:
    return [p.relative_to(GENERATOR).as_posix() for p in MODULES if library in _imports(p)]


def test_no_module_is_over_400_lines() -> None:
    long = {
        p.relative_to(GENERATOR).as_posix(): n
        for p in MODULES
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_only_the_plugin_imports_mkdocs() -> None:
    assert _importers("mkdocs") == ["plugin.py"]


def test_only_the_feeds_module_imports_feedgen() -> None:
    assert _importers("feedgen") == ["data/feeds.py"]
