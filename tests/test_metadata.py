"""What programs read from a page's head, read as they read it: extruct for JSON-LD and OpenGraph (as
crawlers and link previews do), the meta elements for the citation_* tags (as Google Scholar and Zotero do).
Every paper page carries its record's values exactly, hostile ones included."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import extruct
import lxml.html
import pytest

from generator import records
from generator.model import Paper
from generator.records import abstracts
from generator.site import metadata
from tests.browser_support import build
from tests.sitebuild import ROOT
from tests.test_site_safety import AUTHORS, TITLE, write_hostile_content

SMALL = ROOT / "tests" / "fixtures" / "small" / "content"
SITE_URL = "https://papers.example.org/feed/"
SITE_NAME = "Trending papers"  # mkdocs.yml's, which the test builds inherit


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("metadata"), SMALL, SITE_URL, page_size=2)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("hostile-metadata")
    write_hostile_content(tmp / "content")
    return build(tmp, tmp / "content", SITE_URL)


def read(site: Path, path: str) -> tuple[dict[str, Any], lxml.html.HtmlElement]:
    """extruct's reading of the page (JSON-LD and OpenGraph, its properties in order) and the page itself."""
    text = (site / path).read_text(encoding="utf-8")
    url = urljoin(SITE_URL, path.removesuffix("index.html"))
    data = extruct.extract(text, base_url=url, syntaxes=["json-ld", "opengraph"], uniform=False)
    return data, lxml.html.document_fromstring(text)


def opengraph(data: dict[str, Any]) -> list[tuple[str, str]]:
    assert len(data["opengraph"]) == 1, data["opengraph"]
    return [tuple(pair) for pair in data["opengraph"][0]["properties"]]  # type: ignore[misc]


def meta(page: lxml.html.HtmlElement, name: str) -> list[str]:
    return [str(value) for value in page.xpath(f"//head/meta[@name='{name}']/@content")]


def _arxiv(paper: Paper) -> str | None:
    return re.sub(r"v[0-9]+$", "", paper.arxiv) if paper.arxiv else None


def test_every_paper_page_yields_its_json_ld_opengraph_and_citation_fields(small_site: Path) -> None:
    feed = records.load_feed(SMALL)
    for paper in feed.papers:
        url = f"{SITE_URL}papers/{paper.slug}/"
        data, page = read(small_site, f"papers/{paper.slug}/index.html")
        arxiv = _arxiv(paper)
        own_pdf = next((link.url for link in paper.links if link.label == "pdf"), None)
        pdf = own_pdf or (f"https://arxiv.org/pdf/{paper.arxiv}" if paper.arxiv else None)
        # JSON-LD: one ScholarlyArticle.
        [article] = data["json-ld"]
        assert (article["@context"], article["@type"]) == ("https://schema.org", "ScholarlyArticle")
        assert article["headline"] == paper.title
        assert [a["name"] for a in article.get("author", [])] == list(paper.authors)
        assert article.get("datePublished") == (paper.published.isoformat() if paper.published else None)
        if arxiv:
            assert article["identifier"] == f"arXiv:{arxiv}"
            assert article["sameAs"] == f"https://arxiv.org/abs/{arxiv}"
        else:
            assert "identifier" not in article and "sameAs" not in article
        # OpenGraph: an article, with its title, address and site; previews take the description meta.
        assert opengraph(data) == [("og:type", "article"), ("og:title", paper.title), ("og:url", url),
                                   ("og:site_name", SITE_NAME)]  # fmt: skip
        assert meta(page, "description") == [abstracts.excerpt(paper.abstract, 200)]
        assert meta(page, "twitter:card") == ["summary"]
        # Highwire Press tags, as Google Scholar's inclusion guidelines name them.
        assert meta(page, "citation_title") == [paper.title]
        assert meta(page, "citation_author") == list(paper.authors)
        if paper.published:
            assert meta(page, "citation_publication_date") == [paper.published.strftime("%Y/%m/%d")]
        elif arxiv:
            assert meta(page, "citation_publication_date") == [f"20{arxiv[:2]}"]
        else:
            assert meta(page, "citation_publication_date") == []
        assert meta(page, "citation_arxiv_id") == ([arxiv] if arxiv else [])
        assert meta(page, "citation_pdf_url") == ([pdf] if pdf else [])
        assert meta(page, "citation_abstract_html_url") == [
            f"https://arxiv.org/abs/{arxiv}" if arxiv else url
        ]


def test_a_paper_without_arxiv_or_date_says_only_what_its_record_gives(small_site: Path) -> None:
    data, page = read(small_site, "papers/quantized-inference-without-tears/index.html")
    assert [m.get("name") for m in page.xpath("//head/meta[starts-with(@name, 'citation_')]")] == [
        "citation_title",
        "citation_author",
        "citation_author",
        "citation_abstract_html_url",
    ]
    assert set(data["json-ld"][0]) == {"@context", "@type", "headline", "author"}


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("index.html", SITE_NAME),
        ("date/2025-03-04/index.html", "Papers of Tuesday, 4 March 2025"),
        ("tags/state-space-models/index.html", "State space models"),
        ("feeds/index.html", "Feeds and data"),
        ("about/index.html", "About"),
    ],
)
def test_listings_the_home_page_and_hand_written_pages_have_opengraph(
    small_site: Path, path: str, title: str
) -> None:
    data, page = read(small_site, path)
    graph = dict(opengraph(data))
    url = urljoin(SITE_URL, path.removesuffix("index.html"))
    assert graph == {"og:type": "website", "og:title": title, "og:url": url, "og:site_name": SITE_NAME}
    assert meta(page, "description") != [] and meta(page, "twitter:card") == ["summary"]
    assert data["json-ld"] == []
    assert meta(page, "citation_title") == []


def test_a_hostile_records_values_come_out_exactly_as_written(hostile_site: Path) -> None:
    """Quotes, ampersands and entity-like text in the title and authors: each program reads them back as
    the record has them, and nothing of them becomes an element or attribute of its own."""
    data, page = read(hostile_site, "papers/hostile-paper/index.html")
    [article] = data["json-ld"]
    assert article["headline"] == TITLE
    assert [a["name"] for a in article["author"]] == AUTHORS
    assert ("og:title", TITLE) in opengraph(data)
    assert meta(page, "citation_title") == [TITLE]
    assert meta(page, "citation_author") == AUTHORS
    # The head has the elements the theme writes and no other: nothing broke out of an attribute.
    head = page.find("head")
    assert head is not None
    assert {e.tag for e in head} <= {"meta", "link", "title", "script", "style"}
    metas = [m for m in head.iter("meta")]
    assert all(set(m.attrib) <= {"name", "property", "content", "charset"} for m in metas)
    assert len([s for s in head.iter("script") if s.get("type") == "application/ld+json"]) == 1


def test_json_ld_cannot_end_its_script_element_whatever_a_value_holds() -> None:
    """Records keep < and > out of one-line fields, but the JSON-LD does not count on it."""
    text = metadata.script_json({"headline": "</script><script>alert(1)</script> <!-- & ]]>"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"headline": "</script><script>alert(1)</script> <!-- & ]]>"}
