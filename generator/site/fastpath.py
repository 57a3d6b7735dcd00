"""Generated pages filled into their kind's chrome: the theme renders one probe page per kind, not each page.

The pages of one kind (a paper, a day, one tag's pages...) differ only in a few slots: title, description,
URL, body, head metadata, skip-link anchor. The adapter renders a probe of the kind's first page through
the theme with a marker in each slot; the output, cut at the markers, is the kind's `Chrome`, and every
page of the kind is the chrome joined with its own slot values. A marker carries `&<"'>` so that a slot
the theme escapes, strips or quotes does not survive verbatim: such a kind has no chrome and each of its
pages goes through the theme. The adapter also checks the first page's fill against its real render.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, cast

from generator.site import htmlmin, skip_link

FAST_PAGES_ENV = "PAPERFEED_FAST_PAGES"  # "0": every page through the theme, as MkDocs renders it
# A page whose fill differs from the theme's render (Kinds.fill), as the build's log says it.
UNLIKE = (
    f"{{}}: the fast path's page differs from the theme's; build with {FAST_PAGES_ENV}=0 for a right site,"
    " and report it"
)
# Slots that hold text: each marker is unique and changes under any escaping, stripping or quoting.
TEXT_SLOTS = ("title", "description", "body", "head", "anchor")
# A URL's variable segments (a slug, a day, a page number) as plain words: URLs are quoted, not escaped.
_URL_MARK = "pfslotu{}z"
_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use characters: no record or theme holds them
_MARKER_RE = re.compile(f"{_OPEN}pf(\\w+)&<\"'>[^{_CLOSE}]*{_CLOSE}|pfslotu(\\d+)z")


def marker(slot: str, value: str = "") -> str:
    """The probe's value for a text slot; it holds the page's own value too, for a theme that tests what
    the value contains (Material writes the title as a heading if the body has no `<h1`)."""
    return f"{_OPEN}pf{slot}&<\"'>{value.replace(_CLOSE, '')}{_CLOSE}"


def url_slots(url: str) -> tuple[str, list[str]]:
    """A page URL with its variable segments as markers, and those segments: the first segment (the kind:
    papers, date, tags...) and the word `page` stay, so that links to other pages keep their relative
    form (`tags/x/` links `tags/` as `../`)."""
    parts = url.split("/")
    values: list[str] = []
    for i, part in enumerate(parts):
        if i > 0 and part and part != "page":
            parts[i] = _URL_MARK.format(len(values))
            values.append(part)
    return "/".join(parts), values


def group_key(url: str, meta: Mapping[str, Any], anchor: str | None, extra: Sequence[object]) -> str:
    """Pages with the same key render to the same chrome: the same URL shape and depth, the same front
    matter but for title and description (whose presence counts), a skip-link anchor or none, and what
    the adapter adds (feed links, its own flags)."""
    shape, _ = url_slots(url)
    fixed = {k: v for k, v in meta.items() if k not in ("title", "description")}
    present = [k in meta and bool(meta[k]) for k in ("title", "description")]
    return json.dumps(
        [shape, fixed, present, anchor is None, *map(repr, extra)], sort_keys=True, default=repr
    )


@dataclass(frozen=True)
class Chrome:
    """A kind's rendered page cut at its slots: literal text, then a slot name, then text, and so on."""

    parts: tuple[str, ...]

    @classmethod
    def cut(cls, probe_output: str) -> Chrome | None:
        """The chrome of a probe's output; None if a marker was altered (escaped, stripped, cut), so that
        the kind cannot be filled and goes through the theme."""
        parts: list[str] = []
        last = 0
        for found in _MARKER_RE.finditer(probe_output):
            parts.append(probe_output[last : found.start()])
            parts.append(found.group(1) or f"url{found.group(2)}")
            last = found.end()
        parts.append(probe_output[last:])
        chrome = cls(tuple(parts))
        # A marker's remains (a URL's upper-cased, say) would be copied into every page of the kind.
        if any(_OPEN in text or _CLOSE in text or "pfslotu" in text.lower() for text in chrome.literals()):
            return None
        if any(slot not in TEXT_SLOTS and not slot.startswith("url") for slot in chrome.slots()):
            return None
        return chrome

    def literals(self) -> tuple[str, ...]:
        return self.parts[0::2]

    def slots(self) -> tuple[str, ...]:
        return self.parts[1::2]

    def fill(self, values: Mapping[str, str]) -> str:
        """One page: the chrome with its values (a KeyError for a slot the page has no value for)."""
        parts = list(self.parts)
        parts[1::2] = [values[slot] for slot in self.slots()]
        return "".join(parts)

    def small(self, values: Mapping[str, str]) -> str:
        """One page as it is written: fill(values) made small (htmlmin.minify), the middle of the chrome's
        text made small once for the kind, the page's values with the text around them."""
        fixed = self._cut
        made = None if fixed is None else htmlmin.joined(fixed, [values[slot] for slot in self.slots()])
        return htmlmin.minify(self.fill(values)) if made is None else made

    @cached_property
    def _cut(self) -> list[htmlmin.Cut | str] | None:
        """The chrome's text cut for htmlmin.joined; None if it holds a <pre> or <textarea>."""
        cut = [htmlmin.cut(text) for text in self.literals()]
        return None if None in cut else cast(list[htmlmin.Cut | str], cut)


