"""What Rasa stored of a conversation, read through its HTTP API (with the API token)."""

from __future__ import annotations

from typing import Any

import aiohttp


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
