"""Read and validate `content/` into the model; the only module that parses YAML or front matter.

Every problem of every file is collected, never raised one at a time, so a contributor sees all there is
to fix in one run. Each is one line: `path:line: field: what is wrong, and how to fix it`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from . import yamlnodes
from .model import Feed, Link, Paper, Tag
from .yamlnodes import Mapping, Node, Scalar, Sequence

FIELDS = ("title", "date", "tags", "authors", "arxiv", "published", "links", "submitted_by", "upvotes")
REQUIRED = ("title", "date", "tags")
TITLE_MAX = 300
ABSTRACT_MAX = 10_000
FILE_MAX_BYTES = 256 * 1024
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")
TAG_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,49}$")
ARXIV_RE = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")
HANDLE_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
LINK_LABEL_RE = re.compile(r"^[a-z][a-z0-9-]{0,29}$")
# C0 and C1 controls (tab and newline are fine) and the bidirectional embeddings, overrides and isolates
# that can make text read differently from what it is (CVE-2021-42574).
FORBIDDEN_CHAR_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, at one line."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


class ContentError(Exception):
    """The content has problems; `problems` lists every one, sorted by file and line."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Report:
    """What a check found: the feed as far as it is valid, and every problem."""

    feed: Feed
    problems: tuple[Problem, ...]
    checked: int


def display_path(path: Path) -> str:
    """The path as the user wrote it, with forward slashes (as GitHub annotations need)."""
    return path.as_posix()


def load_feed(content_dir: Path) -> Feed:
    """Load the whole content tree; raise ContentError listing every problem if any."""
    report = check(content_dir)
    if report.problems:
        raise ContentError(report.problems)
    return report.feed


def check(content_dir: Path, only: Iterable[Path] | None = None) -> Report:
    """Validate `content_dir`; with `only`, report just those files (checked against the whole tree)."""
    tags_path = content_dir / "tags.yml"
    problems: list[Problem] = []
    tags = read_tags(tags_path, problems)
    paths = sorted(_record_paths(content_dir / "papers", problems))
    extra = list(only or ())
    if extra:  # the given files may be in the tree already, under another spelling of their path
        in_tree = {p.resolve(): p for p in paths}
        extra = [in_tree.get(p.resolve(), p) for p in extra]
        paths += [p for p in dict.fromkeys(extra) if p not in paths and p.suffix == ".md" and p.is_file()]
    papers: list[Paper] = []
    for path in paths:
        paper = read_paper(path, tags, problems)
        if paper is not None:
            papers.append(paper)
    _check_unique(papers, problems)
    if only is not None:
        wanted = {display_path(p) for p in extra}
        problems = [p for p in problems if p.path in wanted]
        for path in extra:
            if not path.is_file():
                problems.append(Problem(display_path(path), 1, "file", "does not exist"))
            elif path.suffix != ".md" and path.resolve() != tags_path.resolve():
                problems.append(Problem(display_path(path), 1, "file", "is not a paper record (.md)"))
    bad = {p.path for p in problems}
    good = [p for p in papers if p.source not in bad]
    checked = len(set(extra)) if only is not None else len(paths)
    return Report(Feed.of(good, tags), tuple(sorted(problems)), checked)


