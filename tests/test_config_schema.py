"""One schema for the plugin's options: `mkdocs build` and `paperfeed digest` accept the same options and
refuse the same mistakes with the same line, because SiteConfig (generator/config.py) alone checks them."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator import config
from generator.plugin import PaperfeedPlugin
from tests.sitebuild import ROOT, build_site, write_config

SMALL = ROOT / "tests" / "fixtures" / "small" / "content"
PAPERFEED = str(Path(sys.executable).with_name("paperfeed"))
# A usable value of every option: a new option must be added here, and then both commands must take it.
EVERY_OPTION: dict[str, Any] = {
    "content_dir": str(SMALL),
    "page_size": 3,
    "feed_size": 4,
    "search_shard_size": 5,  # the fixture's 12 documents in 3 runs of Pagefind, and their merge
    "subscribe_url": "https://lists.example.org/subscribe",
    "subscribe_field": "EMAIL",
    "digest_from": "Papers <digest@example.org>",
    "digest_list_id": "papers.example.org",
    "unsubscribe_url": "https://lists.example.org/unsubscribe",
    "unsubscribe_mailto": "unsubscribe@example.org",
}


def digest(config_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PAPERFEED_DEBUG"}
    return subprocess.run(
        [PAPERFEED, "digest", "-f", str(config_file), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=config_file.parent,
        check=False,
    )


def test_the_options_are_the_fields_marked_in_site_config() -> None:
    assert set(config.OPTIONS) == set(EVERY_OPTION)
    # MkDocs' own schema of the plugin is empty: it neither accepts nor words anything of its own.
    assert PaperfeedPlugin.config_scheme == ()


def test_every_option_is_taken_by_mkdocs_build_and_paperfeed_digest(tmp_path: Path) -> None:
    done = build_site(tmp_path, SMALL, "https://example.org/feed/", **EVERY_OPTION)
    assert done.returncode == 0, done.stderr
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert 'action="https://lists.example.org/subscribe"' in home  # subscribe_url reached the pages
    assert 'name="EMAIL"' in home  # and subscribe_field
    # search_shard_size: the documents were indexed from shard folders (a fragment names its document)
    fragments = sorted((tmp_path / "site" / "pagefind" / "fragment").iterdir())
    urls = {json.loads(gzip.decompress(f.read_bytes())[len(b"pagefind_dcd") :])["url"] for f in fragments}
    assert {url.split("/")[1] for url in urls} == {"0", "1", "2"}
    config_file = write_config(tmp_path, SMALL, "https://example.org/feed/", **EVERY_OPTION)
    made = digest(config_file, "--date", "2025-03-04", "--out", "d.eml")
    assert (made.returncode, made.stderr) == (0, ""), made.stderr
    message = (tmp_path / "d.eml").read_text(encoding="utf-8")
    assert "From: Papers <digest@example.org>" in message
    assert "List-Id: " in message and "<papers.example.org>" in message
    assert "List-Unsubscribe: <https://lists.example.org/unsubscribe>," in message


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"page_sise": 3}, "mkdocs.yml: unknown paperfeed option(s): page_sise"),
        ({"edit_base": "https://evil.example/"}, "mkdocs.yml: unknown paperfeed option(s): edit_base"),
        ({"page_size": 0}, "mkdocs.yml: paperfeed option page_size must be a whole number >= 1"),
        ({"feed_size": "10"}, "mkdocs.yml: paperfeed option feed_size must be a whole number >= 1"),
        ({"feed_size": True}, "mkdocs.yml: paperfeed option feed_size must be a whole number >= 1"),
        (
            {"search_shard_size": 0},
            "mkdocs.yml: paperfeed option search_shard_size must be a whole number >= 1",
        ),
        (
            {"subscribe_url": "lists.example.org/subscribe"},
            "mkdocs.yml: paperfeed option subscribe_url 'lists.example.org/subscribe' must be an absolute"
            " http(s) URL",
        ),
        (
            {"unsubscribe_url": "mailto:x@example.org"},
            "mkdocs.yml: paperfeed option unsubscribe_url 'mailto:x@example.org' must be an absolute http(s)"
            " URL",
        ),
        (
            {"digest_from": 5},
            "mkdocs.yml: paperfeed option digest_from must be text, such as digest_from: '5' (in quotes)",
        ),
        (
            {"subscribe_field": "e mail"},
            "mkdocs.yml: paperfeed option subscribe_field 'e mail' must be a form field name of letters,"
            " digits and _ - . [ ], such as email or EMAIL",
        ),
    ],
    ids=lambda v: next(iter(v)) if isinstance(v, dict) else "",
)
def test_a_mistake_is_refused_by_both_with_the_same_line(
    tmp_path: Path, options: dict[str, Any], message: str
) -> None:
    done = build_site(tmp_path, SMALL, "https://example.org/feed/", **options)
    assert (done.returncode, done.stderr) == (1, f"ERROR   -  {message}\n")
    config_file = write_config(tmp_path, SMALL, "https://example.org/feed/", **options)
    made = digest(config_file, "--date", "2025-03-04", "--out", "d.eml")
    assert (made.returncode, made.stdout, made.stderr) == (1, "", f"Error: {message}\n")
