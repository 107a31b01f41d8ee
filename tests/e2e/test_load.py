"""Load without loss: 50 concurrent conversations × 20 turns against one server, zero
errors, and afterwards every stored conversation (fetched through the HTTP API) holds
exactly its own turns, in order: none lost, none duplicated, none from another visitor.
(Speed is measured by `make bench`, not here.)"""

from __future__ import annotations

import http.client
import time
import uuid

import pytest

from evaluation.load import chat, unique_turns
from spine_assistant.serving.isolated import RunningAssistant
from tests.e2e.stored import bot_texts, stored_events, user_texts

pytestmark = [pytest.mark.model, pytest.mark.e2e]

VISITORS = 50
TURNS = 20


@pytest.mark.safety
async def test_concurrent_conversations_are_stored_whole_and_apart(
    hardened_assistant: RunningAssistant, api_token: str
) -> None:
    run = uuid.uuid4().hex[:6]
    conversations = [unique_turns(f"load-{run}-{n}", TURNS) for n in range(VISITORS)]

    await chat(hardened_assistant.webhook, [[c] for c in conversations])

    assert [c.errors for c in conversations if c.errors] == []
    for conversation in conversations:
        events = await stored_events(hardened_assistant.url, api_token, conversation.sender)
        assert user_texts(events) == conversation.sent, conversation.sender
        assert bot_texts(events) == conversation.bot_texts, conversation.sender
    assert sum(len(c.answered) for c in conversations) == VISITORS * TURNS


AIOHTTP_POOL_KEEP_ALIVE_S = 15  # how long Rasa's action client reuses an idle connection


def test_the_action_server_outlives_rasas_idle_connections(
    hardened_assistant: RunningAssistant,
) -> None:
    """Rasa reuses an idle connection to the action server for up to 15 s; an action
    server that closes it sooner (Sanic's default: 5 s) races with the next action call
    and the visitor's turn loses its reply under load."""
    connection = http.client.HTTPConnection("127.0.0.1", hardened_assistant.actions_port)
    connection.request("GET", "/health")
    assert connection.getresponse().read()

    time.sleep(AIOHTTP_POOL_KEEP_ALIVE_S / 2)  # idle, as between two visitors' turns
    connection.request("GET", "/health")

    assert connection.getresponse().status == 200, "the idle connection is still open"
    connection.close()