def _record_paths(papers_dir: Path, problems: list[Problem]) -> Iterable[Path]:
    """Every `papers/<year>/<slug>.md`; anything else under papers/ is reported, never read."""
    if not papers_dir.is_dir():
        problems.append(Problem(display_path(papers_dir), 1, "folder", "is missing; create content/papers/"))
        return
    for root, dirs, files in os.walk(papers_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            if name.startswith("."):
                continue
            if not name.endswith(".md"):
                problems.append(
                    Problem(
                        display_path(path),
                        1,
                        "file",
                        "is not a paper record; only .md records belong in content/papers/",
                    )
                )
            elif Path(root) == papers_dir:
                problems.append(
                    Problem(
                        display_path(path),
                        1,
                        "file",
                        "move it into the folder of its year, content/papers/<year>/",
                    )
                )
            else:
                yield path


# --- reading one file -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    front: Node | None
    body: str
    body_line: int


def _read_source(path: Path, shown: str, problems: list[Problem]) -> _Source | None:
    """Split a file into its front matter (read strictly) and body; report why when it cannot be."""

    def fail(line: int, field: str, message: str) -> None:
        problems.append(Problem(shown, line, field, message))

    try:
        raw = path.read_bytes()
    except OSError as err:
        fail(1, "file", f"cannot be read ({err.strerror})")
        return None
    if len(raw) > FILE_MAX_BYTES:
        fail(1, "file", f"is {len(raw)} bytes; a record is at most {FILE_MAX_BYTES} bytes")
        return None
    had_bom = raw.startswith(BOM)
    raw = raw.removeprefix(BOM)
    if not raw.strip():
        what = "holds only a byte-order mark" if had_bom else "is empty"
        fail(1, "file", f"{what}; a record starts with '---', its fields, '---', then the abstract")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        fail(line, "file", f"is not UTF-8 (byte 0x{raw[err.start]:02x}); save the file with UTF-8 encoding")
        return None
    text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    close = next((i for i, ln in enumerate(lines[1:], start=1) if ln.rstrip() == "---"), None)
    bad = FORBIDDEN_CHAR_RE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        field = "front matter" if close is not None and line <= close + 1 else "text"
        name = "a bidirectional control" if ord(bad.group()) >= 0x202A else "a control character"
        fail(line, field, f"contains {name} (U+{ord(bad.group()):04X}); delete it")
        return None
    if lines[0].rstrip() != "---":
        fail(1, "front matter", "is missing; start the file with a line '---', the fields, then '---'")
        return None
    if close is None:
        fail(1, "front matter", "is not closed; add a line '---' after the last field")
        return None
    for number, line_text in enumerate(lines[1:close], start=2):
        indent = line_text[: len(line_text) - len(line_text.lstrip(" \t"))]
        if "\t" in indent:
            fail(number, "front matter", "is indented with a tab; YAML needs spaces")
            return None
    try:
        front = yamlnodes.read("\n".join(lines[1:close]), first_line=2)
    except yamlnodes.YamlProblem as err:
        fail(err.line, err.key or "front matter", err.message)
        return None
    return _Source(front, "\n".join(lines[close + 1 :]), close + 2)


def read_paper(path: Path, tags: dict[str, Tag], problems: list[Problem]) -> Paper | None:
    """Read one record; on any problem, report it and return None."""
    shown = display_path(path)
    before = len(problems)
    source = _read_source(path, shown, problems)
    if source is None:
        return None
    fields = _Fields(shown, problems)
    node = source.front
    if node is None:
        node = Mapping((), 1)
    if not isinstance(node, Mapping):
        fields.fail(node.line, "front matter", "must be 'field: value' lines, one per field")
        return None
    values = {key.text: (key, value) for key, value in node.items}
    for key, _ in node.items:
        if key.text not in FIELDS:
            fields.fail(key.line, key.text, f"is not a known field{_suggest(key.text, FIELDS)}")
    for name in REQUIRED:
        if name not in values:
            fields.fail(1, name, f"is missing; add a line '{name}: ...' to the front matter")

    def get(name: str, parse: Callable[[Node, str], object]) -> object:
        return parse(values[name][1], name) if name in values else None

    title = get("title", lambda n, f: fields.text(n, f, TITLE_MAX))
    date = get("date", fields.date)
    paper_tags = get("tags", lambda n, f: fields.tags(n, f, tags))
    authors = get("authors", lambda n, f: fields.text_list(n, f))
    arxiv = get("arxiv", fields.arxiv)
    published = get("published", fields.date)
    links = get("links", fields.links)
    submitted_by = get("submitted_by", fields.handle)
    upvotes = get("upvotes", fields.count)

    abstract = source.body.strip()
    body_start = source.body_line + source.body[: len(source.body) - len(source.body.lstrip())].count("\n")
    if not abstract:
        fields.fail(
            source.body_line - 1, "abstract", "is missing; write the abstract after the closing '---'"
        )
    elif len(abstract) > ABSTRACT_MAX:
        fields.fail(body_start, "abstract", f"is {len(abstract)} characters; the limit is {ABSTRACT_MAX}")

    slug = path.stem
    if not SLUG_RE.match(slug):
        fix = _slug_fix(slug)
        fields.fail(
            1,
            "slug",
            f"'{slug}' (the file name) must be lowercase letters, digits and hyphens; rename it {fix}.md",
        )
    year_dir = path.parent.name
    if isinstance(date, dt.date) and re.fullmatch(r"\d{4}", year_dir) and int(year_dir) != date.year:
        fields.fail(
            values["date"][0].line,
            "date",
            f"is in {date.year} but the file is in papers/{year_dir}/; move it to papers/{date.year}/",
        )
    if len(problems) > before:
        return None
    assert isinstance(title, str) and isinstance(date, dt.date) and isinstance(paper_tags, tuple)
    return Paper(
        slug=slug,
        title=title,
        date=date,
        tags=paper_tags,
        abstract=abstract,
        authors=authors if isinstance(authors, tuple) else (),
        arxiv=arxiv if isinstance(arxiv, str) else None,
        published=published if isinstance(published, dt.date) else None,
        links=links if isinstance(links, tuple) else (),
        submitted_by=submitted_by if isinstance(submitted_by, str) else None,
        upvotes=upvotes if isinstance(upvotes, int) else 0,
        source=shown,
    )


def _slug_fix(slug: str) -> str:
    fixed = re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-")[:80]
    return fixed if SLUG_RE.match(fixed) else "like my-paper-title"


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else f"; the known ones are: {', '.join(choices)}"


class _Fields:
    """Parsers for each kind of field value; each reports its own problems and returns None on error."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems

    def fail(self, line: int, field: str, message: str) -> None:
        self.problems.append(Problem(self.path, line, field, message))

    def scalar(self, node: Node, field: str) -> Scalar | None:
        if isinstance(node, Scalar):
            return node
        kind = "a list" if isinstance(node, Sequence) else "a mapping"
        self.fail(node.line, field, f"must be a single value, not {kind}")
        return None

    def text(self, node: Node, field: str, limit: int = 500) -> str | None:
        scalar = self.scalar(node, field)
        if scalar is None:
            return None
        value = scalar.text.strip()
        if not value or (scalar.plain and value in ("~", "null")):
            self.fail(scalar.line, field, "is empty; give it a value or remove the line")
            return None
        if "\n" in value:
            self.fail(scalar.line, field, "must be on one line")
            return None
        if len(value) > limit:
            self.fail(scalar.line, field, f"is {len(value)} characters; the limit is {limit}, shorten it")
            return None
        return value

    def text_list(self, node: Node, field: str) -> tuple[str, ...] | None:
        if isinstance(node, Scalar):
            example = node.text.strip() or "..."
            self.fail(node.line, field, f'must be a list; write {field}: ["{example}"]')
            return None
        if not isinstance(node, Sequence):
            self.fail(node.line, field, "must be a list of names")
            return None
        if not node.items:
            self.fail(node.line, field, "is an empty list; give at least one value or remove the line")
            return None
        values = [self.text(item, field, 200) for item in node.items]
        return None if None in values else tuple(v for v in values if v is not None)

    def tags(self, node: Node, field: str, known: dict[str, Tag]) -> tuple[str, ...] | None:
        values = self.text_list(node, field)
        if values is None or not isinstance(node, Sequence):
            return None
        ok = True
        for item, value in zip(node.items, values, strict=True):
            if value not in known:
                ok = False
                hint = _suggest(value, known) if known else "; define tags in content/tags.yml"
                self.fail(item.line, field, f"'{value}' is not a tag of content/tags.yml{hint}")
        if len(set(values)) != len(values):
            self.fail(node.line, field, "lists a tag twice; keep one")
            return None
        return values if ok else None

    def date(self, node: Node, field: str) -> dt.date | None:
        scalar = self.scalar(node, field)
        if scalar is None:
            return None
        value = scalar.text.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}[Tt ].*", value):
            self.fail(
                scalar.line, field, f"'{value}' has a time; a date is a day only: {field}: {value[:10]}"
            )
            return None
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            self.fail(
                scalar.line,
                field,
                f"'{value}' is not a date; write it as YYYY-MM-DD, e.g. {field}: 2025-03-14",
            )
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.fail(
                scalar.line, field, f"{value} is not a real day of the calendar; check the month and day"
            )
            return None

    def arxiv(self, node: Node, field: str) -> str | None:
        scalar = self.scalar(node, field)
        if scalar is None:
            return None
        value = scalar.text.strip()
        if scalar.plain and re.fullmatch(r"[\d.eE+-]+", value):
            self.fail(
                scalar.line, field, f'write the id in quotes, {field}: "{value}", so YAML keeps it as text'
            )
            return None
        if not ARXIV_RE.match(value):
            self.fail(scalar.line, field, f"'{value}' is not an arXiv id; write it like \"2401.01234\"")
            return None
        return value

    def handle(self, node: Node, field: str) -> str | None:
        value = self.text(node, field, 100)
        if value is None:
            return None
        if not HANDLE_RE.match(value):
            fix = " (without the @)" if value.startswith("@") else ""
            self.fail(
                node.line, field, f"'{value}' is not a GitHub user name; write the handle{fix}, e.g. octocat"
            )
            return None
        return value

    def count(self, node: Node, field: str) -> int | None:
        scalar = self.scalar(node, field)
        if scalar is None:
            return None
        value = scalar.text.strip()
        if re.fullmatch(r"-\d+", value):
            self.fail(scalar.line, field, f"{value} is negative; write 0 or more")
        elif not scalar.plain or not re.fullmatch(r"\d{1,9}", value):
            self.fail(
                scalar.line, field, f"'{value}' is not a whole number; write digits only, e.g. {field}: 12"
            )
        else:
            return int(value)
        return None

    def links(self, node: Node, field: str) -> tuple[Link, ...] | None:
        if not isinstance(node, Mapping) or not node.items:
            self.fail(
                node.line,
                field,
                "must be 'kind: url' lines, e.g. links: {code: https://github.com/owner/repo}",
            )
            return None
        links: list[Link] = []
        for key, value in node.items:
            name = f"{field}.{key.text}"
            if not LINK_LABEL_RE.match(key.text):
                self.fail(
                    key.line, name, "a link kind is a short lowercase word, such as code, project or pdf"
                )
                continue
            url = self.text(value, name, 2000)
            if url is None:
                continue
            problem = url_problem(url)
            if problem:
                self.fail(value.line, name, problem)
                continue
            links.append(Link(key.text, url))
        return tuple(links) if len(links) == len(node.items) else None


def url_problem(url: str) -> str | None:
    """Why `url` is not an absolute http(s) URL that is safe to link to, or None when it is."""
    match = re.match(r"^https?://([^/?#\s]+)", url, re.IGNORECASE)
    if not match or re.search(r"[\s<>\"'`\\]", url):
        return f"'{url}' is not an http(s) address; write the full address, starting with https://"
    host = match.group(1).rsplit("@", 1)[-1]
    if not re.fullmatch(r"[A-Za-z0-9.-]+(?::\d{1,5})?|\[[0-9A-Fa-f:.]+\](?::\d{1,5})?", host):
        return f"'{url}' has an invalid host; write the full address, starting with https://"
    return None


# --- the tag vocabulary -----------------------------------------------------------------------------------


def read_tags(path: Path, problems: list[Problem]) -> dict[str, Tag]:
    """Read `tags.yml`: slug -> {name, description}. Bad entries are reported and left out."""
    shown = display_path(path)
    if not path.is_file():
        problems.append(
            Problem(shown, 1, "file", "is missing; create content/tags.yml with the tag vocabulary")
        )
        return {}
    fake_front = _read_yaml_file(path, shown, problems)
    if fake_front is None:
        return {}
    fields = _Fields(shown, problems)
    if not isinstance(fake_front, Mapping):
        fields.fail(
            fake_front.line, "tags", "must be a mapping: 'slug:' lines, each with a name and a description"
        )
        return {}
    tags: dict[str, Tag] = {}
    for key, value in fake_front.items:
        slug = key.text
        if not TAG_SLUG_RE.match(slug):
            fields.fail(
                key.line, slug, "a tag slug is lowercase letters, digits and hyphens, e.g. world-models"
            )
            continue
        if not isinstance(value, Mapping):
            fields.fail(value.line, slug, 'must have a name and a description, e.g. name: "World models"')
            continue
        entry = {k.text: (k, v) for k, v in value.items}
        for unknown in set(entry) - {"name", "description"}:
            fields.fail(
                entry[unknown][0].line, f"{slug}.{unknown}", "is not a known field; use name and description"
            )
        if "name" not in entry:
            fields.fail(value.line, f"{slug}.name", 'is missing; add name: "..."')
            continue
        name = fields.text(entry["name"][1], f"{slug}.name", 100)
        description = (
            fields.text(entry["description"][1], f"{slug}.description", 500) if "description" in entry else ""
        )
        if name is not None and description is not None and len(entry) <= 2:
            tags[slug] = Tag(slug, name, description)
    return tags


def _read_yaml_file(path: Path, shown: str, problems: list[Problem]) -> Node | None:
    """Read a whole-YAML file with the same strictness as front matter."""
    try:
        raw = path.read_bytes().removeprefix(BOM)
        text = raw.decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError:
        problems.append(Problem(shown, 1, "file", "is not UTF-8; save the file with UTF-8 encoding"))
        return None
    bad = FORBIDDEN_CHAR_RE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        problems.append(
            Problem(
                shown, line, "file", f"contains a control character (U+{ord(bad.group()):04X}); delete it"
            )
        )
        return None
    try:
        node = yamlnodes.read(text)
    except yamlnodes.YamlProblem as err:
        problems.append(Problem(shown, err.line, err.key or "tags", err.message))
        return None
    if node is None:
        problems.append(Problem(shown, 1, "tags", "is empty; define at least one tag"))
    return node


# --- rules across files -----------------------------------------------------------------------------------


def arxiv_base(arxiv: str) -> str:
    """The id without its version suffix: 2401.01234v2 -> 2401.01234."""
    return re.sub(r"v\d+$", "", arxiv)


def _check_unique(papers: list[Paper], problems: list[Problem]) -> None:
    slugs: dict[str, Paper] = {}
    ids: dict[str, Paper] = {}
    for paper in papers:  # in path order, so the later file is the one reported
        first = slugs.setdefault(paper.slug.casefold(), paper)
        if first is not paper:
            problems.append(
                Problem(
                    paper.source,
                    1,
                    "slug",
                    f"'{paper.slug}' is already used by {first.source}; rename this file",
                )
            )
        if paper.arxiv:
            other = ids.setdefault(arxiv_base(paper.arxiv), paper)
            if other is not paper:
                problems.append(
                    Problem(
                        paper.source,
                        _field_line(paper, "arxiv"),
                        "arxiv",
                        f"{paper.arxiv} is already the paper {other.source}; a paper is listed once",
                    )
                )


def _field_line(paper: Paper, field: str) -> int:
    """The line of `field` in the paper's file (1 if it cannot be found)."""
    try:
        lines = Path(paper.source).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    return next((i for i, ln in enumerate(lines, start=1) if ln.startswith(f"{field}:")), 1)
