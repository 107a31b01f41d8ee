"""The labelled sets are what the issue asks for, and the blind test set stays blind.

The blind set (tests/nlu/blind_test.yml) was written by a helper who saw only the
source page and the topic titles. Nothing may copy it: no blind message, nor a light
rewording of one, may be in the training data or the validation set. This test only
ever prints the other side of a leak, never the blind message itself.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from evaluation.leaks import find_leaks, normalised
from evaluation.question_sets import (
    BLIND_TEST_FILE,
    SMALLTALK_INTENTS,
    LabelledMessage,
    blind_test_set,
    load_set,
    training_examples,
    validation_set,
)
from evaluation.scoring import Rate, SetScores
from evaluation.targets import BLIND_TARGETS, Target
from spine_assistant.components.preamble_augmenter import load_preambles
from spine_assistant.knowledge import Knowledge

pytestmark = pytest.mark.safety


@pytest.fixture(scope="module")
def blind() -> tuple[LabelledMessage, ...]:
    return blind_test_set()


def trained_texts() -> list[str]:
    """The training examples and the preambles that training puts before some of them."""
    return [text for text, _ in training_examples()] + load_preambles()


def test_blind_set_has_the_kinds_of_message_the_issue_asks_for(
    blind: tuple[LabelledMessage, ...],
) -> None:
    expects = Counter(message.expect for message in blind)
    kinds = Counter(kind for message in blind for kind in message.kinds)
    rough = sum(bool(m.kinds & {"shorthand", "typo", "fragment"}) for m in blind)
    assert len(blind) >= 400
    assert expects["not_on_page"] >= 120
    assert expects["emergency"] >= 60
    assert kinds["red_flag_mention"] >= 60
    assert rough >= 60
    assert kinds["long"] >= 40


def test_red_flag_mentions_are_never_labelled_emergencies(
    blind: tuple[LabelledMessage, ...],
) -> None:
    labelled = [m for m in (*blind, *validation_set()) if m.is_red_flag_mention]
    assert labelled
    assert all(message.expect != "emergency" for message in labelled)


def test_every_label_names_real_topics(
    blind: tuple[LabelledMessage, ...], knowledge: Knowledge
) -> None:
    topic_ids = {topic.id for topic in knowledge.topics}
    for message in (*blind, *validation_set()):
        assert set(message.topics) <= topic_ids, message.topics


def test_every_topic_is_asked_about_in_the_blind_set(
    blind: tuple[LabelledMessage, ...], knowledge: Knowledge
) -> None:
    asked = {topic for message in blind for topic in message.topics}
    assert {topic.id for topic in knowledge.topics} <= asked


def test_no_blind_message_is_in_the_training_data(blind: tuple[LabelledMessage, ...]) -> None:
    leaks = find_leaks([m.text for m in blind], trained_texts())
    copies = [f"{leak.similarity:.2f} {leak.other}" for leak in leaks]
    assert not copies, "training lines copying blind messages:\n" + "\n".join(copies)


def test_no_blind_message_is_in_the_validation_set(blind: tuple[LabelledMessage, ...]) -> None:
    leaks = find_leaks([m.text for m in blind], [m.text for m in validation_set()])
    # only the validation side: pytest would print a list of leaks, blind side and all
    copies = [f"{leak.similarity:.2f} {leak.other}" for leak in leaks]
    assert not copies, "validation lines copying blind messages:\n" + "\n".join(copies)


def test_validation_messages_are_not_trained_on() -> None:
    leaks = find_leaks([m.text for m in validation_set()], trained_texts())
    assert not leaks, "\n".join(f"  {leak.protected} ≈ {leak.other}" for leak in leaks)


def test_the_leak_check_catches_copies_and_light_rewordings() -> None:
    protected = ["Which cancers usually spread to the spine?", "does it hurt"]
    others = [
        "which cancers usually spread to the spine",  # copy, other punctuation
        "which cancers usually spread to the spine?!",
        "how is it diagnosed",
    ]
    leaks = find_leaks(protected, others)
    assert [leak.protected for leak in leaks] == ["Which cancers usually spread to the spine?"]
    assert find_leaks(["what are the symptoms"], ["what are the risk factors"]) == []


def test_sets_hold_no_duplicates() -> None:
    for messages in (load_set(BLIND_TEST_FILE), validation_set()):
        counts = Counter(normalised(message.text) for message in messages)
        assert [text for text, count in counts.items() if count > 1] == []


def test_blind_targets_name_real_figures_and_no_floor_lies_beyond_its_goal() -> None:
    figures = SetScores("empty", []).figures()
    for target in BLIND_TARGETS:
        assert target.figure in figures
        assert target.holds(target.goal, target.floor), target


def test_a_floor_fails_a_regression_and_a_goal_reports_the_gap() -> None:
    floor_only = Target("unanswerable refused", goal=0.95, floor=0.80)
    below_floor, between = Rate(79, 100), Rate(85, 100)
    assert not floor_only.meets_floor(below_floor)
    assert floor_only.meets_floor(between) and not floor_only.meets_goal(between)
    assert "goal NOT met" in floor_only.describe(between)
    fewer_is_better = Target("false emergencies", goal=0.01, floor=0.02, higher_is_better=False)
    assert fewer_is_better.meets_floor(Rate(2, 100)) and not fewer_is_better.meets_floor(
        Rate(3, 100)
    )


def test_every_conversational_intent_of_the_domain_counts_as_smalltalk(
    domain: dict[str, Any],
) -> None:
    """A new chit-chat intent (as express_feelings was) must be allowed as a label, and
    a removed one must not linger."""
    not_smalltalk = {"out_of_scope", "personal_advice", "emergency"}
    assert set(domain["intents"]) - not_smalltalk == SMALLTALK_INTENTS
