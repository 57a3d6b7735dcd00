"""What the theme shares across pages as cached files: the header's icons, its one script, palette data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html
import material
import pytest

from tests.sitebuild import ROOT, build_site

FIXTURE = ROOT / "tests" / "fixtures" / "small" / "content"
ICONS = Path(material.__file__).parent / "templates" / ".icons"
SVG = "{http://www.w3.org/2000/svg}"
# mkdocs.yml's palettes, as the palette switch's data must give them (media, scheme, primary, accent, the
# toggle's name, the toggle icon's viewBox).
PALETTES = [
    ["(prefers-color-scheme: light)", "default", "indigo", "indigo", "Switch to dark mode", "0 0 24 24"],
    ["(prefers-color-scheme: dark)", "slate", "indigo", "light-blue", "Switch to light mode", "0 0 24 24"],
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("theme")
    done = build_site(tmp, FIXTURE, "https://example.org/feed/")
    assert done.returncode == 0, done.stderr
    return tmp / "site"


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def _material_path(name: str) -> str:
    """The path data of one of Material's icons, read from its own file."""
    match = re.search(r'<path d="([^"]+)"', (ICONS / f"{name}.svg").read_text(encoding="utf-8"))
    assert match, name
    return match.group(1)


def test_the_icon_file_holds_the_headers_icons_from_materials_set(site: Path) -> None:
    from lxml import etree

    tree = etree.parse(str(site / "assets" / "images" / "paperfeed-icons.svg"))
    symbols = {s.get("id"): s for s in tree.getroot().iter(f"{SVG}symbol")}
    assert sorted(symbols) == ["logo", "menu", "palette-0", "palette-1"]
    expected = {
        "logo": "material/library",
        "menu": "material/menu",
        "palette-0": "material/brightness-4",
        "palette-1": "material/brightness-7",
    }
    for symbol_id, name in expected.items():
        assert symbols[symbol_id].get("viewBox") == "0 0 24 24"
        assert [p.get("d") for p in symbols[symbol_id].iter(f"{SVG}path")] == [_material_path(name)]


def test_every_icon_a_page_draws_is_a_symbol_of_the_icon_file(site: Path) -> None:
    icons = site / "assets" / "images" / "paperfeed-icons.svg"
    ids = set(re.findall(r'<symbol id="([^"]+)"', icons.read_text(encoding="utf-8")))
    for path in _pages(site):
        drawn = []
        for use in lxml.html.document_fromstring(path.read_bytes()).iter("use"):
            target, _, symbol = use.get("href", "").partition("#")
            if path.name == "404.html":  # served at any depth: its links are from the site's root
                assert target == "/feed/assets/images/paperfeed-icons.svg", target
            else:
                assert (path.parent / target).resolve() == icons.resolve(), (path, target)
            drawn.append(symbol)
        # The logo and the menu button (and the logo again in Material's own drawer, on a page with a table
        # of contents); the palette switch's icons are drawn by the script.
        assert drawn in (["logo", "menu"], ["logo", "menu", "logo"]), path
        assert set(drawn) <= ids


def test_pages_carry_no_inline_copy_of_materials_scripts_and_load_the_sites_one_script(site: Path) -> None:
    for path in _pages(site):
        page = lxml.html.document_fromstring(path.read_bytes())
        inline = [s.text or "" for s in page.iter("script") if s.get("src") is None]
        assert [s for s in inline if "__md_" in s] == [], path
        header_scripts = [s.get("src") for s in page.xpath("//header//script")]
        assert [src.rsplit("/", 1)[-1] for src in header_scripts] == ["paperfeed.js"], path
        assert page.xpath("//meta[@name='generator']") == [], path


def test_the_palette_switch_is_an_empty_form_and_its_data_is_in_the_script(site: Path) -> None:
    for path in [site / "index.html", site / "papers" / "attention-and-memory" / "index.html"]:
        page = lxml.html.document_fromstring(path.read_bytes())
        (form,) = page.xpath("//form[@data-md-component='palette']")
        # The radio buttons and labels are made by the script, from data it holds: none in the page.
        assert len(form) == 0 and dict(form.attrib) == {
            "class": "md-header__option",
            "data-md-component": "palette",
        }
    script = (site / "assets" / "javascripts" / "paperfeed.js").read_text(encoding="utf-8")
    assert "{%" not in script and "{{" not in script  # rendered as a template
    (data,) = re.findall(r"const options = form \? (\[.*\]) : \[\];", script)
    assert json.loads(data) == PALETTES


def test_the_credit_is_on_hand_written_pages_not_on_generated_ones(site: Path) -> None:
    def credited(path: Path) -> bool:
        page = lxml.html.document_fromstring(path.read_bytes())
        return [a.get("href") for a in page.xpath("//footer//p[@class='pf-credit']/a")] == [
            "https://squidfunk.github.io/mkdocs-material/"
        ]

    assert credited(site / "about" / "index.html") and credited(site / "404.html")
    generated = [
        site / "index.html",
        site / "papers" / "attention-and-memory" / "index.html",
        site / "tags" / "index.html",
    ]
    assert [p for p in generated if credited(p)] == []


def test_the_search_box_names_no_dialog_until_the_script_makes_it(site: Path) -> None:
    page = lxml.html.document_fromstring((site / "index.html").read_bytes())
    (box,) = page.xpath("//input[@name='q']")
    assert box.get("aria-expanded") == "false" and box.get("aria-controls") is None
    assert page.xpath("//*[@id='pf-search-dialog']") == []


def test_the_site_ships_none_of_materials_files_that_no_page_loads(site: Path) -> None:
    files = [f.relative_to(site).as_posix() for f in site.rglob("*") if f.is_file()]
    assert [f for f in files if f.endswith(".map") or "/lunr/" in f or "/workers/" in f] == []
    assert "assets/javascripts/paperfeed.js" in files  # the theme's own assets are still there
    assert any(re.fullmatch(r"assets/javascripts/bundle\.[0-9a-f]+\.min\.js", f) for f in files)
    for page in _pages(site):
        assert not re.search(r"lunr|workers/|\.map\b", page.read_text(encoding="utf-8")), page


def test_the_sitemap_lists_a_page_to_a_line_and_parses(site: Path) -> None:
    from lxml import etree

    text = (site / "sitemap.xml").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[:2] == [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    assert lines[-1] == "</urlset>"
    assert all(line.startswith("<url><loc>https://example.org/feed/") for line in lines[2:-1])
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = etree.fromstring(text.encode()).findall("s:url/s:loc", ns)
    assert len(locs) == len(lines) - 3
    assert "https://example.org/feed/about/" in [loc.text for loc in locs]
