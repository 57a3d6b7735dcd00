"""Any content that `paperfeed check` accepts builds: random records through check, then the whole build.

Each example writes a content tree of random records (titles, names, dates, ids, links and abstracts drawn
from wide alphabets, Markdown and LaTeX syntax included), drops the files check refuses, and builds the rest
with `mkdocs build --strict` in-process. The build must succeed and every page, feed and data file must
parse. The examples are the same on every run (tests/conftest.py's profile), so a contributor's pull
request never meets a new one; `PAPERFEED_EXAMPLES=150 pytest --hypothesis-profile=explore` looks further.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.commands.build import build
from mkdocs.config import load_config

from generator import records
from tests.sitebuild import write_config

TODAY = dt.date(2026, 1, 15)

# Wide on purpose: quotes, backslashes, BibTeX and LaTeX specials, entities, emoji, right-to-left letters,
# combining marks; and, in one draw of several, what check must refuse (markup, separators, noncharacters,
# controls), so that most trees still hold papers to build.
SPECIALS = "\"'\\{}%&#$_^~*`[]()|!@:;,.?/=+-\u00a0\u200b"
LETTERS = "aAzZ09éßøΩж中文عبري\u0301😀\U0001d538"
REFUSED = "<>\t\n\r\x00\x7f\u2028\ufffe\U0001fffe"
PLAIN = st.text(alphabet=SPECIALS + LETTERS + " ", min_size=1, max_size=60)
ONE_LINE = st.one_of(PLAIN, PLAIN, PLAIN, PLAIN, st.text(alphabet=SPECIALS + REFUSED, min_size=1, max_size=9))
MARKDOWN_BITS = st.sampled_from(
    [
        "$x^2$", "$$\\frac{a}{b}$$", "\\(\\alpha\\)", "\\[", "$", "13\\%", "**", "_", "`", "[", "](", ")",
        "[a](https://example.org/a_(b))", "<b>", "</p>", "&amp;", "&#0;", "\n\n", "\n- ", "\n> ", "\n# ",
        "    code", "<https://example.org>", "\\textbf{x}", "``q''", "<!--", "-->", "<script>", "|a|b|",
        "\\hspace{10em}", "$\\mathbb{R}^{n}$",
    ]
)  # fmt: skip
ABSTRACT = st.lists(st.one_of(MARKDOWN_BITS, ONE_LINE), min_size=1, max_size=25).map("".join)
SLUG = st.from_regex(r"[a-z0-9][a-z0-9-]{1,30}", fullmatch=True)
TAG_SLUG = st.from_regex(r"[a-z0-9][a-z0-9-]{0,12}", fullmatch=True)
URL = st.builds(
    lambda host, path: f"https://{host}.example/{path}",
    st.from_regex(r"[a-z0-9]{1,10}(\.[a-z0-9]{1,8})?", fullmatch=True),
    st.text(alphabet="abc019-._~!$&()*+,;=:@%/?#", max_size=30),
)
DATE = st.dates(min_value=dt.date(1990, 12, 25), max_value=TODAY + dt.timedelta(days=3))
PUBLISHED = st.dates(min_value=dt.date(1, 1, 1), max_value=TODAY + dt.timedelta(days=2))


@st.composite
def papers(draw: st.DrawFn, tags: list[str]) -> dict[str, Any]:
    paper: dict[str, Any] = {
        "title": draw(ONE_LINE),
        "date": draw(st.one_of(DATE, st.sampled_from([TODAY, TODAY - dt.timedelta(days=1)]))),
        "tags": draw(st.lists(st.sampled_from(tags), min_size=1, max_size=3, unique=True)),
    }
    optional = {
        "authors": st.lists(ONE_LINE, min_size=1, max_size=4),
        "arxiv": st.from_regex(r"[0-9]{2}(0[1-9]|1[0-2])\.[0-9]{4,5}(v[1-9])?", fullmatch=True),
        "published": PUBLISHED,
        "links": st.dictionaries(st.sampled_from(["code", "pdf", "project", "data"]), URL, min_size=1),
        "submitted_by": st.from_regex(r"[A-Za-z0-9][A-Za-z0-9-]{0,10}[A-Za-z0-9]", fullmatch=True),
        "upvotes": st.integers(0, 999_999_999),
    }
    for name, strategy in optional.items():
        if draw(st.booleans()):
            paper[name] = draw(strategy)
    return paper


@st.composite
def content_trees(draw: st.DrawFn) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, Any]]]:
    tag_slugs = draw(st.lists(TAG_SLUG, min_size=1, max_size=3, unique=True))
    tags = {slug: {"name": draw(PLAIN), "description": draw(PLAIN)} for slug in tag_slugs}
    slugs = draw(st.lists(SLUG, min_size=1, max_size=6, unique=True))
    return tags, {slug: draw(papers(tag_slugs)) | {"abstract": draw(ABSTRACT)} for slug in slugs}


def _value(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return "".join(f"\n  {k}: {_value(v)}" for k, v in value.items())
    # A JSON string or list is a YAML flow scalar or sequence, read back exactly; the characters go as they
    # are, since YAML takes no JSON surrogate-pair escape.
    return json.dumps(value, ensure_ascii=False)


def write_tree(root: Path, tags: dict[str, dict[str, str]], papers: dict[str, dict[str, Any]]) -> Path:
    content = root / "content"
    (content / "papers").mkdir(parents=True)
    lines = [f"{slug}:\n  name: {_value(t['name'])}\n  description: {_value(t['description'])}\n"
             for slug, t in tags.items()]  # fmt: skip
    (content / "tags.yml").write_text("".join(lines), encoding="utf-8", errors="surrogatepass")
    for slug, paper in papers.items():
        front = "".join(f"{k}: {_value(v)}\n" for k, v in paper.items() if k != "abstract")
        folder = content / "papers" / str(paper["date"].year)
        folder.mkdir(exist_ok=True)
        text = f"---\n{front}---\n{paper['abstract']}\n"
        (folder / f"{slug}.md").write_text(text, encoding="utf-8", errors="surrogatepass")
    return content


def keep_what_check_accepts(content: Path) -> records.Report:
    """Delete every file check refuses until what is left is accepted whole (a twin goes with its file)."""
    while True:
        report = records.check(content, today=TODAY)
        bad = {Path(p.path) for p in report.problems if p.path.endswith(".md")}
        if not report.problems or not bad:
            return report
        for path in bad:
            path.unlink()


def assert_site_parses(site: Path) -> None:
    for path in site.rglob("*"):
        if path.suffix == ".html":
            lxml.html.document_fromstring(path.read_bytes())
        elif path.suffix in {".xml", ".opml"}:
            lxml.etree.fromstring(path.read_bytes())  # raises on anything that is not well-formed XML
        elif path.suffix == ".json":
            json.loads(path.read_bytes())


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@settings(
    max_examples=int(os.environ.get("PAPERFEED_EXAMPLES", "12")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(content_trees())
def test_every_tree_that_check_accepts_builds_and_parses(
    tree: tuple[dict[str, dict[str, str]], dict[str, dict[str, Any]]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        content = write_tree(root, *tree)
        report = keep_what_check_accepts(content)
        if any(not p.path.endswith(".md") for p in report.problems):
            return  # the random vocabulary itself was refused: nothing to build, and check said why
        config = load_config(config_file=str(write_config(root, content, "https://example.org/f/")))
        config["site_dir"] = str(root / "site")
        config["strict"] = True
        build(config)
        assert_site_parses(root / "site")
        published = {p.slug for p in report.feed.papers}
        assert {p.parent.name for p in (root / "site" / "papers").glob("*/index.html")} == published
