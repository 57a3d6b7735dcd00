"""Related papers: the feed's papers nearest to each by their words and tags, the same on every build."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import records
from generator.model import Feed, Paper, Tag
from generator.site import related

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "fixtures" / "small" / "content"
MAMBA_ARXIV = "2312.00752"
SSM_TAG = "state-space-models"
TAGS = {slug: Tag(slug, slug) for slug in ("ssm", "vision", "robots", "x")}


def paper(slug: str, title: str, abstract: str, tags: tuple[str, ...] = ("x",), day: int = 14) -> Paper:
    return Paper(slug=slug, title=title, date=dt.date(2025, 3, day), tags=tags, abstract=abstract)


def test_a_papers_nearest_are_those_that_share_its_rare_words_and_tags() -> None:
    feed = Feed.of(
        [
            paper(
                "mamba",
                "Selective state spaces",
                "A selective scan over state spaces in linear time.",
                ("ssm",),
            ),
            paper("s4", "Structured state spaces", "Diagonal state spaces for long sequences.", ("ssm",)),
            paper(
                "vim", "Vision with state spaces", "A bidirectional scan of image patches.", ("ssm", "vision")
            ),
            paper("vit", "Vision transformers", "Image patches through attention.", ("vision",)),
            paper("robot", "Robot arms", "Grasping cups from video.", ("robots",)),
        ],
        TAGS,
    )
    found = related.related(feed)
    # ViM shares "scan" with it besides the state spaces and the tag; the robot and ViT papers share nothing.
    assert found["mamba"] == ("vim", "s4")
    assert found["vit"] == ("vim",)
    assert found["robot"] == ()  # nothing in common with anyone: no list at all
    assert all(slug not in found[slug] for slug in found)


def test_at_most_five_and_ties_go_to_the_paper_first_in_the_feed() -> None:
    # Seven identical neighbours of the first paper, on different days: equal scores, newest first wins.
    twins = [
        paper(f"twin-{d}", "Sparse probes", "Sparse probes of world models.", day=d) for d in range(1, 8)
    ]
    feed = Feed.of([paper("probe", "Sparse probes", "Sparse probes of world models.", day=9), *twins], TAGS)
    assert related.related(feed)["probe"] == ("twin-7", "twin-6", "twin-5", "twin-4", "twin-3")
    assert related.related(feed, limit=2)["probe"] == ("twin-7", "twin-6")


def test_common_english_words_and_numbers_relate_nothing() -> None:
    feed = Feed.of(
        [
            paper("a", "The paper of 2025", "We show that this is what we propose, with results, in 2025."),
            paper(
                "b", "A paper for 2025", "We present the results of what we show, and that is all, in 2025."
            ),
        ],
        TAGS,
    )
    # Their only shared words are stop words, numbers and the tag x, which each paper has (no word, then).
    assert related.related(feed) == {"a": ("b",), "b": ("a",)}  # the shared tag alone
    untagged = Feed.of([dataclasses.replace(p, tags=(f"t{i}",)) for i, p in enumerate(feed.papers)], {})
    assert related.related(untagged) == {"a": (), "b": ()}


def test_an_empty_feed_and_a_paper_alone_have_no_related_papers() -> None:
    assert related.related(Feed.of([], TAGS)) == {}
    assert related.related(Feed.of([paper("only", "One", "Alone.")], TAGS)) == {"only": ()}


def test_the_lists_are_the_same_whatever_order_the_records_are_read_in() -> None:
    feed = records.load_feed(SMALL)
    shuffled = list(feed.papers)
    random.Random(7).shuffle(shuffled)
    assert related.related(Feed.of(shuffled, feed.tags)) == related.related(feed)


def test_the_fixtures_state_space_papers_are_each_others_nearest() -> None:
    found = related.related(records.load_feed(SMALL))
    ssm = {"selective-state-spaces-at-scale", "structured-state-space-survey", "mamba-for-images"}
    # Each one's two fellows come among its first three (the scale paper shares "linear time" with one more).
    for slug in ssm:
        assert set(found[slug][:3]) >= ssm - {slug}, (slug, found[slug])
    assert all(len(papers) <= 5 for papers in found.values())


def nearest_by_every_pair(feed: Feed, limit: int) -> dict[str, tuple[str, ...]]:
    """The lists as the module promises them, from every pair's score: the best above 0, ties to the first."""
    vectors = related._weights(feed.papers).toarray()
    scores = np.round(vectors @ vectors.T, 9)
    found = {}
    for i, paper in enumerate(feed.papers):
        ranked = sorted((-scores[i, j], j) for j in range(len(feed.papers)) if j != i and scores[i, j] > 0)
        found[paper.slug] = tuple(feed.papers[j].slug for _, j in ranked[:limit])
    return found


WORDS = ("scan", "state", "spaces", "vision", "patches", "robot", "grasp", "video", "diffusion", "noise")


@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(WORDS), min_size=1, max_size=4),
            st.lists(st.sampled_from(WORDS), max_size=6),
            st.lists(st.sampled_from(sorted(TAGS)), min_size=1, max_size=2, unique=True),
        ),
        max_size=12,
    ),
    st.integers(1, 6),
    st.sampled_from([1, 2, 5, related.BLOCK]),
)
def test_the_lists_are_those_every_pairs_score_gives_whatever_the_blocks(
    drawn: list[tuple[list[str], list[str], list[str]]], limit: int, block: int
) -> None:
    # Few words, so that many scores tie; blocks of a few papers, so that a paper's row is in any block.
    papers = [
        paper(f"p{n}", " ".join(title), " ".join(abstract), tuple(tags), day=1 + n % 28)
        for n, (title, abstract, tags) in enumerate(drawn)
    ]
    feed = Feed.of(papers, TAGS)
    with mock.patch.object(related, "BLOCK", block):
        assert related.related(feed, limit=limit) == nearest_by_every_pair(feed, limit)


@pytest.mark.content
def test_mambas_related_papers_are_state_space_papers_of_the_feed() -> None:
    feed = records.load_feed(ROOT / "content")
    mamba = next((p for p in feed.papers if (p.arxiv or "").startswith(MAMBA_ARXIV)), None)
    if mamba is None:
        pytest.skip(f"arXiv {MAMBA_ARXIV} (Mamba) is not in content/: nothing to compare")
    others = [p for p in feed.papers if SSM_TAG in p.tags and p is not mamba]
    if SSM_TAG not in mamba.tags or len(others) < 2:
        pytest.skip(f"content/ has Mamba but not two other papers tagged {SSM_TAG}")
    found = related.related(feed)[mamba.slug]
    by_slug = feed.by_slug()
    tagged = [slug for slug in found if SSM_TAG in by_slug[slug].tags]
    assert len(tagged) >= min(3, len(others)), [by_slug[s].title for s in found]
