"""Typed field values: each parser reads one YAML node as text, a date, an id, a count or links."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Collection, Iterable

from generator.arxiv_ids import ARXIV_RE
from generator.model import Link, Tag
from generator.records.addresses import url_problem
from generator.records.problems import FileProblems, quoted
from generator.records.slugs import hyphenate
from generator.records.yamlnodes import Mapping, Node, Scalar, Sequence

FIELDS = ("title", "date", "tags", "authors", "arxiv", "published", "links", "submitted_by", "upvotes")
REQUIRED = ("title", "date", "tags")
UPVOTES_MAX = 999_999_999
HANDLE_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
LINK_LABEL_RE = re.compile(r"^[a-z][a-z0-9-]{0,29}$")
# Characters that would be markup wherever a one-line field is printed without escaping (a feed reader
# that shows a text title as HTML, a mail client): plain text has no use for them.
_MARKUP_RE = re.compile("[<>]")
# Digits are ASCII ones: `\d` would take "١٢" (Arabic-Indic) for 12.
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[Tt]| +)\S.*")
_DIGITS_RE = re.compile(r"[0-9]+")
_NEGATIVE_RE = re.compile(r"-[0-9]+")
_NUMBER_LIKE_RE = re.compile(r"[0-9.eE+-]+")  # what YAML 1.1 would read as a number


def suggest(word: str, choices: Iterable[str]) -> str:
    """`; did you mean '...'?` with the closest choice, or the list of them all."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else f"; the known ones are: {', '.join(choices)}"


def _suggest_tag(word: str, known: Collection[str]) -> str:
    """The known tag a misspelt one most resembles: `World Models`, `world-model`, `ssm` (an acronym)."""
    slug = hyphenate(word)
    initials = {"".join(part[0] for part in tag.split("-")): tag for tag in sorted(known) if "-" in tag}
    match = slug if slug in known else initials.get(slug.replace("-", ""))
    if match:
        return f"; did you mean '{match}'?"
    return suggest(slug or word, sorted(known))


def is_empty(scalar: Scalar) -> bool:
    """Nothing written, or `~` or `null` unquoted (YAML's nothing); `Null` is a name and read as written."""
    value = scalar.text.strip()
    return not value or (scalar.plain and value in ("~", "null"))


