"""Each typed field's rules, one bad value at a time: the exact problem line (file, line, field, fix), and
the limits at their edge. A record here is `good(1, ...)`: title on line 2, date 3, tags 4, others from 5."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_records_tree import TAGS, good, make_tree

from generator import records
from generator.records import yamlnodes
from generator.records.fields import Fields

DAY = dt.date(2025, 3, 14)
P = "papers/2025/paper.md"
KNOWN = "computer-vision, reinforcement-learning, state-space-models, world-models"


def check_one(tmp_path: Path, tags_yml: str = TAGS, **front: str) -> list[str]:
    """The problems of a tree holding one record with these front-matter lines, paths from content/."""
    make_tree(tmp_path, {"2025/paper.md": good(1, **front)})
    content = tmp_path / "content"
    (content / "tags.yml").write_text(tags_yml, encoding="utf-8")
    prefix = content.as_posix() + "/"
    return [str(p).removeprefix(prefix) for p in records.check(content, today=DAY).problems]


CASES: list[tuple[dict[str, str], list[str]]] = [
    # single values
    ({"title": "[A, B]"}, [f"{P}:2: title: must be a single value, not a list"]),
    ({"date": "{day: 14}"}, [f"{P}:3: date: must be a single value, not a mapping"]),
    ({"arxiv": '["2401.01234"]'}, [f"{P}:5: arxiv: must be a single value, not a list"]),
    ({"upvotes": "[3]"}, [f"{P}:5: upvotes: must be a single value, not a list"]),
    ({"submitted_by": "[octocat]"}, [f"{P}:5: submitted_by: must be a single value, not a list"]),
    # empty optional fields may be removed instead; `~` is YAML's nothing
    (
        {"upvotes": "~"},
        [f"{P}:5: upvotes: is empty; write a whole number, e.g. upvotes: 12, or remove the line"],
    ),
    (
        {"arxiv": '""'},
        [f'{P}:5: arxiv: is empty; give the id, e.g. arxiv: "2401.01234", or remove the line'],
    ),
    # text
    ({"title": '"' + "x" * 300 + '"'}, []),
    (
        {"title": '"a > b"'},
        [
            f"{P}:2: title: contains '>'; a one-line field is plain text, without markup: write"
            " 'greater than' or leave it out"
        ],
    ),
    # counts
    ({"upvotes": "0"}, []),
    ({"upvotes": "01"}, [f"{P}:5: upvotes: 01 starts with 0; write upvotes: 1"]),
    # arXiv ids: the fix offered drops a prefix in any case
    (
        {"arxiv": '"arXiv:2312.00752"'},
        [f"{P}:5: arxiv: 'arXiv:2312.00752' is not an arXiv id; write it like \"2312.00752\""],
    ),
    (
        {"arxiv": '"arXiv:12"'},
        [f"{P}:5: arxiv: 'arXiv:12' is not an arXiv id; write it like \"2401.01234\""],
    ),
    # GitHub handles
    (
        {"submitted_by": "a" * 101},
        [f"{P}:5: submitted_by: is 101 characters; the limit is 100, shorten it"],
    ),
    (
        {"submitted_by": "octo_cat"},
        [f"{P}:5: submitted_by: 'octo_cat' is not a GitHub user name; write the handle, e.g. octocat"],
    ),
    # lists
    (
        {"authors": "Ada Lovelace, Charles Babbage"},
        [f'{P}:5: authors: must be a list; write authors: ["Ada Lovelace", "Charles Babbage"]'],
    ),
    ({"authors": "{Ada: Lovelace}"}, [f'{P}:5: authors: must be a list, e.g. authors: ["Ada Lovelace"]']),
    ({"authors": '["' + "a" * 200 + '"]'}, []),
    (
        {"authors": '["' + "a" * 201 + '"]'},
        [f"{P}:5: authors: is 201 characters; the limit is 200, shorten it"],
    ),
    # tags
    ({"tags": "[]"}, [f"{P}:4: tags: is empty; list one or more, e.g. tags: [computer-vision]"]),
    (
        {"tags": "[state-space-models, world-models, world-models]"},
        [f"{P}:4: tags: lists 'world-models' twice; keep one"],
    ),
    (
        {"tags": "[world-models, bogus, nonsense]"},
        [
            f"{P}:4: tags: 'bogus' is not a tag of content/tags.yml; the known ones are: {KNOWN}",
            f"{P}:4: tags: 'nonsense' is not a tag of content/tags.yml; the known ones are: {KNOWN}",
        ],
    ),
    # an acronym, however it is spelt; a name in capitals, by its slug
    (
        {"tags": "[S.S.M.]"},
        [f"{P}:4: tags: 'S.S.M.' is not a tag of content/tags.yml; did you mean 'state-space-models'?"],
    ),
    (
        {"tags": "[WORLD MODEL]"},
        [f"{P}:4: tags: 'WORLD MODEL' is not a tag of content/tags.yml; did you mean 'world-models'?"],
    ),
    # links
    (
        {"links": "https://example.org/"},
        [f"{P}:5: links: must be 'kind: url' lines, e.g. links: {{code: https://github.com/owner/repo}}"],
    ),
    (
        {"links": "{}"},
        [f"{P}:5: links: must be 'kind: url' lines, e.g. links: {{code: https://github.com/owner/repo}}"],
    ),
    (
        {"links": "{Code: https://example.org/, PDF: https://example.org/x.pdf}"},
        [
            f"{P}:5: links.Code: a link kind is a short lowercase word, such as code, project or pdf",
            f"{P}:5: links.PDF: a link kind is a short lowercase word, such as code, project or pdf",
        ],
    ),
    (
        {"links": '{code: "", pdf: ""}'},
        [
            f"{P}:5: links.code: is empty; give it a value, or remove the line",
            f"{P}:5: links.pdf: is empty; give it a value, or remove the line",
        ],
    ),
    (
        {"links": "{code: ftp://example.org/, pdf: ftp://example.org/x}"},
        [
            f"{P}:5: links.code: 'ftp://example.org/' is not an http(s) address; write the full address,"
            " starting with https://",
            f"{P}:5: links.pdf: 'ftp://example.org/x' is not an http(s) address; write the full address,"
            " starting with https://",
        ],
    ),
    ({"links": "{code: https://example.org/" + "a" * 580 + "}"}, []),  # 600 characters
    (
        {"links": "{code: https://example.org/" + "a" * 1981 + "}"},
        [f"{P}:5: links.code: is 2001 characters; the limit is 2000, shorten it"],
    ),
    # unknown fields, with nothing close to suggest
    (
        {"zzz": "1"},
        [
            f"{P}:5: zzz: is not a known field; the known ones are: title, date, tags, authors, arxiv,"
            " published, links, submitted_by, upvotes"
        ],
    ),
]


@pytest.mark.parametrize(("front", "expected"), CASES, ids=[str(front) for front, _ in CASES])
def test_a_bad_field_value_is_one_problem_line_with_its_fix(
    tmp_path: Path, front: dict[str, str], expected: list[str]
) -> None:
    assert check_one(tmp_path, **front) == expected


def test_a_tag_name_is_required_and_a_description_may_be_removed(tmp_path: Path) -> None:
    tags = TAGS.replace('name: "World models"', 'name: ""').replace(
        'description: "Papers on agents that learn from reward."', 'description: ""'
    )
    assert check_one(tmp_path, tags) == [
        "tags.yml:6: reinforcement-learning.description: is empty; give it a value, or remove the line",
        "tags.yml:11: world-models.name: is empty; give it a value",
    ]


def test_without_a_good_tag_the_hint_says_where_tags_are_defined(tmp_path: Path) -> None:
    tags = 'world-models:\n  description: "No name."\n'
    assert check_one(tmp_path, tags, tags="[state-space-models]") == [
        "papers/2025/paper.md:4: tags: 'state-space-models' is not a tag of content/tags.yml; define tags in"
        " content/tags.yml",
        'tags.yml:1: world-models.name: is missing; add name: "..."',
    ]


def test_without_a_readable_vocabulary_an_empty_tag_list_shows_the_usual_example(tmp_path: Path) -> None:
    assert check_one(tmp_path, "world-models: [\n", tags="[]") == [
        "papers/2025/paper.md:4: tags: is empty; list one or more, e.g. tags: [world-models]",
        "tags.yml:2: world-models: is not valid YAML (did not find expected node content)",
    ]


def value_of(text: str) -> yamlnodes.Node:
    node = yamlnodes.read(text)
    assert isinstance(node, yamlnodes.Mapping)
    return node.items[0][1]


def test_a_parser_returns_none_whenever_it_reports_a_problem() -> None:
    # sources.yml reads its tags and counts with these parsers and uses what they return.
    found: list[records.Problem] = []
    fields = Fields(records.Problems(found).of("sources.yml"))
    tags = {"world-models": records.Tag("world-models", "World models", "")}
    assert fields.tags(value_of("tags: [world-models, bogus]"), "tags", tags, frozenset(tags)) is None
    assert fields.links(value_of("links: {code: https://example.org/, pdf: ftp://x}"), "links") is None
    assert [p.field for p in found] == ["tags", "links.pdf"]
    assert fields.tags(value_of("tags: [world-models]"), "tags", tags, frozenset(tags)) == ("world-models",)
    assert fields.links(value_of("links: {code: https://example.org/}"), "links") == (
        records.Link("code", "https://example.org/"),
    )
    assert len(found) == 2
