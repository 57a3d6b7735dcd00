"""Read and validate `content/` into the model; the only module that parses YAML or front matter.

Every problem of every file is collected, never raised one at a time, so a contributor sees all there is
to fix in one run. Each is one line: `path:line: field: what is wrong, and how to fix it`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.errors import PaperfeedError
from generator.model import Feed, Link, Paper, Tag
from generator.records import abstract_links, abstracts, yamlnodes
from generator.records.yamlnodes import Mapping, Node, Scalar, Sequence

FIELDS = ("title", "date", "tags", "authors", "arxiv", "published", "links", "submitted_by", "upvotes")
REQUIRED = ("title", "date", "tags")
TITLE_MAX = 300
ABSTRACT_MAX = 10_000
FILE_MAX_BYTES = 256 * 1024
UPVOTES_MAX = 999_999_999
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")
TAG_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,49}$")
# Slugs whose page would land on a generated one: papers/index.md is MkDocs' page of papers/ itself, and
# tags/index.md is the tags index.
RESERVED_SLUGS = frozenset({"index"})
RESERVED_TAG_SLUGS = frozenset({"index"})
# arXiv opened in August 1991: no paper entered a feed of arXiv papers before that year.
FIRST_FEED_YEAR = 1991
# A day's grace after today (UTC): a maintainer east of Greenwich may already be on tomorrow.
FUTURE_GRACE = dt.timedelta(days=1)
# Characters that would be markup wherever a one-line field is printed without escaping (a feed reader
# that shows a text title as HTML, a mail client): plain text has no use for them.
_MARKUP_RE = re.compile("[<>]")
# New-style ids (YYMM.NNNNN, a real month) and old-style ones (hep-th/9901001), either with a version.
ARXIV_RE = re.compile(
    r"^(?:[0-9]{2}(?:0[1-9]|1[0-2])\.[0-9]{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?/[0-9]{7})(?:v[1-9][0-9]*)?$"
)
HANDLE_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
LINK_LABEL_RE = re.compile(r"^[a-z][a-z0-9-]{0,29}$")
YEAR_RE = re.compile(r"^[0-9]{4}$")
# Digits are ASCII ones: `\d` would take "١٢" (Arabic-Indic) for 12.
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[Tt]| +)\S.*")
_DIGITS_RE = re.compile(r"[0-9]+")
_NEGATIVE_RE = re.compile(r"-[0-9]+")
_NUMBER_LIKE_RE = re.compile(r"[0-9.eE+-]+")  # what YAML 1.1 would read as a number
_VERSION_RE = re.compile(r"v[0-9]+$")
# C0 and C1 controls (tab and newline are fine); the bidirectional embeddings, overrides and isolates
# that can make text read differently from what it is (CVE-2021-42574); the line and paragraph separators,
# which end a line in JavaScript and some readers but not in YAML; and what XML 1.0 cannot carry or
# Unicode keeps out of text: surrogates (only a YAML escape can make one), U+FFFE, U+FFFF and the other
# noncharacters. A feed or page holding one of these is not valid XML, so no build may meet one.
_BMP_FORBIDDEN = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
)
_ASTRAL_NONCHARACTERS = "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17)
)
FORBIDDEN_CHAR_RE = re.compile(f"[{_BMP_FORBIDDEN}{_ASTRAL_NONCHARACTERS}]")
# The same rule, fast: a character class of 32 scattered astral characters costs Python's regex engine ten
# times a plain range, so check finds astral characters by range and tests each one.
_ASCII_FORBIDDEN_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_BMP_FORBIDDEN_RE = re.compile(f"[{_BMP_FORBIDDEN}]")
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")


def forbidden_char(text: str) -> tuple[int, str] | None:
    """The first character of `text` that FORBIDDEN_CHAR_RE names, with its index; None if there is none."""
    if text.isascii():
        match = _ASCII_FORBIDDEN_RE.search(text)
        return (match.start(), match.group()) if match else None
    match = _BMP_FORBIDDEN_RE.search(text)
    end = match.start() if match else len(text)
    for astral in _ASTRAL_RE.finditer(text, 0, end):
        if ord(astral.group()) & 0xFFFE == 0xFFFE:
            return astral.start(), astral.group()
    return (match.start(), match.group()) if match else None


BOM = b"\xef\xbb\xbf"
_FENCE_RE = re.compile(r"^---[^\S\n]*$", re.MULTILINE)  # a front-matter fence: '---', maybe trailing spaces
RECORD_HINT = "a record starts with '---', its fields, '---', then the abstract"
# What may not reach a problem line as it is: anything that would break the line or hide what it says.
_UNPRINTABLE_RE = re.compile(f"[\\x00-\\x1f]|{FORBIDDEN_CHAR_RE.pattern}")


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, at one line."""

    path: str
    line: int
    field: str
    message: str

    def __post_init__(self) -> None:
        # One problem, one line: a file name, key or value quoted here may hold a newline or a control.
        for name in ("path", "field", "message"):
            text = getattr(self, name)
            if _UNPRINTABLE_RE.search(text):
                object.__setattr__(self, name, _UNPRINTABLE_RE.sub(_escape, text))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


