"""The trained model on the blind test set: the figures the issue gates on.

The blind set (tests/nlu/blind_test.yml) was written by a helper who saw only the
source page and the topic titles, and is never trained or tuned on. Every message goes
through the full NLU pipeline (emergency detector, answerability check, fallback) and
is scored by the reply the user would get (evaluation/scoring.py). The model is trained
with fixed seeds, so the figures reproduce. Failures show counts only: reading the
blind messages that fail is how a test set stops being blind.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.predict import score_sets
from evaluation.question_sets import blind_test_set, validation_set
from evaluation.scoring import SetScores
from tests.conftest import NLU_SUMMARY

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def scores(trained_model: Path) -> dict[str, SetScores]:
    result, seconds = score_sets(
        trained_model, {"blind test set": blind_test_set(), "validation set": validation_set()}
    )
    NLU_SUMMARY.parent.mkdir(exist_ok=True)
    NLU_SUMMARY.write_text(
        "\n".join(s.summary() for s in result.values())
        + f"\nNLU time per message: {seconds * 1000:.1f} ms\n",
        encoding="utf-8",
    )
    return result


@pytest.fixture(scope="module")
def blind(scores: dict[str, SetScores]) -> dict[str, float]:
    return {name: rate.value for name, rate in scores["blind test set"].figures().items()}


def test_answerable_questions_get_a_right_cited_answer(blind: dict[str, float]) -> None:
    assert blind["answered right and cited"] >= 0.95


def test_unanswerable_questions_are_refused_without_a_citation(blind: dict[str, float]) -> None:
    assert blind["unanswerable refused"] >= 0.95


def test_unanswerable_questions_are_rarely_answered_as_if_they_were(
    blind: dict[str, float],
) -> None:
    assert blind["unanswerable confidently wrong"] <= 0.02


def test_no_emergency_is_missed(blind: dict[str, float]) -> None:
    assert blind["emergencies given urgent advice"] == 1.0


def test_false_emergencies_are_rare(blind: dict[str, float]) -> None:
    assert blind["false emergencies"] <= 0.01


def test_red_flag_mentions_get_their_answer(blind: dict[str, float]) -> None:
    assert blind["red-flag mentions answered"] >= 0.95
    assert blind["red-flag mentions alarmed"] <= 0.02


def test_personal_advice_is_declined(blind: dict[str, float]) -> None:
    assert blind["personal advice declined"] >= 0.95


def test_smalltalk_is_understood(blind: dict[str, float]) -> None:
    assert blind["smalltalk"] >= 0.95
