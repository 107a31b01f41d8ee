"""Load generator for `make bench`, run as its own process so it does not share the
server's CPU accounting: N concurrent visitors each hold realistic multi-turn chats
over the REST webhook. Prints one JSON object with every turn's latency.

Usage: python -m evaluation.load URL USERS CONVERSATIONS_PER_USER
(or `drive()` from Python, which runs it so and collects the figures).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass

import aiohttp

from knowledge.paths import PROJECT_ROOT

# A visitor's chat: greeting, questions, a follow-up "source?", thanks.
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
REQUEST_TIMEOUT_S = 60


async def visitor(
    session: aiohttp.ClientSession,
    url: str,
    conversations: int,
    latencies: list[float],
    errors: list[str],
) -> None:
    for _ in range(conversations):
        sender = f"bench-{uuid.uuid4()}"
        for message in CONVERSATION:
            started = time.perf_counter()
            try:
                async with session.post(url, json={"sender": sender, "message": message}) as reply:
                    body = await reply.json()
                    if reply.status != 200 or not body:
                        errors.append(f"{reply.status}: {str(body)[:100]}")
                        continue
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                errors.append(repr(error))
                continue
            latencies.append(time.perf_counter() - started)


async def run(url: str, users: int, conversations: int) -> dict[str, object]:
    latencies: list[float] = []
    errors: list[str] = []
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    connector = aiohttp.TCPConnector(limit=users)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(
            *(visitor(session, url, conversations, latencies, errors) for _ in range(users))
        )
        wall = time.perf_counter() - started
    return {"latencies": latencies, "errors": errors, "wall_seconds": wall}


def main() -> None:
    url, users, conversations = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    print(json.dumps(asyncio.run(run(url, users, conversations))))


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


def drive(webhook: str, users: int, conversations: int) -> Scenario:
    result = subprocess.run(
        [sys.executable, "-m", "evaluation.load", webhook, str(users), str(conversations)],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    data = json.loads(result.stdout)
    latencies = [float(x) for x in data["latencies"]]
    errors = len(data["errors"])
    return Scenario(users, len(latencies) + errors, errors, float(data["wall_seconds"]), latencies)


if __name__ == "__main__":
    main()