class ContentError(PaperfeedError):
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


def _q(value: str, limit: int = 80) -> str:
    """A contributed value quoted in a message, cut short so that a huge one cannot flood the output."""
    return f"'{value}'" if len(value) <= limit else f"'{value[:limit]}…'"


def load_feed(content_dir: Path) -> Feed:
    """Load the whole content tree; raise ContentError listing every problem if any."""
    report = check(content_dir)
    if report.problems:
        raise ContentError(report.problems)
    return report.feed


def today_utc() -> dt.date:
    """The day it is now in UTC: the latest day a record's dates may name (with a day's grace)."""
    return dt.datetime.now(dt.UTC).date()


def check(
    content_dir: Path,
    only: Iterable[Path] | None = None,
    *,
    today: dt.date | None = None,
    new: Collection[Path] = (),
) -> Report:
    """Validate `content_dir`; with `only`, report just those files (checked against the whole tree).

    A folder in `only` stands for every record under it. Problems of `tags.yml` are always reported, since
    no record can be checked against a broken vocabulary. `today` bounds the dates (default: the clock,
    in UTC). A record that repeats another (slug, arXiv id, title) is reported on the file being checked
    or in `new` (the files not in the base commit), else on the one that entered the feed later, else on
    the later one in path order.
    """
    tags_path = content_dir / "tags.yml"
    papers_dir = content_dir / "papers"
    problems: list[Problem] = []
    tags, declared = _read_vocabulary(tags_path, problems)
    paths = list(_record_paths(papers_dir, problems))
    fresh = {os.path.normpath(p) for p in new}
    if fresh:
        paths.sort(key=lambda p: os.path.normpath(p) in fresh)  # stable: new files last, each in path order
    given: list[Path] = []
    if only is not None:
        in_tree = {p.resolve(): p for p in paths}  # a given file may be in the tree under another spelling
        expanded = _expand(only, paths, tags_path)
        given = list(dict.fromkeys(in_tree.get(p.resolve(), p) for p in expanded))
        # Given files go last, so that a duplicate is reported on the file being checked, not its twin.
        chosen = set(given)
        paths = [p for p in paths if p not in chosen]
        paths += [p for p in given if p.suffix == ".md" and p.is_file()]
    papers: list[Paper] = []
    for path in paths:
        paper = read_paper(path, tags, problems, declared, today=today or today_utc())
        if paper is not None:
            papers.append(paper)
    _check_slugs(paths, problems)
    # The twin reported is the new one: a file given or not in the base commit, else the later feed day.
    late = {display_path(p) for p in given} | {display_path(Path(p)) for p in fresh}
    ranked = sorted(papers, key=lambda p: (p.source in late, p.date))
    _check_arxiv_ids(ranked, problems)
    _check_titles(ranked, problems)
    bad = {p.path for p in problems}
    good = [p for p in papers if p.source not in bad]
    if only is not None:
        wanted = {display_path(p) for p in given} | {display_path(tags_path), display_path(papers_dir)}
        problems = [p for p in problems if p.path in wanted]
        for path in given:
            if not path.exists():
                problems.append(Problem(display_path(path), 1, "file", "does not exist"))
            elif not path.is_file():
                problems.append(Problem(display_path(path), 1, "file", "is not a file"))
            elif path.suffix != ".md" and path.resolve() != tags_path.resolve():
                problems.append(
                    Problem(display_path(path), 1, "file", "is not a paper record (.md) or content/tags.yml")
                )
    checked = len(given) if only is not None else len(paths)
    return Report(Feed.of(good, tags), tuple(sorted(problems)), checked)


def _expand(paths: Iterable[Path], tree: Iterable[Path], tags_path: Path) -> Iterator[Path]:
    """The given paths, a folder replaced by the tree's records under it (and tags.yml), in sorted order.

    Only what the tree holds counts: `check content` checks the records and the vocabulary, not the
    hand-written pages in content/pages/.
    """
    tree = list(tree)
    for path in paths:
        if path.is_dir():
            folder = path.resolve()
            inside = [p for p in [tags_path, *tree] if p.resolve().is_relative_to(folder) and p.is_file()]
            yield from sorted(inside)
        else:
            yield path


