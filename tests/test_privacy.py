"""Privacy: conversations older than the retention period are deleted, one visitor's
conversation is deleted on request, and logs at the default level never contain what
visitors typed."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
import socketio
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from evaluation.servers import RunningAssistant
from knowledge.paths import PROJECT_ROOT
from privacy.conversations import (
    SECONDS_PER_DAY,
    forget_conversation,
    open_tracker_store,
    purge_old_conversations,
)
from tests.conversation_load import stored_events, user_texts

NOW = time.time()


def write_endpoints(folder: Path) -> Path:
    endpoints = folder / "endpoints.yml"
    endpoints.write_text(
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {folder / 'tracker.db'}\n",
        encoding="utf-8",
    )
    return endpoints


def store_conversation(endpoints: Path, sender: str, *days_ago: float) -> None:
    """A conversation with one user message per age given, as Rasa stores it."""
    events = [
        UserUttered(f"message {n}", timestamp=NOW - d * SECONDS_PER_DAY)
        for n, d in enumerate(days_ago)
    ]
    tracker = DialogueStateTracker.from_events(sender, events, domain=Domain.empty())
    asyncio.run(open_tracker_store(endpoints).save(tracker))


def stored_senders(endpoints: Path) -> set[str]:
    return set(asyncio.run(open_tracker_store(endpoints).keys()))


def run_privacy_command(endpoints: Path, *arguments: str, **env: str) -> str:
    completed = subprocess.run(
        [sys.executable, "-m", "privacy", "--endpoints", str(endpoints), *arguments],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return completed.stdout


def test_purge_deletes_conversations_idle_longer_than_the_retention(tmp_path: Path) -> None:
    endpoints = write_endpoints(tmp_path)
    store_conversation(endpoints, "idle-40-days", 45, 40)
    store_conversation(endpoints, "started-long-ago-still-going", 60, 1)
    store_conversation(endpoints, "today", 0)

    purged = purge_old_conversations(open_tracker_store(endpoints), older_than_days=30, now=NOW)

    assert purged == 1
    assert stored_senders(endpoints) == {"started-long-ago-still-going", "today"}


def test_the_purge_command_reads_retention_days_from_the_environment(tmp_path: Path) -> None:
    endpoints = write_endpoints(tmp_path)
    store_conversation(endpoints, "three-days", 3)
    store_conversation(endpoints, "one-day", 1)

    output = run_privacy_command(endpoints, "purge", RETENTION_DAYS="2")

    assert "Deleted 1 conversations" in output
    assert stored_senders(endpoints) == {"one-day"}


def test_forget_deletes_exactly_one_conversation(tmp_path: Path) -> None:
    endpoints = write_endpoints(tmp_path)
    store_conversation(endpoints, "ann", 0, 0)
    store_conversation(endpoints, "bob", 0)

    assert forget_conversation(open_tracker_store(endpoints), "ann") > 0
    assert stored_senders(endpoints) == {"bob"}


def test_the_commands_refuse_a_store_they_cannot_clean(tmp_path: Path) -> None:
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text("tracker_store:\n  type: redis\n  url: localhost\n", encoding="utf-8")

    with pytest.raises(subprocess.CalledProcessError) as refused:
        run_privacy_command(endpoints, "purge")
    assert "type: SQL" in refused.value.stderr


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
    assert set(logs) == {"actions", "rasa"}
    assert "Rasa server is up" in logs["rasa"], "the log is the one written at INFO"
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
