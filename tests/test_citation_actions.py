"""action_cite_source and action_repeat_citation with rasa-sdk's Tracker and dispatcher."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.citation import ActionCiteSource, ActionRepeatCitation
from knowledge import Knowledge, load_knowledge
from tests.conftest import make_tracker

TOPICS = load_knowledge().topics


def slots_set(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


@pytest.mark.parametrize("topic", TOPICS, ids=[t.id for t in TOPICS])
async def test_every_answer_gets_its_citation(
    topic, knowledge: Knowledge, dispatcher: CollectingDispatcher
) -> None:
    events = await ActionCiteSource().run(dispatcher, make_tracker(topic.intent), {})

    [message] = dispatcher.messages
    assert message["text"].startswith("Source: Metastatic Spinal Tumour, section")
    assert topic.section in message["text"]
    citation = message["custom"]["citation"]
    assert citation["document"] == knowledge.document_title
    assert citation["section"] == topic.section
    assert citation["quote"] == topic.quote
    assert citation["quote"] in knowledge.source_text()
    assert slots_set(events)["cited_topic"] == topic.id


async def test_a_named_entity_gets_the_specific_quote(dispatcher: CollectingDispatcher) -> None:
    tracker = make_tracker("faq_less_common_cancers", slots={"cancer_type": "renal cell carcinoma"})

    events = await ActionCiteSource().run(dispatcher, tracker, {})

    assert dispatcher.messages[0]["custom"]["citation"]["quote"] == "Renal cell carcinomas"
    assert slots_set(events)["cited_detail"] == "renal cell carcinoma"


async def test_entity_slots_are_cleared_after_an_answer(
    knowledge: Knowledge, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker("faq_risk_genetic", slots={"syndrome": "cowden syndrome"})

    events = await ActionCiteSource().run(dispatcher, tracker, {})

    assert all(slots_set(events)[slot] is None for slot in knowledge.entity_slots)


async def test_an_entity_of_another_topic_keeps_the_general_quote(
    knowledge: Knowledge, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker("faq_diagnosis", slots={"cancer_type": "lung cancer"})

    await ActionCiteSource().run(dispatcher, tracker, {})

    assert dispatcher.messages[0]["custom"]["citation"]["quote"] == (
        knowledge.topic("diagnosis").quote
    )


async def test_no_citation_for_a_non_factual_intent(dispatcher: CollectingDispatcher) -> None:
    events = await ActionCiteSource().run(dispatcher, make_tracker("greet"), {})

    assert dispatcher.messages == []
    assert events == []


async def test_source_question_repeats_the_last_citation_with_its_quote(
    dispatcher: CollectingDispatcher,
) -> None:
    tracker = make_tracker(
        "ask_source",
        slots={"cited_topic": "risk_genetic", "cited_detail": "cowden syndrome"},
    )

    await ActionRepeatCitation().run(dispatcher, tracker, {})

    [message] = dispatcher.messages
    assert message["text"].startswith("Source: Metastatic Spinal Tumour")
    assert "“Cowden syndrome”" in message["text"]
    assert message["custom"]["citation"]["subsection"] == "Genetic disorders"


async def test_source_question_before_any_answer(dispatcher: CollectingDispatcher) -> None:
    await ActionRepeatCitation().run(dispatcher, make_tracker("ask_source"), {})

    assert [m["response"] for m in dispatcher.messages] == ["utter_nothing_to_cite"]
