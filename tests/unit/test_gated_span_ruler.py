"""The gated span ruler finds exactly the spans spaCy's span ruler finds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import spacy

from spine_assistant.components.gated_span_ruler import GatedSpanRuler, first_words
from tests.unit.test_emergency_detector import DESCRIBED_EMERGENCIES, MENTIONS

RULERS = ("span_ruler", "context_ruler")
OTHER_TEXTS = [
    "",
    "Legs.",
    "CAN'T WALK!!! since 6am",
    "is it possible to lose bladder control from spinal mets? asking for a friend",
    "no weakness, no numbness, never had any trouble passing urine",
]


@pytest.fixture(scope="module")
def with_spacys_rulers(nlp: Any) -> Any:
    """The project's pipeline with spaCy's own span ruler in place of each gated one."""
    plain = spacy.load(nlp.path)
    for name in RULERS:
        gated = plain.get_pipe(name)
        ruler = plain.replace_pipe(
            name,
            "span_ruler",
            config={"spans_key": gated.key, "phrase_matcher_attr": gated.phrase_matcher_attr},
        )
        ruler.add_patterns(gated.patterns)
    return plain


def spans(doc: Any) -> dict[str, list[tuple[int, int, str, str]]]:
    return {
        key: [(s.start, s.end, s.label_, s.id_) for s in group] for key, group in doc.spans.items()
    }


def test_the_project_pipeline_uses_the_gated_ruler(nlp: Any) -> None:
    assert all(isinstance(nlp.get_pipe(name), GatedSpanRuler) for name in RULERS)


def test_every_span_is_spacys(nlp: Any, with_spacys_rulers: Any) -> None:
    texts = DESCRIBED_EMERGENCIES + MENTIONS + OTHER_TEXTS
    gated, plain = list(nlp.pipe(texts)), list(with_spacys_rulers.pipe(texts))

    assert sum(len(group) for doc in plain for group in doc.spans.values()) > len(texts)
    for text, ours, theirs in zip(texts, gated, plain, strict=False):
        assert spans(ours) == spans(theirs), text


def test_a_saved_ruler_loads_with_its_gates(nlp: Any, tmp_path: Path) -> None:
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    text = "since lunchtime my legs have gone weak and I can't feel the toilet seat"
    doc = loaded(text)

    assert isinstance(loaded.get_pipe("span_ruler"), GatedSpanRuler)
    assert spans(doc) == spans(nlp(text))
    assert any(s.label_ == "RED_FLAG" for s in doc.spans["safety"])


@pytest.mark.parametrize(
    ("pattern", "key"),
    [
        ([{"LOWER": "legs"}, {"LOWER": "weak"}], {("LOWER", "legs")}),
        ([{"lemma": {"IN": ["leg", "foot"]}}], {("LEMMA", "leg"), ("LEMMA", "foot")}),
        ([{"LOWER": "new", "OP": "+"}], {("LOWER", "new")}),
        # a first token that may be missing, or that any word fits, gives no key
        ([{"LOWER": "very", "OP": "?"}, {"LOWER": "weak"}], None),
        ([{"OP": "?"}, {"LOWER": "weak"}], None),
        ([{"LOWER": {"NOT_IN": ["no"]}}, {"LOWER": "weak"}], None),
        ([{"TEXT": {"REGEX": "^[0-4]/5$"}}], None),
        ([{"LIKE_NUM": True}, {"LOWER": "hours"}], None),
    ],
)
def test_a_pattern_is_keyed_by_the_words_its_first_token_needs(
    pattern: list[dict[str, Any]], key: set[tuple[str, str]] | None
) -> None:
    assert first_words(pattern) == (None if key is None else frozenset(key))
