"""The action server response check installed in the Rasa server: the same verdicts and
errors as Rasa's own `_validate_action_result`, with the schema checked once."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from spine_assistant.serving import action_response_check

CITATION = {"text": "Source: Causes", "metadata": {"citation": {"section": "Causes"}}}
RESPONSES: list[dict[str, Any]] = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "cited_topic", "value": "x"}], "responses": [CITATION]},
    {"events": [{"event": "session_started"}, {"event": "action", "name": "action_listen"}]},
    {"responses": [{"response": "utter_notice", "buttons": [{"title": "a", "payload": "/b"}]}]},
    # invalid: an event without a type, events not a list, an unknown event type
    {"events": [{"name": "cited_topic"}], "responses": []},
    {"events": {"event": "slot"}, "responses": []},
    {"events": [{"event": "no_such_event"}]},
    {"events": [], "responses": "Source: Causes"},
]


def verdict(check: Any, action: RemoteAction, result: dict[str, Any]) -> tuple[bool, str]:
    try:
        return check(action, result), ""
    except ValidationError as error:
        return False, error.message


@pytest.mark.parametrize("result", RESPONSES)
def test_it_gives_rasas_verdict_and_message(result: dict[str, Any]) -> None:
    action = RemoteAction("action_cite_source", None)
    rasa_verdict = verdict(RemoteAction._validate_action_result, action, result)
    assert verdict(action_response_check.validate_action_result, action, result) == rasa_verdict


def test_the_set_includes_responses_rasa_refuses() -> None:
    action = RemoteAction("action_cite_source", None)
    refused = [
        r for r in RESPONSES if not verdict(RemoteAction._validate_action_result, action, r)[0]
    ]
    assert len(refused) == 4


def test_install_replaces_rasas_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        RemoteAction, "_validate_action_result", RemoteAction._validate_action_result
    )
    action_response_check.install()
    assert RemoteAction._validate_action_result is action_response_check.validate_action_result
