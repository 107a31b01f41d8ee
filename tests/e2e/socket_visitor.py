"""A chat client on the socket.io channel, as the widget and rasa-webchat talk to it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

import socketio


class SocketVisitor:
    """A website visitor on the socket.io channel: over a WebSocket, as the widget talks to
    it, or with `transports=["polling"]` over HTTP long-polling, as rasa-webchat starts;
    without `reconnection`, a lost session fails the test instead of being replaced."""

    def __init__(
        self, url: str, transports: Sequence[str] = ("websocket",), reconnection: bool = True
    ) -> None:
        self.url = url
        self.transports = list(transports)
        self.client = socketio.AsyncClient(reconnection=reconnection)
        self.replies: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.session_ids: asyncio.Queue[str] = asyncio.Queue()
        self.client.on("bot_uttered", self.replies.put)
        self.client.on("session_confirm", self.session_ids.put)

    async def connect(self, session_id: str | None = None) -> str:
        await self.client.connect(self.url, socketio_path="/socket.io", transports=self.transports)
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
