"""The trained model on the blind test set: the figures the issue gates on.

The blind set (tests/nlu/blind_test.yml) was written by a helper who saw only the
source page and the topic titles, and is never trained or tuned on. Every message goes
through the full NLU pipeline (emergency detector, answerability check, fallback) and
is scored by the reply the user would get (evaluation/scoring.py). Each figure must
hold its floor (evaluation/targets.py: the level reached when it landed); the summary
says which of the issue's goals are met. The model is trained with fixed seeds, so
the figures reproduce. Failures show counts only: reading the
blind messages that fail is how a test set stops being blind.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.predict import score_sets
from evaluation.question_sets import blind_test_set, validation_set
from evaluation.scoring import SetScores
from evaluation.targets import BLIND_TARGETS, Target
from tests.model.conftest import NLU_SUMMARY

pytestmark = [pytest.mark.model, pytest.mark.safety]


@pytest.fixture(scope="module")
def scores(trained_model: Path) -> dict[str, SetScores]:
    result, seconds = score_sets(
        trained_model, {"blind test set": blind_test_set(), "validation set": validation_set()}
    )
    NLU_SUMMARY.parent.mkdir(exist_ok=True)
    blind = result["blind test set"].figures()
    NLU_SUMMARY.write_text(
        "\n".join(s.summary() for s in result.values())
        + "\nblind test set against the goals:\n"
        + "".join(f"  {target.describe(blind[target.figure])}\n" for target in BLIND_TARGETS)
        + f"NLU time per message: {seconds * 1000:.1f} ms\n",
        encoding="utf-8",
    )
    return result


@pytest.mark.parametrize("target", BLIND_TARGETS, ids=lambda target: target.figure)
def test_blind_figure_holds_its_floor(scores: dict[str, SetScores], target: Target) -> None:
    rate = scores["blind test set"].figures()[target.figure]
    assert target.meets_floor(rate), target.describe(rate)
