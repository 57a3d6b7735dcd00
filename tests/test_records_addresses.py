"""The web addresses a record may link to, in `links:` and in its abstract: each rule at its edge, with the
exact problem."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_records_tree import make_tree

from generator import records
from generator.records.addresses import url_problem

GOOD = [
    "HTTPS://example.org/",  # a scheme in capitals is the same scheme
    "https://example.org./",  # a fully qualified name ends with a dot
    "https://build-X/",  # only dots are stripped from the end of a host
    "https://example.org:1/",
    "https://example.org:8080/x",
    "https://example.org:65535/",
    "https://[::1]/",
    "https://[2001:db8::1]:8443/",
]


@pytest.mark.parametrize("url", GOOD)
def test_a_full_address_is_taken(url: str) -> None:
    assert url_problem(url) is None


BAD = [
    (
        "https://example.org:65536/",
        "'https://example.org:65536/' has an invalid port ':65536'; a port is a number from 1 to 65535,"
        " or none",
    ),
    (
        "https://example.org:0/",
        "'https://example.org:0/' has an invalid port ':0'; a port is a number from 1 to 65535, or none",
    ),
    (
        "https://.example.org/",
        "'https://.example.org/' has an invalid host; write the full address, starting with https://",
    ),
    (
        "https://example..org/",
        "'https://example..org/' has an invalid host; write the full address, starting with https://",
    ),
    # the host is what follows the last '@'
    (
        "https://arxiv.org@mirror@evil.example/",
        "'https://arxiv.org@mirror@evil.example/' has a user name before '@', which hides the real host"
        " ('evil.example'); link to the page itself, without the part before '@'",
    ),
]


@pytest.mark.parametrize(("url", "expected"), BAD)
def test_an_address_that_is_not_safe_to_link_is_refused_with_the_reason(url: str, expected: str) -> None:
    assert url_problem(url) == expected


def abstract_problems(tmp_path: Path, abstract: str) -> list[str]:
    record = f'---\ntitle: "A paper"\ndate: 2025-03-14\ntags: [world-models]\n---\n{abstract}\n'
    make_tree(tmp_path, {"2025/paper.md": record})
    content = tmp_path / "content"
    report = records.check(content, today=dt.date(2025, 3, 14))
    return [str(p).removeprefix(content.as_posix() + "/") for p in report.problems]


ABSTRACTS = [
    ("See [the code](HTTPS://example.org/code).", []),
    (
        "See [nothing]().",
        [
            "papers/2025/paper.md:6: abstract: links to 'nothing', an anchor or empty target that no page of"
            " the site has; link to a full address (https://...) or remove the link"
        ],
    ),
    (
        "Write to [us](mailto:ada@example.org).",
        [
            "papers/2025/paper.md:6: abstract: links to 'mailto:ada@example.org', which is not a full web"
            " address; an abstract links only to addresses starting with https://, so write the full URL or"
            " remove the link"
        ],
    ),
]


@pytest.mark.parametrize(("abstract", "expected"), ABSTRACTS)
def test_an_abstract_links_only_to_full_web_addresses(
    tmp_path: Path, abstract: str, expected: list[str]
) -> None:
    assert abstract_problems(tmp_path, abstract) == expected
