"""Wordings of one missing question land in one group; different questions do not.

The paraphrases here are not those the threshold was tuned on (spine_assistant/review/
evaluation/review_grouping.py), so this also checks the threshold on questions it has not seen.
"""

from __future__ import annotations

import pytest

from spine_assistant.components.sentence_encoder import SentenceEncoder, load_encoder
from spine_assistant.review.analysis import build_report
from spine_assistant.review.grouping import ENCODER_DIR, Vector, cluster_labels, training_centre
from tests.unit.test_review_report import PERIOD, TODAY, Script, at

MASSAGE = [
    "is it safe to have a massage with spinal metastases",
    "can I get a massage if I have cancer in my spine",
    "would a back massage be ok with spine mets",
    "massage therapy with a spinal tumour, is it allowed?",
    "Is massage OK for someone with metastatic spine cancer",
    "can my physio massage my back if I have spinal metastases",
]
OTHERS = [
    "how much does the treatment cost",
    "can I drive after the operation",
    "will it rain tomorrow",
    "which vitamins should I take",
    "is the hospital car park free",
    "can I have a bath after spine surgery",
]


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    if not (ENCODER_DIR / "model.safetensors").exists():
        pytest.fail("sentence encoder missing: run `make encoder` (make test installs it)")
    return load_encoder(ENCODER_DIR)


@pytest.fixture(scope="module")
def centre(encoder: SentenceEncoder) -> Vector:
    return training_centre()


def test_paraphrases_share_a_group_and_other_questions_do_not(
    encoder: SentenceEncoder, centre: Vector
) -> None:
    labels = cluster_labels(MASSAGE + OTHERS, encoder, centre)
    massage, others = labels[: len(MASSAGE)], labels[len(MASSAGE) :]

    assert len(set(massage)) == 1
    assert massage[0] not in others
    assert len(set(others)) == len(OTHERS)


def test_case_and_spacing_do_not_make_another_wording(encoder: SentenceEncoder) -> None:
    labels = cluster_labels(["Can I drive?", "can  i DRIVE?", "will it rain"], encoder)
    assert labels[0] == labels[1] != labels[2]
    assert cluster_labels([], encoder) == []
    assert cluster_labels(["only one"], encoder) == [0]


def test_forty_askings_of_one_question_are_one_row(
    encoder: SentenceEncoder, centre: Vector
) -> None:
    script = Script(at(4, 10))
    for n in range(40):
        script.refuse(MASSAGE[n % len(MASSAGE)], "faq_treatment")
    for text in OTHERS[:3]:
        script.refuse(text, "faq_definition")

    report = build_report(
        {"visitor": script.events},
        PERIOD,
        TODAY,
        lambda texts: cluster_labels(texts, encoder, centre),
        threshold=0.4,
    )

    assert [group.count for group in report.groups] == [40, 1, 1, 1]
    top = report.groups[0]
    assert len(top.examples(3)) == 3 and set(top.examples(None)) == set(MASSAGE)
    assert top.suggested == "faq_treatment"
