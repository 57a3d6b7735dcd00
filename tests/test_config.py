"""mkdocs.yml read without MkDocs (for `paperfeed digest`): INHERIT, !ENV and the plugin's options, as
MkDocs reads them, and one clear line for what cannot be used."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import config
from generator.config import ConfigError


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_site_settings_come_from_an_inherited_file_and_the_child_wins(tmp_path: Path) -> None:
    write(
        tmp_path / "base" / "site.yml",
        "site_name: Base\nsite_url: https://papers.example.org/feed/\nsite_description: From the base\n"
        "plugins:\n  - paperfeed:\n      page_size: 7\n",
    )
    child = write(tmp_path / "mkdocs.yml", "INHERIT: base/site.yml\nsite_name: Child\n")
    site = config.load(child)
    assert (site.site_name, site.site_url, site.site_description) == (
        "Child",
        "https://papers.example.org/feed/",
        "From the base",
    )
    assert site.page_size == 7


def test_inherited_mappings_merge_and_lists_are_replaced(tmp_path: Path) -> None:
    write(tmp_path / "base.yml", "plugins:\n  paperfeed:\n    page_size: 7\n    feed_size: 9\n")
    child = write(tmp_path / "mkdocs.yml", "INHERIT: base.yml\nplugins:\n  paperfeed:\n    feed_size: 3\n")
    site = config.load(child)
    assert (site.page_size, site.feed_size) == (7, 3)


def test_env_tags_read_the_environment_with_a_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(
        tmp_path / "mkdocs.yml",
        "site_url: !ENV [PF_TEST_URL, PF_TEST_OTHER, 'https://default.example/']\n"
        "site_name: !ENV PF_TEST_NAME\n"
        "plugins:\n  - paperfeed:\n      page_size: !ENV [PF_TEST_SIZE, 20]\n",
    )
    monkeypatch.delenv("PF_TEST_URL", raising=False)
    monkeypatch.delenv("PF_TEST_OTHER", raising=False)
    monkeypatch.delenv("PF_TEST_NAME", raising=False)
    monkeypatch.delenv("PF_TEST_SIZE", raising=False)
    site = config.load(path)
    assert (site.site_url, site.site_name, site.page_size) == ("https://default.example/", "paperfeed", 20)
    monkeypatch.setenv("PF_TEST_OTHER", "https://other.example/x")
    monkeypatch.setenv("PF_TEST_NAME", "From env")
    monkeypatch.setenv("PF_TEST_SIZE", "12")
    site = config.load(path)
    assert (site.site_url, site.site_name, site.page_size) == ("https://other.example/x/", "From env", 12)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("INHERIT: missing.yml\n", "missing.yml: cannot be read (No such file or directory)"),
        ("INHERIT: mkdocs.yml\n", "mkdocs.yml: INHERIT comes back to this file; break the loop"),
        ("- a list\n", "mkdocs.yml: must be a mapping of settings, such as site_name: My feed"),
        (
            "site_url: ftp://x.example/\n",
            "mkdocs.yml: site_url 'ftp://x.example/' must be an absolute http(s) URL",
        ),
        (
            "plugins:\n  - paperfeed:\n      page_size: 0\n",
            "paperfeed option page_size must be a whole number >= 1",
        ),
        (
            "plugins:\n  - paperfeed:\n      feed_size: x\n",
            "paperfeed option feed_size must be a whole number >= 1",
        ),
        (
            "plugins:\n  - paperfeed:\n      feed_sizes: 3\n",
            "mkdocs.yml: unknown paperfeed option(s): feed_sizes",
        ),
    ],
)
def test_what_cannot_be_used_is_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path / "mkdocs.yml", text)
    with pytest.raises(ConfigError) as raised:
        config.load(path)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_page_and_feed_sizes_of_one_are_accepted(tmp_path: Path) -> None:
    path = write(
        tmp_path / "mkdocs.yml", "plugins:\n  - paperfeed:\n      page_size: 1\n      feed_size: 1\n"
    )
    site = config.load(path)
    assert (site.page_size, site.feed_size) == (1, 1)
