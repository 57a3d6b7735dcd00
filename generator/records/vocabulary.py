"""The tag vocabulary, content/tags.yml: slug -> {name, description}."""

from __future__ import annotations

from pathlib import Path

from generator.model import Tag
from generator.records.fields import Fields
from generator.records.frontmatter import read_yaml
from generator.records.problems import Problem, Problems, display_path
from generator.records.slugs import RESERVED_TAG_SLUGS, TAG_SLUG_RE, hyphenate
from generator.records.yamlnodes import Mapping


def read_tags(path: Path, problems: list[Problem]) -> dict[str, Tag]:
    """Read `tags.yml`: slug -> {name, description}. Bad entries are reported and left out."""
    return read_vocabulary(path, Problems(problems))[0]


def read_vocabulary(path: Path, problems: Problems) -> tuple[dict[str, Tag], frozenset[str] | None]:
    """The good tags, and every slug the file names (None when it cannot be read at all)."""
    mine = problems.of(display_path(path))
    if not path.is_file():
        missing = "is not a file" if path.exists() else "is missing"
        mine.add(line=1, field="file", message=f"{missing}; create content/tags.yml with the tag vocabulary")
        return {}, None
    node = read_yaml(path, mine, "tags", "define at least one tag")
    if node is None:
        return {}, None
    fields = Fields(mine)
    if not isinstance(node, Mapping):
        message = "must be a mapping: 'slug:' lines, each with a name and a description"
        mine.add(line=node.line, field="tags", message=message)
        return {}, None
    tags: dict[str, Tag] = {}
    declared: set[str] = set()
    for key, value in node.items:
        slug = key.text
        if not TAG_SLUG_RE.fullmatch(slug):
            fix = hyphenate(slug, 50)
            example = fix if TAG_SLUG_RE.fullmatch(fix) else "world-models"
            message = f"a tag slug is lowercase letters, digits and hyphens; write it like {example}"
            mine.add(line=key.line, field=slug, message=message)
            continue
        declared.add(slug)
        if slug in RESERVED_TAG_SLUGS:
            message = f"'{slug}' is the name of the tags index page; choose another slug"
            mine.add(line=key.line, field=slug, message=message)
            continue
        if not isinstance(value, Mapping):
            message = 'must have a name and a description, e.g. name: "World models"'
            mine.add(line=value.line, field=slug, message=message)
            continue
        entry = {k.text: (k, v) for k, v in value.items}
        unknown_fields = sorted(set(entry) - {"name", "description"})
        for unknown in unknown_fields:
            message = "is not a known field; use name and description"
            mine.add(line=entry[unknown][0].line, field=f"{slug}.{unknown}", message=message)
        if "name" not in entry:
            mine.add(line=key.line, field=f"{slug}.name", message='is missing; add name: "..."')
            continue
        name = fields.text(entry["name"][1], f"{slug}.name", 100, required=True)
        description = (
            fields.text(entry["description"][1], f"{slug}.description", 500) if "description" in entry else ""
        )
        if name is not None and description is not None and not unknown_fields:
            tags[slug] = Tag(slug, name, description)
    return tags, frozenset(declared)
