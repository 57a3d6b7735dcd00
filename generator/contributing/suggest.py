"""Suggest tags of the vocabulary for a paper, by the words its title and abstract share with each tag.

The rule fits in two sentences, so a contributor can see why a tag was suggested. A tag is suggested when
the paper names it: its name or slug appears as a phrase ("state space models"), or the initials of a
multi-word slug appear in capitals ("SSM"). When more than LIMIT tags are named, those whose description
shares the most words with the paper come first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.model import Tag

LIMIT = 3

# Words that join a name's words ("Benchmarks and evaluation") and never make a phrase on their own.
_FUNCTION_WORDS = """
    a about across after all also alongside an and any are as at be been being beyond both but by can do
    does each either for from has have how in including into is it its many more most much not of on one
    or other our out over own same several so some such than that the their them then there these they
    this those through to towards under up use used uses using very via was we well were what when where
    which while who why will with within without you
"""
# ...and the words every machine-learning abstract and tag description uses, which tell no topic apart.
_GENERIC_WORDS = """
    paper papers work study model method approach propose proposed present show result task performance
    data learn learned learning different make new novel various existing based
"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())
STOPWORDS = FUNCTION_WORDS | frozenset(_GENERIC_WORDS.split())


@dataclass(frozen=True)
class Suggestion:
    """A tag, the words that named it in the paper, and the other words of its description the paper uses."""

    tag: str
    named: str
    words: tuple[str, ...]

    def __str__(self) -> str:
        also = f"; also {', '.join(self.words)}" if self.words else ""
        return f"{self.tag} (named '{self.named}'{also})"


def stem(word: str) -> str:
    """Lowercase and singular, roughly: enough for 'transformers' to meet 'transformer'."""
    word = word.lower()
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """The text's words, stemmed, in order."""
    return [stem(t) for t in re.findall(r"[a-z0-9]+", text.lower())]


def topic_words(text: str) -> list[str]:
    """The words of a text that can tell a topic, once each, in order of first use."""
    found = dict.fromkeys(
        t for t in tokens(text) if t not in STOPWORDS and not t.isdigit() and (len(t) > 2 or t[0].isdigit())
    )
    return list(found)


def _phrases(tag: Tag) -> list[tuple[str, ...]]:
    """The word sequences that name a tag: its slug and its name, without joining words."""
    found: dict[tuple[str, ...], None] = {}
    for text in (tag.slug.replace("-", " "), tag.name):
        phrase = tuple(t for t in tokens(text) if t not in FUNCTION_WORDS)
        if phrase:
            found.setdefault(phrase, None)
    return list(found)


def _initials(tag: Tag) -> str | None:
    parts = [p for p in tag.slug.split("-") if p not in FUNCTION_WORDS]
    return "".join(p[0] for p in parts).upper() if len(parts) >= 2 else None


def _named(text: str, words: list[str], tag: Tag) -> str | None:
    """How the paper names the tag, or None."""
    for phrase in _phrases(tag):
        size = len(phrase)
        if any(tuple(words[i : i + size]) == phrase for i in range(len(words) - size + 1)):
            return " ".join(phrase)
    initials = _initials(tag)
    if initials and re.search(rf"\b{initials}s?\b", text):
        return initials
    return None


def suggest(title: str, abstract: str, tags: dict[str, Tag], limit: int = LIMIT) -> list[Suggestion]:
    """The tags the paper names, at most `limit`, those sharing the most description words first."""
    text = f"{title}\n{abstract}"
    words = tokens(text)
    used = set(topic_words(text))
    found = []
    for tag in tags.values():
        named = _named(text, words, tag)
        if named is None:
            continue
        also = tuple(w for w in topic_words(tag.description) if w in used and w not in named.split())
        found.append(Suggestion(tag.slug, named, also))
    return sorted(found, key=lambda s: (-len(s.words), s.tag))[:limit]
