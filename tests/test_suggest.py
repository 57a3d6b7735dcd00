"""Tag suggestions: a tag is suggested when the paper names it; description words rank the named ones."""

from __future__ import annotations

from generator.contributing.suggest import stem, suggest, topic_words
from generator.model import Tag

TAGS = {
    t.slug: t
    for t in (
        Tag("benchmarks", "Benchmarks and evaluation", "Papers that introduce a benchmark or an evaluation."),
        Tag("reinforcement-learning", "Reinforcement learning", "Agents that learn from reward."),
        Tag(
            "state-space-models", "State space models", "Structured state space models such as S4 and Mamba."
        ),
        Tag("transformers", "Transformers", "The Transformer architecture and its attention mechanism."),
        Tag("video", "Video", "Video generation and prediction."),
        Tag("world-models", "World models", "Learned models of an environment that let an agent plan."),
    )
}


def tags_of(title: str, abstract: str = "") -> list[str]:
    return [s.tag for s in suggest(title, abstract, TAGS)]


def test_the_name_as_a_phrase_names_a_tag() -> None:
    assert tags_of("Structured State Space Models for long sequences") == ["state-space-models"]


def test_plurals_meet_singulars() -> None:
    assert tags_of("A Transformer for everything") == ["transformers"]
    assert tags_of("Benchmarking is not enough", "We release a benchmark.") == ["benchmarks"]


def test_words_of_the_name_apart_do_not_name_it() -> None:
    assert tags_of("The state of the art in space travel", "Models of rockets.") == []


def test_description_words_alone_do_not_name_a_tag() -> None:
    assert tags_of("Mamba", "A structured model with attention and an architecture for agents.") == []


def test_initials_in_capitals_name_a_multi_word_tag() -> None:
    assert tags_of("Offline RL at scale") == ["reinforcement-learning"]
    assert tags_of("SSMs are fast") == ["state-space-models"]
    assert tags_of("ssm and rl in lowercase are other words") == []
    assert tags_of("WMs") == ["world-models"]


def test_function_words_of_a_name_are_skipped() -> None:
    assert tags_of("A new benchmark evaluation suite") == ["benchmarks"]


def test_ranking_is_by_shared_description_words_then_slug() -> None:
    found = suggest(
        "Video world models with Transformers and state space models",
        "A structured state space model (Mamba) plans in an environment for an agent; the Transformer "
        "architecture and its attention mechanism.",
        TAGS,
    )
    assert [str(s) for s in found] == [
        "transformers (named 'transformer'; also architecture, attention, mechanism)",
        "world-models (named 'world model'; also environment, agent, plan)",
        "state-space-models (named 'state space model'; also structured, mamba)",
    ]
    assert len(suggest("Video", "", TAGS, limit=1)) == 1


def test_a_named_tag_without_other_words_prints_plainly() -> None:
    assert [str(s) for s in suggest("Video diffusion", "", TAGS)] == ["video (named 'video')"]


def test_stems_and_topic_words() -> None:
    assert [stem(w) for w in ("Transformers", "studies", "loss", "corpus", "analysis", "gas")] == [
        "transformer",
        "study",
        "loss",
        "corpus",
        "analysis",
        "gas",
    ]
    assert topic_words("We propose 3D models of the data, 2025 results and 3D scenes") == ["3d", "scene"]
