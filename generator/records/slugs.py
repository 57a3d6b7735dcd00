"""Slugs: the pattern of a paper's and a tag's slug, the names they may not take, and making one from text."""

from __future__ import annotations

import re
import unicodedata

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")
TAG_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,49}$")
# Slugs whose page would land on a generated one: papers/index.md is MkDocs' page of papers/ itself, and
# tags/index.md is the tags index.
RESERVED_SLUGS = frozenset({"index"})
RESERVED_TAG_SLUGS = frozenset({"index"})
SLUG_MAX = 60  # the longest slug `paperfeed new` makes from a title (a hand-written one may be longer)
# Letters that Unicode does not decompose into an ASCII letter plus accents, so NFKD alone would drop them;
# Greek letters by name, as titles use them (β-VAE, μP).
_GREEK = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau"
_GREEK += " upsilon phi chi psi omega"
_TRANSLITERATE = str.maketrans(
    {"æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "\u0131": "i", "ς": "sigma"}
    | dict(zip("αβγδεζηθικλμνξοπρστυφχψω", _GREEK.split(), strict=True))
)


def hyphenate(text: str, limit: int | None = None) -> str:
    """ASCII lowercase words of `text` joined by hyphens, cut at a word boundary to `limit` characters.

    The one way text becomes a slug: of a title, of a file name or tag that breaks the slug rules (the
    fix a problem line suggests), of an arXiv id. It may be empty, or too short for a paper's slug.
    """
    letters = unicodedata.normalize("NFKD", text.casefold().translate(_TRANSLITERATE))
    ascii_text = letters.encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.replace("'", "")).strip("-")  # what's -> whats
    if limit is not None and len(slug) > limit:
        # No hyphen ends the cut: a run of them is one, so one at `cut` follows a letter or digit.
        cut = slug[: limit + 1].rfind("-")
        slug = slug[: cut if cut > 0 else limit]
    return slug


def slugify(title: str, limit: int = SLUG_MAX) -> str:
    """A paper's slug from its title: `hyphenate`, made up to the two characters a slug needs at least."""
    slug = hyphenate(title, limit)
    if len(slug) < 2:  # a title of one letter, or of none in ASCII
        slug = f"{slug}-paper" if slug else "paper"
    return slug
