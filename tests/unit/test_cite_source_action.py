"""The full citation for "source?", from the rasa-sdk action with rasa-sdk's own Tracker
and CollectingDispatcher, as the action server runs it."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.citation import ActionCiteSource
from spine_assistant.knowledge import CITED_TOPIC_SLOT, load_knowledge

pytestmark = pytest.mark.safety

PAGE = "https://clinic.example.org/spine/source.html"


def tracker(slots: dict[str, Any]) -> Tracker:
    return Tracker(
        sender_id="visitor",
        slots=slots,
        latest_message={"intent": {"name": "ask_source", "confidence": 0.99}, "text": "source?"},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="utter_source_faq_mri",
    )


async def cite(slots: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    monkeypatch.setenv("SOURCE_PAGE_URL", PAGE)
    dispatcher = CollectingDispatcher()
    events = await ActionCiteSource().run(dispatcher, tracker(slots), {})
    assert events == [], "citing changes no state"
    return dispatcher.messages


@pytest.mark.parametrize("topic", load_knowledge().topics, ids=lambda topic: topic.id)
async def test_the_last_answer_gets_its_quote_link_and_review_date(
    topic: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    [message] = await cite({CITED_TOPIC_SLOT: topic.id}, monkeypatch)
    citation = message["metadata"]["citation"]

    assert f"The page says: “{topic.quote}”" in message["text"]
    assert citation["quote"] == topic.quote
    assert citation["quote"] in load_knowledge().source_text(), "verbatim on the page"
    assert citation["link"].startswith(f"{PAGE}#")
    assert f"Read it on the page: {citation['link']}" in message["text"]
    assert topic.reviewed is not None
    assert f"Last reviewed: {topic.reviewed.month}" in message["text"]
    assert citation["last_reviewed"] == topic.reviewed.month


async def test_a_detail_that_was_answered_is_the_one_quoted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slots = {CITED_TOPIC_SLOT: "risk_genetic", "syndrome": "cowden syndrome"}
    [message] = await cite(slots, monkeypatch)

    assert "“Cowden syndrome”" in message["text"]
    assert message["metadata"]["citation"]["link"] == f"{PAGE}#genetic-disorders"


async def test_before_any_answer_there_is_nothing_to_cite(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    [message] = await cite({CITED_TOPIC_SLOT: None}, monkeypatch)
    assert message["response"] == "utter_nothing_to_cite"
