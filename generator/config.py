"""The site's settings: read from mkdocs.yml (the `paperfeed` plugin's options and the site's own keys)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urljoin, urlsplit

import yaml

from generator.errors import PaperfeedError


class ConfigError(PaperfeedError):
    """mkdocs.yml cannot be used; the message says what to change."""


# What is wrong with a plugin option's value (its name and value given), or None when it is usable.
Check = Callable[[str, Any], "str | None"]


def _text(key: str, value: Any) -> str | None:
    if isinstance(value, str):
        return None
    return f"paperfeed option {key} must be text, such as {key}: '{value}' (in quotes)"


def _whole_number(key: str, value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return None
    return f"paperfeed option {key} must be a whole number >= 1"


def _url(key: str, value: Any) -> str | None:
    if isinstance(value, str) and value.startswith(("http://", "https://")) and urlsplit(value).netloc:
        return None
    return f"paperfeed option {key} '{value}' must be an absolute http(s) URL"


def _field_name(key: str, value: Any) -> str | None:
    if isinstance(value, str) and _FIELD_NAME_RE.fullmatch(value):
        return None
    return (
        f"paperfeed option {key} '{value}' must be a form field name of letters, digits and _ - . [ ],"
        " such as email or EMAIL"
    )


def _option(check: Check = _text) -> dict[str, Check]:
    """A field's mark as a plugin option of mkdocs.yml, and its check: the one schema of the options,
    which the MkDocs plugin and `paperfeed digest` both apply (SiteConfig.from_options)."""
    return {"check": check}


@dataclass(frozen=True)
class SiteConfig:
    """What the generator needs to know about the site; defaults fit a fresh fork. The fields marked
    with _option are the `paperfeed` plugin's options; the others come from mkdocs.yml's own keys."""

    site_name: str = "paperfeed"
    site_url: str = "http://127.0.0.1:8000/"
    site_description: str = ""
    content_dir: Path = field(default=Path("content"), metadata=_option())
    page_size: int = field(default=50, metadata=_option(_whole_number))
    feed_size: int = field(default=50, metadata=_option(_whole_number))
    # Documents per run of Pagefind, whose memory grows with them (about 150 MB per 1,000 of the benchmark
    # corpus's papers): a larger feed's search index is made in shards and merged (generator/site/search.py).
    search_shard_size: int = field(default=2000, metadata=_option(_whole_number))
    subscribe_url: str | None = field(default=None, metadata=_option(_url))
    subscribe_field: str = field(default="email", metadata=_option(_field_name))
    digest_from: str | None = field(default=None, metadata=_option())
    digest_list_id: str | None = field(default=None, metadata=_option())
    unsubscribe_url: str | None = field(default=None, metadata=_option(_url))
    unsubscribe_mailto: str | None = field(default=None, metadata=_option())
    # From mkdocs.yml's repo_url and edit_uri: the repository, and where a record's file is edited.
    repo_url: str | None = None
    edit_base: str | None = None
    content_path: str = "content"

    def record_edit_url(self, year_folder: str, slug: str) -> str | None:
        """Where a record is edited on the repository's host, if mkdocs.yml says how (see _edit_base)."""
        if not self.edit_base:
            return None
        return f"{self.edit_base}{self.content_path}/papers/{year_folder}/{slug}.md"

    @property
    def suggest_url(self) -> str | None:
        """The repository's "Suggest a paper" issue form (.github/ISSUE_TEMPLATE/), on GitHub only."""
        if not self.repo_url or urlsplit(self.repo_url).hostname != "github.com":
            return None
        return self.repo_url.rstrip("/") + "/issues/new?template=suggest-paper.yml"

    @classmethod
    def from_options(cls, site: dict[str, Any], options: dict[str, Any], base: Path) -> SiteConfig:
        """Build from mkdocs.yml's top-level keys and the plugin's options; paths relative to `base`."""
        url = site.get("site_url") or cls.site_url
        if not str(url).startswith(("http://", "https://")):
            raise ConfigError(f"mkdocs.yml: site_url '{url}' must be an absolute http(s) URL")
        unknown = set(options) - set(OPTIONS)
        if unknown:
            raise ConfigError(f"mkdocs.yml: unknown paperfeed option(s): {', '.join(sorted(unknown))}")
        values = {k: v for k, v in options.items() if v is not None}  # null: the default
        for key, value in values.items():
            wrong = OPTIONS[key](key, value)
            if wrong:
                raise ConfigError(f"mkdocs.yml: {wrong}")
        written = PurePosixPath(str(values.get("content_dir", "content")).replace("\\", "/"))
        values["content_dir"] = base / str(values.get("content_dir", "content"))
        repo_url = site.get("repo_url") or None
        if repo_url is not None and not str(repo_url).startswith(("http://", "https://")):
            raise ConfigError(f"mkdocs.yml: repo_url '{repo_url}' must be an absolute http(s) URL")
        return cls(
            site_name=str(site.get("site_name") or cls.site_name),
            site_url=str(url).rstrip("/") + "/",
            site_description=str(site.get("site_description") or ""),
            repo_url=str(repo_url) if repo_url else None,
            edit_base=_edit_base(repo_url, site.get("edit_uri"), site.get("docs_dir") or "docs", base),
            # The records' folder in the repository; an absolute path (a test's tree) is named by its folder.
            content_path=written.name if written.is_absolute() else str(written),
            **values,
        )


