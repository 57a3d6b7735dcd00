"""The fast path (generated pages filled into their kind's chrome) gives the site MkDocs' own per-page render
gives, byte for byte, for every page kind and its special cases; and a theme it cannot fill is rendered."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from generator.site import fastpath
from generator.site.fastpath import FAST_PAGES_ENV
from tests.sitebuild import ROOT, write_config

SITE_URL = "https://papers.example.org/feed/"
# Every character that HTML, attributes, YAML, JSON, Markdown or Jinja could take for syntax; titles are
# plain text without < or > (the reader refuses them), abstracts are Markdown with math.
NASTY = "Q&A: \"quoted\" & 'single' {{ jinja }} {% raw %} *stars* _under_ `tick` \\back $x$ #1 % &amp; é—ü 😀"
# A tag of more than one page, a tag of one page, a tag without a description; names to escape.
TAGS_YML = """\
big:
  name: "Big & \\"bold\\" tag"
  description: "More than one page: all of it & all 'quoted'."
lone:
  name: "Lone"
  description: "One page, one paper."
odd:
  name: "Odd 'one'"
"""
# (slug, date, tags, title): the first and last day, days of one and of three papers, two months and
# two years, a paper whose tag no neighbour shares, and 5 papers tagged big (3 pages of 2).
PAPERS = [
    ("first-paper", "2024-12-30", ["big"], "The first paper of the feed"),
    ("year-end-paper", "2024-12-31", ["big", "odd"], NASTY),
    ("new-year-paper", "2025-01-02", ["big"], "A paper of the new year"),
    ("lonely-paper", "2025-01-02", ["lone"], "No tag in common with its neighbours"),
    ("middle-paper", "2025-01-02", ["big"], "A 'middle' paper & more"),
    ("march-paper", "2025-03-14", ["odd"], 'March: "the last month"'),
    ("last-paper", "2025-03-15", ["big"], "The last paper, of the newest day"),
]


def write_content(root: Path) -> Path:
    content = root / "content"
    (content / "papers").mkdir(parents=True)
    (content / "tags.yml").write_text(TAGS_YML, encoding="utf-8")
    for i, (slug, day, tags, title) in enumerate(PAPERS):
        folder = content / "papers" / day[:4]
        folder.mkdir(exist_ok=True)
        quoted = title.replace("\\", "\\\\").replace('"', '\\"')
        authors = '\nauthors: ["Grace Hopper", "Alan Turing"]' if i % 2 else ""
        front = f'title: "{quoted}"\ndate: {day}\ntags: [{", ".join(tags)}]{authors}\nupvotes: {i}\n'
        abstract = f"An abstract with *emphasis*, math $a_{i} < b$ and {NASTY}.\n"
        (folder / f"{slug}.md").write_text(f"---\n{front}---\n{abstract}", encoding="utf-8")
    return content


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def run_build(
    tmp: Path, content: Path, fast: bool, theme: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` into tmp/site with the fast path on or off (and another theme folder)."""
    tmp.mkdir(parents=True, exist_ok=True)
    config = write_config(tmp, content, SITE_URL, page_size=2)
    if theme is not None:
        data = yaml.safe_load(config.read_text(encoding="utf-8"))
        data["theme"]["custom_dir"] = str(theme)
        config.write_text(yaml.safe_dump(data), encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", FAST_PAGES_ENV: "1" if fast else "0"}
    command = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "-f",
        str(config),
        "-d",
        str(tmp / "site"),
    ]
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


def build(tmp: Path, content: Path, fast: bool, theme: Path | None = None) -> tuple[dict[str, bytes], str]:
    """A build that must succeed: its files and its log."""
    done = run_build(tmp, content, fast, theme)
    assert done.returncode == 0, done.stderr
    return site_files(tmp / "site"), done.stderr


SUMMARY = re.compile(
    r"Generated pages: (\d+) filled into their kind's chrome, (\d+) rendered by the theme; "
    r"(\d+) of (\d+) kinds without a chrome"
)


