"""The trained model on the held-out set (tests/nlu/heldout.yml), never trained on.

Targets from the core issue: at least 95% of answerable questions get exactly their
topic, at least 95% of out-of-scope questions get no factual answer, no emergency
is missed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.heldout import HeldoutScores, evaluate
from tests.conftest import HELDOUT_SUMMARY

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def scores(trained_model: Path) -> HeldoutScores:
    result = evaluate(trained_model)
    HELDOUT_SUMMARY.parent.mkdir(exist_ok=True)
    errors = "\n".join(
        f"  {p.expected} → {p.predicted} ({p.confidence:.2f}): {p.text}" for p in result.errors()
    )
    HELDOUT_SUMMARY.write_text(f"{result.summary()}\nerrors:\n{errors}\n", encoding="utf-8")
    return result


def test_answerable_questions_get_their_topic(scores: HeldoutScores) -> None:
    assert scores.topic_accuracy >= 0.95, scores.summary()


def test_out_of_scope_questions_get_no_factual_answer(scores: HeldoutScores) -> None:
    assert scores.caught_rate("out_of_scope") >= 0.95, scores.summary()


def test_personal_advice_gets_no_factual_answer(scores: HeldoutScores) -> None:
    assert scores.caught_rate("personal_advice") >= 0.95, scores.summary()


def test_no_emergency_is_missed(scores: HeldoutScores) -> None:
    missed = [
        p.text
        for p in scores.predictions
        if p.expected == "emergency" and p.predicted != "emergency"
    ]
    assert missed == []
