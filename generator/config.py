"""The site's settings: read from mkdocs.yml (the `paperfeed` plugin's options and the site's own keys)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class ConfigError(Exception):
    """mkdocs.yml cannot be used; the message says what to change."""


@dataclass(frozen=True)
class SiteConfig:
    """What the generator needs to know about the site; defaults fit a fresh fork."""

    site_name: str = "paperfeed"
    site_url: str = "http://127.0.0.1:8000/"
    site_description: str = ""
    content_dir: Path = Path("content")
    page_size: int = 50
    feed_size: int = 50
    subscribe_url: str | None = None
    digest_from: str | None = None
    digest_list_id: str | None = None
    unsubscribe_url: str | None = None
    unsubscribe_mailto: str | None = None

    @classmethod
    def from_options(cls, site: dict[str, Any], options: dict[str, Any], base: Path) -> SiteConfig:
        """Build from mkdocs.yml's top-level keys and the plugin's options; paths relative to `base`."""
        url = site.get("site_url") or cls.site_url
        if not str(url).startswith(("http://", "https://")):
            raise ConfigError(f"mkdocs.yml: site_url '{url}' must be an absolute http(s) URL")
        known = {f for f in cls.__dataclass_fields__ if not f.startswith("site_")}
        unknown = set(options) - known
        if unknown:
            raise ConfigError(f"mkdocs.yml: unknown paperfeed option(s): {', '.join(sorted(unknown))}")
        values = {k: v for k, v in options.items() if v is not None}
        for key in ("page_size", "feed_size"):
            if key in values and (not isinstance(values[key], int) or values[key] < 1):
                raise ConfigError(f"mkdocs.yml: paperfeed option {key} must be a whole number >= 1")
        values["content_dir"] = base / str(values.get("content_dir", "content"))
        return cls(
            site_name=str(site.get("site_name") or cls.site_name),
            site_url=str(url).rstrip("/") + "/",
            site_description=str(site.get("site_description") or ""),
            **values,
        )


class _TolerantLoader(yaml.SafeLoader):
    """SafeLoader that reads MkDocs' !!python/name and !ENV tags as plain values instead of failing."""


def _ignore_tag(loader: yaml.SafeLoader, _suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_TolerantLoader.add_multi_constructor("!", _ignore_tag)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)


def plugin_options(plugins: Any) -> dict[str, Any]:
    """The options of the `paperfeed` entry of mkdocs.yml's plugins list."""
    for entry in plugins or []:
        if isinstance(entry, dict) and "paperfeed" in entry:
            return dict(entry["paperfeed"] or {})
    return {}


def load(path: Path = Path("mkdocs.yml")) -> SiteConfig:
    """Read the site's settings from mkdocs.yml without importing MkDocs."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
    except OSError as err:
        raise ConfigError(f"{path}: cannot be read ({err.strerror})") from None
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: is not valid YAML ({err})") from None
    return SiteConfig.from_options(data, plugin_options(data.get("plugins")), path.parent)
