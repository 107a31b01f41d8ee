"""The project's one load generator: concurrent visitors chatting over the REST webhook.

Each `Conversation` records what it sent, which turns were answered, the replies and
each turn's latency, so the same run serves both purposes:
- the benchmarks (`drive`) run it in a process of its own, so it does not share the
  server's CPU accounting, with every visitor holding realistic chats (CONVERSATION);
- the load and restart tests run it in-process with a unique text per turn
  (`unique_turns`), then check that every stored conversation holds exactly its turns.

Usage: python -m evaluation.load URL USERS CHATS_PER_USER [--may-stay-silent]
(prints one JSON object)
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import aiohttp

from spine_assistant.knowledge.paths import PROJECT_ROOT

# A visitor's chat in the benchmarks: greeting, questions, a follow-up "source?", thanks.
CONVERSATION = [
    "hello",
    "what is a metastatic spinal tumour?",
    "where does that come from?",
    "does kidney cancer spread to the spine?",
    "what are the symptoms?",
    "how is it diagnosed?",
    "can it be cured?",
    "thanks",
]
# What the tests' visitors ask, in turn, each turn made unique.
QUESTIONS = [
    *CONVERSATION[:-2],
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
REQUEST_TIMEOUT_S = 120
SILENCE_FLAG = "--may-stay-silent"


@dataclass
class Conversation:
    """One conversation: what it will send, what it sent, which turns got a 200, the
    replies it saw and how long each answered turn took."""

    sender: str
    script: list[str] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)  # in flight when a request failed
    bot_texts: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    # This project always answers, so an empty reply is an error; a bot that may choose
    # to say nothing (stock `rasa init` to "thanks") answered the turn.
    may_stay_silent: bool = False


def unique_turns(sender: str, turns: int) -> Conversation:
    """A conversation whose every turn's text is unique, so a foreign or duplicated
    event in the store shows."""
    script = [f"{QUESTIONS[turn % len(QUESTIONS)]} ({sender} turn {turn})" for turn in range(turns)]
    return Conversation(sender, script)


async def say(
    session: aiohttp.ClientSession, webhook: str, conversation: Conversation, text: str
) -> bool:
    conversation.sent.append(text)
    started = time.perf_counter()
    try:
        async with session.post(
            webhook, json={"sender": conversation.sender, "message": text}
        ) as reply:
            body = await reply.json(content_type=None)
            silent = body == [] and conversation.may_stay_silent
            if reply.status != 200 or not (body or silent):
                conversation.errors.append(f"{reply.status}: {str(body)[:200]}")
                conversation.uncertain.append(text)
                return False
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        conversation.errors.append(repr(error))
        conversation.uncertain.append(text)
        return False
    conversation.latencies.append(time.perf_counter() - started)
    conversation.answered.append(text)
    conversation.bot_texts += [message["text"] for message in body if message.get("text")]
    return True


async def chat(
    webhook: str,
    visitors: Sequence[Sequence[Conversation]],
    pause_after_failure: Callable[[], Awaitable[None]] | None = None,
    timeout_s: float = REQUEST_TIMEOUT_S,
) -> float:
    """All visitors at once, each holding its conversations one after another; returns
    the wall-clock seconds it took."""
    timeout = aiohttp.ClientTimeout(total=timeout_s)
    connector = aiohttp.TCPConnector(limit=len(visitors))
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:

        async def visitor(conversations: Sequence[Conversation]) -> None:
            for conversation in conversations:
                for text in conversation.script:
                    ok = await say(session, webhook, conversation, text)
                    if not ok and pause_after_failure is not None:
                        await pause_after_failure()

        started = time.perf_counter()
        await asyncio.gather(*(visitor(conversations) for conversations in visitors))
        return time.perf_counter() - started


@dataclass
class Scenario:
    users: int
    turns: int
    errors: int
    wall_seconds: float
    latencies: list[float]

    @property
    def throughput(self) -> float:
        return self.turns / self.wall_seconds

    def percentile(self, q: int) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100)[q - 1] * 1000

    @property
    def slowest_ms(self) -> float:
        return max(self.latencies, default=float("nan")) * 1000


async def run(url: str, users: int, chats: int, may_stay_silent: bool = False) -> Scenario:
    """USERS visitors, each holding CHATS benchmark conversations with fresh senders."""
    visitors = [
        [
            Conversation(
                f"bench-{uuid.uuid4()}", list(CONVERSATION), may_stay_silent=may_stay_silent
            )
            for _ in range(chats)
        ]
        for _ in range(users)
    ]
    wall = await chat(url, visitors, timeout_s=60)
    conversations = [conversation for held in visitors for conversation in held]
    latencies = [latency for c in conversations for latency in c.latencies]
    errors = sum(len(c.errors) for c in conversations)
    return Scenario(users, len(latencies) + errors, errors, wall, latencies)


def main() -> None:
    url, users, chats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    scenario = asyncio.run(run(url, users, chats, may_stay_silent=SILENCE_FLAG in sys.argv[4:]))
    print(json.dumps(scenario.__dict__))


def drive(webhook: str, users: int, chats: int, may_stay_silent: bool = False) -> Scenario:
    """`run` in a process of its own."""
    result = subprocess.run(
        [sys.executable, "-m", "evaluation.load", webhook, str(users), str(chats)]
        + ([SILENCE_FLAG] if may_stay_silent else []),
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return Scenario(**json.loads(result.stdout))


if __name__ == "__main__":
    main()
