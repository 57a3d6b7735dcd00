"""BibTeX of the papers: entries that BibTeX parsers read back as written, keys unique across the feed and
stable when papers are added, the year of the first version."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser import middlewares
from hypothesis import given, settings
from hypothesis import strategies as st
from pylatexenc import latex2text

from generator import records
from generator.data import citations
from generator.model import Feed, Link, Paper, Tag

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "fixtures" / "small" / "content"
TAGS = {"x": Tag("x", "X")}


def paper(**fields: object) -> Paper:
    values: dict[str, object] = {
        "slug": "s",
        "title": "T",
        "date": dt.date(2025, 3, 14),
        "tags": ("x",),
        "abstract": "A.",
    }
    values.update(fields)
    return Paper(**values)  # type: ignore[arg-type]


def parse(text: str) -> bibtexparser.Library:
    """The entries as a BibTeX parser reads them; fails on any block it could not read."""
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == [], [b.error for b in library.failed_blocks]  # type: ignore[attr-defined]
    return library


# pylatexenc reads most of LaTeX's text macros; these three it lacks (or reads as U+02C6, for the caret).
_LATEX = latex2text.get_default_latex_context_db()
_LATEX.add_context_category(
    "text-symbols",
    prepend=True,
    macros=[
        latex2text.MacroTextSpec("textbraceleft", "{"),
        latex2text.MacroTextSpec("textbraceright", "}"),
        latex2text.MacroTextSpec("textasciicircum", "^"),
    ],
)
_TO_TEXT = latex2text.LatexNodes2Text(latex_context=_LATEX)


def as_text(value: str) -> str:
    """A BibTeX value as the text LaTeX would print."""
    return _TO_TEXT.latex_to_text(value)


def names(value: str) -> list[str]:
    """The author list split as BibTeX splits it (at " and " outside braces), each name as text."""
    library = bibtexparser.parse_string(
        "@misc{k, author = {" + value + "}}", append_middleware=[middlewares.SeparateCoAuthors()]
    )
    return [as_text(name) for name in library.entries[0]["author"]]


# --- one entry -----------------------------------------------------------------------------------------


def test_an_arxiv_paper_cites_its_first_version_on_arxiv_not_the_site() -> None:
    cite = citations.bibtex(
        paper(
            title="Mamba: Linear-Time Sequence Modeling with Selective State Spaces",
            authors=("Albert Gu", "Tri Dao"),
            arxiv="2312.00752",
            published=dt.date(2023, 12, 1),
            date=dt.date(2025, 3, 14),
        ),
        "gu2023mamba",
    )
    assert cite == (
        "@misc{gu2023mamba,\n"
        "  title = {{Mamba: Linear-Time Sequence Modeling with Selective State Spaces}},\n"
        "  author = {Albert Gu and Tri Dao},\n"
        "  year = {2023},\n"
        "  eprint = {2312.00752},\n"
        "  archivePrefix = {arXiv},\n"
        "  url = {https://arxiv.org/abs/2312.00752}\n"
        "}"
    )


def test_the_arxiv_version_is_left_out_of_the_eprint_and_the_url() -> None:
    cite = citations.bibtex(paper(arxiv="2401.01234v3"), "k")
    assert "eprint = {2401.01234}," in cite
    assert "url = {https://arxiv.org/abs/2401.01234}" in cite


@pytest.mark.parametrize(
    ("fields", "year"),
    [
        ({"published": dt.date(2021, 3, 25), "arxiv": "2103.14030"}, 2021),  # published wins
        ({"published": dt.date(2016, 1, 2), "arxiv": "2103.14030"}, 2016),
        ({"arxiv": "2103.14030"}, 2021),  # the id's yymm
        ({"arxiv": "0704.0001"}, 2007),  # the first new-style id
        ({"arxiv": "hep-th/9901001v2"}, 1999),  # old style, last century
        ({"arxiv": "math.GT/0309136"}, 2003),  # old style with a subject class
        ({}, None),  # nothing says: the day it entered the feed is not the paper's year
    ],
)
def test_the_year_is_the_first_versions(fields: dict[str, object], year: int | None) -> None:
    assert citations.year(paper(**fields)) == year


def test_a_paper_without_arxiv_cites_what_the_record_gives() -> None:
    bare = citations.bibtex(paper(title="Quantized Inference", authors=("Grace Hopper",)), "k")
    assert bare == "@misc{k,\n  title = {{Quantized Inference}},\n  author = {Grace Hopper}\n}"
    linked = paper(
        published=dt.date(2020, 5, 1),
        links=(Link("code", "https://example.org/code"), Link("project", "https://example.org/p")),
    )
    assert citations.bibtex(linked, "k") == (
        "@misc{k,\n  title = {{T}},\n  year = {2020},\n  url = {https://example.org/p}\n}"
    )
    own_pdf = paper(
        links=(Link("project", "https://example.org/p"), Link("pdf", "https://example.org/x.pdf"))
    )
    assert "url = {https://example.org/x.pdf}" in citations.bibtex(own_pdf, "k")


def test_latex_specials_are_escaped_and_an_odd_brace_cannot_end_the_value() -> None:
    title = r'Costs & 100% gains_now {braces} } odd { ~x back\slash $5 #1 "q"'
    cite = citations.bibtex(paper(title=title), "k")
    assert cite.splitlines()[1] == (
        r"  title = {{Costs \& 100\% gains\_now \{braces\} \textbraceright{} odd \textbraceleft{}"
        r' \textasciitilde{}x back\textbackslash{}slash \$5 \#1 "q"}}'
    )
    # BibTeX counts every brace, escaped or not: the value's braces balance, so the entry ends where it must.
    value = cite.splitlines()[1]
    assert value.count("{") == value.count("}")
    entry = parse(cite).entries[0]
    assert entry["title"].startswith("{Costs")


@pytest.mark.parametrize(
    "title",
    [
        'Attention & "Memory": What Transformers Store',
        "50% less drift & bias_2 at $0 cost #1",
        "Byte-~and Word-Level Processing",
        "What comes after transformers? -- A survey --- and ``quotes'' '' too",
        r"A \% sign and a \\ backslash",
        "x^2 and {a} {b {c}}",
        "Zoë Müller-Łukasiewicz's ħ-bar",
    ],
)
def test_a_title_reads_back_as_written(title: str) -> None:
    entry = parse(citations.bibtex(paper(title=title), "k")).entries[0]
    assert as_text(entry["title"]) == title


def test_names_that_bibtex_would_split_or_reorder_are_kept_whole() -> None:
    authors = ("Zoë Müller", "Tom and Jerry", "Martin Luther King, Jr.", "Anders Andersen", "A. Band")
    cite = citations.bibtex(paper(authors=authors), "k")
    assert (
        "author = {Zoë Müller and {Tom and Jerry} and {Martin Luther King, Jr.} and Anders Andersen"
        " and A. Band}"
    ) in cite
    assert names(parse(cite).entries[0]["author"]) == list(authors)


def test_a_url_of_the_record_is_written_verbatim_but_for_braces_and_backslashes() -> None:
    url = "https://example.org/a_b%20c?x={1}&y=\\z#frag"
    cite = citations.bibtex(paper(links=(Link("pdf", url),)), "k")
    assert "url = {https://example.org/a_b%20c?x=%7B1%7D&y=%5Cz#frag}" in cite
    parse(cite)


# --- keys ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        (
            {"authors": ("Albert Gu", "Tri Dao"), "arxiv": "2312.00752", "title": "Mamba: Linear-Time"},
            "gu2023mamba",
        ),
        (
            {"authors": ("Ze Liu",), "published": dt.date(2021, 3, 25), "title": "Swin Transformer"},
            "liu2021swin",
        ),
        # Words that name no subject are skipped; accents and letters NFKD keeps whole become ASCII.
        (
            {"authors": ("Zoë Müller-Łukasiewicz",), "title": "What Matters in Transformers?"},
            "mullerlukasiewiczmatters",
        ),
        ({"authors": ("Martin Luther King Jr.",), "title": "A Survey of Mamba"}, "kingsurvey"),
        ({"authors": ("Søren Ærø",), "title": "Towards Œuvres"}, "aerooeuvres"),
        ({"title": "On the Ability of Transformers"}, "ability"),
        ({"title": "A"}, "paper"),  # nothing to make a key of
        ({"authors": ("李飞飞",), "title": "的"}, "paper"),
    ],
)
def test_a_key_is_family_name_year_and_first_significant_title_word(
    fields: dict[str, object], key: str
) -> None:
    assert citations.base_key(paper(**fields)) == key


def _feed(*papers: Paper) -> Feed:
    return Feed.of(list(papers), TAGS)


def _survey(slug: str, day: int) -> Paper:
    return paper(slug=slug, title="A Survey of Mamba", date=dt.date(2025, 3, day), authors=("Xiao Wang",))


def test_a_key_that_is_taken_goes_to_the_later_paper_with_a_suffix() -> None:
    first, second, third = _survey("c-first", 10), _survey("a-second", 11), _survey("b-third", 11)
    keys = citations.citation_keys(_feed(second, third, first))
    # By feed date, then slug: a-second comes before b-third on the same day.
    assert keys == {"c-first": "wangsurvey", "a-second": "wangsurveyb", "b-third": "wangsurveyc"}


def test_adding_a_later_paper_with_the_same_key_changes_no_earlier_key() -> None:
    before = citations.citation_keys(_feed(_survey("one", 10), _survey("two", 11)))
    after = citations.citation_keys(_feed(_survey("one", 10), _survey("two", 11), _survey("aaa-new", 12)))
    assert {slug: after[slug] for slug in before} == before
    assert after["aaa-new"] == "wangsurveyc"


def test_a_suffixed_key_never_takes_another_papers_own_key() -> None:
    # "wangsurveyb" is the second survey's suffixed key and, later, another paper's own key.
    own = paper(slug="z", title="Surveyb", date=dt.date(2025, 3, 12), authors=("Ann Wang",))
    keys = citations.citation_keys(_feed(_survey("one", 10), _survey("two", 11), own))
    assert keys == {"one": "wangsurvey", "two": "wangsurveyb", "z": "wangsurveybb"}


def test_suffixes_go_on_past_z() -> None:
    papers = [_survey(f"s{i:03d}", 1 + i // 10) for i in range(30)]
    keys = citations.citation_keys(_feed(*papers))
    assert [keys[f"s{i:03d}"] for i in (0, 1, 25, 26, 27)] == [
        "wangsurvey",
        "wangsurveyb",
        "wangsurveyz",
        "wangsurveyba",
        "wangsurveybb",
    ]
    assert len(set(keys.values())) == 30


_records = st.lists(
    st.tuples(
        st.sampled_from(["Gu", "Dao", "Wang"]),
        st.sampled_from(["Mamba", "A Survey", "Surveyb", "Mambab"]),
        st.integers(0, 5),  # days after 2025-03-01
        st.sampled_from([None, dt.date(2023, 1, 1)]),
    ),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(_records, _records)
def test_keys_are_unique_and_papers_added_later_move_none(earlier: list, later: list) -> None:  # type: ignore[type-arg]
    def make(rows: list, offset: int, prefix: str) -> list[Paper]:  # type: ignore[type-arg]
        return [
            paper(slug=f"{prefix}{i}", authors=(f"Ann {name}",), title=title, published=published,
                  date=dt.date(2025, 3, 1) + dt.timedelta(days=offset + day))
            for i, (name, title, day, published) in enumerate(rows)
        ]  # fmt: skip

    old = make(earlier, 0, "old")
    new = make(later, 6, "new")  # every added paper entered the feed after the old ones
    before = citations.citation_keys(_feed(*old))
    after = citations.citation_keys(_feed(*old, *new))
    assert len(set(after.values())) == len(after)
    assert {slug: after[slug] for slug in before} == before


# --- whole feeds ---------------------------------------------------------------------------------------


def _check_bibliography(feed: Feed) -> None:
    """papers.bib of the feed parses with one entry per paper, each key once, each value as in the record."""
    keys = citations.citation_keys(feed)
    library = parse(citations.bibliography(feed.papers, keys))
    entries = {entry.key: entry for entry in library.entries}
    assert len(library.entries) == len(entries) == len(feed.papers)
    for p in feed.papers:
        entry = entries[keys[p.slug]]
        assert entry.entry_type == "misc"
        assert as_text(entry["title"]) == p.title, p.slug
        if p.authors:
            assert names(entry["author"]) == list(p.authors), p.slug
        year = citations.year(p)
        assert entry.fields_dict.get("year") is None if year is None else entry["year"] == str(year)
        if p.arxiv:
            arxiv = citations.arxiv_id(p)
            assert (entry["eprint"], entry["archivePrefix"]) == (arxiv, "arXiv")
            assert entry["url"] == f"https://arxiv.org/abs/{arxiv}"


def test_every_paper_of_the_fixture_feed_reads_back_from_papers_bib() -> None:
    feed = records.load_feed(SMALL)
    _check_bibliography(feed)
    keys = citations.citation_keys(feed)
    assert keys["quantized-inference-without-tears"] == "hopperquantized"  # no arXiv id, no date: no year
    assert keys["attention-and-memory"] == "mullerlukasiewicz2025attention"


@pytest.mark.content
def test_every_shipped_paper_reads_back_from_papers_bib_with_a_key_of_its_own() -> None:
    _check_bibliography(records.load_feed(ROOT / "content"))


def test_a_feed_with_hostile_and_twin_records_still_parses() -> None:
    twins = [
        paper(slug=f"t{i}", title="What Matters? 50% & {more", authors=("Ann O'Neil, Jr.", "B and C"))
        for i in range(4)
    ]
    feed = _feed(*twins, dataclasses.replace(twins[0], slug="u", title="} closing first {"))
    _check_bibliography(feed)
