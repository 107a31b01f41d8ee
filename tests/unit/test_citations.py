"""Citations are domain responses chosen by slots, all inside the Rasa server: checked
with Rasa's own slot extraction and response generator, as the server runs them."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.core.actions.action import ActionExtractSlots
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from actions.citation import full_citation
from spine_assistant.components.knowledge_importer import (
    FULL_CITATION_FOLLOWS,
    NOTHING_NAMED,
    citation_response,
    source_response,
)
from spine_assistant.knowledge import CITED_TOPIC_SLOT, Knowledge, load_knowledge

pytestmark = pytest.mark.safety

TOPICS = load_knowledge().topics


def user_says(intent: str, entities: dict[str, str] | None = None) -> list[Event]:
    return [
        ActionExecuted("action_listen"),
        UserUttered(
            "…",
            intent={"name": intent, "confidence": 1.0},
            entities=[{"entity": e, "value": v} for e, v in (entities or {}).items()],
        ),
    ]


async def slots_after(domain: Domain, events: list[Event]) -> dict[str, Any]:
    """Runs Rasa's action_extract_slots after the last message, as the server does."""
    tracker = DialogueStateTracker.from_events("test-user", events, slots=domain.slots)
    extracted = await ActionExtractSlots(None).run(
        CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}), tracker, domain
    )
    tracker.update_with_events(extracted, domain)
    return tracker.current_slot_values()


async def render(domain: Domain, response: str, slots: dict[str, Any]) -> dict[str, Any]:
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    tracker = DialogueStateTracker.from_events(
        "test-user", [SlotSet(name, value) for name, value in slots.items()], slots=domain.slots
    )
    message = await nlg.generate(response, tracker, "rest")
    assert message is not None
    return message


@pytest.mark.parametrize("topic", TOPICS, ids=[t.id for t in TOPICS])
async def test_every_answer_has_a_verbatim_citation(
    topic: Any, knowledge: Knowledge, project_domain: Domain
) -> None:
    message = await render(project_domain, citation_response(topic), {})

    assert message["text"].startswith("Source: Metastatic Spinal Tumour, section")
    assert topic.section in message["text"]
    citation = message["metadata"]["citation"]
    assert citation["document"] == knowledge.document_title
    assert citation["section"] == topic.section
    assert citation["quote"] == topic.quote
    assert citation["quote"] in knowledge.source_text()


async def test_every_detail_quote_is_verbatim(knowledge: Knowledge) -> None:
    quotes = [detail.quote for topic in knowledge.topics for detail in topic.details]
    assert quotes, "the knowledge has details"
    for quote in quotes:
        assert quote in knowledge.source_text()


async def test_a_named_entity_gets_the_specific_answer_and_quote(
    project_domain: Domain,
) -> None:
    slots = await slots_after(
        project_domain,
        user_says("faq_less_common_cancers", {"cancer_type": "renal cell carcinoma"}),
    )
    answer = await render(project_domain, "utter_faq_less_common_cancers", slots)
    citation = await render(project_domain, "utter_cite_faq_less_common_cancers", slots)

    assert "renal cell carcinoma" in answer["text"].lower()
    assert citation["metadata"]["citation"]["quote"] == "Renal cell carcinomas"


async def test_an_earlier_question_does_not_choose_the_next_answer(
    knowledge: Knowledge, project_domain: Domain
) -> None:
    """Asked about Cowden syndrome, then about genetic risk in general: general answer."""
    first = user_says("faq_risk_genetic", {"syndrome": "cowden syndrome"})
    first_slots = await slots_after(project_domain, first)
    events = first + [SlotSet("syndrome", first_slots["syndrome"])]
    slots = await slots_after(project_domain, events + user_says("faq_risk_genetic"))

    assert slots["syndrome"] == NOTHING_NAMED
    answer = await render(project_domain, "utter_faq_risk_genetic", slots)
    assert answer["text"] == knowledge.topic("risk_genetic").answer


async def test_an_entity_of_another_topic_keeps_the_general_quote(
    knowledge: Knowledge, project_domain: Domain
) -> None:
    slots = await slots_after(
        project_domain, user_says("faq_diagnosis", {"cancer_type": "lung cancer"})
    )
    citation = await render(project_domain, "utter_cite_faq_diagnosis", slots)

    assert citation["metadata"]["citation"]["quote"] == knowledge.topic("diagnosis").quote


async def test_the_answered_topic_and_detail_survive_other_turns(
    project_domain: Domain,
) -> None:
    """ "Thanks, where is that from?" must still quote the answer before the thanks."""
    answered = user_says("faq_risk_genetic", {"syndrome": "cowden syndrome"})
    slots = await slots_after(project_domain, answered)
    events = answered + [SlotSet(name, value) for name, value in slots.items()]
    later = await slots_after(
        project_domain, events + user_says("thank", {"syndrome": "li-fraumeni syndrome"})
    )

    assert later[CITED_TOPIC_SLOT] == "risk_genetic"
    assert later["syndrome"] == "cowden syndrome"
    section = await render(project_domain, "utter_source_faq_risk_genetic", later)
    assert section["text"].endswith("“Spinal Metastasis Risk Factors › Genetic disorders”.")
    cited = full_citation(load_knowledge(), later, "https://example.org/source.html")
    assert cited is not None
    text, metadata = cited
    assert "“Cowden syndrome”" in text
    assert metadata["citation"]["subsection"] == "Genetic disorders"


@pytest.mark.parametrize("topic", TOPICS, ids=[t.id for t in TOPICS])
async def test_each_faq_intent_records_its_topic(topic: Any, project_domain: Domain) -> None:
    slots = await slots_after(project_domain, user_says(topic.intent))

    assert slots[CITED_TOPIC_SLOT] == topic.id
    section = await render(project_domain, source_response(topic), slots)
    assert section["text"] == f"{load_knowledge().citation(topic).as_text()}."
    assert section["metadata"] == FULL_CITATION_FOLLOWS, "the channel expects the full citation"
