"""Possible spinal cord compression wins over any other intent."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from extensions.emergency_detector import EmergencyDetector, describes_emergency

DESCRIBED_EMERGENCIES = [
    "I can't walk",
    "cant feel my legs",
    "my legs are getting weaker and weaker",
    "My dad's legs gave way this morning",
    "mum lost control of her bladder last night",
    "he has wet himself and doesn't know it",
    "numb between my legs",
    "my husband has numbness in his groin and bottom",
    "sudden severe back pain, I have breast cancer",
    "She cannot stand up since yesterday",
    "my legs went weak, also what is an MRI for?",
    "weakness in both legs",
    "I haven't been able to pee since this morning",
    "loss of bladder control",
]

GENERAL_QUESTIONS = [
    "is loss of bladder control a symptom?",
    "can it cause weakness in the legs?",
    "what are the symptoms",
    "can you walk after keyhole surgery?",
    "is numbness a symptom?",
    "does it cause back pain?",
    "hello",
    "how is it diagnosed",
]


def doc(nlp: Any, text: str) -> Any:
    return nlp(text.lower())  # SpacyNLP lowercases (case_sensitive: false)


@pytest.mark.parametrize("text", DESCRIBED_EMERGENCIES)
def test_described_red_flags_are_emergencies(nlp: Any, text: str) -> None:
    assert describes_emergency(doc(nlp, text))


@pytest.mark.parametrize("text", GENERAL_QUESTIONS)
def test_general_questions_are_left_to_the_classifier(nlp: Any, text: str) -> None:
    assert not describes_emergency(doc(nlp, text))


def message(nlp: Any, text: str, intent: str, confidence: float) -> Message:
    msg = Message(data={TEXT: text})
    msg.set(SPACY_DOCS[TEXT], doc(nlp, text))
    msg.set("intent", {"name": intent, "confidence": confidence})
    msg.set(
        "intent_ranking",
        [{"name": intent, "confidence": confidence}, {"name": "emergency", "confidence": 0.1}],
    )
    return msg


def test_detector_overrides_a_factual_intent(nlp: Any) -> None:
    msg = message(nlp, "my legs went weak, what is an MRI?", "faq_mri", 0.9)

    EmergencyDetector().process([msg])

    assert msg.get("intent") == {"name": "emergency", "confidence": 1.0}
    ranking = [entry["name"] for entry in msg.get("intent_ranking")]
    assert ranking == ["emergency", "faq_mri"]


def test_detector_leaves_other_messages_alone(nlp: Any) -> None:
    msg = message(nlp, "what is an MRI?", "faq_mri", 0.9)

    EmergencyDetector().process([msg])

    assert msg.get("intent") == {"name": "faq_mri", "confidence": 0.9}


def test_detector_copes_with_a_message_without_doc() -> None:
    msg = Message(data={TEXT: ""})

    EmergencyDetector().process([msg])

    assert msg.get("intent") is None
