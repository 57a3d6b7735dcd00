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
            "plugins:\n  - paperfeed:\n      feed_size: 0\n",
            "mkdocs.yml: paperfeed option feed_size must be a whole number >= 1",
        ),
        (
            "plugins:\n  - paperfeed:\n      page_size: -2\n",
            "mkdocs.yml: paperfeed option page_size must be a whole number >= 1",
        ),
        (
            "plugins:\n  - paperfeed:\n      page_size: 2.5\n",
            "mkdocs.yml: paperfeed option page_size must be a whole number >= 1",
        ),
        (
            "plugins:\n  - paperfeed:\n      page_size: 10\n      sizes: 3\n      colour: red\n",
            "mkdocs.yml: unknown paperfeed option(s): colour, sizes",
        ),
        (
            "plugins:\n  - paperfeed:\n      feed_sizes: 3\n",
            "mkdocs.yml: unknown paperfeed option(s): feed_sizes",
        ),
        (  # set from mkdocs.yml's own keys, never as an option
            "plugins:\n  - paperfeed:\n      edit_base: https://evil.example/\n",
            "mkdocs.yml: unknown paperfeed option(s): edit_base",
        ),
        (
            "plugins:\n  - paperfeed:\n      subscribe_field: '\"><script>'\n",
            "mkdocs.yml: paperfeed option subscribe_field '\"><script>' must be a form field name of letters,"
            " digits and _ - . [ ], such as email or EMAIL",
        ),
        (
            "repo_url: git@github.com:o/r.git\n",
            "mkdocs.yml: repo_url 'git@github.com:o/r.git' must be an absolute http(s) URL",
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


@pytest.mark.parametrize("name", ["email", "EMAIL", "fields[email]", "member.email", "e-mail_1"])
def test_the_sign_up_forms_field_takes_the_name_the_list_provider_gives_it(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / "mkdocs.yml", f"plugins:\n  - paperfeed:\n      subscribe_field: '{name}'\n")
    assert config.load(path).subscribe_field == name
    assert config.load(write(tmp_path / "other.yml", "site_name: x\n")).subscribe_field == "email"


@pytest.mark.parametrize(
    ("settings", "edit_url"),
    [
        # The project's own: MkDocs' edit address of docs_dir, with the record's path in its place.
        (
            "repo_url: https://github.com/o/r\nedit_uri: edit/main/content/pages/\ndocs_dir: content/pages\n",
            "https://github.com/o/r/edit/main/content/papers/2023/mamba.md",
        ),
        (  # another branch, a trailing slash on the repository, blob/ instead of edit/
            "repo_url: https://github.com/o/r/\nedit_uri: blob/trunk/content/pages\n"
            "docs_dir: content/pages\n",
            "https://github.com/o/r/blob/trunk/content/papers/2023/mamba.md",
        ),
        (  # docs_dir as MkDocs hands it to the plugin: an absolute path, here in a checkout whose folder
            # is named like the branch (.../main/content/pages), so "main" must not be read as part of it
            "repo_url: https://gitlab.example/o/r\nedit_uri: -/edit/main/content/pages/\n"
            "docs_dir: {base}/content/pages\n",
            "https://gitlab.example/o/r/-/edit/main/content/papers/2023/mamba.md",
        ),
        (  # a content folder of another name
            "repo_url: https://github.com/o/r\nedit_uri: edit/main/docs/\ndocs_dir: docs\n"
            "plugins:\n  - paperfeed:\n      content_dir: data/feed\n",
            "https://github.com/o/r/edit/main/data/feed/papers/2023/mamba.md",
        ),
        # An edit_uri that does not end with docs_dir says nothing of where the records are: no link.
        ("repo_url: https://github.com/o/r\nedit_uri: edit/main/docs/\ndocs_dir: content/pages\n", None),
        ("repo_url: https://github.com/o/r\ndocs_dir: content/pages\n", None),
        ("edit_uri: edit/main/content/pages/\ndocs_dir: content/pages\n", None),
    ],
)
def test_a_records_edit_address_comes_from_repo_url_and_edit_uri(
    tmp_path: Path, settings: str, edit_url: str | None
) -> None:
    folder = tmp_path / "main"
    site = config.load(write(folder / "mkdocs.yml", settings.replace("{base}", str(folder))))
    assert site.record_edit_url("2023", "mamba") == edit_url


@pytest.mark.parametrize(
    ("repo_url", "suggest_url"),
    [
        ("https://github.com/o/r", "https://github.com/o/r/issues/new?template=suggest-paper.yml"),
        ("https://github.com/o/r/", "https://github.com/o/r/issues/new?template=suggest-paper.yml"),
        ("https://gitlab.example/o/r", None),  # the issue form is GitHub's
        (None, None),
    ],
)
def test_suggest_a_paper_is_the_repositorys_issue_form_on_github(
    repo_url: str | None, suggest_url: str | None
) -> None:
    assert config.SiteConfig(repo_url=repo_url).suggest_url == suggest_url


def test_the_projects_mkdocs_yml_links_its_repository_and_edits_records() -> None:
    site = config.load(Path(__file__).resolve().parent.parent / "mkdocs.yml")
    assert site.repo_url is not None and site.suggest_url is not None
    edit = site.record_edit_url("2025", "x")
    assert edit == f"{site.repo_url}/edit/main/content/papers/2025/x.md"
