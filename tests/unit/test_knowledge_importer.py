"""The knowledge importer turns each topic into an intent, a response and a rule."""

from __future__ import annotations

from typing import Any

from rasa.shared.core.constants import ACTION_LISTEN_NAME, RULE_SNIPPET_ACTION_NAME
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.importers.importer import TrainingDataImporter

from extensions.knowledge_importer import (
    ASK_SOURCE_INTENT,
    TOPIC_MENU_RESPONSE,
    KnowledgeImporter,
    citation_response,
    quote_response,
)
from knowledge import Knowledge


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


def _rule_steps(step: Any) -> tuple[list[str], list[str]]:
    user = [e.intent_name for e in step.events if isinstance(e, UserUttered)]
    actions = [
        e.action_name
        for e in step.events
        if isinstance(e, ActionExecuted)
        and e.action_name not in {ACTION_LISTEN_NAME, RULE_SNIPPET_ACTION_NAME}
    ]
    return user, actions


def test_each_topic_rule_answers_then_cites(knowledge: Knowledge) -> None:
    steps = KnowledgeImporter().get_stories().story_steps
    answers = [step for step in steps if step.block_name.startswith("answer ")]
    assert len(answers) == len(knowledge.topics)
    for step, topic in zip(answers, knowledge.topics, strict=True):
        user, actions = _rule_steps(step)
        assert user == [topic.intent]
        assert actions == [topic.response, citation_response(topic)]


def test_source_question_quotes_the_topic_last_answered(knowledge: Knowledge) -> None:
    steps = KnowledgeImporter().get_stories().story_steps
    quotes = [step for step in steps if step.block_name.startswith("quote ")]
    assert len(quotes) == len(knowledge.topics)
    for step, topic in zip(quotes, knowledge.topics, strict=True):
        user, actions = _rule_steps(step)
        assert SlotSet("cited_topic", topic.id) in step.events
        assert user == [ASK_SOURCE_INTENT]
        assert actions == [quote_response(topic)]


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
