"""Feeds data/knowledge/ into Rasa training, so a topic is written once.

For every topic it adds:
- the intent `faq_<id>` and its answer `utter_faq_<id>` (a conditional variation per
  detail, chosen by the entity slot the user filled);
- its citation `utter_cite_faq_<id>` (the text "Source: …", with the citation as response
  `metadata`, which the channels pass on and `rasa shell` does not print) and
  `utter_source_faq_<id>`, the section named again for a follow-up "source?";
- the rules "intent → answer → citation" and "source? after this topic → its section →
  action_cite_source" (the action server adds the quote, the link and the review date;
  actions/citation.py);
- the slots that make this work inside the Rasa server: `cited_topic` (set from the
  FAQ intent) and the entity slots (set, or cleared, on every FAQ question).

Answers and citations are plain responses, so they need no action server round trip
and still work when the action server is down; then "source?" still names the section
and the channel says the full quote is briefly unavailable (channels/turns.py). It
also adds the lexicon's entity synonyms, so slots receive the canonical values that the
details match on. Training examples stay in data/nlu/ like any Rasa project.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa.shared.core.constants import RULE_SNIPPET_ACTION_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.training_data.story_reader.story_step_builder import StoryStepBuilder
from rasa.shared.core.training_data.structures import StoryGraph, StoryStep
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.common import cached_method

from spine_assistant.knowledge import (
    CITED_TOPIC_SLOT,
    Citation,
    Knowledge,
    Topic,
    load_knowledge,
    load_lexicon,
)

TOPIC_MENU_RESPONSE = "utter_topic_menu"
ASK_SOURCE_INTENT = "ask_source"
NOTHING_TO_CITE_RESPONSE = "utter_nothing_to_cite"
CITE_SOURCE_ACTION = "action_cite_source"
# Marks the in-server half of a "source?" reply: the channel expects the action's full
# citation to follow, and says so when it does not (the action server is down).
FULL_CITATION_KEY = "full_citation_from"
FULL_CITATION_FOLLOWS = {FULL_CITATION_KEY: CITE_SOURCE_ACTION}
# Rasa's from_intent mapping needs a value, and no detail has this one, so a FAQ
# question that names nothing gets the general answer.
NOTHING_NAMED = "nothing named"


def citation_response(topic: Topic) -> str:
    return f"utter_cite_{topic.intent}"


def source_response(topic: Topic) -> str:
    return f"utter_source_{topic.intent}"


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


def _source(answer: str, citation: Citation) -> dict[str, Any]:
    return {"text": f"{citation.as_text()}.", "metadata": dict(FULL_CITATION_FOLLOWS)}


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
        responses[source_response(topic)] = _by_detail(knowledge, topic, _source)
    return Domain.from_dict(
        {
            # "source?" is answered from the generated responses, so it is declared here.
            "intents": [topic.intent for topic in knowledge.topics] + [ASK_SOURCE_INTENT],
            "actions": [CITE_SOURCE_ACTION],
            "slots": _slots(knowledge),
            "responses": responses,
        }
    )


RULES_SOURCE = "data/knowledge/topics.yml"


def _rule(
    name: str, intent: str, actions: list[str], condition: tuple[Event, ...] = ()
) -> list[StoryStep]:
    """One rule, built with Rasa's own StoryStepBuilder as its YAML reader builds
    `- rule: NAME / condition: … / steps: [intent, actions…]`."""
    builder = StoryStepBuilder(name, RULES_SOURCE, is_rule=True)
    for event in condition:
        builder.add_event_as_condition(event)
    builder.add_event(ActionExecuted(RULE_SNIPPET_ACTION_NAME))
    builder.add_user_messages([UserUttered(None, {INTENT_NAME_KEY: intent, "confidence": 1.0})])
    for action in actions:
        builder.add_event(ActionExecuted(action))
    builder.flush()
    return builder.story_steps


def knowledge_rules(knowledge: Knowledge) -> list[StoryStep]:
    """Each topic's "intent → answer → citation" and "source? after it → its section →
    the full citation", and "source?" before any answer → nothing to cite."""
    rules: list[StoryStep] = []
    for topic in knowledge.topics:
        rules += _rule(
            f"answer {topic.intent} with its citation",
            topic.intent,
            [topic.response, citation_response(topic)],
        )
    for topic in knowledge.topics:
        rules += _rule(
            f"quote the source of {topic.intent}",
            ASK_SOURCE_INTENT,
            [source_response(topic), CITE_SOURCE_ACTION],
            condition=(SlotSet(CITED_TOPIC_SLOT, topic.id),),
        )
    rules += _rule(
        "nothing to cite before the first answer",
        ASK_SOURCE_INTENT,
        [NOTHING_TO_CITE_RESPONSE],
        condition=(SlotSet(CITED_TOPIC_SLOT, None),),
    )
    return rules


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

    @cached_method
    def get_domain(self) -> Domain:
        return knowledge_domain(self._knowledge)

    @cached_method
    def get_stories(self, exclusion_percentage: int | None = None) -> StoryGraph:
        return StoryGraph(knowledge_rules(self._knowledge))

    def get_conversation_tests(self) -> StoryGraph:
        return StoryGraph([])

    def get_config(self) -> dict[str, Any]:
        return {}

    def get_config_file_for_auto_config(self) -> str | None:
        return None

    def get_nlu_data(self, language: str | None = "en") -> TrainingData:
        return TrainingData(entity_synonyms=self._lexicon.entity_synonyms())


def main() -> None:
    """`make domain`: the domain and rules the model is trained on, as Rasa merges them
    from domain.yml, data/ and this importer (config.yml's `importers:`)."""
    import warnings

    from rasa.shared.core.training_data.story_writer.yaml_story_writer import YAMLStoryWriter

    from spine_assistant.knowledge.paths import PROJECT_ROOT

    # Rasa 3.6 warns about every slot with mappings, which says nothing here
    warnings.filterwarnings("ignore", "Slot auto-fill has been removed")

    importer = TrainingDataImporter.load_from_config(
        str(PROJECT_ROOT / "config.yml"),
        str(PROJECT_ROOT / "domain.yml"),
        [str(PROJECT_ROOT / "data")],
    )
    print("# The merged domain (domain.yml + the generated knowledge)")
    print(importer.get_domain().as_yaml())
    print("# The rules (data/rules/ + one answer rule and one quote rule per topic)")
    print(YAMLStoryWriter().dumps(importer.get_stories().story_steps, is_test_story=False))


if __name__ == "__main__":
    main()
