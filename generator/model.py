"""The feed's data model: frozen dataclasses for papers, tags and the whole feed; no I/O."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Tag:
    """One entry of the tag vocabulary (`content/tags.yml`)."""

    slug: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class Link:
    """A labelled http(s) link of a paper, such as its code repository."""

    label: str
    url: str


@dataclass(frozen=True)
class Paper:
    """One paper record; `slug` is its file stem and permanent URL."""

    slug: str
    title: str
    date: dt.date
    tags: tuple[str, ...]
    abstract: str
    authors: tuple[str, ...] = ()
    arxiv: str | None = None
    published: dt.date | None = None
    links: tuple[Link, ...] = ()
    submitted_by: str | None = None
    upvotes: int = 0
    source: str = ""

    @property
    def arxiv_url(self) -> str | None:
        return f"https://arxiv.org/abs/{self.arxiv}" if self.arxiv else None

    @property
    def pdf_url(self) -> str | None:
        return f"https://arxiv.org/pdf/{self.arxiv}" if self.arxiv else None


def feed_order_key(paper: Paper) -> tuple[int, int, str, str]:
    """Newest day first; within a day, most upvotes first, then title, then slug (stable)."""
    return (-paper.date.toordinal(), -paper.upvotes, paper.title.casefold(), paper.slug)


@dataclass(frozen=True)
class Feed:
    """The whole content: papers in feed order (newest first) and the tag vocabulary."""

    papers: tuple[Paper, ...]
    tags: dict[str, Tag] = field(default_factory=dict)

    @classmethod
    def of(cls, papers: list[Paper] | tuple[Paper, ...], tags: dict[str, Tag]) -> Feed:
        """Build a feed, putting the papers in feed order."""
        return cls(tuple(sorted(papers, key=feed_order_key)), dict(sorted(tags.items())))

    def by_slug(self) -> dict[str, Paper]:
        return {p.slug: p for p in self.papers}

    def by_tag(self) -> dict[str, list[Paper]]:
        """Each tag of the vocabulary, in its order, with its papers in feed order (none: an empty list):
        the one grouping of papers by tag, made in one pass over the feed."""
        tagged: dict[str, list[Paper]] = {slug: [] for slug in self.tags}
        for paper in self.papers:
            for slug in paper.tags:
                if slug in tagged:
                    tagged[slug].append(paper)
        return tagged

    def papers_tagged(self, tag: str) -> list[Paper]:
        return self.by_tag().get(tag, [])
