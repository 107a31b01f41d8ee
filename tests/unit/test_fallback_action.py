"""action_clarify_or_refer: "Did you mean" in the middle band, the clinician below it."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import SUGGESTION_THRESHOLD, ActionClarifyOrRefer
from spine_assistant.knowledge import Knowledge
from tests.conftest import make_tracker

pytestmark = pytest.mark.safety


def ranking(*pairs: tuple[str, float]) -> list[dict[str, object]]:
    fallback = [{"name": "nlu_fallback", "confidence": 0.5}]
    return fallback + [{"name": name, "confidence": conf} for name, conf in pairs]


async def run(dispatcher: CollectingDispatcher, *pairs: tuple[str, float]) -> list[str]:
    tracker = make_tracker("nlu_fallback", ranking=ranking(*pairs))
    await ActionClarifyOrRefer().run(dispatcher, tracker, {})
    return [m["response"] for m in dispatcher.messages]


async def test_plausible_topics_are_offered_by_title(
    knowledge: Knowledge, dispatcher: CollectingDispatcher
) -> None:
    responses = await run(dispatcher, ("faq_mri", 0.45), ("faq_ct_scan", 0.35), ("greet", 0.1))

    assert responses == ["utter_did_you_mean"]
    buttons = dispatcher.messages[0]["buttons"]
    assert [b["title"] for b in buttons] == ["MRI and finding out", "CT scan", "None of these"]
    assert [b["payload"] for b in buttons[:2]] == ["/faq_mri", "/faq_ct_scan"]
    assert not any(b["title"].startswith("faq_") for b in buttons)


async def test_unlikely_topics_are_not_offered(dispatcher: CollectingDispatcher) -> None:
    low = SUGGESTION_THRESHOLD / 2
    responses = await run(dispatcher, ("faq_mri", low), ("faq_cure", low))

    assert responses == ["utter_out_of_scope", "utter_topic_menu"]


async def test_unsure_personal_advice_still_goes_to_the_clinician(
    dispatcher: CollectingDispatcher,
) -> None:
    responses = await run(dispatcher, ("personal_advice", 0.4), ("faq_cure", 0.1))

    assert responses == ["utter_personal_advice"]


async def test_a_possible_emergency_gets_urgent_advice_and_nothing_else(
    dispatcher: CollectingDispatcher,
) -> None:
    responses = await run(dispatcher, ("faq_symptoms", 0.45), ("emergency", 0.3))

    assert responses == ["utter_emergency"]


async def test_an_empty_ranking_refers_to_the_clinician(dispatcher: CollectingDispatcher) -> None:
    responses = await run(dispatcher)

    assert responses == ["utter_out_of_scope", "utter_topic_menu"]
