"""BibTeX for the papers: each paper's entry, with a citation key unique across the feed and stable.

A key is the first author's family name, the year of the first version and the first significant word of
the title (`gu2023mamba`), in ASCII. Keys are handed out in the order papers entered the feed (by `date`,
then slug), and a key already taken gets a letter suffix (`gu2023mambab`, then `...c`): a paper added
later never changes the key of one before it. (Two papers of the same day are ordered by slug, so a
paper added afterwards to a day already published, with a slug that sorts first, takes the plain key of
that day's paper; give such a paper a later `date`.)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from generator.arxiv_ids import arxiv_base
from generator.data import paperlinks
from generator.model import Feed, Paper

# Words that say nothing of a paper's subject, skipped when a key takes the title's first significant word.
SKIPPED_WORDS = frozenset(
    """
    a an the and or nor but of on in into onto for to from with without within by at as via per over
    under about above across after against along among around before behind below beneath beside
    between beyond during except inside near off out outside past since than through toward towards
    until up upon is are was were be been being do does did can could should would will shall may
    might must what which who whom whose when where why how this that these those it its we our you
    your their not no yes all any some
    """.split()  # noqa: SIM905 (a list of 100 quoted words reads worse)
)
# Letters that Unicode does not decompose into an ASCII letter and a mark (NFKD leaves them whole).
_ASCII_LETTERS = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th",
     "ß": "ss", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "\u0131": "i", "ħ": "h", "Ħ": "H"}
)  # fmt: skip
# Name suffixes that are not a family name ("Martin Luther King Jr.").
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_NEW_ARXIV = re.compile(r"^([0-9]{2})([0-9]{2})\.[0-9]{4,5}")
_OLD_ARXIV = re.compile(r"^[a-z][a-z-]*(?:\.[A-Z]{2})?/([0-9]{2})[0-9]{5}")
_LIGATURE = re.compile(r"([-`'])(?=\1)")
_NEEDS_ESCAPE = re.compile(r"[{}&%$#_~^\\]|--|``|''")
_AND = re.compile(r"\band\b", re.IGNORECASE)  # in a name, which BibTeX would split there
# What LaTeX reads as markup in a value, and what it writes them as.
_SPECIALS = {
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "\\": r"\textbackslash{}",
}


def arxiv_id(paper: Paper) -> str | None:
    """The paper's arXiv id without its version: a citation names the paper, not one version of it."""
    return arxiv_base(paper.arxiv) if paper.arxiv else None


def year(paper: Paper) -> int | None:
    """The year of the first version: from `published`, else from the arXiv id's yymm, else unknown."""
    if paper.published:
        return paper.published.year
    if paper.arxiv:
        new = _NEW_ARXIV.match(paper.arxiv)
        yy = int(new.group(1)) if new else None
        old = _OLD_ARXIV.match(paper.arxiv) if yy is None else None
        if old:
            yy = int(old.group(1))
            # Old-style ids ran from 1991 (91) to March 2007 (07).
            return (1900 if yy >= 91 else 2000) + yy
        if yy is not None:
            return 2000 + yy  # new-style ids began in April 2007
    return None


def ascii_word(text: str) -> str:
    """Letters and digits of the text, accents and other marks dropped, in lower case."""
    folded = unicodedata.normalize("NFKD", text.translate(_ASCII_LETTERS))
    return re.sub(r"[^a-z0-9]", "", folded.encode("ascii", "ignore").decode().lower())


def family_name(author: str) -> str:
    """The last word of a name, as written in a record ("Given Family"), skipping Jr. and the like."""
    words = author.split()
    while len(words) > 1 and ascii_word(words[-1]) in _SUFFIXES:
        words.pop()
    return ascii_word(words[-1]) if words else ""


def title_word(title: str) -> str:
    """The title's first word that is not in SKIPPED_WORDS, in ASCII ("" if there is none)."""
    for word in re.split(r"[\s\-/:]+", title):
        folded = ascii_word(word)
        if folded and folded not in SKIPPED_WORDS:
            return folded
    return ""


