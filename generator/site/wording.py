"""How the site writes a number of things: "1 paper", "2 papers", "0 papers"."""

from __future__ import annotations


def count(n: int, noun: str, plural: str | None = None) -> str:
    """`n` and the noun, singular for exactly one; `plural` for a noun that does not just take an "s"."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
