"""Citations: every factual answer is followed by where it comes from on the page."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from knowledge import Citation, Knowledge, load_knowledge

CITED_TOPIC_SLOT = "cited_topic"
CITED_DETAIL_SLOT = "cited_detail"


def citation_payload(citation: Citation) -> dict[str, Any]:
    return {"citation": citation.as_payload()}


def citation_of(knowledge: Knowledge, topic_id: str, detail_value: str | None) -> Citation:
    topic = knowledge.topic(topic_id)
    detail = next((d for d in topic.details if d.value == detail_value), None)
    return knowledge.citation(topic, detail)


class ActionCiteSource(Action):
    """Runs after `utter_faq_<id>`: the same topic and detail the answer used."""

    def name(self) -> str:
        return "action_cite_source"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        knowledge = load_knowledge()
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        topic = knowledge.topic_for_intent(intent)
        if topic is None:
            return []
        detail = topic.detail_for(tracker.current_slot_values())
        citation = knowledge.citation(topic, detail)
        dispatcher.utter_message(text=citation.as_text(), json_message=citation_payload(citation))
        cleared_entities = [SlotSet(slot, None) for slot in knowledge.entity_slots]
        return cleared_entities + [
            SlotSet(CITED_TOPIC_SLOT, topic.id),
            SlotSet(CITED_DETAIL_SLOT, detail.value if detail else None),
        ]


class ActionRepeatCitation(Action):
    """Answers "where does that come from?" with the last citation and its quote."""

    def name(self) -> str:
        return "action_repeat_citation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        topic_id = tracker.get_slot(CITED_TOPIC_SLOT)
        if not topic_id:
            dispatcher.utter_message(response="utter_nothing_to_cite")
            return []
        citation = citation_of(load_knowledge(), topic_id, tracker.get_slot(CITED_DETAIL_SLOT))
        dispatcher.utter_message(
            text=f"{citation.as_text()}. The page says: “{citation.quote}”",
            json_message=citation_payload(citation),
        )
        return []
