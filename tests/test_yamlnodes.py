"""The strict YAML reader: scalars stay the text written, and anchors, aliases and tags are refused."""

from __future__ import annotations

import pytest

from generator.records import yamlnodes
from generator.records.yamlnodes import Mapping, Scalar, Sequence


def test_scalars_are_the_text_as_written_with_their_lines() -> None:
    node = yamlnodes.read('title: NO\nn: 0x1F\nt: 1:20\nq: "yes"\nl:\n  - Null\n  - ~\n', first_line=2)
    assert node == Mapping(
        (
            (Scalar("title", 2, True), Scalar("NO", 2, True)),
            (Scalar("n", 3, True), Scalar("0x1F", 3, True)),
            (Scalar("t", 4, True), Scalar("1:20", 4, True)),
            (Scalar("q", 5, True), Scalar("yes", 5, False)),
            (Scalar("l", 6, True), Sequence((Scalar("Null", 7, True), Scalar("~", 8, True)), 7)),
        ),
        2,
    )


def test_an_empty_document_is_none() -> None:
    assert yamlnodes.read("") is None
    assert yamlnodes.read("# only a comment\n") is None


@pytest.mark.parametrize(
    ("text", "line", "key", "message"),
    [
        ("a: &x 1\n", 1, "a", "uses the YAML anchor '&x'; anchors are not allowed"),
        ("a: 1\nb: *x\n", 2, "b", "uses the YAML alias '*x'; write the value out instead"),
        ("a: !!str 1\n", 1, "a", "uses the YAML tag '!!str'; tags are not allowed, write plain values"),
        ("a: !custom 1\n", 1, "a", "uses the YAML tag '!custom'; tags are not allowed, write plain values"),
        ("a:\n  b: !!python/name:os.system x\n", 2, "a.b", "uses the YAML tag '!!python/name:os.system'; tags"
         " are not allowed, write plain values"),
        ("a: 1\na: 2\n", 2, "a", "is given twice (first on line 1); keep one of them"),
        ("? [a]\n: 1\n", 1, None,
         "has a key that is not a plain name; write 'name: value'"),
        ("a: 1\n---\nb: 2\n", 2, None, "holds a second YAML document ('---'); keep one"),
        ("a: " + "[" * 20 + "]" * 20 + "\n", 1, "a", "is nested more than 16 levels deep"),
        ("a: b: c\n", 1, None, "is not valid YAML (mapping values are not allowed in this context); a value"
         ' that contains ": " must be in double quotes, e.g. title: "Mamba: Linear-Time ..."'),
        ("a: @me\n", 1, None, "is not valid YAML (found character that cannot start any token); a value that"
         " starts with @ must be in double quotes"),
        ("a: x\uffff\n", 1, None, "contains U+FFFF, which YAML does not allow; delete it"),
        ("\na: 1\nb: x\uffff\n", 3, None, "contains U+FFFF, which YAML does not allow; delete it"),
        # in a list too, not only as a value of a key
        ("a: [&x 1]\n", 1, "a", "uses the YAML anchor '&x'; anchors are not allowed"),
        ("a: [!!str 1]\n", 1, "a", "uses the YAML tag '!!str'; tags are not allowed, write plain values"),
        # a tag is shown as it was written: only its first prefix was YAML's shorthand
        ("a: !<tag:yaml.org,2002:x:tag:yaml.org,2002:y> 1\n", 1, "a", "uses the YAML tag"
         " '!!x:tag:yaml.org,2002:y'; tags are not allowed, write plain values"),
        # 16 levels are allowed, in a key as in a value: a key that is a list is refused as a key
        ("a: " + "[" * 17 + "]" * 17 + "\n", 1, "a", "is nested more than 16 levels deep"),
        ("? " + "[" * 16 + "]" * 16 + "\n: 1\n", 1, None,
         "has a key that is not a plain name; write 'name: value'"),
        ("? " + "[" * 17 + "]" * 17 + "\n: 1\n", 1, None, "is nested more than 16 levels deep"),
        ("@me: 1\n", 1, None, "is not valid YAML (found character that cannot start any token); a value that"
         " starts with @ must be in double quotes"),
        ("a: `date`\n", 1, None, "is not valid YAML (found character that cannot start any token); a value"
         " that starts with ` must be in double quotes"),
        ("a: %x\n", 1, None, "is not valid YAML (found character that cannot start any token); a value"
         " that starts with % must be in double quotes"),
        ("a:\n\tb: 1\n", 2, None, "is not valid YAML (found character that cannot start any token); indent"
         " with spaces, not tabs"),
    ],
)  # fmt: skip
def test_what_is_refused(text: str, line: int, key: str | None, message: str) -> None:
    with pytest.raises(yamlnodes.YamlProblem) as caught:
        yamlnodes.read(text)
    assert (caught.value.line, caught.value.key, caught.value.message) == (line, key, message)
    assert str(caught.value) == message  # what a traceback would show, were it not caught


def test_sixteen_levels_of_lists_are_read() -> None:
    node = yamlnodes.read("a: " + "[" * 16 + "x" + "]" * 16 + "\n")
    assert isinstance(node, Mapping)
    value, depth = node.items[0][1], 1
    while isinstance(value, Sequence):
        value, depth = value.items[0], depth + 1
    assert (value, depth) == (Scalar("x", 1, True), 17)
