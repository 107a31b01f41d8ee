"""Many concurrent visitors over the REST webhook, each turn's text unique, and the
checks that every stored conversation holds exactly its own turns (test_load.py,
test_restart.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

QUESTIONS = [
    "hello",
    "what is a metastatic spinal tumour?",
    "where does that come from?",
    "does kidney cancer spread to the spine?",
    "what are the symptoms?",
    "how is it diagnosed?",
    "what is an MRI scan for?",
    "can it be cured?",
    "what are the goals of surgery?",
    "is keyhole surgery possible?",
    "what are the risks of surgery?",
    "which cancers spread to the spine most?",
    "how common is it?",
    "can I prevent it?",
    "what is a biopsy?",
    "tell me about clinical trials",
    "what is the differential diagnosis?",
    "can you recommend a pizza place?",
    "should I stop my medication?",
    "thanks",
]


@dataclass
class Conversation:
    """One visitor: what it sent, which turns got a 200, and the replies it saw."""

    sender: str
    sent: list[str] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)  # in flight when a request failed
    bot_texts: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def message(self, turn: int) -> str:
        """Unique per visitor and turn, so a foreign or duplicated event shows."""
        return f"{QUESTIONS[turn % len(QUESTIONS)]} ({self.sender} turn {turn})"


async def say(
    session: aiohttp.ClientSession, webhook: str, conversation: Conversation, text: str
) -> bool:
    conversation.sent.append(text)
    try:
        async with session.post(
            webhook, json={"sender": conversation.sender, "message": text}
        ) as reply:
            body = await reply.json(content_type=None)
            if reply.status != 200 or not body:
                conversation.errors.append(f"{reply.status}: {str(body)[:200]}")
                conversation.uncertain.append(text)
                return False
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        conversation.errors.append(repr(error))
        conversation.uncertain.append(text)
        return False
    conversation.answered.append(text)
    conversation.bot_texts += [message["text"] for message in body if message.get("text")]
    return True


async def chat(
    webhook: str,
    conversations: list[Conversation],
    turns: int,
    pause_after_failure: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """Every conversation says `turns` messages, all conversations at once."""
    timeout = aiohttp.ClientTimeout(total=120)
    connector = aiohttp.TCPConnector(limit=len(conversations))
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:

        async def visitor(conversation: Conversation) -> None:
            for turn in range(turns):
                ok = await say(session, webhook, conversation, conversation.message(turn))
                if not ok and pause_after_failure is not None:
                    await pause_after_failure()

        await asyncio.gather(*(visitor(conversation) for conversation in conversations))


async def stored_events(url: str, api_token: str, sender: str) -> list[dict[str, Any]]:
    """The conversation's events as Rasa's HTTP API returns them (with the API token)."""
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            f"{url}/conversations/{sender}/tracker",
            params={"token": api_token, "include_events": "ALL"},
        ) as reply,
    ):
        assert reply.status == 200, await reply.text()
        tracker = await reply.json()
    assert tracker["sender_id"] == sender
    return list(tracker["events"])


def user_texts(events: list[dict[str, Any]]) -> list[str]:
    return [event["text"] for event in events if event["event"] == "user"]


def bot_texts(events: list[dict[str, Any]]) -> list[str]:
    return [event["text"] for event in events if event["event"] == "bot" and event.get("text")]
