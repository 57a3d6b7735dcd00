"""htmlmin: built pages lose only the white space a browser ignores, <pre> and <textarea> kept as written;
a page made of fixed parts and values made small part by part (the fast path's pages) is exactly the
page made small whole, or is left to be made small whole."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.site import fastpath, htmlmin


def test_indentation_and_line_breaks_at_block_edges_go() -> None:
    page = "<html>\n  <body>\n    <div>\n      <a href='x'>one</a>\n      <span>two</span>\n    </div>\n"
    # Before an inline element (a, span) a line break is a space, and stays.
    assert htmlmin.minify(page) == "<html><body><div>\n<a href='x'>one</a>\n<span>two</span></div>\n"


def test_pre_and_textarea_keep_their_white_space() -> None:
    page = "<div>\n  <pre>a\n    b</pre>\n  <TEXTAREA rows=2>\n  c\n</TEXTAREA >\n</div>"
    assert htmlmin.minify(page) == "<div>\n<pre>a\n    b</pre>\n<TEXTAREA rows=2>\n  c\n</TEXTAREA ></div>\n"


# Pieces of HTML that meet the rules at their edges: runs of white space, line breaks before block and
# inline tags, tag names that <pre> and <textarea> start with, long words where a page may be cut.
_TOKENS = [
    " ", "\n", "\t", "\n  ", "<", ">", "/", "</", "p", "pr", "pre", "PRE", "e>", "text", "area", "div",
    "noscript", "li", "a", "x", " class", "<div>", "</div>", "\n<li>", "<pre>", "</pre>", "</pre >",
    "<pre>a\n  b</pre>", "<textarea>\n x</textarea>", "abcdefghijklmnop", "long-word-here", "é😀",
    "\n<", "\n</", "nos", "cript", "textar", "ea", "abcdef", "ghijkl",
]  # fmt: skip
_TEXT = st.lists(st.sampled_from(_TOKENS), max_size=16).map("".join)


def _page(fixed: list[str], values: list[str]) -> str:
    return "".join(part for pair in zip(fixed, [*values, ""], strict=True) for part in pair)


@settings(max_examples=3000, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=6), st.data())
def test_a_page_made_small_by_parts_is_the_page_made_small_whole(
    fixed: list[str], data: st.DataObject
) -> None:
    values = data.draw(st.lists(_TEXT, min_size=len(fixed) - 1, max_size=len(fixed) - 1))
    cut = [htmlmin.cut(text) for text in fixed]
    if any(part is None for part in cut):  # a fixed part holds a <pre>: the pages are made small whole
        assert any(htmlmin._VERBATIM_OPEN_RE.search(text) for text in fixed)
        return
    made = htmlmin.joined([part for part in cut if part is not None], values)
    if made is not None:
        assert made == htmlmin.minify(_page(fixed, values))


def test_a_long_fixed_part_is_made_small_once_in_its_middle() -> None:
    text = "<a class='md-header__button'>\n    <span class='md-header__topic'>\n  <b>"
    cut = htmlmin.cut(text)
    assert isinstance(cut, htmlmin.Cut)
    assert cut.head + cut.tail != text and cut.middle == htmlmin.minify(cut.middle).rstrip("\n")
    assert htmlmin.cut("<a>\n  <b>") == "<a>\n  <b>"  # nowhere to cut: made small with its neighbours
    assert htmlmin.cut("<div>\n<pre>x</pre>") is None


def test_a_value_with_a_whole_pre_is_made_small_by_parts() -> None:
    fixed = ["<html>\n  <head-of-the-page-here>\n  <main>\n    ", "\n  </main-of-the-page>\n</html>\n"]
    values = ["<article>\n  <pre>@misc{x,\n  title = {y}\n}</pre>\n  <p>z</p>\n</article>"]
    cut = [htmlmin.cut(text) for text in fixed]
    assert all(isinstance(part, htmlmin.Cut) for part in cut)
    made = htmlmin.joined([part for part in cut if part is not None], values)
    assert made == htmlmin.minify(_page(fixed, values))
    assert "<pre>@misc{x,\n  title = {y}\n}</pre>" in made


def test_a_pre_that_ends_past_a_cut_leaves_the_page_to_be_made_small_whole() -> None:
    fixed = ["<div class='first-part'>\n", "\n  <span class='middle-part-of-it'>\n  ", "</div>"]
    values = ["<pre>opened here\n  ", "  closed here</pre>"]
    cut = [htmlmin.cut(text) for text in fixed]
    assert htmlmin.joined([part for part in cut if part is not None], values) is None
    chrome = fastpath.Chrome(
        tuple(part for pair in zip(fixed, ["body", "title", ""], strict=True) for part in pair)[:-1]
    )
    filled = {"body": values[0], "title": values[1]}
    assert chrome.small(filled) == htmlmin.minify(chrome.fill(filled))  # made small whole instead
    kept = "<pre>opened here\n  \n  <span class='middle-part-of-it'>\n    closed here</pre>"
    assert kept in chrome.small(filled)
