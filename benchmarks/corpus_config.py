"""The mkdocs.yml a benchmark builds a corpus with: the project's own, pointed at the corpus's content
folder (as tests/sitebuild.py does for the tests)."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def write(tmp: Path, corpus: Path, site_url: str = "https://example.org/", root: Path = ROOT) -> Path:
    """Write tmp/mkdocs.yml, inheriting `root`'s (the repository's, or a copy's) with the corpus as
    content; its path."""
    config = {
        "INHERIT": str(root / "mkdocs.yml"),
        "site_url": site_url,
        "docs_dir": str(root / "content" / "pages"),
        "theme": {"name": "material", "custom_dir": str(root / "theme")},
        "plugins": [{"paperfeed": {"content_dir": str(corpus)}}],
    }
    path = tmp / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path
