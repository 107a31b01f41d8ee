"""Sends a question that names a listed thing to the topic that lists it.

"Does stomach cancer spread to the spine?" reads like "which cancers spread to the
spine", so the classifier may pick the common-cancers topic, whose answer (lung,
prostate, breast) would not mention the stomach at all. The page lists
gastrointestinal cancers elsewhere, and data/knowledge/topics.yml says so as a detail
of that topic. When the chosen topic has details for that kind of thing (cancer
types) but not for the one named, and another topic has, the question goes there.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message

from spine_assistant.components.base import ProjectComponent, put_first
from spine_assistant.knowledge import Knowledge, Topic, load_knowledge


def routed_topic(knowledge: Knowledge, topic: Topic, entities: list[dict[str, Any]]) -> Topic:
    """The topic whose details cover a named thing, when the chosen topic lists things
    of that kind but none of those named ("thyroid, or only lung?" stays put)."""
    named = [(entity.get("entity"), entity.get("value")) for entity in entities]
    labels = {detail.entity for detail in topic.details}
    if any((d.entity, d.value) in named for d in topic.details):
        return topic
    for label, value in named:
        if label not in labels:
            continue
        for other in knowledge.topics:
            if any(d.entity == label and d.value == value for d in other.details):
                return other
    return topic


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class DetailRouter(ProjectComponent):
    def process(self, messages: list[Message]) -> list[Message]:
        knowledge = load_knowledge()
        for message in messages:
            intent = message.get(INTENT) or {}
            topic = knowledge.topic_for_intent(intent.get(INTENT_NAME_KEY))
            if topic is None:
                continue
            target = routed_topic(knowledge, topic, message.get(ENTITIES, []))
            if target is not topic:
                routed = {INTENT_NAME_KEY: target.intent, "confidence": intent.get("confidence")}
                # the first choice gives its confidence to the topic it was routed to
                put_first(message, routed, leave_out={topic.intent})
        return messages
