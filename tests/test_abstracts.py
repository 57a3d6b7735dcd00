"""The abstract renderer against hostile input: bounded cost (no input stalls a build), bounded sizes (no
formula can deface a page), and ordinary Markdown still rendered as it was."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from generator.records import abstract_links, abstracts, commonmark

ROOT = Path(__file__).resolve().parent.parent
MATH = '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">'
REL = 'rel="nofollow noopener noreferrer"'


def _bench() -> ModuleType:
    """benchmarks/bench_render.py, whose worst inputs the stall test renders."""
    spec = importlib.util.spec_from_file_location("bench_render", ROOT / "benchmarks" / "bench_render.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- cost ---------------------------------------------------------------------------------------------


@pytest.mark.timeout(60)
def test_no_worst_input_stalls_the_renderer() -> None:
    """A stall guard, not a speed test (benchmarks/bench_render.py times each input against 50 ms): the 60
    inputs take well under a second together, while Python-Markdown took 12 s for the first "[" run alone."""
    worst = _bench().WORST
    assert len(worst) >= 50
    for name, text in worst.items():
        assert len(text) == 10_000, name
        abstracts.render.cache_clear()
        abstracts.excerpt_html.cache_clear()
        assert isinstance(abstracts.render(text), str), name
        assert isinstance(abstracts.excerpt_html(text), str), name
        assert isinstance(abstracts.plain_text(text), str), name


@pytest.mark.timeout(5)
def test_the_link_reader_of_check_reads_each_character_a_bounded_number_of_times() -> None:
    """A stall guard: 40,000 characters (four abstracts' worth, so that a quadratic reader shows) take
    milliseconds; with lazy patterns for code spans and math they took 15 s and more."""
    ladder = "".join("`" * i + " " for i in range(1, 300))[:40_000]
    for text in ["`" * 40_000, ladder, "\\(" * 20_000, "\\[" * 20_000, "](<" * 13_333, "[x](" * 10_000]:
        assert isinstance(list(abstract_links.destinations(text)), list)


def test_the_link_reader_reads_code_spans_and_addresses_as_commonmark_does() -> None:
    assert list(abstract_links.destinations("``[a](../x)`` and [b](../y)")) == [(1, "../y")]
    # A run of backticks that no run of the same length closes is text, and so is what follows it.
    assert list(abstract_links.destinations("`` x ` [a](../x)")) == [(1, "../x")]
    assert list(abstract_links.destinations("` a `` [c](../z) `")) == []  # the longer run is inside
    assert list(abstract_links.destinations("<a@b> <a@b.c> <a@.b> <a@b.>")) == [(1, "a@b.c")]
    assert list(abstract_links.destinations("x\n\n`y`\n[a](<../q>)")) == [(4, "../q")]


def test_unclosed_formatting_tags_are_not_copied_into_every_paragraph() -> None:
    """The sanitizer's HTML parser reopens every formatting tag left open in each later paragraph: 400
    of these (6 KB) made 3 MB of HTML. Raw tags are now closed within their paragraph."""
    text = "".join(f"<em title={i}><p>x" for i in range(400))
    assert len(abstracts.render(text)) < 4 * len(text)
    assert (
        abstracts.render("<em title=1><p>x<em title=2><p>y\n\nz") == "<p><em>x<em>y</em></em></p>\n<p>z</p>"
    )


def test_markdown_nested_too_deep_is_shown_as_plain_text() -> None:
    """Each level costs the sanitizer's parser as much as the depth it is at ("- " 5,000 times: 0.8 s)."""
    deep = "- " * 20 + "x"
    assert abstracts.render(deep) == f"<p>{deep}</p>"
    assert abstracts.render("> " * 20 + "x\n\nnext") == "<p>" + "&gt; " * 20 + "x</p>\n<p>next</p>"
    assert (
        abstracts.render("- a\n  - b\n    - c")
        == "<ul>\n<li>a\n<ul>\n<li>b\n<ul>\n<li>c</li>\n</ul>\n</li>\n</ul>\n</li>\n</ul>"
    )
    assert abstracts.abstract_problem(deep) == (
        "quotes, lists and emphasis nest 40 deep, more than the 16 that are rendered, so the abstract would"
        " show as plain text: start lines with fewer '>', '-' or '1.' markers"
    )
    assert abstracts.abstract_problem("- " * 7 + "x") is None  # 14 deep: rendered


def test_math_past_the_budget_stays_as_written_and_check_is_told() -> None:
    """The math converter is linear but slow (8 us a character, 50 or more a formula): it gets a share."""
    text = " ".join(f"$x_{{{i}}}$" for i in range(51))
    html = abstracts.render(text)
    assert html.count("<math") == 50
    assert html.endswith(" $x_{50}$</p>")
    assert abstracts.abstract_problem(text) == (
        "51 formulas with 296 characters of LaTeX are more math than is rendered (at most 50 formulas, 1,000"
        " characters), so the rest would show as LaTeX source: write the plain parts as text, or shorten the"
        " formulas"
    )
    long = "$" + "x" * 1_000 + "$ and $y$"
    assert abstracts.render(long).count("<math") == 1
    assert abstracts.render(long).endswith(" and $y$</p>")
    assert abstracts.abstract_problem(long) == (
        "2 formulas with 1,001 characters of LaTeX are more math than is rendered (at most 50 formulas, 1,000"
        " characters), so the rest would show as LaTeX source: write the plain parts as text, or shorten the"
        " formulas"
    )
    assert abstracts.abstract_problem("$" + "x" * 1_000 + "$") is None


def test_an_unclosed_math_delimiter_ends_at_the_next_opener() -> None:
    """Formulas never hold their own opening delimiter, so the math pattern never rescans the text."""
    # The opener left over is Markdown's escaped "(", as before.
    assert abstracts.render(r"\( a \( b \) c") == f"<p>( a {MATH}<mrow><mi>b</mi></mrow></math> c</p>"
    assert abstracts.render(r"\[ a \[ b \] c").count("<math") == 1
    assert abstracts.render(r"$$ a $$ b $$").count("<math") == 1


def test_an_ordinary_abstract_has_no_problem() -> None:
    assert (
        abstracts.abstract_problem(r"We cut cost to $O(nr)$ for 13\% of runs; see [code](https://x.org).")
        is None
    )
    assert abstracts.abstract_problem("") is None


# --- sizes ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("element", "attribute", "value", "kept"),
    [
        ("mspace", "width", "1em", True),  # \quad
        ("mspace", "width", "2em", True),  # \qquad
        ("mspace", "width", "0.167em", True),  # \,
        ("mspace", "width", "3em", True),
        ("mspace", "width", "0", True),
        ("mspace", "width", "48px", True),  # 3em
        ("mspace", "width", "1cm", True),
        ("mspace", "width", "6ex", True),
        ("mspace", "width", "3.01em", False),
        ("mspace", "width", "49px", False),
        ("mspace", "width", "99999em", False),
        ("mspace", "width", "-0.167em", False),
        ("mspace", "width", "-1000em", False),
        ("mspace", "width", "1e3em", False),
        ("mspace", "width", "50%", False),
        ("mspace", "width", "10vw", False),
        ("mspace", "width", "5", False),
        ("mspace", "width", "thinmathspace", False),
        ("mspace", "width", "", False),
        ("mo", "lspace", "0.22em", True),  # \mathbin
        ("mo", "rspace", "1em", True),
        ("mo", "lspace", "1.5em", False),
        ("mo", "rspace", "9999em", False),
        ("mtable", "rowspacing", "0.5ex 1em", True),
        ("mtable", "columnspacing", "1em", True),
        ("mtable", "rowspacing", "0.5em 99em", False),
        ("mtable", "columnspacing", " ".join(["1em"] * 9), False),
        ("mstyle", "scriptlevel", "0", True),  # \displaystyle
        ("mstyle", "scriptlevel", "1", True),  # \scriptstyle
        ("mstyle", "scriptlevel", "2", True),  # \scriptscriptstyle
        ("mstyle", "scriptlevel", "+1", True),
        ("mstyle", "scriptlevel", "3", False),
        ("mstyle", "scriptlevel", "-1", False),
        ("mstyle", "scriptlevel", "-30", False),
        ("mstyle", "scriptlevel", "+30", False),
        ("mstyle", "displaystyle", "true", True),  # not a size
        ("mi", "mathvariant", "bold", True),
    ],
)
def test_a_length_or_level_is_kept_only_within_its_bounds(
    element: str, attribute: str, value: str, kept: bool
) -> None:
    assert abstracts.bounded(element, attribute, value) == (value if kept else None)


