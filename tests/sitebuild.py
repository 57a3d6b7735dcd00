"""Build a site for tests: the project's mkdocs.yml, pointed at another content tree and site URL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent


def write_config(tmp: Path, content: Path, site_url: str, **options: Any) -> Path:
    """A mkdocs.yml that inherits the project's and changes only what a test needs."""
    plugin = {"content_dir": str(content.resolve()), **options}
    config = {
        "INHERIT": str(ROOT / "mkdocs.yml"),
        "site_url": site_url,
        "docs_dir": str(ROOT / "content" / "pages"),
        "theme": {"name": "material", "custom_dir": str(ROOT / "theme")},
        "plugins": [{"paperfeed": plugin}],
    }
    path = tmp / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def build_site(
    tmp: Path, content: Path, site_url: str = "http://127.0.0.1:8000/", **options: Any
) -> subprocess.CompletedProcess[str]:
    """Run `mkdocs build --strict` into tmp/site; returns the finished process (check its returncode)."""
    config = write_config(tmp, content, site_url, **options)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(tmp / "site")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