def slot_values(url: str, title: str, description: str, body: str, head: str, anchor: str) -> dict[str, str]:
    """A page's values for every slot a chrome may have."""
    _, segments = url_slots(url)
    values = {"title": title, "description": description, "body": body, "head": head, "anchor": anchor}
    values.update({f"url{i}": segment for i, segment in enumerate(segments)})
    return values


class Probe:
    """A stand-in for a page in the theme's context: the given attributes, markers where the page has its
    own values, and anything else from the page itself (the same for every page of the kind)."""

    def __init__(self, page: object, **overrides: object) -> None:
        self._page = page
        self.__dict__.update(overrides)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._page, name)


def page_values(page: Any, head: str) -> dict[str, str]:
    """A generated page's (an MkDocs Page's) value for each slot of its kind's chrome."""
    return slot_values(
        page.url,
        title=str(page.title or ""),
        description=str(page.meta.get("description") or ""),
        body=page.content or "",
        head=head,
        anchor=page.toc.items[0].id if page.toc.items else "",
    )


def unread_kind(
    url: str, text: str, start: int, meta: Mapping[str, Any], extra: Sequence[object]
) -> str | None:
    """The kind (group_key) of a generated page that MkDocs has not read yet, from its text (its Markdown
    from `start`, after the front matter) and its front matter, as the plugin finds it once MkDocs has;
    None for a page that names its own template, or whose title MkDocs takes from elsewhere."""
    if "title" not in meta or "template" in meta:
        return None
    return group_key(url, meta, skip_link.skip_anchor(text, start), extra)


def unread_values(url: str, markdown: str, meta: Mapping[str, Any], head: str) -> dict[str, str]:
    """The slot values of a generated page that MkDocs has not read, as page_values gives them once it
    has: the title and description of its front matter, its body with the skip link's target."""
    body, anchor = skip_link.skip_target(markdown)
    title, description = meta["title"], meta.get("description")
    return slot_values(url, str(title or ""), str(description or ""), body, head, anchor or "")


def probe_of(page: Any, one_heading: Callable[[str, str], object]) -> Probe:
    """An MkDocs Page with a marker in each of its own values; `one_heading(title, anchor)` makes the
    table of contents of one heading that a generated page has."""
    url, _ = url_slots(page.url)
    meta = dict(page.meta)
    for key in ("title", "description"):
        if meta.get(key):
            meta[key] = marker(key, str(meta[key]))
    toc = page.toc
    if toc.items:
        toc = one_heading(marker("title", toc.items[0].title), marker("anchor", toc.items[0].id))
    return Probe(
        page,
        url=url,
        canonical_url=swap_tail(page.canonical_url, page.url, url),
        abs_url=swap_tail(page.abs_url, page.url, url),
        meta=meta,
        title=marker("title", str(page.title)) if page.title else page.title,
        content=marker("body", page.content or ""),
        toc=toc,
    )


class HeadProbe:
    """A stand-in for the page's head metadata (generator/site/metadata.py's Head): its marker."""

    def html(self) -> str:
        return marker("head")


def swap_tail(url: str | None, tail: str, new: str) -> str | None:
    """An absolute form of a page's URL with the page's part replaced."""
    if url is None or not url.endswith(tail):
        return url
    return url[: len(url) - len(tail)] + new


def summary(filled: int, pages: int, chromes: dict[str, Chrome | None]) -> str:
    """What a build's fast path did, for its log."""
    themed = sum(1 for chrome in chromes.values() if chrome is None)
    return (
        f"Generated pages: {filled} filled into their kind's chrome, {pages - filled} rendered by the theme;"
        f" {themed} of {len(chromes)} kinds without a chrome"
    )