def test_the_sanitizer_drops_sizes_that_could_deface_a_page() -> None:
    """Also for feeds, which sanitize again against the paper's URL."""
    hostile = (
        '<math><mspace width="99999em"></mspace><mstyle scriptlevel="-30"><mi>x</mi></mstyle>'
        '<mo lspace="9999em" rspace="0.22em">+</mo>'
        '<mtable rowspacing="500em"><mtr><mtd>a</mtd></mtr></mtable></math>'
    )
    expected = (
        '<math><mspace></mspace><mstyle><mi>x</mi></mstyle><mo rspace="0.22em">+</mo>'
        "<mtable><mtr><mtd>a</mtd></mtr></mtable></math>"
    )
    assert abstracts.sanitize(hostile) == expected
    assert abstracts.sanitize(hostile, base="https://example.org/papers/p/") == expected


def test_the_sanitizer_drops_comments_and_styles_wherever_it_is_called() -> None:
    """The renderer takes comments out before; feeds sanitize rendered HTML again, and must not rely on it."""
    hostile = (
        '<p>a<!-- <script>x()</script> -->b <a href="https://x.org/" style="position:fixed;inset:0"'
        ' title="t">link</a> <span style="font-size:99em">big</span></p>'
    )
    expected = f'<p>ab <a href="https://x.org/" title="t" {REL}>link</a> <span>big</span></p>'
    assert abstracts.sanitize(hostile) == expected
    assert abstracts.sanitize(hostile, base="https://example.org/papers/p/") == expected


