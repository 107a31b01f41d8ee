"""Two Rasa processes behind the front, as `make serve` runs them on 2 cores
(spine_assistant/serving/front.py, the SQLite lock store): any process may take any turn,
so what one process answered the other must know, and a socket.io session must find the
process that holds it. The load, restart, security and browser tests run against this
set-up too (tests/e2e/conftest.py)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import aiohttp
import pytest

from spine_assistant.serving.isolated import RunningAssistant
from tests.e2e.socket_visitor import SocketVisitor
from tests.e2e.stored import stored_events, user_texts

pytestmark = [pytest.mark.model, pytest.mark.e2e]

TIMEOUT_S = 60


async def test_a_follow_up_on_the_other_process_knows_the_answer_before_it(
    hardened_assistant: RunningAssistant, api_token: str
) -> None:
    sender = f"processes-{uuid.uuid4().hex[:8]}"
    turns = ["does kidney cancer spread to the spine?", "source?", "thanks"]
    replies: list[list[dict[str, Any]]] = []

    async def say(session: aiohttp.ClientSession, url: str, text: str) -> str:
        """Sends one turn; returns which process answered (the front's X-Upstream)."""
        webhook = f"{url}/webhooks/rest/webhook"
        async with session.post(webhook, json={"sender": sender, "message": text}) as response:
            assert response.status == 200, await response.text()
            replies.append(await response.json())
            return response.headers.get("X-Upstream", "")

    async with aiohttp.ClientSession() as session:
        answered_by = await say(session, hardened_assistant.url, turns[0])
        assert answered_by in {"1", "2"}, "the front names the process that answered"
        # "source?" straight to the other process: which one the front picks next depends
        # on the order its slots came back in
        other = hardened_assistant.rasa_urls[2 - int(answered_by)]
        await say(session, other, turns[1])
        await say(session, hardened_assistant.url, turns[2])

    source_reply = " ".join(reply.get("text", "") for reply in replies[1])
    assert "Causes of Metastatic Spine Tumours" in source_reply
    stored = await stored_events(hardened_assistant.url, api_token, sender)
    assert user_texts(stored) == turns


async def test_a_polling_socketio_session_finds_its_process(
    hardened_assistant: RunningAssistant, api_token: str
) -> None:
    """rasa-webchat starts with long-polling: many requests of one session, which lives
    in one process's memory."""
    messages = ["hello", "what are the symptoms?", "thanks"]
    visitor = SocketVisitor(hardened_assistant.url, transports=["polling"], reconnection=False)
    # As the widget does: the channel hands out the session id (spine_assistant/channels/).
    session_id = await visitor.connect()
    try:
        for count, message in enumerate(messages, start=1):
            await visitor.client.emit(
                "user_uttered", {"message": message, "session_id": session_id}
            )
            await asyncio.wait_for(
                _answered(hardened_assistant, api_token, session_id, count), TIMEOUT_S
            )
        assert (await asyncio.wait_for(visitor.replies.get(), TIMEOUT_S)).get("text")
    finally:
        await visitor.client.disconnect()
    stored = await stored_events(hardened_assistant.url, api_token, session_id)
    assert user_texts(stored) == messages


async def _answered(assistant: RunningAssistant, api_token: str, sender: str, turns: int) -> None:
    """Returns once the store holds TURNS user messages of SENDER, the last one answered."""
    while True:
        events = await stored_events(assistant.url, api_token, sender)
        kinds = [event["event"] for event in events]
        last_user = max((i for i, kind in enumerate(kinds) if kind == "user"), default=-1)
        if len(user_texts(events)) == turns and "bot" in kinds[last_user:]:
            return
        await asyncio.sleep(0.2)
