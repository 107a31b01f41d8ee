"""Rasa's socket.io channel as the widget needs it (the base of the channel in credentials.yml).

Two differences from `rasa.core.channels.socketio.SocketIOInput`, both in Rasa 3.6:
- Rasa turns engine.io's origin check off (`cors_allowed_origins=[]`), and browsers do
  not apply CORS to WebSockets, so any web page could open a socket. Here engine.io
  accepts only the origins in the `CORS_ORIGINS` environment variable (the same list
  `make run` passes to `rasa run --cors`, which writes the HTTP CORS headers).
- Rasa drops a response's `metadata`. Here an answer's "Source: …" line goes out as an
  ordinary `bot_uttered` event `{"text": "Source: …", "metadata": {"citation": {...}}}`:
  every socket.io client (rasa-webchat included) shows the line, and the project's
  widget reads the citation from its metadata to link and quote the section.

The event handlers (session ids handed out by the channel, `enter_room` awaited, input
limits) are `channels.limits.LimitedSocketIOInput`'s, which builds on this class.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

DEFAULT_ALLOWED_ORIGINS = "http://localhost:8000"


def allowed_origins() -> list[str]:
    """Space- or comma-separated origins from CORS_ORIGINS (the demo page's by default)."""
    configured = os.environ.get("CORS_ORIGINS") or DEFAULT_ALLOWED_ORIGINS
    return [origin for origin in configured.replace(",", " ").split() if origin]


def citation_of(message: dict[str, Any]) -> dict[str, Any] | None:
    """The citation an answer's "Source: …" response carries in its metadata."""
    metadata = message.get("metadata")
    citation = metadata.get("citation") if isinstance(metadata, dict) else None
    return citation if isinstance(citation, dict) else None


class WidgetSocketIOOutput(SocketIOOutput):
    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        citation = citation_of(message)
        if citation is None:
            await super().send_response(recipient_id, message)
            return
        event: dict[str, Any] = {
            "text": message.get("text") or "",
            "metadata": {"citation": citation},
        }
        if message.get("buttons"):
            event["quick_replies"] = [
                {"content_type": "text", "title": button["title"], "payload": button["payload"]}
                for button in message["buttons"]
            ]
        await self._send_message(recipient_id, event)


class WidgetSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        socketio_webhook = super().blueprint(on_new_message)
        assert self.sio is not None
        engine = self.sio.eio
        engine.cors_allowed_origins = allowed_origins()
        # sanic-cors (`rasa run --cors`) already writes the CORS headers of every HTTP
        # response; engine.io adding its own would duplicate them and browsers refuse that.
        engine._cors_headers = lambda environ: []

        return socketio_webhook

    def get_output_channel(self) -> WidgetSocketIOOutput | None:
        if self.sio is None:
            return None
        return WidgetSocketIOOutput(self.sio, self.bot_message_evt)
