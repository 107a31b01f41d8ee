"""Privacy on the running assistant: one visitor's conversation is deleted on request
while the servers run, and logs at the default level never contain what visitors typed."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import requests
import socketio

from spine_assistant.serving.isolated import RunningAssistant
from tests.e2e.stored import stored_events, user_texts
from tests.unit.test_privacy_commands import run_privacy_command

pytestmark = pytest.mark.safety


@pytest.mark.model
@pytest.mark.e2e
async def test_forget_on_a_running_assistant(
    hardened_assistant: RunningAssistant, api_token: str
) -> None:
    ann, bob = f"forget-ann-{uuid.uuid4().hex}", f"forget-bob-{uuid.uuid4().hex}"
    for sender in (ann, bob):
        chat(hardened_assistant, sender, "my mother has myeloma, what are the symptoms?")
    assert hardened_assistant.workdir is not None

    run_privacy_command(hardened_assistant.workdir / "endpoints.yml", "forget", ann)

    assert user_texts(await stored_events(hardened_assistant.url, api_token, ann)) == []
    assert len(user_texts(await stored_events(hardened_assistant.url, api_token, bob))) == 1
    chat(hardened_assistant, ann, "what is an MRI?")
    assert user_texts(await stored_events(hardened_assistant.url, api_token, ann)) == [
        "what is an MRI?"
    ]


def chat(assistant: RunningAssistant, sender: str, message: str) -> None:
    reply = requests.post(
        assistant.webhook, json={"sender": sender, "message": message}, timeout=120
    )
    assert reply.status_code == 200 and reply.json()


@pytest.mark.model
@pytest.mark.e2e
async def test_logs_never_contain_what_visitors_typed(
    hardened_assistant: RunningAssistant,
) -> None:
    marker = f"zebra{uuid.uuid4().hex[:12]}"
    messages = [
        f"my father has {marker} and back pain",
        f"/{marker}",
        f'/greet{{"symptom": "{marker}"}}',
        f"{marker}\x00\ud800",
        f"what are the symptoms? {marker} " + "x" * 5000,
    ]
    for message in messages:
        chat(hardened_assistant, f"log-{marker}", message)
    requests.post(hardened_assistant.webhook, json={"message": marker}, timeout=60)
    requests.post(hardened_assistant.webhook, json={"sender": "x", "message": [marker]}, timeout=60)
    await socket_chat(hardened_assistant.url, f"the {marker} question")

    logs = hardened_assistant.logs()
    assert set(logs) == {"actions", "rasa", "rasa-2", "front"}
    for rasa in ("rasa", "rasa-2"):
        assert "Rasa server is up" in logs[rasa], "the log is the one written at INFO"
    for name, log in logs.items():
        assert marker not in log, f"{name} log contains the visitor's text"


async def socket_chat(url: str, message: str) -> None:
    client = socketio.AsyncClient()
    replies: asyncio.Queue[object] = asyncio.Queue()
    sessions: asyncio.Queue[str] = asyncio.Queue()
    client.on("bot_uttered", replies.put)
    client.on("session_confirm", sessions.put)
    await client.connect(url, socketio_path="/socket.io", transports=["websocket"])
    try:
        await client.emit("session_request", {"session_id": None})
        session_id = await asyncio.wait_for(sessions.get(), 60)
        await client.emit("user_uttered", {"message": message, "session_id": session_id})
        await asyncio.wait_for(replies.get(), 120)
    finally:
        await client.disconnect()
