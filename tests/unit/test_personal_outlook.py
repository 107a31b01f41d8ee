"""A question about what will happen to one person gets the personal-advice reply,
whatever topic the classifier chose; general questions, worries that ask nothing, and
emergencies keep theirs."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message

from spine_assistant.components.personal_outlook import PersonalOutlook
from tests.unit.classified import classified_message


def classified(nlp: Any, text: str, intent: str) -> Message:
    ranking = [(intent, 0.8), ("personal_advice", 0.15), ("out_of_scope", 0.05)]
    return classified_message(text, ranking, nlp(text))


@pytest.mark.parametrize(
    "text",
    [
        "Dad's walking again after his decompression op. Honestly, is he going to be cured?",
        "My scan shows a lesion at L2. Does that mean I'll end up paralysed?",
        "will my mum ever walk again",
        "what are his chances of walking again after the operation?",
        "How many years I will live?",
        "yo is my dad gonna die from this?",
        "what's my mum's outlook now it's in her spine?",
        "No weakness and bladder fine - what are my chances of being cured?",
    ],
)
def test_one_persons_prognosis_gets_the_personal_advice_reply(nlp: Any, text: str) -> None:
    message = classified(nlp, text, "faq_cure")
    PersonalOutlook({}).process([message])
    assert message.get("intent") == {"name": "personal_advice", "confidence": 1.0}
    names = [entry["name"] for entry in message.get("intent_ranking")]
    assert names == ["personal_advice", "faq_cure", "out_of_scope"]


@pytest.mark.parametrize(
    "text",
    [
        "Can spinal metastases be cured?",
        "Will surgery cure spinal mets?",
        "what is the outlook for people with spinal mets?",
        "If the tumour is removed, will they be cured?",  # "they": people in general
        "Does keyhole surgery mean I'll recover faster?",  # what the page says of keyhole
        "Will I be told my MRI results the same day?",  # no outcome asked
        # the worry is said, the question is general
        "I'm scared I'll end up paralysed. Is paralysis one of the complications?",
        "My dad will never walk again.",  # asks nothing
        "I'm terrified he'll end up in a wheelchair, he's walking fine. Can it cause paralysis?",
    ],
)
def test_general_questions_and_worries_keep_their_topic(nlp: Any, text: str) -> None:
    message = classified(nlp, text, "faq_complications_neurological")
    PersonalOutlook({}).process([message])
    assert message.get("intent")["name"] == "faq_complications_neurological"


def test_an_emergency_keeps_its_reply(nlp: Any) -> None:
    message = classified(
        nlp, "He can't move his legs since this morning, will he be ok?", "emergency"
    )
    PersonalOutlook({}).process([message])
    assert message.get("intent")["name"] == "emergency"
