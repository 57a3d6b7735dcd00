"""Reading a file of content/ before its fields: the fences of the front matter, the field a bad character's
line belongs to, tabs, YAML errors and empty files, each reported at its exact line with its fix."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from records_support import sized
from test_records_tree import TAGS, make_tree

from generator import records

DAY = dt.date(2025, 3, 14)
FRONT = 'title: "A paper"\ndate: 2025-03-14\ntags: [world-models]\n'


def problems_of(tmp_path: Path, paper: str | None = None, tags_yml: str = TAGS) -> list[str]:
    """The problems of a tree holding this record (if any) and this tags.yml, paths from content/."""
    make_tree(tmp_path, {} if paper is None else {"2025/paper.md": paper})
    content = tmp_path / "content"
    (content / "tags.yml").write_text(tags_yml, encoding="utf-8")
    prefix = content.as_posix() + "/"
    return [str(p).removeprefix(prefix) for p in records.check(content, today=DAY).problems]


BELL = "a control character (U+0007); delete it"
PAPER = "papers/2025/paper.md"

# A raw control character is found before the YAML is read: the problem names the field of its line.
RAW: list[tuple[str, str]] = [
    # fences with trailing spaces are fences: the line after them is the abstract
    (f"---  \n{FRONT}---  \nAn \x07abstract.\n", f"{PAPER}:6: abstract: contains {BELL}"),
    # an empty front matter: the abstract starts right after the second fence
    ("---\n---\nAn \x07abstract.\n", f"{PAPER}:3: abstract: contains {BELL}"),
    # the last line of the front matter is a field's, not the abstract's
    (
        f'---\n{FRONT}authors: ["Ada \x07Lovelace"]\n---\nAn abstract.\n',
        f"{PAPER}:5: authors: contains {BELL}",
    ),
    # a control that is whitespace to Python ends the closing fence: the fence line is neither
    (
        f"---\n{FRONT}---\x0c\nAn abstract.\n",
        f"{PAPER}:5: front matter: contains a control character (U+000C); delete it",
    ),
    # no closing fence: every line is the front matter's
    (f'---\n{FRONT}authors: ["Ada \x07"]\nAn abstract.\n', f"{PAPER}:5: authors: contains {BELL}"),
    # a key in capitals is still a key; a nested one is named with its parent's
    (f"---\n{FRONT}Title: \x07\n---\nAn abstract.\n", f"{PAPER}:5: Title: contains {BELL}"),
    (
        f"---\n{FRONT}links:\n  code: https://a.org/\n  pdf: https://a.org/\x07\n---\nAn abstract.\n",
        f"{PAPER}:7: links.pdf: contains {BELL}",
    ),
    (
        f"---\n{FRONT}links:\n code: https://a.org/\x07\n---\nAn abstract.\n",
        f"{PAPER}:6: links.code: contains {BELL}",
    ),
]


@pytest.mark.parametrize(("paper", "expected"), RAW)
def test_a_raw_control_is_reported_on_the_field_of_its_line(
    tmp_path: Path, paper: str, expected: str
) -> None:
    assert problems_of(tmp_path, paper) == [expected]


BIDI = "a bidirectional control (U+202E); delete it"
# A control made by a YAML escape is found in the values read: the problem names the field, or the key.
ESCAPED: list[tuple[str, str]] = [
    ('---\n"A \\u202e"\n---\nAn abstract.\n', f"{PAPER}:2: front matter: contains {BIDI}"),
    (
        f'---\n{FRONT}authors: ["Ada", "B \\u202e"]\n---\nAn abstract.\n',
        f"{PAPER}:5: authors: contains {BIDI}",
    ),
    (f'---\n{FRONT}"ti\\u202etle": x\n---\nAn abstract.\n', f"{PAPER}:5: ti\\u202etle: contains {BIDI}"),
    # the record is reported for the control alone: what else it says is read once the control is gone
    (
        '---\ntitle: "A \\u202e"\ndate: 2025-03-14\ntags: [world-models]\nzzz: 1\n---\nAn abstract.\n',
        f"{PAPER}:2: title: contains {BIDI}",
    ),
]


@pytest.mark.parametrize(("paper", "expected"), ESCAPED)
def test_an_escaped_control_is_reported_on_its_field(tmp_path: Path, paper: str, expected: str) -> None:
    assert problems_of(tmp_path, paper) == [expected]


def test_a_backslash_escape_that_makes_no_control_is_read(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        {
            "2025/paper.md": '---\ntitle: "A \\"quoted\\" paper"\ndate: 2025-03-14\ntags: [world-models]\n'
            "---\nAn abstract.\n"
        },
    )
    report = records.check(tmp_path / "content", today=DAY)
    assert (report.problems, [p.title for p in report.feed.papers]) == ((), ['A "quoted" paper'])


def test_an_empty_front_matter_lacks_the_required_fields(tmp_path: Path) -> None:
    assert problems_of(tmp_path, "---\n---\nAn abstract.\n") == [
        f"{PAPER}:1: {name}: is missing; add a line '{name}: ...' to the front matter"
        for name in ("date", "tags", "title")
    ]


def test_a_blank_first_line_of_the_front_matter_keeps_the_line_numbers(tmp_path: Path) -> None:
    assert problems_of(tmp_path, f"---\n\n{FRONT}zzz: 1\n---\nAn abstract.\n") == [
        f"{PAPER}:6: zzz: is not a known field; the known ones are: title, date, tags, authors, arxiv,"
        " published, links, submitted_by, upvotes"
    ]


def test_a_yaml_error_on_a_line_without_a_key_is_the_front_matters_at_that_line(tmp_path: Path) -> None:
    assert problems_of(tmp_path, '---\n"unclosed\n---\nAn abstract.\n') == [
        f"{PAPER}:2: front matter: is not valid YAML (found unexpected end of stream)"
    ]


def test_tabs_count_only_as_indentation_and_only_in_the_front_matter(tmp_path: Path) -> None:
    paper = '---\ntitle: "A\tpaper"\ndate: 2025-03-14\ntags: [world-models]\n---\nCode:\n\n\tprint(1)\n'
    assert problems_of(tmp_path, paper) == []


def test_a_tab_before_any_key_is_the_front_matters(tmp_path: Path) -> None:
    paper = '---\n\ttitle: "A paper"\ndate: 2025-03-14\ntags: [world-models]\n---\nAn abstract.\n'
    assert problems_of(tmp_path, paper) == [
        f"{PAPER}:2: front matter: is indented with a tab; YAML needs spaces"
    ]


# --- tags.yml and the other YAML files of content/ ----------------------------------------------------------

TAGS_CASES: list[tuple[str, str]] = [
    ("", "tags.yml:1: file: is empty; define at least one tag"),
    ("# no tags yet\n", "tags.yml:1: tags: is empty; define at least one tag"),
    ("\tworld-models:\n", "tags.yml:1: tags: is indented with a tab; YAML needs spaces"),
    ("# \x07\n" + TAGS, "tags.yml:1: file: contains a control character (U+0007); delete it"),
    ("\n# \x07\n" + TAGS, "tags.yml:2: file: contains a control character (U+0007); delete it"),
    (
        TAGS.replace('"Papers on models that see."', '"Papers on \x07models."'),
        f"tags.yml:3: computer-vision.description: contains {BELL}",
    ),
    # a parent key that is not a plain name: the line is the file's
    ('"computer vision":\n  name: "x\x07"\n', f"tags.yml:2: file: contains {BELL}"),
    (
        'computer-vision:\n  name: "Computer vision"\nworld-models: [\n',
        "tags.yml:4: world-models: is not valid YAML (did not find expected node content)",
    ),
]


@pytest.mark.parametrize(("tags_yml", "expected"), TAGS_CASES)
def test_a_bad_tags_yml_is_reported_at_its_line(tmp_path: Path, tags_yml: str, expected: str) -> None:
    assert problems_of(tmp_path, tags_yml=tags_yml) == [expected]


def test_another_yaml_file_of_content_is_read_as_strictly(tmp_path: Path) -> None:
    path = tmp_path / "sources.yml"
    found: list[records.Problem] = []
    path.write_text("# nothing\n", encoding="utf-8")
    assert records.read_yaml_file(path, found, "sources", "list a search") is None
    path.write_text("searches: 1\n", encoding="utf-8")
    node = records.read_yaml_file(path, found, "sources", "list a search")
    assert found == [
        records.Problem(path=path.as_posix(), line=1, field="sources", message="is empty; list a search")
    ]
    assert isinstance(node, records.yamlnodes.Mapping) and node.items[0][0].text == "searches"


def test_a_folder_given_as_a_yaml_file_cannot_be_read(tmp_path: Path) -> None:
    found: list[records.Problem] = []
    assert records.read_yaml_file(tmp_path, found, "sources", "list a search") is None
    assert [str(p) for p in found] == [f"{tmp_path.as_posix()}:1: file: cannot be read (Is a directory)"]


def test_a_file_too_large_is_reported_with_its_whole_size(tmp_path: Path) -> None:
    assert problems_of(tmp_path, sized(300 * 1024).decode()) == [
        f"{PAPER}:1: file: is 307200 bytes; a file here is at most 262144 bytes"
    ]


def test_a_file_of_exactly_the_size_limit_is_read(tmp_path: Path) -> None:
    make_tree(tmp_path, {})
    (tmp_path / "content" / "papers" / "2025").mkdir()
    (tmp_path / "content" / "papers" / "2025" / "paper.md").write_bytes(sized(256 * 1024))
    found = records.check(tmp_path / "content", today=DAY).problems
    assert [(p.line, p.field, p.message[:3]) for p in found] == [(6, "abstract", "is ")]
    assert found[0].message.endswith(" characters; the limit is 10000, shorten it")
