"""Feeds data/knowledge/ into Rasa training, so a topic is written once.

For every topic it adds:
- the intent `faq_<id>` and its answer `utter_faq_<id>` (a conditional variation per
  detail, chosen by the entity slot the user filled);
- its citation `utter_cite_faq_<id>` (the text "Source: …", with the citation as response
  `metadata`, which the channels pass on and `rasa shell` does not print) and the
  longer `utter_quote_faq_<id>` for a follow-up "source?";
- the rules "intent → answer → citation" and "source? after this topic → quote";
- the slots that make this work inside the Rasa server: `cited_topic` (set from the
  FAQ intent) and the entity slots (set, or cleared, on every FAQ question).

Answers and citations are plain responses, so they need no action server round trip
and still work when the action server is down. It also adds the lexicon's entity
synonyms, so slots receive the canonical values that the details match on. Training
examples stay in data/nlu/ like any Rasa project.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.core.training_data.structures import StoryGraph
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.io import dump_obj_as_yaml_to_string

from knowledge import Citation, Knowledge, Topic, load_knowledge, load_lexicon

TOPIC_MENU_RESPONSE = "utter_topic_menu"
CITED_TOPIC_SLOT = "cited_topic"
ASK_SOURCE_INTENT = "ask_source"
NOTHING_TO_CITE_RESPONSE = "utter_nothing_to_cite"
# Rasa's from_intent mapping needs a value, and no detail has this one, so a FAQ
# question that names nothing gets the general answer.
NOTHING_NAMED = "nothing named"


def citation_response(topic: Topic) -> str:
    return f"utter_cite_{topic.intent}"


def quote_response(topic: Topic) -> str:
    return f"utter_quote_{topic.intent}"


Variation = Callable[[str, Citation], dict[str, Any]]


def _by_detail(knowledge: Knowledge, topic: Topic, variation: Variation) -> list[dict[str, Any]]:
    """One variation per detail (conditioned on its entity slot), the general one last."""
    conditional = [
        {
            "condition": [{"type": "slot", "name": detail.entity, "value": detail.value}],
            **variation(detail.answer, knowledge.citation(topic, detail)),
        }
        for detail in topic.details
    ]
    return conditional + [variation(topic.answer, knowledge.citation(topic))]


def _answer(answer: str, citation: Citation) -> dict[str, Any]:
    return {"text": answer}


def _citation(answer: str, citation: Citation) -> dict[str, Any]:
    return {"text": citation.as_text(), "metadata": {"citation": citation.as_payload()}}


def _quote(answer: str, citation: Citation) -> dict[str, Any]:
    return {
        "text": f"{citation.as_text()}. The page says: “{citation.quote}”",
        "metadata": {"citation": citation.as_payload()},
    }


def _topic_menu(knowledge: Knowledge) -> list[dict[str, Any]]:
    buttons = [
        {"title": topic.title, "payload": f"/{topic.intent}"}
        for topic in map(knowledge.topic, knowledge.featured)
    ]
    return [{"text": "You can ask me things like:", "buttons": buttons}]


def _slots(knowledge: Knowledge) -> dict[str, Any]:
    """Entity slots hold what the latest FAQ question named (or NOTHING_NAMED), so an
    answer never picks a detail from an earlier question; other intents leave them
    alone, so "source?" still quotes the detail that was answered."""
    faq_intents = [topic.intent for topic in knowledge.topics]
    slots: dict[str, Any] = {
        entity: {
            "type": "text",
            "influence_conversation": False,
            "mappings": [
                {"type": "from_entity", "entity": entity, "intent": faq_intents},
                {"type": "from_intent", "intent": faq_intents, "value": NOTHING_NAMED},
            ],
        }
        for entity in knowledge.entity_slots
    }
    slots[CITED_TOPIC_SLOT] = {
        "type": "categorical",
        "values": [topic.id for topic in knowledge.topics],
        "influence_conversation": True,
        "mappings": [
            {"type": "from_intent", "intent": topic.intent, "value": topic.id}
            for topic in knowledge.topics
        ],
    }
    return slots


def knowledge_domain(knowledge: Knowledge) -> Domain:
    responses: dict[str, Any] = {TOPIC_MENU_RESPONSE: _topic_menu(knowledge)}
    for topic in knowledge.topics:
        responses[topic.response] = _by_detail(knowledge, topic, _answer)
        responses[citation_response(topic)] = _by_detail(knowledge, topic, _citation)
        responses[quote_response(topic)] = _by_detail(knowledge, topic, _quote)
    return Domain.from_dict(
        {
            # "source?" is answered from the generated quotes, so it is declared here.
            "intents": [topic.intent for topic in knowledge.topics] + [ASK_SOURCE_INTENT],
            "slots": _slots(knowledge),
            "responses": responses,
        }
    )


def knowledge_rules_yaml(knowledge: Knowledge) -> str:
    answers = [
        {
            "rule": f"answer {topic.intent} with its citation",
            "steps": [
                {"intent": topic.intent},
                {"action": topic.response},
                {"action": citation_response(topic)},
            ],
        }
        for topic in knowledge.topics
    ]
    quotes = [
        {
            "rule": f"quote the source of {topic.intent}",
            "condition": [{"slot_was_set": [{CITED_TOPIC_SLOT: topic.id}]}],
            "steps": [{"intent": ASK_SOURCE_INTENT}, {"action": quote_response(topic)}],
        }
        for topic in knowledge.topics
    ]
    nothing_yet = {
        "rule": "nothing to cite before the first answer",
        "condition": [{"slot_was_set": [{CITED_TOPIC_SLOT: None}]}],
        "steps": [{"intent": ASK_SOURCE_INTENT}, {"action": NOTHING_TO_CITE_RESPONSE}],
    }
    return dump_obj_as_yaml_to_string({"version": "3.1", "rules": [*answers, *quotes, nothing_yet]})


class KnowledgeImporter(TrainingDataImporter):
    """Combined with RasaFileImporter in config.yml (`importers:`)."""

    def __init__(
        self,
        config_file: str | None = None,
        domain_path: str | None = None,
        training_data_paths: list[str] | str | None = None,
    ) -> None:
        self._knowledge = load_knowledge()
        self._lexicon = load_lexicon()

    def get_domain(self) -> Domain:
        return knowledge_domain(self._knowledge)

    def get_stories(self, exclusion_percentage: int | None = None) -> StoryGraph:
        domain = self.get_domain()
        reader = YAMLStoryReader(domain)
        steps = reader.read_from_string(knowledge_rules_yaml(self._knowledge))
        return StoryGraph(steps)

    def get_conversation_tests(self) -> StoryGraph:
        return StoryGraph([])

    def get_config(self) -> dict[str, Any]:
        return {}

    def get_config_file_for_auto_config(self) -> str | None:
        return None

    def get_nlu_data(self, language: str | None = "en") -> TrainingData:
        return TrainingData(entity_synonyms=self._lexicon.entity_synonyms())
