"""The knowledge importer turns each topic into an intent, a response and a rule."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.importers.importer import TrainingDataImporter

from extensions.knowledge_importer import CITATION_ACTION, TOPIC_MENU_RESPONSE, KnowledgeImporter
from knowledge import Knowledge
from tests.conftest import PROJECT_ROOT


@pytest.fixture(scope="module")
def project_importer() -> TrainingDataImporter:
    """The importers exactly as config.yml combines them for rasa train and validate."""
    return TrainingDataImporter.load_from_config(
        str(PROJECT_ROOT / "config.yml"),
        str(PROJECT_ROOT / "domain.yml"),
        [str(PROJECT_ROOT / "data")],
    )


def test_each_topic_has_intent_and_response(knowledge: Knowledge) -> None:
    domain = KnowledgeImporter().get_domain()
    for topic in knowledge.topics:
        assert topic.intent in domain.intents
        variations = domain.responses[topic.response]
        assert variations[-1] == {"text": topic.answer}, "the general answer comes last"
        assert len(variations) == len(topic.details) + 1


def test_details_become_conditional_variations(knowledge: Knowledge) -> None:
    domain = KnowledgeImporter().get_domain()
    [renal] = [
        v
        for v in domain.responses["utter_faq_less_common_cancers"]
        if v.get("condition", [{}])[0].get("value") == "renal cell carcinoma"
    ]
    assert renal["condition"] == [
        {"type": "slot", "name": "cancer_type", "value": "renal cell carcinoma"}
    ]
    assert "renal cell carcinoma" in renal["text"].lower()


def test_topic_menu_buttons_show_titles(knowledge: Knowledge) -> None:
    [menu] = KnowledgeImporter().get_domain().responses[TOPIC_MENU_RESPONSE]
    titles = [button["title"] for button in menu["buttons"]]
    assert titles == [knowledge.topic(topic_id).title for topic_id in knowledge.featured]


def test_each_topic_rule_answers_then_cites(knowledge: Knowledge) -> None:
    steps = KnowledgeImporter().get_stories().story_steps
    assert len(steps) == len(knowledge.topics)
    for step, topic in zip(steps, knowledge.topics, strict=True):
        user = [e.intent_name for e in step.events if isinstance(e, UserUttered)]
        actions = [
            e.action_name
            for e in step.events
            if isinstance(e, ActionExecuted) and e.action_name != "action_listen"
        ]
        assert user == [topic.intent]
        assert actions[-2:] == [topic.response, CITATION_ACTION]


def test_lexicon_synonyms_reach_rasa() -> None:
    synonyms = KnowledgeImporter().get_nlu_data().entity_synonyms
    assert synonyms["kidney cancer"] == "renal cell carcinoma"
    assert synonyms["vhl"] == "von hippel-lindau disease"


def test_config_combines_files_and_knowledge(
    project_importer: TrainingDataImporter, knowledge: Knowledge
) -> None:
    domain = project_importer.get_domain()
    assert {"greet", "emergency", "faq_cure"} <= set(domain.intents)
    assert "utter_faq_cure" in domain.responses
    assert "utter_emergency" in domain.responses
    nlu = project_importer.get_nlu_data()
    assert nlu.entity_synonyms["kidney cancer"] == "renal cell carcinoma"
    assert {t.intent for t in knowledge.topics} <= set(nlu.intents)