def _record_paths(papers_dir: Path, problems: list[Problem]) -> Iterator[Path]:
    """Every `papers/<year>/<slug>.md`, in a stable order; anything else there is reported, not read."""

    def fail(path: Path, field: str, message: str) -> None:
        problems.append(Problem(display_path(path), 1, field, message))

    if papers_dir.is_dir():
        yield from _walk(papers_dir, 0, fail)
    elif papers_dir.exists() or papers_dir.is_symlink():
        fail(papers_dir, "folder", "is not a folder; make it one, with each record in the folder of its year")
    elif not papers_dir.parent.is_dir():
        fail(papers_dir, "folder", "is missing; create content/papers/")
    # A content folder without papers/ is an empty feed: Git keeps no empty folder, so a fork that deleted
    # every paper has none.


def _walk(folder: Path, depth: int, fail: Callable[[Path, str, str], None]) -> Iterator[Path]:
    # os.scandir knows from the directory listing which entries are folders and links: no stat per file.
    try:
        with os.scandir(folder) as listing:
            entries = sorted((e for e in listing if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError as err:
        fail(folder, "folder", f"cannot be read ({err.strerror})")
        return
    in_year = depth == 1 and YEAR_RE.fullmatch(folder.name)
    for entry in entries:
        path = folder / entry.name
        if entry.is_symlink():  # it could point anywhere on the machine that builds the site
            fail(path, "file", "is a symbolic link; content/papers/ holds real files and folders only")
        elif entry.is_dir():
            yield from _walk(path, depth + 1, fail)
        elif not entry.is_file():  # a FIFO would make the read wait forever; a device could be anything
            fail(path, "file", "is not a regular file; content/papers/ holds record files and folders only")
        elif not entry.name.endswith(".md"):
            fail(path, "file", "is not a paper record; only .md records belong in content/papers/")
        elif not in_year:
            fail(path, "file", "move it into the folder of its year, content/papers/<year>/")
        else:
            yield path


# --- reading one file -------------------------------------------------------------------------------------


def _decode(
    path: Path, shown: str, problems: list[Problem], hint: str, field_of: Callable[[str, int], str]
) -> str | None:
    """The file's text with LF line ends; report why when it is not a readable UTF-8 text.

    `hint` says what the file should hold (if it is empty); `field_of(text, line)` names a line's field.
    """

    def fail(line: int, message: str, field: str = "file") -> None:
        problems.append(Problem(shown, line, field, message))

    try:
        with path.open("rb") as stream:
            raw = stream.read(FILE_MAX_BYTES + 1)  # no more, whatever the file's size
            size = os.fstat(stream.fileno()).st_size if len(raw) > FILE_MAX_BYTES else len(raw)
    except OSError as err:
        fail(1, f"cannot be read ({err.strerror})")
        return None
    if size > FILE_MAX_BYTES:
        fail(1, f"is {size} bytes; a file here is at most {FILE_MAX_BYTES} bytes")
        return None
    had_bom = raw.startswith(BOM)
    raw = raw.removeprefix(BOM)
    if not raw.strip():
        what = "holds only a byte-order mark" if had_bom else "is empty"
        fail(1, f"{what}; {hint}")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        fail(line, f"is not UTF-8 (byte 0x{raw[err.start]:02x}); save the file with UTF-8 encoding")
        return None
    text = text.replace("\r\n", "\n")
    bad = forbidden_char(text)
    if bad:
        line = text.count("\n", 0, bad[0]) + 1
        char = bad[1]
        if char == "\r":
            fail(line, "ends a line with a lone carriage return (CR); save the file with LF line ends")
        else:
            fail(line, f"contains {_char_name(char)}; delete it", field_of(text, line))
        return None
    return text


def _char_name(char: str) -> str:
    code = ord(char)
    if 0x2028 <= code <= 0x2029:
        kind = "a line or paragraph separator"
    elif 0x202A <= code <= 0x2069:
        kind = "a bidirectional control"
    elif 0xD800 <= code <= 0xDFFF:
        return f"a lone surrogate (U+{code:04X}), which is not a character"
    elif code >= 0xFDD0:
        return f"a Unicode noncharacter (U+{code:04X}), which XML feeds cannot carry"
    else:
        kind = "a control character"
    return f"{kind} (U+{code:04X})"


def _key_of_line(lines: list[str], line: int) -> str | None:
    """The field a YAML line belongs to, with the keys it is nested under (`links.code`), if it has one."""
    keys: list[str] = []
    indent = None
    for ln in reversed(lines[:line]):
        match = re.match(r"( *)([A-Za-z0-9_-]+) *:(?: |$)", ln)
        if ln.strip() == "---":
            break
        if match and (indent is None or len(match.group(1)) < indent):
            keys.insert(0, match.group(2))
            indent = len(match.group(1))
            if indent == 0:
                break
    return ".".join(keys) if keys and indent == 0 else None


def _check_values(node: Node, field: str | None, fail: Callable[[int, str, str], None]) -> bool:
    """Report controls that YAML escapes (`"\\u202E"`) let into a value or key; true when there are none."""
    if isinstance(node, Scalar):
        bad = forbidden_char(node.text)
        if bad:
            fail(node.line, field or "front matter", f"contains {_char_name(bad[1])}; delete it")
        return bad is None
    if isinstance(node, Sequence):
        return all([_check_values(item, field, fail) for item in node.items])
    ok = True
    for key, value in node.items:
        name = key.text if field is None else f"{field}.{key.text}"
        ok = _check_values(key, name, fail) and _check_values(value, name, fail) and ok
    return ok


def _record_field(text: str, line: int) -> str:
    lines = text.split("\n")
    if lines[0].rstrip() == "---":
        close = next((i for i, ln in enumerate(lines[1:], start=1) if ln.rstrip() == "---"), len(lines))
        if line > close + 1:
            return "abstract"
    return _key_of_line(lines, line) or "front matter"


def _tab_indented(lines: list[str], end: int, fail: Callable[[int, str, str], None], field: str) -> bool:
    """Report the first of the lines before `end` that is indented with a tab (YAML forbids it)."""
    for number, line_text in enumerate(lines[:end], start=1):
        if "\t" in line_text[: len(line_text) - len(line_text.lstrip(" \t"))]:
            fail(number, _key_of_line(lines, number) or field, "is indented with a tab; YAML needs spaces")
            return True
    return False


@dataclass(frozen=True)
class _Source:
    front: Node | None
    body: str
    body_line: int


def _read_source(path: Path, shown: str, problems: list[Problem]) -> _Source | None:
    """Split a file into its front matter (read strictly) and body; report why when it cannot be."""

    def fail(line: int, field: str, message: str) -> None:
        problems.append(Problem(shown, line, field, message))

    text = _decode(path, shown, problems, RECORD_HINT, _record_field)
    if text is None:
        return None
    opening = _FENCE_RE.match(text)
    if opening is None:
        fail(1, "front matter", "is missing; start the file with a line '---', the fields, then '---'")
        return None
    closing = _FENCE_RE.search(text, opening.end() + 1)
    if closing is None:
        fail(1, "front matter", "is not closed; add a line '---' after the last field")
        return None
    front_text = text[opening.end() + 1 : closing.start()]
    close_line = 2 + front_text.count("\n")
    front_text = front_text.removesuffix("\n")
    # The checks below are gated on a character that must be there for them to find anything: a fast path.
    if "\t" in front_text and _tab_indented(text.split("\n"), close_line, fail, "front matter"):
        return None
    try:
        front = yamlnodes.read(front_text, first_line=2)
    except yamlnodes.YamlProblem as err:
        fail(err.line, err.key or _key_of_line(text.split("\n"), err.line) or "front matter", err.message)
        return None
    if front is not None and "\\" in front_text and not _check_values(front, None, fail):
        return None  # only a YAML escape (a backslash) can make a control that the text check did not see
    return _Source(front, text[closing.end() + 1 :], close_line + 1)


def read_paper(
    path: Path,
    tags: dict[str, Tag],
    problems: list[Problem],
    declared: Collection[str] | None = (),
    *,
    today: dt.date | None = None,
) -> Paper | None:
    """Read one record; on any problem, report it and return None.

    A tag in `declared` (named in tags.yml, but with a bad entry) is not reported again here; with
    `declared=None` the vocabulary could not be read at all, and tags are not checked against it. The slug
    rules that span files are `check`'s. Dates after `today` (default: the clock, UTC) are refused.
    """
    shown = display_path(path)
    before = len(problems)
    source = _read_source(path, shown, problems)
    if source is None:
        return None
    fields = Fields(shown, problems)
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
    paper_tags = get("tags", lambda n, f: fields.tags(n, f, tags, declared))
    authors = get("authors", lambda n, f: fields.text_list(n, f))
    arxiv = get("arxiv", fields.arxiv)
    published = get("published", fields.date)
    links = get("links", fields.links)
    submitted_by = get("submitted_by", fields.handle)
    upvotes = get("upvotes", fields.count)

    abstract = source.body.strip()
    if not abstract:
        fields.fail(
            source.body_line - 1, "abstract", "is missing; write the abstract after the closing '---'"
        )
    elif len(abstract) > ABSTRACT_MAX:
        blank_lines = source.body[: len(source.body) - len(source.body.lstrip())].count("\n")
        fields.fail(
            source.body_line + blank_lines,
            "abstract",
            f"is {len(abstract)} characters; the limit is {ABSTRACT_MAX}, shorten it",
        )

    if abstract:
        leading = source.body[: len(source.body) - len(source.body.lstrip())]
        first_line = source.body_line + leading.count("\n")
        if len(abstract) <= ABSTRACT_MAX:
            problem = abstracts.abstract_problem(abstract)  # what the renderer would not show as written
            if problem:
                fields.fail(first_line, "abstract", problem)
        for line, problem in _link_problems(abstract):
            fields.fail(first_line + line - 1, "abstract", problem)
    latest = (today or today_utc()) + FUTURE_GRACE
    if isinstance(date, dt.date):
        line = values["date"][1].line
        if date > latest:
            fields.fail(
                line,
                "date",
                f"{date} is after today; date is the day the paper entered the feed: today's date or earlier",
            )
        elif date.year < FIRST_FEED_YEAR:
            fields.fail(
                line,
                "date",
                f"{date} is before {FIRST_FEED_YEAR}, when arXiv opened; date is the day the paper entered"
                " the feed (its first version goes in published)",
            )
    if isinstance(published, dt.date) and published > latest:
        fields.fail(
            values["published"][1].line,
            "published",
            f"{published} is after today; published is the day of the paper's first public version",
        )
    if path.stem in RESERVED_SLUGS:
        fields.fail(
            1,
            "slug",
            f"'{path.stem}' (the file name) is the name of a generated page; rename the file, e.g."
            f" {path.stem}-paper.md or a slug made of the title",
        )

    year_dir = path.parent.name
    if isinstance(date, dt.date) and YEAR_RE.fullmatch(year_dir) and int(year_dir) != date.year:
        fields.fail(
            values["date"][0].line,
            "date",
            f"is in {date.year} but the file is in papers/{year_dir}/; move it to papers/{date.year}/",
        )
    if len(problems) > before:
        return None
    assert isinstance(title, str) and isinstance(date, dt.date) and isinstance(paper_tags, tuple)
    return Paper(
        slug=path.stem,
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
    fixed = re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-")[:80].strip("-")
    return fixed if SLUG_RE.fullmatch(fixed) else "my-paper-title"


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else f"; the known ones are: {', '.join(choices)}"


def _suggest_tag(word: str, known: Collection[str]) -> str:
    """The known tag a misspelt one most resembles: `World Models`, `world-model`, `ssm` (an acronym)."""
    slug = re.sub(r"[^a-z0-9]+", "-", word.casefold()).strip("-")
    initials = {"".join(part[0] for part in tag.split("-")): tag for tag in sorted(known) if "-" in tag}
    match = slug if slug in known else initials.get(slug.replace("-", ""))
    if match:
        return f"; did you mean '{match}'?"
    return _suggest(slug or word, sorted(known))


def _is_empty(scalar: Scalar) -> bool:
    """Nothing written, or `~` or `null` unquoted (YAML's nothing); `Null` is a name and read as written."""
    value = scalar.text.strip()
    return not value or (scalar.plain and value in ("~", "null"))


class Fields:
    """Parsers for each kind of field value; each reports its own problems and returns None on error.

    Records use them, and so do the other YAML files of content/ (sources.yml, import-state.yml).
    """

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

    def empty(self, node: Node, field: str, example: str, required: bool | None = None) -> None:
        """Report an empty value; a required field cannot be left out, an optional one can."""
        remove = "" if (field in REQUIRED if required is None else required) else ", or remove the line"
        self.fail(node.line, field, f"is empty; {example}{remove}")

    def text(
        self, node: Node, field: str, limit: int = 500, required: bool | None = None, plain: bool = True
    ) -> str | None:
        scalar = self.scalar(node, field)
        if scalar is None:
            return None
        value = scalar.text.strip()
        if _is_empty(scalar):
            self.empty(scalar, field, "give it a value", required)
            return None
        if "\n" in value:
            self.fail(scalar.line, field, "must be on one line")
            return None
        if len(value) > limit:
            self.fail(scalar.line, field, f"is {len(value)} characters; the limit is {limit}, shorten it")
            return None
        markup = _MARKUP_RE.search(value) if plain else None
        if markup:
            word = "less than" if markup.group() == "<" else "greater than"
            self.fail(
                scalar.line,
                field,
                f"contains '{markup.group()}'; a one-line field is plain text, without markup: write"
                f" '{word}' or leave it out",
            )
            return None
        return value

    def text_list(self, node: Node, field: str, example: str = '"Ada Lovelace"') -> tuple[str, ...] | None:
        quote = field != "tags"  # tags are plain slugs; names are quoted, so that YAML keeps them as text
        if isinstance(node, Scalar) and not _is_empty(node):
            items = [item.strip() for item in node.text.split(",") if item.strip()]
            shown = ", ".join(f'"{item}"' if quote else item for item in items)
            self.fail(node.line, field, f"must be a list; write {field}: [{_q(shown)[1:-1]}]")
            return None
        if isinstance(node, Mapping):
            self.fail(node.line, field, f"must be a list, e.g. {field}: [{example}]")
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
            self.fail(item.line, field, f"{_q(value)} is not a tag of content/tags.yml{hint}")
        if len(set(values)) != len(values):
            twice = next(v for v in values if values.count(v) > 1)
            self.fail(node.line, field, f"lists {_q(twice)} twice; keep one")
            return None
        return values if ok else None

    def date(self, node: Node, field: str) -> dt.date | None:
        scalar = self.scalar(node, field)
        if scalar is None:
            return None
        value = scalar.text.strip()
        if _is_empty(scalar):
            self.empty(scalar, field, f"write it as YYYY-MM-DD, e.g. {field}: 2025-03-14")
            return None
        if _DATETIME_RE.fullmatch(value):
            self.fail(
                scalar.line, field, f"{_q(value)} has a time; a date is a day only: {field}: {value[:10]}"
            )
            return None
        if not _DATE_RE.fullmatch(value):
            self.fail(
                scalar.line,
                field,
                f"{_q(value)} is not a date; write it as YYYY-MM-DD, e.g. {field}: 2025-03-14",
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
        if _is_empty(scalar):
            self.empty(scalar, field, f'give the id, e.g. {field}: "2401.01234"')
            return None
        if scalar.plain and _NUMBER_LIKE_RE.fullmatch(value):
            self.fail(
                scalar.line,
                field,
                f'write the id in quotes, {field}: "{value}", so that YAML keeps it as text, not a number',
            )
            return None
        if not ARXIV_RE.fullmatch(value):
            fix = re.sub(r"^(?:arxiv:|https?://arxiv\.org/(?:abs|pdf)/)", "", value, flags=re.IGNORECASE)
            example = fix if fix != value and ARXIV_RE.fullmatch(fix) else "2401.01234"
            self.fail(scalar.line, field, f'{_q(value)} is not an arXiv id; write it like "{example}"')
            return None
        return value

    def handle(self, node: Node, field: str) -> str | None:
        value = self.text(node, field, 100)
        if value is None:
            return None
        if not HANDLE_RE.fullmatch(value):
            fix = " (without the @)" if value.startswith("@") else ""
            self.fail(
                node.line,
                field,
                f"{_q(value)} is not a GitHub user name; write the handle{fix}, e.g. octocat",
            )
            return None
        return value

    def count(self, node: Node, field: str) -> int | None:
        scalar = self.scalar(node, field)
        if scalar is None:
            return None
        value = scalar.text.strip()
        if _is_empty(scalar):
            self.empty(scalar, field, f"write a whole number, e.g. {field}: 12")
        elif _NEGATIVE_RE.fullmatch(value):
            self.fail(scalar.line, field, f"{value} is negative; write 0 or more")
        elif not _DIGITS_RE.fullmatch(value):
            self.fail(
                scalar.line, field, f"{_q(value)} is not a whole number; write digits only, e.g. {field}: 12"
            )
        elif not scalar.plain:
            self.fail(scalar.line, field, f"is a number; write it without quotes: {field}: {value}")
        elif len(value) > 1 and value.startswith("0"):  # YAML 1.1 reads 012 as the octal number 10
            self.fail(scalar.line, field, f"{value} starts with 0; write {field}: {int(value)}")
        elif int(value) > UPVOTES_MAX:
            self.fail(scalar.line, field, f"{value} is too large; the most is {UPVOTES_MAX}")
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
            if not LINK_LABEL_RE.fullmatch(key.text):
                self.fail(
                    key.line, name, "a link kind is a short lowercase word, such as code, project or pdf"
                )
                continue
            url = self.text(value, name, 2000, plain=False)  # url_problem says what is wrong with it
            if url is None:
                continue
            problem = url_problem(url)
            if problem:
                self.fail(value.line, name, problem)
                continue
            links.append(Link(key.text, url))
        return tuple(links) if len(links) == len(node.items) else None


def _link_problems(abstract: str) -> Iterator[tuple[int, str]]:
    """Each link of the abstract that does not go to a full http(s) address, with its line."""
    for line, dest in abstract_links.destinations(abstract):
        if dest.startswith("#") or not dest:
            yield (
                line,
                (
                    f"links to {_q(dest or 'nothing')}, an anchor or empty target that no page of the site"
                    " has; link to a full address (https://...) or remove the link"
                ),
            )
        elif "@" in dest and not re.match(r"https?://", dest, re.IGNORECASE) and ":" not in dest:
            yield line, f"links to the e-mail address {_q(dest)}; an abstract links only to web addresses"
        elif not re.match(r"https?://", dest, re.IGNORECASE):
            yield (
                line,
                (
                    f"links to {_q(dest)}, which is not a full web address; an abstract links only to"
                    " addresses starting with https://, so write the full URL or remove the link"
                ),
            )
        else:
            problem = url_problem(dest)
            if problem:
                yield line, problem


_HOST_LABEL_RE = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
_IPV6_RE = re.compile(r"\[[0-9A-Fa-f:.]+\]")


def url_problem(url: str) -> str | None:
    """Why `url` is not an absolute http(s) URL that is safe to link to, or None when it is."""
    match = re.match(r"^https?://([^/?#]*)", url, re.IGNORECASE)
    if not match or re.search(r"[\s<>\"'`\\]", url):
        return f"{_q(url)} is not an http(s) address; write the full address, starting with https://"
    authority = match.group(1)
    if "@" in authority:  # https://arxiv.org@evil.example/ goes to evil.example
        return (
            f"{_q(url)} has a user name before '@', which hides the real host"
            f" ({_q(authority.rsplit('@', 1)[1])}); link to the page itself, without the part before '@'"
        )
    host, _, port = authority.rpartition(":") if not authority.endswith("]") else (authority, "", "")
    if not host:
        host, port = authority, ""
    if port and (not _DIGITS_RE.fullmatch(port) or not 1 <= int(port) <= 65535):
        return f"{_q(url)} has an invalid port ':{port}'; a port is a number from 1 to 65535, or none"
    labels = host.rstrip(".").split(".")
    if not (_IPV6_RE.fullmatch(host) or all(_HOST_LABEL_RE.fullmatch(label) for label in labels)):
        return f"{_q(url)} has an invalid host; write the full address, starting with https://"
    return None


# --- the tag vocabulary -----------------------------------------------------------------------------------


def read_tags(path: Path, problems: list[Problem]) -> dict[str, Tag]:
    """Read `tags.yml`: slug -> {name, description}. Bad entries are reported and left out."""
    return _read_vocabulary(path, problems)[0]


def _read_vocabulary(path: Path, problems: list[Problem]) -> tuple[dict[str, Tag], frozenset[str] | None]:
    """The good tags, and every slug the file names (None when it cannot be read at all)."""
    shown = display_path(path)
    if not path.is_file():
        missing = "is not a file" if path.exists() else "is missing"
        problems.append(
            Problem(shown, 1, "file", f"{missing}; create content/tags.yml with the tag vocabulary")
        )
        return {}, None
    node = read_yaml_file(path, problems, "tags", "define at least one tag")
    if node is None:
        return {}, None
    fields = Fields(shown, problems)
    if not isinstance(node, Mapping):
        fields.fail(node.line, "tags", "must be a mapping: 'slug:' lines, each with a name and a description")
        return {}, None
    tags: dict[str, Tag] = {}
    declared: set[str] = set()
    for key, value in node.items:
        slug = key.text
        if not TAG_SLUG_RE.fullmatch(slug):
            fix = re.sub(r"[^a-z0-9]+", "-", slug.casefold()).strip("-")[:50].strip("-")
            example = fix if TAG_SLUG_RE.fullmatch(fix) else "world-models"
            fields.fail(
                key.line,
                slug,
                f"a tag slug is lowercase letters, digits and hyphens; write it like {example}",
            )
            continue
        declared.add(slug)
        if slug in RESERVED_TAG_SLUGS:
            fields.fail(key.line, slug, f"'{slug}' is the name of the tags index page; choose another slug")
            continue
        if not isinstance(value, Mapping):
            fields.fail(value.line, slug, 'must have a name and a description, e.g. name: "World models"')
            continue
        entry = {k.text: (k, v) for k, v in value.items}
        for unknown in sorted(set(entry) - {"name", "description"}):
            fields.fail(
                entry[unknown][0].line, f"{slug}.{unknown}", "is not a known field; use name and description"
            )
        if "name" not in entry:
            fields.fail(key.line, f"{slug}.name", 'is missing; add name: "..."')
            continue
        name = fields.text(entry["name"][1], f"{slug}.name", 100, required=True)
        description = (
            fields.text(entry["description"][1], f"{slug}.description", 500) if "description" in entry else ""
        )
        if name is not None and description is not None and len(entry) <= 2:
            tags[slug] = Tag(slug, name, description)
    return tags, frozenset(declared)


def read_yaml_file(path: Path, problems: list[Problem], field: str, hint: str) -> Node | None:
    """Read a YAML file of content/ (tags.yml, sources.yml, ...) as strictly as front matter; None after
    reporting why it cannot be read. `field` names a problem that no key does; `hint` says what to write
    in an empty file."""
    shown = display_path(path)

    def fail(line: int, field_name: str, message: str) -> None:
        problems.append(Problem(shown, line, field_name, message))

    text = _decode(path, shown, problems, hint, _yaml_field)
    if text is None:
        return None
    if _tab_indented(text.split("\n"), len(text), fail, field):
        return None
    try:
        node = yamlnodes.read(text)
    except yamlnodes.YamlProblem as err:
        fail(err.line, err.key or _key_of_line(text.split("\n"), err.line) or field, err.message)
        return None
    if node is None:
        fail(1, field, f"is empty; {hint}")
    elif not _check_values(node, None, fail):
        return None
    return node


def _yaml_field(text: str, line: int) -> str:
    return _key_of_line(text.split("\n"), line) or "file"


# --- rules across files -----------------------------------------------------------------------------------


def arxiv_base(arxiv: str) -> str:
    """The id without its version suffix: 2401.01234v2 -> 2401.01234."""
    return _VERSION_RE.sub("", arxiv)


def _check_slugs(paths: list[Path], problems: list[Problem]) -> None:
    """A slug is the file stem: lowercase, and unique across year folders, also when case is ignored."""
    owners: dict[str, Path] = {}
    for path in paths:  # in order, so the later file is the one reported
        if SLUG_RE.fullmatch(path.stem):
            first = owners.setdefault(path.stem, path)
            if first is not path:
                problems.append(
                    Problem(
                        display_path(path),
                        1,
                        "slug",
                        f"'{path.stem}' is already used by {display_path(first)}; rename this file",
                    )
                )
    for path in paths:
        slug = path.stem
        if SLUG_RE.fullmatch(slug):
            continue
        twin = owners.get(slug.casefold())
        if twin is not None:
            message = (
                f"{_q(slug)} (the file name) differs only in case from {display_path(twin)}; slugs are"
                " lowercase and unique, so delete this file if it is the same paper, or rename it"
            )
        else:
            fix = _slug_fix(slug)
            rename = f"rename it {fix}.md" if fix not in owners else "rename it like my-paper-title.md"
            message = f"{_q(slug)} (the file name) must be lowercase letters, digits and hyphens; {rename}"
        problems.append(Problem(display_path(path), 1, "slug", message))


def _check_arxiv_ids(papers: list[Paper], problems: list[Problem]) -> None:
    """One record per arXiv paper, whatever the version suffix; the later file is the one reported."""
    ids: dict[str, Paper] = {}
    for paper in papers:
        if not paper.arxiv:
            continue
        first = ids.setdefault(arxiv_base(paper.arxiv), paper)
        if first is paper:
            continue
        same = "" if first.arxiv == paper.arxiv else f' as "{first.arxiv}" (the version does not count)'
        problems.append(
            Problem(
                paper.source,
                _field_line(paper, "arxiv"),
                "arxiv",
                f'"{paper.arxiv}" is already in the feed{same}: {first.source}; a paper is listed once',
            )
        )


def title_key(title: str) -> str:
    """What is left of a title when case, punctuation and spacing are ignored: two papers never share it."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", title).casefold())


def _check_titles(papers: list[Paper], problems: list[Problem]) -> None:
    """One record per title, ignoring case and punctuation; the later file is the one reported."""
    titles: dict[str, Paper] = {}
    for paper in papers:
        key = title_key(paper.title)
        if not key:
            continue  # a title of punctuation only is its own problem, not a duplicate of another one
        first = titles.setdefault(key, paper)
        if first is not paper:
            problems.append(
                Problem(
                    paper.source,
                    _field_line(paper, "title"),
                    "title",
                    f"is already in the feed: {first.source} ({_q(first.title)}); a paper is listed once,"
                    " so delete this file if it is the same paper",
                )
            )


def _field_line(paper: Paper, field: str) -> int:
    """The line of `field` in the paper's file (1 if it cannot be found)."""
    try:
        lines = Path(paper.source).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    return next((i for i, ln in enumerate(lines, start=1) if ln.startswith(f"{field}:")), 1)