def test_latex_spaces_are_bounded_in_pages_and_excerpts() -> None:
    text = r"Opening $\hspace{1000em}$ words $\hspace{-1000em}$ and $a\quad b$."
    space = f"{MATH}<mrow><mspace></mspace></mrow></math>"
    quad = f'{MATH}<mrow><mi>a</mi><mspace width="1em"></mspace><mi>b</mi></mrow></math>'
    assert abstracts.render(text) == f"<p>Opening {space} words {space} and {quad}.</p>"
    assert abstracts.excerpt_html(text) == f"Opening {space} words {space} and {quad}."


# --- excerpts: an abstract longer than the excerpt ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "limit", "cut"),
    [
        ("alpha beta gamma delta", 13, "alpha beta…"),  # not "alpha beta ga…"
        ("First clause, second clause", 20, "First clause…"),  # the comma before the cut goes too
        ("Ends here. And then more", 11, "Ends here…"),
        ("a " + "x" * 30, 10, "a xxxxxxxx…"),  # no space in the second half: cut at the limit
        ("abcde", 5, "abcde"),  # exactly the limit: not cut
        ("*Bold* claim in [a link](https://x.org/) here", 21, "Bold claim in a link…"),
    ],
)
def test_an_excerpt_is_cut_at_a_word_and_marked_with_an_ellipsis(text: str, limit: int, cut: str) -> None:
    assert abstracts.excerpt(text, limit) == cut


def test_an_excerpt_is_280_characters_unless_told() -> None:
    assert abstracts.excerpt("x" * 280) == "x" * 280
    assert abstracts.excerpt("x" * 281) == "x" * 280 + "…"
    assert abstracts.excerpt_html("x" * 280) == "x" * 280
    assert abstracts.excerpt_html("x" * 281) == "x" * 280 + "…"


def test_an_html_excerpt_is_never_cut_inside_a_formula() -> None:
    # The space before the limit (20) is inside $a + b = c$: the cut goes back to the space before it.
    assert abstracts.excerpt_html("We show that $a + b = c$ holds always", 20) == "We show that…"
    assert abstracts.excerpt_html("We show that \\(a + b = c\\) holds always", 20) == "We show that…"
    # Before the formula, the cut is at the last word as in any text, and its paragraphs are one.
    assert abstracts.excerpt_html("One two,\n\nthree four five", 16) == "One two, three…"
    assert abstracts.excerpt_html("x" * 30, 10) == "x" * 10 + "…"


def test_raw_mathml_is_not_markup() -> None:
    """Math comes from $...$ and \\(...\\) only, as MathML whose sizes the allowlist bounds."""
    raw = 'Raw <math><mspace width="99999em"></mspace><mstyle scriptlevel="-30"><mi>x</mi></mstyle></math>.'
    assert abstracts.render(raw) == "<p>Raw x.</p>"


# --- what ordinary abstracts keep ----------------------------------------------------------------------


def test_markdown_and_the_raw_tags_an_abstract_may_use_still_render() -> None:
    assert abstracts.render("Some *em*, **strong**, `code` and [a link](https://x.org/a).") == (
        "<p>Some <em>em</em>, <strong>strong</strong>, <code>code</code> and"
        f' <a href="https://x.org/a" {REL}>a link</a>.</p>'
    )
    assert abstracts.render("One.\n\nTwo,\nthree.") == "<p>One.</p>\n<p>Two,\nthree.</p>"
    assert abstracts.render("13\\% of H<sub>2</sub>O, x<sup>2</sup><br>end") == (
        "<p>13% of H<sub>2</sub>O, x<sup>2</sup><br>end</p>"
    )
    assert abstracts.render('See <a href="https://x.org/" onclick="x()">the site</a>.') == (
        f'<p>See <a href="https://x.org/" {REL}>the site</a>.</p>'
    )
    assert abstracts.render("a <script>alert(1)</script> b <style>p{}</style> c <!-- note --> d") == (
        "<p>a  b  c  d</p>"
    )
    assert abstracts.render("<!--\nhidden\n-->\n\nshown\n\n<script>\nalert(1)\n</script>") == "<p>shown</p>"
    assert abstracts.render("<b>bold</b> <i>it</i> <div>block</div> a < b & c") == (
        "<p>bold it block a &lt; b &amp; c</p>"
    )