def test_the_fast_path_gives_every_file_of_the_per_page_render(tmp_path: Path) -> None:
    content = write_content(tmp_path)
    slow, slow_log = build(tmp_path / "slow", content, fast=False)
    fast, fast_log = build(tmp_path / "fast", content, fast=True)
    assert sorted(fast) == sorted(slow)
    differ = [path for path in slow if slow[path] != fast[path]]
    assert differ == [], f"the fast path changed these files: {differ}"
    # Every kind was filled, none went back to the theme: only the first page of each kind is rendered.
    found = SUMMARY.search(fast_log)
    assert found, fast_log
    filled, rendered, themed, kinds = map(int, found.groups())
    assert (themed, rendered) == (0, kinds)
    assert filled >= len(PAPERS) - 1  # the paper pages but the first, at least
    assert "Generated pages" not in slow_log
    for page in [
        "papers/year-end-paper/index.html",  # every character that needs escaping
        "papers/lonely-paper/index.html",  # no tag in common with its neighbours
        "papers/last-paper/index.html",
        "date/2024-12-30/index.html",  # the first day (no older neighbour)
        "date/2025-01-02/index.html",
        "date/2025-03-15/index.html",  # the last day (no newer neighbour)
        "week/2025-W01/index.html",
        "month/2024-12/index.html",
        "month/2025-03/index.html",
        "tags/lone/index.html",  # a tag with one page
        "tags/big/index.html",
        "tags/big/page/2/index.html",
        "tags/big/page/3/index.html",  # a tag's last page
        "tags/odd/index.html",  # a tag without a description
        "search/index.html",
        "index.html",
    ]:
        assert page in fast
    page = fast["papers/year-end-paper/index.html"].decode()
    assert "<title>Q&amp;A: &quot;quoted&quot; &amp; &#x27;single&#x27; {{ jinja }}" in page
    assert '<link rel="canonical" href="https://papers.example.org/feed/papers/year-end-paper/">' in page
    assert (
        '<link rel="canonical" href="https://papers.example.org/feed/tags/big/page/3/">'
        in fast["tags/big/page/3/index.html"].decode()
    )


def test_a_theme_that_transforms_a_slot_is_rendered_page_by_page(tmp_path: Path) -> None:
    # The project's theme, printing the title upper-cased and escaped again in the head: a slot the
    # chrome cannot hold, so every kind goes through the theme, page by page, with the same result.
    content = write_content(tmp_path)
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    main = (theme / "main.html").read_text(encoding="utf-8")
    extra = '{% block extrahead %}<meta name="x-title" content="{{ page.title | upper | e }}">'
    (theme / "main.html").write_text(main.replace("{% block extrahead %}", extra, 1), encoding="utf-8")
    slow, _ = build(tmp_path / "slow", content, fast=False, theme=theme)
    fast, fast_log = build(tmp_path / "fast", content, fast=True, theme=theme)
    differ = [path for path in slow if slow[path] != fast.get(path)]
    assert (differ, sorted(fast)) == ([], sorted(slow))
    page = fast["papers/year-end-paper/index.html"].decode()
    assert '<meta name="x-title" content="Q&amp;AMP;A: &amp;QUOT;QUOTED&amp;QUOT;' in page
    found = SUMMARY.search(fast_log)
    assert found, fast_log
    filled, _, themed, kinds = map(int, found.groups())
    assert (filled, themed) == (0, kinds)


def test_a_theme_that_prints_a_value_the_probe_cannot_mark_stops_the_strict_build(tmp_path: Path) -> None:
    # The page's source file is the first page's in the probe (only the slots are marked): the first page
    # matches its chrome, the last one does not, and strict mode stops on the warning.
    content = write_content(tmp_path)
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    main = (theme / "main.html").read_text(encoding="utf-8")
    extra = '{% block extrahead %}<meta name="x-src" content="{{ page.file.src_uri if page }}">'
    (theme / "main.html").write_text(main.replace("{% block extrahead %}", extra, 1), encoding="utf-8")
    slow, _ = build(tmp_path / "slow", content, fast=False, theme=theme)
    assert (
        '<meta name="x-src" content="papers/last-paper.md">' in slow["papers/last-paper/index.html"].decode()
    )
    done = run_build(tmp_path / "fast", content, fast=True, theme=theme)
    assert done.returncode == 1
    assert (
        "WARNING -  papers/first-paper.md: the fast path's page differs from the theme's; build with "
        "PAPERFEED_FAST_PAGES=0 for a right site, and report it"
    ) in done.stderr


