"""Load generator for `make bench`, run as its own process so it does not share the
server's CPU accounting: N concurrent visitors each hold realistic multi-turn chats
over the REST webhook. Prints one JSON object with every turn's latency.

Usage: python -m evaluation.load URL USERS CONVERSATIONS_PER_USER
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid

import aiohttp

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


if __name__ == "__main__":
    main()