def test_the_renderer_has_a_bounded_nesting_limit() -> None:
    assert commonmark.MAX_DEPTH == 16
    assert commonmark.nesting("plain") == 1
    assert commonmark.nesting("*a **b***") == 3
    assert commonmark.nesting("> - *x*") == 4  # a tight list item has no paragraph
    assert commonmark.nesting("> - *x*\n>\n>   y") == 5  # a loose one has


def test_plain_text_keeps_what_the_page_shows_not_the_markup_it_removed() -> None:
    text = (
        'Intro "><script>alert(1)</script> and <b onmouseover="alert(2)">bold</b> <sub>2</sub>, '
        "$a<b>c$ and 3 < 4 > 2<!-- a hidden note --> then <STYLE>p{}</style >after <script>never closed"
    )
    assert abstracts.plain_text(text) == 'Intro "> and bold 2, $a<b>c$ and 3 < 4 > 2 then after'


@pytest.mark.parametrize(
    ("opening", "kept"),
    [("<script>", ""), ("<!--", ""), ("<style a", ""), ("<b ", "<b " * 3333)],  # "<b " never ends a tag
)
def test_plain_text_of_a_run_of_openings_is_one_pass(opening: str, kept: str) -> None:
    # Quadratic scanning would take seconds here (the pytest timeout guards a hang; speed is benchmarked).
    assert abstracts.plain_text(opening * (10_000 // len(opening))) == kept.strip()


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("a </script> b <script>hidden</script> c", "a b c"),  # a stray closing tag ends nothing
        ("x <script>a</script> y <script>b</script> z", "x y z"),  # each script ends at its own close
        ("a <script>x</script", "a"),  # a close with no ">": the rest is inside the tag
        ("a <!-- c --> b <script>x</script", "a b"),
        ("$x$`<b>`", "$x$<b>"),  # a code span right after a formula keeps its text as written
        ("$a<b>c$ then", "$a<b>c$ then"),  # a formula at the very start keeps its "<" as written
        ("$a`b`$ and `<i>`", "$ab$ and <i>"),  # a span inside a formula, then another span
        ("13\\% of \\textbf{bold}, \\emph{it} and ``quoted'' text", '13% of bold, it and "quoted" text'),
        ("See [the site](https://x.org/), ![a figure](https://x.org/f.png).", "See the site, a figure."),
    ],
)
def test_plain_text_is_what_a_reader_of_the_page_sees(text: str, plain: str) -> None:
    assert abstracts.plain_text(text) == plain


def test_the_math_and_nesting_budgets_are_inclusive() -> None:
    assert abstracts.abstract_problem("$x$ " * 50) is None
    assert abstracts.abstract_problem("$x$ " * 51) == (
        "51 formulas with 51 characters of LaTeX are more math than is rendered (at most 50 formulas, 1,000"
        " characters), so the rest would show as LaTeX source: write the plain parts as text, or shorten the"
        " formulas"
    )
    assert abstracts.abstract_problem("> " * 15 + "x") is None  # 16 deep
    assert abstracts.abstract_problem("> " * 16 + "x") == (
        "quotes, lists and emphasis nest 17 deep, more than the 16 that are rendered, so the abstract would"
        " show as plain text: start lines with fewer '>', '-' or '1.' markers"
    )
    assert abstracts.bounded("mtable", "rowspacing", " ".join(["1em"] * 8)) == " ".join(["1em"] * 8)
    assert abstracts.bounded("mtable", "rowspacing", " ".join(["1em"] * 9)) is None


def test_the_sanitizer_keeps_http_and_https_links_only_and_resolves_them_against_a_base() -> None:
    links = '<a href="/x">r</a> <a href="ftp://x.org/">f</a> <a href="http://x.org/">h</a>'
    assert abstracts.sanitize(links) == (
        f'<a href="/x" {REL}>r</a> <a {REL}>f</a> <a href="http://x.org/" {REL}>h</a>'
    )
    assert abstracts.sanitize(links, base="https://example.org/papers/p/") == (
        f'<a href="https://example.org/x" {REL}>r</a> <a {REL}>f</a> <a href="http://x.org/" {REL}>h</a>'
    )
    # Only links are resolved: a title that looks like a path stays as written.
    assert abstracts.sanitize('<a href="y" title="/t">t</a>', base="https://example.org/papers/p/") == (
        f'<a href="https://example.org/papers/p/y" title="/t" {REL}>t</a>'
    )
