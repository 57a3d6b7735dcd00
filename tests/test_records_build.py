"""Every invalid record fixture stops the site build with exactly the lines `paperfeed check` prints for it.

The build is MkDocs' own, in-process, with the project's plugin: the plugin reads the content before any
page is rendered, so a refused record ends the build there, with `check`'s lines and nothing published.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from records_support import FIXTURES, fixture_names, materialize

from tests.sitebuild import write_config


@pytest.mark.parametrize("name", fixture_names("invalid"))
def test_an_invalid_record_stops_the_build_with_the_lines_check_prints(
    tmp_path: Path, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    fixture = materialize(f"invalid/{name}", tmp_path / "fixture")
    expected = (FIXTURES / "invalid" / name / "expected.txt").read_text(encoding="utf-8").splitlines()[:-1]
    config_file = write_config(fixture, fixture / "content", "https://example.org/")
    settings = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    plugin = next(p for p in settings["plugins"] if isinstance(p, dict) and "paperfeed" in p)
    plugin["paperfeed"]["content_dir"] = "content"  # beside mkdocs.yml, as in a fork
    config_file.write_text(yaml.safe_dump(settings), encoding="utf-8")
    config = load_config(config_file=str(config_file), site_dir=str(tmp_path / "site"))
    with pytest.raises(Abort):
        build(config)
    # MkDocs makes the config's path absolute, so the plugin names files by absolute path: read them back
    # relative to the fixture, as check prints them there.
    errors = [
        r.getMessage().replace(f"{fixture.as_posix()}/", "") for r in caplog.records if r.levelname == "ERROR"
    ]
    assert errors == ["\n".join(["the content has problems:", *expected])]
    assert not (tmp_path / "site" / "index.html").exists()