def base_key(paper: Paper) -> str:
    """The key before any suffix: family name, year, title word; "paper" if all three are unknown."""
    family = family_name(paper.authors[0]) if paper.authors else ""
    when = year(paper)
    return f"{family}{when or ''}{title_word(paper.title)}" or "paper"


def _suffix(n: int) -> str:
    """The n-th suffix (n >= 1): b, c, ..., z, ba, bb, ...; base 26 without a leading a, so all differ."""
    letters = ""
    while n:
        n, digit = divmod(n, 26)
        letters = chr(ord("a") + digit) + letters
    return letters


def entry_order(papers: Iterable[Paper]) -> list[Paper]:
    """The papers in the order they entered the feed: by date, then slug."""
    return sorted(papers, key=lambda p: (p.date, p.slug))


def citation_keys(feed: Feed, bases: dict[Paper, str] | None = None) -> dict[str, str]:
    """Every paper's key, by slug: taken in the order papers entered the feed, so earlier keys never move.
    `bases` keeps each paper's base key from one call to the next (`paperfeed serve`'s rebuilds)."""
    keys: dict[str, str] = {}
    taken: set[str] = set()
    tried: dict[str, int] = {}  # the last suffix tried for a base key, so a big family takes linear time
    made: dict[Paper, str] = {}
    for paper in entry_order(feed.papers):
        base = made[paper] = bases[paper] if bases and paper in bases else base_key(paper)
        key = base
        n = tried.get(base, 0)
        while key in taken:
            n += 1
            key = base + _suffix(n)
        tried[base] = n
        taken.add(key)
        keys[paper.slug] = key
    if bases is not None:
        bases.clear()
        bases.update(made)
    return keys


def tex(text: str) -> str:
    """Text as a BibTeX value: LaTeX's specials escaped. Braces that pair up are escaped; a brace without its
    pair is spelled out, since BibTeX counts braces even after a backslash (an odd one ends the value)."""
    if not _NEEDS_ESCAPE.search(text):
        return text
    paired: set[int] = set()
    opened: list[int] = []
    for i, char in enumerate(text):
        if char == "{":
            opened.append(i)
        elif char == "}" and opened:
            paired.update((opened.pop(), i))
    out = []
    for i, char in enumerate(text):
        if char in "{}" and i in paired:
            out.append("\\" + char)
        elif char in "{}":
            out.append(r"\textbraceleft{}" if char == "{" else r"\textbraceright{}")
        else:
            out.append(_SPECIALS.get(char, char))
    # LaTeX reads -- and --- as dashes and `` and '' as curly quotes: an empty group keeps each as typed.
    return _LIGATURE.sub(r"\1{}", "".join(out))


def _url(url: str) -> str:
    """A URL as a BibTeX value: verbatim (the url field is not LaTeX), braces and backslashes encoded."""
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def _author(name: str) -> str:
    """One name of the author list; braced when BibTeX would split it ("and") or reorder it (a comma)."""
    value = tex(name)
    if "," in name or _AND.search(name):
        return "{" + value + "}"
    return value


def bibtex(paper: Paper, key: str) -> str:
    """The paper's @misc entry: arXiv's fields when it has an id, else what the record gives."""
    fields = [("title", "{" + tex(paper.title) + "}")]
    if paper.authors:
        fields.append(("author", " and ".join(_author(a) for a in paper.authors)))
    when = year(paper)
    if when:
        fields.append(("year", str(when)))
    eprint = arxiv_id(paper)
    if eprint:
        fields += [("eprint", eprint), ("archivePrefix", "arXiv"), ("url", paperlinks.arxiv_abs(eprint))]
    else:
        own = {link.label: link.url for link in paper.links}
        url = own.get("pdf") or own.get("project")
        if url:
            fields.append(("url", _url(url)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}"


def bibliography(papers: Iterable[Paper], keys: dict[str, str]) -> str:
    """Entries of the papers, in the given order, each followed by a blank line."""
    return "".join(bibtex(paper, keys[paper.slug]) + "\n\n" for paper in papers)
