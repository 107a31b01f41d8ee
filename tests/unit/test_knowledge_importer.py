"""The knowledge importer turns each topic into an intent, a response and a rule."""

from __future__ import annotations

from typing import Any

from rasa.shared.core.constants import ACTION_LISTEN_NAME, RULE_SNIPPET_ACTION_NAME
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.importers.importer import TrainingDataImporter

from spine_assistant.components.knowledge_importer import (
    ASK_SOURCE_INTENT,
    CITE_SOURCE_ACTION,
    TOPIC_MENU_RESPONSE,
    KnowledgeImporter,
    citation_response,
    source_response,
)
from spine_assistant.knowledge import Knowledge


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
        assert actions == [source_response(topic), CITE_SOURCE_ACTION]


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


def rules_as_yaml(knowledge: Knowledge) -> str:
    """The same rules in Rasa's documented YAML form: what the importer's objects must
    equal once Rasa's own reader has read them."""
    answers = [
        f"- rule: answer {t.intent} with its citation\n  steps:\n  - intent: {t.intent}\n"
        f"  - action: {t.response}\n  - action: {citation_response(t)}\n"
        for t in knowledge.topics
    ]
    quotes = [
        f"- rule: quote the source of {t.intent}\n  condition:\n"
        f"  - slot_was_set:\n    - cited_topic: {t.id}\n"
        f"  steps:\n  - intent: {ASK_SOURCE_INTENT}\n  - action: {source_response(t)}\n"
        f"  - action: {CITE_SOURCE_ACTION}\n"
        for t in knowledge.topics
    ]
    nothing = (
        "- rule: nothing to cite before the first answer\n  condition:\n"
        "  - slot_was_set:\n    - cited_topic: null\n"
        f"  steps:\n  - intent: {ASK_SOURCE_INTENT}\n  - action: utter_nothing_to_cite\n"
    )
    return 'version: "3.1"\nrules:\n' + "".join(answers + quotes) + nothing


def test_rules_built_as_objects_are_what_rasa_reads_from_yaml(knowledge: Knowledge) -> None:
    importer = KnowledgeImporter()
    built = importer.get_stories().story_steps
    read = YAMLStoryReader(importer.get_domain()).read_from_string(rules_as_yaml(knowledge))

    assert len(built) == len(read) == 2 * len(knowledge.topics) + 1
    for ours, rasas in zip(built, read, strict=True):
        assert type(ours) is type(rasas)
        assert ours.block_name == rasas.block_name
        assert ours.events == rasas.events
        assert ours.condition_events_indices == rasas.condition_events_indices
        for mine, theirs in [
            (ours.start_checkpoints, rasas.start_checkpoints),
            (ours.end_checkpoints, rasas.end_checkpoints),
        ]:
            assert [(c.name, c.conditions) for c in mine] == [
                (c.name, c.conditions) for c in theirs
            ]


def test_the_importer_builds_domain_and_rules_once() -> None:
    importer = KnowledgeImporter()

    assert importer.get_domain() is importer.get_domain()
    assert importer.get_stories() is importer.get_stories()


def test_make_domain_prints_the_generated_intents_responses_and_rules(
    knowledge: Knowledge, capsys: Any
) -> None:
    from spine_assistant.components.knowledge_importer import main

    main()

    printed = capsys.readouterr().out
    topic = knowledge.topics[0]
    for name in (topic.intent, topic.response, citation_response(topic), "cited_topic"):
        assert f"{name}:" in printed or f"- {name}" in printed
    assert f"rule: answer {topic.intent} with its citation" in printed