class Kinds:
    """One build's fast path: each generated page's kind, each kind's first page (rendered by the theme,
    with its probe) and its values, each kind's chrome, and its last page (filled, and checked)."""

    def __init__(self) -> None:
        self.kinds: dict[str, str] = {}  # a page's kind (group_key), by its src_uri
        self.probed: dict[str, tuple[str, dict[str, str]]] = {}  # a kind's first page and its slot values
        self.chromes: dict[str, Chrome | None] = {}  # a kind's chrome; None: through the theme
        self.last: dict[str, str] = {}  # a kind's last page, filled and rendered both, to compare
        self.filled = 0  # pages filled into their kind's chrome
        self.sizes: dict[str, int] = {}  # each kind's number of pages

    def add(self, src_uri: str, kind: str) -> bool:
        """Count the page as one of its kind; whether it is filled (its kind's first page is not)."""
        self.kinds[src_uri] = kind
        self.sizes[kind] = self.sizes.get(kind, 0) + 1
        if kind in self.probed:
            self.last[kind] = src_uri
            return True
        self.probed[kind] = (src_uri, {})
        return False

    def first(self, src_uri: str) -> bool:
        """Whether the page is its kind's first (False for a page of no kind)."""
        kind = self.kinds.get(src_uri)
        return kind is not None and self.probed[kind][0] == src_uri

    def probe(self, src_uri: str, values: dict[str, str], probe_output: str) -> None:
        """The kind's first page: its values, and the kind's chrome cut from its probe's output."""
        kind = self.kinds[src_uri]
        self.probed[kind] = (src_uri, values)
        self.chromes[kind] = Chrome.cut(probe_output)

    def render(
        self,
        page: Any,
        context: dict[str, Any],
        render: Callable[[dict[str, Any]], str],
        one_heading: Callable[[str, str], object],
    ) -> tuple[str, bool] | None:
        """A page of a kind (an MkDocs Page, the theme's context for it, the theme's render of a context):
        the kind's first page renders its probe into the kind's chrome (None: the theme renders the page
        itself, as for any page). Any other: `fill`'s, the chrome filled with the page's values (with the
        meta as the page's own again, for a theme that reads it)."""
        src = page.file.src_uri
        values = page_values(page, context["paperfeed_head"].html())
        if self.first(src):
            self.probe(
                src,
                values,
                render(dict(context, page=probe_of(page, one_heading), paperfeed_head=HeadProbe())),
            )
            return None
        del page.meta["template"]
        return self.fill(src, values, lambda: render(context))

    def fill(self, src_uri: str, values: dict[str, str], render: Callable[[], str]) -> tuple[str, bool]:
        """Any other page: its chrome filled with its values and made small (htmlmin), or `render` (the
        theme's, to be made small yet) for a kind without one; and whether the page is its kind's last
        and its fill differs from the theme's render."""
        kind = self.kinds[src_uri]
        chrome = self.chromes.get(kind)
        if chrome is None:
            return render(), False
        page = chrome.small(values)
        self.filled += 1
        if self.last.get(kind) != src_uri:
            return page, False
        # The kind's last page is rendered by the theme too: a value of the page's own that the probe
        # took from the first page would show here, and means the pages between are wrong.
        themed = render()
        return page, themed != chrome.fill(values) or page != htmlmin.minify(themed)

    def fillable(self, src_uri: str, kind: str | None) -> bool:
        """Whether the page is of `kind`, and the kind has a chrome to fill."""
        return self.kinds.get(src_uri) == kind and self.chromes.get(kind or "") is not None

    def made_small(self, src_uri: str) -> bool:
        """Whether `fill` gave the page made small already (filled into its kind's chrome)."""
        kind = self.kinds.get(src_uri)
        return kind is not None and self.chromes.get(kind) is not None and not self.first(src_uri)

    def check_first(self, src_uri: str, output: str) -> bool:
        """The kind's first page, rendered by the theme: its chrome must give it exactly, or the kind goes
        through the theme page by page; whether it did."""
        kind = self.kinds[src_uri]
        chrome = self.chromes.get(kind)
        if chrome is not None and chrome.fill(self.probed[kind][1]) != output:
            self.chromes[kind] = None
            return False
        return True

    def fill_kind(self, kind: str, values: dict[str, str]) -> str:
        """A page of `kind` (which has a chrome) filled and made small: a page MkDocs has not read, written
        by another process (not counted here)."""
        chrome = self.chromes.get(kind)
        if chrome is None:
            raise ValueError(f"{kind}: this kind has no chrome")
        return chrome.small(values)

    def summary(self, elsewhere: int = 0) -> str:
        """The build's line: `elsewhere`, the pages another process filled, which this one has not read."""
        return summary(self.filled + elsewhere, len(self.kinds) + elsewhere, self.chromes)
