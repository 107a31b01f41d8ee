"""Feeds data/knowledge/ into Rasa training, so a topic is written once.

For every topic it adds the intent `faq_<id>`, the response `utter_faq_<id>` (with a
conditional variation per detail, chosen by the entity slot the user filled) and the
rule "intent → answer → citation". It also adds the lexicon's entity synonyms, so
slots receive the canonical values that the details match on. Training examples
stay in data/nlu/ like any Rasa project.
"""

from __future__ import annotations

from typing import Any

from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.core.training_data.structures import StoryGraph
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.io import dump_obj_as_yaml_to_string

from knowledge import Knowledge, Topic, load_knowledge, load_lexicon

CITATION_ACTION = "action_cite_source"
TOPIC_MENU_RESPONSE = "utter_topic_menu"


def _answer_variations(topic: Topic) -> list[dict[str, Any]]:
    conditional = [
        {
            "condition": [{"type": "slot", "name": detail.entity, "value": detail.value}],
            "text": detail.answer,
        }
        for detail in topic.details
    ]
    return conditional + [{"text": topic.answer}]


def _topic_menu(knowledge: Knowledge) -> list[dict[str, Any]]:
    buttons = [
        {"title": topic.title, "payload": f"/{topic.intent}"}
        for topic in map(knowledge.topic, knowledge.featured)
    ]
    return [{"text": "You can ask me things like:", "buttons": buttons}]


def knowledge_domain(knowledge: Knowledge) -> Domain:
    responses = {topic.response: _answer_variations(topic) for topic in knowledge.topics}
    responses[TOPIC_MENU_RESPONSE] = _topic_menu(knowledge)
    return Domain.from_dict(
        {
            "intents": [topic.intent for topic in knowledge.topics],
            "responses": responses,
        }
    )


def knowledge_rules_yaml(knowledge: Knowledge) -> str:
    rules = [
        {
            "rule": f"answer {topic.intent} with its citation",
            "steps": [
                {"intent": topic.intent},
                {"action": topic.response},
                {"action": CITATION_ACTION},
            ],
        }
        for topic in knowledge.topics
    ]
    return dump_obj_as_yaml_to_string({"version": "3.1", "rules": rules})


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
