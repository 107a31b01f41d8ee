"""action_session_start: the first message is the not-medical-advice notice."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.session import ActionSessionStart
from tests.conftest import make_tracker

pytestmark = pytest.mark.safety


async def test_session_starts_with_the_notice(dispatcher: CollectingDispatcher) -> None:
    events = await ActionSessionStart().run(dispatcher, make_tracker(), {})

    assert [m["response"] for m in dispatcher.messages] == ["utter_disclaimer"]
    assert [e["event"] for e in events] == ["session_started", "action"]
    assert events[1]["name"] == "action_listen"


def test_notice_says_general_information_not_medical_advice(domain: dict) -> None:
    [notice] = domain["responses"]["utter_disclaimer"]
    assert "general information" in notice["text"]
    assert "not medical advice" in notice["text"]
    assert "contact your clinician" in notice["text"]


def test_greeting_repeats_that_it_is_not_medical_advice(domain: dict) -> None:
    [greeting] = domain["responses"]["utter_greet"]
    assert "general information" in greeting["text"]
    assert "not medical advice" in greeting["text"]
