"""Restart: the Rasa server (or one of the two behind the front) is killed (SIGKILL, no
clean shutdown) in the middle of concurrent conversations and started again on the same
SQLite tracker store. With two, a conversation whose turn the killed server held waits
for that lock to expire (Rasa's lock lifetime, 60 s) before its next turn.

The guarantee checked, per conversation:
- every turn the visitor got a 200 for is stored, in the order sent;
- a turn in flight at the kill (the visitor got an error instead) is stored at most
  once or not at all; nothing else is stored: no duplicates, nothing from another visitor;
- the stored tracker loads, and the conversation goes on after the restart.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from evaluation.load import Conversation, chat, say, unique_turns
from spine_assistant.serving.isolated import RunningAssistant, running_assistant
from tests.e2e.stored import stored_events, user_texts

pytestmark = [pytest.mark.model, pytest.mark.e2e, pytest.mark.safety]

VISITORS = 20
TURNS = 12
KILL_AFTER_ANSWERS = 80


@pytest.fixture(scope="module", params=[1, 2], ids=["one Rasa process", "two Rasa processes"])
def restartable_assistant(
    trained_model: Path,
    tmp_path_factory: pytest.TempPathFactory,
    api_token: str,
    request: pytest.FixtureRequest,
) -> Iterator[RunningAssistant]:
    """One Rasa server, or two behind the front with one of them killed (make serve)."""
    with running_assistant(
        trained_model,
        tmp_path_factory.mktemp("restart"),
        api_token=api_token,
        rasa_processes=request.param,
    ) as running:
        yield running


async def test_conversations_survive_a_sigkill_of_the_rasa_server(
    restartable_assistant: RunningAssistant, api_token: str
) -> None:
    assistant = restartable_assistant
    run = uuid.uuid4().hex[:6]
    conversations = [unique_turns(f"restart-{run}-{n}", TURNS) for n in range(VISITORS)]
    restarted = asyncio.Event()

    async def kill_mid_load() -> None:
        while sum(len(c.answered) for c in conversations) < KILL_AFTER_ANSWERS:
            await asyncio.sleep(0.05)
        await asyncio.to_thread(assistant.kill_and_restart_rasa)
        restarted.set()

    async def wait_for_restart() -> None:
        await restarted.wait()

    await asyncio.gather(
        chat(assistant.webhook, [[c] for c in conversations], pause_after_failure=wait_for_restart),
        kill_mid_load(),
    )

    assert restarted.is_set()
    assert any(c.uncertain for c in conversations), "the kill hit turns in flight"
    answered_after_failure = [
        c for c in conversations if c.uncertain and c.answered[-1] == c.sent[-1]
    ]
    assert answered_after_failure, "visitors cut off by the kill went on chatting under load"
    for conversation in conversations:
        stored = user_texts(await stored_events(assistant.url, api_token, conversation.sender))
        assert len(stored) == len(set(stored)), f"{conversation.sender}: duplicated turns"
        assert set(stored) <= set(conversation.sent), f"{conversation.sender}: foreign turns"
        assert [t for t in stored if t in conversation.answered] == conversation.answered
        assert stored == [t for t in conversation.sent if t in stored], "in the order sent"

        follow_up = Conversation(sender=conversation.sender)
        await chat_once(assistant.webhook, follow_up, "what are the symptoms?")
        after = user_texts(await stored_events(assistant.url, api_token, conversation.sender))
        assert after == stored + ["what are the symptoms?"]


async def chat_once(webhook: str, conversation: Conversation, text: str) -> None:
    async with aiohttp.ClientSession() as session:
        assert await say(session, webhook, conversation, text), conversation.errors
