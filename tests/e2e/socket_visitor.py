"""A chat client on the socket.io channel, as the widget and rasa-webchat talk to it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import socketio


class SocketVisitor:
    """A website visitor on the socket.io channel, as the widget talks to it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = socketio.AsyncClient()
        self.replies: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.session_ids: asyncio.Queue[str] = asyncio.Queue()
        self.client.on("bot_uttered", self.replies.put)
        self.client.on("session_confirm", self.session_ids.put)

    async def connect(self, session_id: str | None = None) -> str:
        await self.client.connect(self.url, socketio_path="/socket.io", transports=["websocket"])
        await self.client.emit("session_request", {"session_id": session_id})
        return await asyncio.wait_for(self.session_ids.get(), 60)

    async def until(self, wanted: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
        """The replies up to and including the first one `wanted` accepts."""
        seen: list[dict[str, Any]] = []
        while not seen or not wanted(seen[-1]):
            seen.append(await asyncio.wait_for(self.replies.get(), 120))
        return seen


def text_is(expected: str) -> Callable[[dict[str, Any]], bool]:
    return lambda reply: reply.get("text") == expected


def is_citation(reply: dict[str, Any]) -> bool:
    return str(reply.get("text", "")).startswith("Source:")
