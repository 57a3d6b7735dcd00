"""The tag vocabulary, content/tags.yml: each bad entry reported at its line with its fix and left out, the
entries after it still read."""

from __future__ import annotations

from pathlib import Path

from generator import records
from generator.model import Tag

GOOD = 'world-models:\n  name: "World models"\n  description: "Models of an environment."\n'


def read(tmp_path: Path, text: str) -> tuple[dict[str, Tag], list[str]]:
    path = tmp_path / "tags.yml"
    path.write_text(text, encoding="utf-8")
    found: list[records.Problem] = []
    tags = records.read_tags(path, found)
    return tags, [str(p).removeprefix(tmp_path.as_posix() + "/") for p in found]


WORLD = {"world-models": Tag("world-models", "World models", "Models of an environment.")}


def test_a_good_vocabulary_is_read_into_tags(tmp_path: Path) -> None:
    assert read(tmp_path, "robotics:\n  name: Robotics\n" + GOOD) == (
        {"robotics": Tag("robotics", "Robotics", ""), **WORLD},
        [],
    )


def test_a_bad_slug_is_refused_with_a_fix_of_at_most_fifty_characters(tmp_path: Path) -> None:
    long_words = "A" * 51 + " b"  # its fix is cut inside the first word, which is longer than a slug
    assert read(tmp_path, f'"{long_words}":\n  name: x\n"!!!":\n  name: y\n' + GOOD) == (
        WORLD,
        [
            f"tags.yml:1: {long_words}: a tag slug is lowercase letters, digits and hyphens; write it like"
            f" {'a' * 50}",
            "tags.yml:3: !!!: a tag slug is lowercase letters, digits and hyphens; write it like"
            " world-models",
        ],
    )


def test_each_bad_entry_is_reported_and_left_out_and_the_next_ones_read(tmp_path: Path) -> None:
    # audio has a name and an unknown field, and no description: two fields, like a good entry (it was
    # kept when entries were counted rather than their fields named)
    text = (
        "index:\n  name: Index\n"
        'robotics: "Robotics"\n'
        "vision:\n  description: No name.\n"
        "audio:\n  name: Audio\n  colour:\n    red\n"
        "speech:\n  name: Speech\n  description: Voices.\n  colour: blue\n"
        f'named:\n  name: "{"n" * 101}"\n'
        f'described:\n  name: Described\n  description: "{"d" * 501}"\n'
        "empty-name:\n  name: ~\n" + GOOD
    )
    assert read(tmp_path, text) == (
        WORLD,
        [
            "tags.yml:1: index: 'index' is the name of the tags index page; choose another slug",
            'tags.yml:3: robotics: must have a name and a description, e.g. name: "World models"',
            'tags.yml:4: vision.name: is missing; add name: "..."',
            "tags.yml:8: audio.colour: is not a known field; use name and description",
            "tags.yml:13: speech.colour: is not a known field; use name and description",
            "tags.yml:15: named.name: is 101 characters; the limit is 100, shorten it",
            "tags.yml:18: described.description: is 501 characters; the limit is 500, shorten it",
            "tags.yml:20: empty-name.name: is empty; give it a value",
        ],
    )


def test_a_name_and_a_description_at_their_limits_are_taken(tmp_path: Path) -> None:
    text = f'long:\n  name: "{"n" * 100}"\n  description: "{"d" * 500}"\n'
    assert read(tmp_path, text) == ({"long": Tag("long", "n" * 100, "d" * 500)}, [])
