"""A question naming a listed cancer goes to the topic that lists it."""

from __future__ import annotations

from rasa.shared.nlu.training_data.message import Message

from spine_assistant.components.detail_router import DetailRouter, routed_topic
from spine_assistant.knowledge import Knowledge
from tests.unit.classified import classified_message


def parsed(intent: str, entities: list[dict[str, str]]) -> Message:
    ranking = [(intent, 0.8), ("faq_less_common_cancers", 0.15), ("faq_definition", 0.05)]
    return classified_message("does it spread to the spine", ranking, entities=entities)


def test_a_cancer_listed_elsewhere_moves_the_question(knowledge: Knowledge) -> None:
    message = parsed("faq_common_cancers", [{"entity": "cancer_type", "value": "stomach cancer"}])
    DetailRouter({}).process([message])
    assert message.get("intent") == {"name": "faq_less_common_cancers", "confidence": 0.8}
    names = [entry["name"] for entry in message.get("intent_ranking")]
    assert names == ["faq_less_common_cancers", "faq_definition"]


def test_a_cancer_the_topic_lists_stays(knowledge: Knowledge) -> None:
    common = knowledge.topic("common_cancers")
    named = [{"entity": "cancer_type", "value": "lung cancer"}]
    assert routed_topic(knowledge, common, named) is common


def test_a_topic_listing_one_of_the_named_things_stays(knowledge: Knowledge) -> None:
    less_common = knowledge.topic("less_common_cancers")
    named = [
        {"entity": "cancer_type", "value": "thyroid cancer"},
        {"entity": "cancer_type", "value": "lung cancer"},
    ]
    assert routed_topic(knowledge, less_common, named) is less_common


def test_topics_without_such_details_are_left_alone(knowledge: Knowledge) -> None:
    symptoms = knowledge.topic("symptoms")
    named = [{"entity": "cancer_type", "value": "stomach cancer"}]
    assert routed_topic(knowledge, symptoms, named) is symptoms


def test_other_intents_are_left_alone() -> None:
    message = parsed("out_of_scope", [{"entity": "cancer_type", "value": "stomach cancer"}])
    DetailRouter({}).process([message])
    assert message.get("intent")["name"] == "out_of_scope"