def test_a_chrome_is_cut_at_its_markers_and_filled_with_a_pages_values() -> None:
    url, segments = fastpath.url_slots("tags/big/page/2/")
    assert (url, segments) == ("tags/pfslotu0z/page/pfslotu1z/", ["big", "2"])
    probe = f"<title>{fastpath.marker('title', 'A & B')}</title><a href='/{url}'>{fastpath.marker('body')}"
    chrome = fastpath.Chrome.cut(probe)
    assert chrome is not None
    assert chrome.slots() == ("title", "url0", "url1", "body")
    values = fastpath.slot_values("tags/lone/page/3/", "T &amp; U", "", "<p>body</p>", "", "")
    assert chrome.fill(values) == "<title>T &amp; U</title><a href='/tags/lone/page/3/'><p>body</p>"


@pytest.mark.parametrize(
    "altered",
    [
        lambda m: m.replace("&", "&amp;").replace("<", "&lt;"),  # escaped
        lambda m: re.sub(r"<[^>]*>", "", m),  # tags stripped
        lambda m: m.upper(),  # upper-cased
        lambda m: m[:5],  # cut short
        lambda m: m.replace('"', '\\"'),  # quoted as in JSON
    ],
)
def test_a_chrome_whose_marker_was_altered_is_none(altered: Callable[[str], str]) -> None:
    probe = f"<title>{altered(fastpath.marker('title', 'A title'))}</title>"
    assert fastpath.Chrome.cut(probe) is None


def test_a_url_marker_that_was_changed_leaves_no_chrome() -> None:
    assert fastpath.Chrome.cut("<a href='/papers/pfslotu0z/'>") is not None
    assert fastpath.Chrome.cut("<a href='/papers/PFSLOTU0Z/'>") is None  # upper-cased: a marker's remains
    assert fastpath.Chrome.cut("<a href='/papers/pfslotux/'>") is None


def test_generated_pages_skip_markdowns_parser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A generated page's body is HTML already: MkDocs must not make a Markdown parser for it (a tenth of
    # a large build's time). The real parser, counted, in a real build made in this process.
    import markdown
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    content = write_content(tmp_path)
    config = load_config(str(write_config(tmp_path, content, SITE_URL)), site_dir=str(tmp_path / "site"))
    made: list[str] = []

    class Counted(markdown.Markdown):
        def __init__(self, **kwargs: object) -> None:
            made.append("parser")
            super().__init__(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(markdown, "Markdown", Counted)
    monkeypatch.setenv(FAST_PAGES_ENV, "1")
    mkdocs_build(config)
    handwritten = sorted((ROOT / "content" / "pages").rglob("*.md"))
    assert (tmp_path / "site" / "papers" / "year-end-paper" / "index.html").is_file()
    assert len(made) == len(handwritten), handwritten


@pytest.mark.parametrize(
    "site_url",
    [
        SITE_URL,
        "https://example.org",
        "http://localhost:8000/f%20g/",
        "https://example.org/a/../b/",  # urljoin takes the dots out: left to it
        "https://example.org/feed/?q=1",  # and the query
        None,
    ],
)
@pytest.mark.parametrize("src", ["papers/x.md", "tags/a-b/page/2/index.md", "index.md", "odd name.md"])
def test_a_generated_page_has_the_urls_mkdocs_gives_a_page(site_url: str | None, src: str) -> None:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File
    from mkdocs.structure.pages import Page

    from generator.plugin import _GeneratedPage

    config = MkDocsConfig()
    config.load_dict({"site_name": "x", "site_url": site_url, "docs_dir": str(ROOT / "content" / "pages")})
    assert config.validate() == ([], [])
    theirs = Page(None, File(src, config.docs_dir, "site", use_directory_urls=True), config)
    ours = _GeneratedPage(None, File(src, config.docs_dir, "site", use_directory_urls=True), config)
    assert (ours.url, ours.canonical_url, ours.abs_url) == (theirs.url, theirs.canonical_url, theirs.abs_url)
    assert vars(ours).keys() == vars(theirs).keys()