class Fields:
    """Parsers for each kind of field value; each reports its own problems and returns None on error.

    Records use them, and so do the other YAML files of content/ (sources.yml, import-state.yml).
    """

    def __init__(self, problems: FileProblems) -> None:
        self.problems = problems

    def scalar(self, node: Node, field: str) -> Scalar | None:
        if isinstance(node, Scalar):
            return node
        kind = "a list" if isinstance(node, Sequence) else "a mapping"
        self.problems.add(line=node.line, field=field, message=f"must be a single value, not {kind}")
        return None

    def empty(self, node: Node, field: str, example: str, required: bool | None = None) -> None:
        """Report an empty value; a required field cannot be left out, an optional one can."""
        remove = "" if (field in REQUIRED if required is None else required) else ", or remove the line"
        self.problems.add(line=node.line, field=field, message=f"is empty; {example}{remove}")

    def text(
        self, node: Node, field: str, limit: int = 500, required: bool | None = None, plain: bool = True
    ) -> str | None:
        scalar = self.scalar(node, field)
        if scalar is None:
            return None
        value = scalar.text.strip()
        if is_empty(scalar):
            self.empty(scalar, field, "give it a value", required)
            return None
        if "\n" in value:
            self.problems.add(line=scalar.line, field=field, message="must be on one line")
            return None
        if len(value) > limit:
            message = f"is {len(value)} characters; the limit is {limit}, shorten it"
            self.problems.add(line=scalar.line, field=field, message=message)
            return None
        markup = _MARKUP_RE.search(value) if plain else None
        if markup:
            word = "less than" if markup.group() == "<" else "greater than"
            message = (
                f"contains '{markup.group()}'; a one-line field is plain text, without markup: write"
                f" '{word}' or leave it out"
            )
            self.problems.add(line=scalar.line, field=field, message=message)
            return None
        return value

    def text_list(self, node: Node, field: str, example: str = '"Ada Lovelace"') -> tuple[str, ...] | None:
        quote = field != "tags"  # tags are plain slugs; names are quoted, so that YAML keeps them as text
        if isinstance(node, Scalar) and not is_empty(node):
            items = [item.strip() for item in node.text.split(",") if item.strip()]
            shown = ", ".join(f'"{item}"' if quote else item for item in items)
            message = f"must be a list; write {field}: [{quoted(shown)[1:-1]}]"
            self.problems.add(line=node.line, field=field, message=message)
            return None
        if isinstance(node, Mapping):
            self.problems.add(
                line=node.line, field=field, message=f"must be a list, e.g. {field}: [{example}]"
            )
            return None
        if not isinstance(node, Sequence) or not node.items:
            self.empty(node, field, f"list one or more, e.g. {field}: [{example}]")
            return None
        values = [self.text(item, field, 200) for item in node.items]
        return None if None in values else tuple(v for v in values if v is not None)

    def tags(
        self, node: Node, field: str, known: dict[str, Tag], declared: Collection[str] | None
    ) -> tuple[str, ...] | None:
        values = self.text_list(node, field, next(iter(sorted(known)), "world-models"))
        if values is None or not isinstance(node, Sequence):
            return None
        ok = True
        for item, value in zip(node.items, values, strict=True):
            if declared is None or value in known or value in declared:
                continue  # an unreadable vocabulary, or a bad entry of it, is reported on tags.yml
            ok = False
            hint = _suggest_tag(value, known) if known else "; define tags in content/tags.yml"
            message = f"{quoted(value)} is not a tag of content/tags.yml{hint}"
            self.problems.add(line=item.line, field=field, message=message)
        if len(set(values)) != len(values):
            twice = next(v for v in values if values.count(v) > 1)
            self.problems.add(line=node.line, field=field, message=f"lists {quoted(twice)} twice; keep one")
            return None
        return values if ok else None

    def date(self, node: Node, field: str) -> dt.date | None:
        scalar = self.scalar(node, field)
        if scalar is None:
            return None
        value = scalar.text.strip()
        if is_empty(scalar):
            self.empty(scalar, field, f"write it as YYYY-MM-DD, e.g. {field}: 2025-03-14")
            return None
        if _DATETIME_RE.fullmatch(value):
            message = f"{quoted(value)} has a time; a date is a day only: {field}: {value[:10]}"
            self.problems.add(line=scalar.line, field=field, message=message)
            return None
        if not _DATE_RE.fullmatch(value):
            message = f"{quoted(value)} is not a date; write it as YYYY-MM-DD, e.g. {field}: 2025-03-14"
            self.problems.add(line=scalar.line, field=field, message=message)
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            message = f"{value} is not a real day of the calendar; check the month and day"
            self.problems.add(line=scalar.line, field=field, message=message)
            return None

    def arxiv(self, node: Node, field: str) -> str | None:
        scalar = self.scalar(node, field)
        if scalar is None:
            return None
        value = scalar.text.strip()
        if is_empty(scalar):
            self.empty(scalar, field, f'give the id, e.g. {field}: "2401.01234"')
            return None
        if scalar.plain and _NUMBER_LIKE_RE.fullmatch(value):
            message = (
                f'write the id in quotes, {field}: "{value}", so that YAML keeps it as text, not a number'
            )
            self.problems.add(line=scalar.line, field=field, message=message)
            return None
        if not ARXIV_RE.fullmatch(value):
            fix = re.sub(r"^(?:arxiv:|https?://arxiv\.org/(?:abs|pdf)/)", "", value, flags=re.IGNORECASE)
            example = fix if fix != value and ARXIV_RE.fullmatch(fix) else "2401.01234"
            message = f'{quoted(value)} is not an arXiv id; write it like "{example}"'
            self.problems.add(line=scalar.line, field=field, message=message)
            return None
        return value

    def handle(self, node: Node, field: str) -> str | None:
        value = self.text(node, field, 100)
        if value is None:
            return None
        if not HANDLE_RE.fullmatch(value):
            fix = " (without the @)" if value.startswith("@") else ""
            message = f"{quoted(value)} is not a GitHub user name; write the handle{fix}, e.g. octocat"
            self.problems.add(line=node.line, field=field, message=message)
            return None
        return value

    def count(self, node: Node, field: str) -> int | None:
        scalar = self.scalar(node, field)
        if scalar is None:
            return None
        value = scalar.text.strip()
        if is_empty(scalar):
            self.empty(scalar, field, f"write a whole number, e.g. {field}: 12")
            return None
        if _NEGATIVE_RE.fullmatch(value):
            message = f"{value} is negative; write 0 or more"
        elif not _DIGITS_RE.fullmatch(value):
            message = f"{quoted(value)} is not a whole number; write digits only, e.g. {field}: 12"
        elif not scalar.plain:
            message = f"is a number; write it without quotes: {field}: {value}"
        elif len(value) > 1 and value.startswith("0"):  # YAML 1.1 reads 012 as the octal number 10
            message = f"{value} starts with 0; write {field}: {int(value)}"
        elif int(value) > UPVOTES_MAX:
            message = f"{value} is too large; the most is {UPVOTES_MAX}"
        else:
            return int(value)
        self.problems.add(line=scalar.line, field=field, message=message)
        return None

    def links(self, node: Node, field: str) -> tuple[Link, ...] | None:
        if not isinstance(node, Mapping) or not node.items:
            message = "must be 'kind: url' lines, e.g. links: {code: https://github.com/owner/repo}"
            self.problems.add(line=node.line, field=field, message=message)
            return None
        links: list[Link] = []
        for key, value in node.items:
            name = f"{field}.{key.text}"
            if not LINK_LABEL_RE.fullmatch(key.text):
                message = "a link kind is a short lowercase word, such as code, project or pdf"
                self.problems.add(line=key.line, field=name, message=message)
                continue
            url = self.text(value, name, 2000, plain=False)  # url_problem says what is wrong with it
            if url is None:
                continue
            problem = url_problem(url)
            if problem:
                self.problems.add(line=value.line, field=name, message=problem)
                continue
            links.append(Link(key.text, url))
        return tuple(links) if len(links) == len(node.items) else None