# The plugin's options and how each is checked, from SiteConfig's fields: the one list of them.
OPTIONS: dict[str, Check] = {f.name: f.metadata["check"] for f in fields(SiteConfig) if "check" in f.metadata}
# A form field's name as list providers spell them: email, EMAIL, fields[email], member.email.
_FIELD_NAME_RE = re.compile(r"^[A-Za-z0-9_.\-\[\]]{1,64}$")


def _edit_base(repo_url: Any, edit_uri: Any, docs_dir: Any, base: Path) -> str | None:
    """Where files are edited from the repository's root: edit_uri (MkDocs': the docs folder's edit address,
    relative to repo_url) without its docs_dir part, so https://github.com/o/r, edit/main/content/pages/ and
    content/pages give https://github.com/o/r/edit/main/. None if edit_uri does not end in docs_dir."""
    if not repo_url or not edit_uri:
        return None
    full = urljoin(str(repo_url).rstrip("/") + "/", str(edit_uri)).rstrip("/")
    tail = "/" + _docs_path(Path(str(docs_dir)), base)
    return full[: -len(tail)] + "/" if full.endswith(tail) else None


def _docs_path(docs_dir: Path, base: Path) -> str:
    """docs_dir as the repository names it. MkDocs hands the plugin an absolute path; it is named from the
    folder of mkdocs.yml, or (pages kept outside it, as in a test's tree) from the nearest folder above that
    holds an mkdocs.yml. Never by matching folder names: a checkout in /srv/main would eat edit/main/."""
    if not docs_dir.is_absolute():
        return docs_dir.as_posix().strip("/")
    for root in (base, *(p for p in docs_dir.parents if (p / "mkdocs.yml").is_file())):
        if docs_dir.is_relative_to(root):
            return docs_dir.relative_to(root).as_posix()
    return docs_dir.name


class _Loader(yaml.SafeLoader):
    """SafeLoader that reads mkdocs.yml's tags as MkDocs does: `!ENV` from the environment, and MkDocs'
    `!!python/name:` and `!relative` values as plain text (the generator never needs them)."""


def _env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    # `!ENV VAR` or `!ENV [VAR, OTHER, default]`: the first variable that is set, else the default (the
    # last item of a list of two or more), else null; a variable's text is read as a YAML value.
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    elif isinstance(node, yaml.SequenceNode):
        items = loader.construct_sequence(node)
        names, default = (items[:-1], items[-1]) if len(items) > 1 else (items, None)
    else:
        raise yaml.constructor.ConstructorError(None, None, "!ENV takes a name or a list", node.start_mark)
    for name in names:
        if str(name) in os.environ:
            return yaml.safe_load(os.environ[str(name)])
    return default


def _plain(loader: yaml.SafeLoader, _suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_Loader.add_constructor("!ENV", _env)
_Loader.add_multi_constructor("!", _plain)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _plain)


def plugin_options(plugins: Any) -> dict[str, Any]:
    """The options of the `paperfeed` entry of mkdocs.yml's plugins, a list or (to merge) a mapping."""
    if isinstance(plugins, dict):
        return _options(plugins.get("paperfeed"))
    for entry in plugins if isinstance(plugins, list) else []:
        if isinstance(entry, dict) and "paperfeed" in entry:
            return _options(entry["paperfeed"])
    return {}


def _options(options: Any) -> dict[str, Any]:
    if not isinstance(options, dict | None):
        raise ConfigError("mkdocs.yml: the paperfeed plugin's options must be a mapping (key: value)")
    return dict(options or {})


def _merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """MkDocs' INHERIT: the child's keys win, mappings merge key by key, anything else is replaced."""
    merged = dict(parent)
    for key, value in child.items():
        old = merged.get(key)
        merged[key] = _merge(old, value) if isinstance(old, dict) and isinstance(value, dict) else value
    return merged


def _read(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """mkdocs.yml as MkDocs reads it: its INHERIT chain merged in, relative to each file's folder."""
    if path.resolve() in seen:
        raise ConfigError(f"{path}: INHERIT comes back to this file; break the loop")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}
    except OSError as err:
        raise ConfigError(f"{path}: cannot be read ({err.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: is not UTF-8; save it with UTF-8 encoding") from None
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: is not valid YAML ({' '.join(str(err).split())})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: must be a mapping of settings, such as site_name: My feed")
    parent = data.pop("INHERIT", None)
    if parent is None:
        return data
    return _merge(_read(path.parent / str(parent), (*seen, path.resolve())), data)


def load(path: Path = Path("mkdocs.yml")) -> SiteConfig:
    """Read the site's settings from mkdocs.yml (INHERIT and !ENV included) without importing MkDocs."""
    data = _read(path)
    return SiteConfig.from_options(data, plugin_options(data.get("plugins")), path.parent)
