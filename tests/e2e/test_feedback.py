"""Answer feedback over REST on the real servers: a vote is stored in the conversation
with its topic, can change, never changes what the assistant says next, and `forget`
removes it with the conversation. (The widget's buttons: web/tests/widget.test.mjs.)"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests

from spine_assistant.serving.isolated import RunningAssistant
from tests.e2e.stored import stored_events
from tests.unit.test_privacy_commands import run_privacy_command

pytestmark = [pytest.mark.model, pytest.mark.e2e]


def say(assistant: RunningAssistant, sender: str, message: str) -> list[dict[str, Any]]:
    reply = requests.post(
        assistant.webhook, json={"sender": sender, "message": message}, timeout=120
    )
    assert reply.status_code == 200, reply.text
    return list(reply.json())


def vote(assistant: RunningAssistant, **body: Any) -> requests.Response:
    return requests.post(f"{assistant.url}/webhooks/rest/feedback", json=body, timeout=60)


def answer_id(replies: list[dict[str, Any]]) -> str:
    [source] = [reply for reply in replies if "metadata" in reply]
    assert set(source["metadata"]) == {"citation", "answer_id"}
    return str(source["metadata"]["answer_id"])


def votes(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e["value"] for e in events if e["event"] == "slot" and e["name"] == "answer_feedback"]


async def test_a_vote_is_stored_with_its_topic_and_changes_nothing_else(
    hardened_assistant: RunningAssistant, api_token: str
) -> None:
    sender = f"feedback-{uuid.uuid4().hex}"
    greeting = say(hardened_assistant, sender, "hello")
    assert not any("metadata" in reply for reply in greeting), "only answers can be rated"
    rated = answer_id(say(hardened_assistant, sender, "what are the symptoms?"))

    first = vote(hardened_assistant, sender=sender, answer_id=rated, rating="helpful")
    changed = vote(
        hardened_assistant,
        sender=sender,
        answer_id=rated,
        rating="not_helpful",
        reason="I wanted to know about my own pain",
    )
    assert first.status_code == 200 and changed.status_code == 200, changed.text
    assert first.json() == {"status": "recorded", "rating": "helpful", "topic": "symptoms"}

    # The conversation goes on as if no vote had been given.
    quote = say(hardened_assistant, sender, "where does that come from?")
    assert quote[-1]["metadata"]["citation"]["section"] == "Spinal Metastases Symptoms"
    next_answer = say(hardened_assistant, sender, "how is it diagnosed?")
    assert next_answer[-1]["metadata"]["citation"]["section"] == "Spinal Metastases Diagnosis"
    assert answer_id(next_answer) != rated

    events = await stored_events(hardened_assistant.url, api_token, sender)
    assert votes(events) == [
        {"message_id": rated, "topic": "symptoms", "rating": "helpful", "reason": None},
        {
            "message_id": rated,
            "topic": "symptoms",
            "rating": "not_helpful",
            "reason": "I wanted to know about my own pain",
        },
    ]

    assert hardened_assistant.workdir is not None
    run_privacy_command(hardened_assistant.workdir / "endpoints.yml", "forget", sender)
    assert votes(await stored_events(hardened_assistant.url, api_token, sender)) == []


@pytest.mark.parametrize(
    "body, status",
    [
        ({"sender": "nobody-here", "answer_id": "0" * 32, "rating": "helpful"}, 404),
        ({"sender": "x", "answer_id": "0" * 32, "rating": "great"}, 400),
        ({"sender": "x"}, 400),
    ],
)
def test_a_bad_vote_gets_a_clear_4xx(
    hardened_assistant: RunningAssistant, body: dict[str, Any], status: int
) -> None:
    reply = vote(hardened_assistant, **body)
    assert reply.status_code == status
    assert reply.json()["error"]


def test_a_vote_for_an_unknown_answer_in_a_real_conversation_is_refused(
    hardened_assistant: RunningAssistant,
) -> None:
    sender = f"feedback-{uuid.uuid4().hex}"
    say(hardened_assistant, sender, "what are the symptoms?")
    reply = vote(hardened_assistant, sender=sender, answer_id=uuid.uuid4().hex, rating="helpful")
    assert reply.status_code == 404
