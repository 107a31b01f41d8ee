"""A question asking what one of the page's spelt-out abbreviations means goes to the
topic that spells it out, with the abbreviation as its entity; other mentions of it,
and abbreviations the page never spells out, are left to the classifier."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message

from spine_assistant.components.expansion_router import ExpansionReader, ExpansionRouter
from spine_assistant.knowledge import Knowledge, Lexicon
from spine_assistant.knowledge.topics import ABBREVIATION_ENTITY
from tests.unit.classified import classified_message

SPELT_OUT = re.compile(r"\(([A-Za-z0-9]{2,10})\)")


def parsed(nlp: Any, text: str, intent: str) -> Message:
    ranking = [(intent, 0.6), ("faq_study_sbrt", 0.3), ("faq_clinical_trials", 0.1)]
    return classified_message(text, ranking, nlp(text), entities=[])


@pytest.mark.parametrize(
    ("text", "topic", "value"),
    [
        ("What does MSCC stand for in the prostate study?", "study_prostate_surgery", "MSCC"),
        ("MSCC - full term please", "study_prostate_surgery", "MSCC"),
        ("Relatives ask what 'MESCC' means on the page.", "study_sbrt", "MESCC"),
        ("what is SBRT?", "study_sbrt", "SBRT"),
        ("3DCRT, what's that?", "study_sbrt", "3DCRT"),
        ("In the surgery study, what's PC short for?", "study_prostate_surgery", "PC"),
        ("what does NF2 stand for", "risk_genetic", "NF2"),
        ("SBRT acronym?", "study_sbrt", "SBRT"),
        (
            "Dad's letter says MSCC. What do those letters stand for?",
            "study_prostate_surgery",
            "MSCC",
        ),
    ],
)
def test_asking_what_it_stands_for_goes_to_the_topic_that_spells_it_out(
    nlp: Any, text: str, topic: str, value: str
) -> None:
    message = parsed(nlp, text, "out_of_scope")
    ExpansionRouter({}).process([message])
    assert message.get("intent") == {"name": f"faq_{topic}", "confidence": 1.0}
    names = [entry["name"] for entry in message.get("intent_ranking")]
    assert names[0] == f"faq_{topic}"
    assert "out_of_scope" not in names
    (entity,) = message.get("entities")
    assert entity["entity"] == ABBREVIATION_ENTITY
    assert entity["value"] == value
    assert text[entity["start"] : entity["end"]].upper() == value


@pytest.mark.parametrize(
    "text",
    [
        "what did the MSCC study find?",
        "is SBRT better than surgery?",
        "what does mHNPC stand for?",  # the page never spells it out
        "what does the SBRT study involve for patients?",
        "The SBRT pilot sounds hopeful. What does it involve?",
        "His letter mentions SBRT. What does mHNPC stand for?",
    ],
)
def test_other_questions_are_left_alone(nlp: Any, text: str) -> None:
    message = parsed(nlp, text, "faq_clinical_trials")
    ExpansionRouter({}).process([message])
    assert message.get("intent")["name"] == "faq_clinical_trials"
    assert message.get("entities") == []


@pytest.mark.parametrize("intent", ["emergency", "personal_advice"])
def test_emergencies_and_personal_advice_keep_their_reply(nlp: Any, intent: str) -> None:
    message = parsed(nlp, "what does MSCC stand for", intent)
    ExpansionRouter({}).process([message])
    assert message.get("intent")["name"] == intent


def test_a_question_read_as_a_request_for_help_is_routed(nlp: Any) -> None:
    message = parsed(nlp, "MSCC - full term please", "help")
    ExpansionRouter({}).process([message])
    assert message.get("intent")["name"] == "faq_study_prostate_surgery"


def test_every_abbreviation_the_page_spells_out_is_explained(
    knowledge: Knowledge, lexicon: Lexicon
) -> None:
    reader = ExpansionReader(knowledge, lexicon)
    spelt_out = {found.lower() for found in SPELT_OUT.findall(knowledge.source_text())}
    assert spelt_out == set(reader.topics)


def test_each_expansion_detail_quotes_the_page_spelling_it_out(knowledge: Knowledge) -> None:
    for topic in knowledge.topics:
        for detail in topic.details:
            if detail.entity == ABBREVIATION_ENTITY:
                assert f"({detail.value})" in detail.quote
                assert detail.answer.count(detail.value) >= 1
