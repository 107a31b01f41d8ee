"""Rasa's socket.io channel (/socket.io) as the website needs it, registered in
credentials.yml; the events and their shapes are Rasa's own (docs/chat-clients.md).
Three differences from `rasa.core.channels.socketio.SocketIOInput` (Rasa 3.6):

- Origins: Rasa turns engine.io's origin check off (`cors_allowed_origins=[]`), and
  browsers do not apply CORS to WebSockets, so any web page could open a socket. Here
  engine.io accepts only the origins in CORS_ORIGINS (the list `make run` also gives
  `rasa run --cors`, which writes the HTTP CORS headers).
- Sessions and input: `session_request` accepts only session ids of the form this
  channel and the widget create (uuid4 hex), so a visitor cannot pick "default" or a
  guessable id and join that room; a user message is checked (turns.py, validation.py)
  before it reaches the assistant, and what cannot be taken gets a polite answer.
- Citations: Rasa drops a response's `metadata`. Here an answer's "Source: …" line goes
  out as an ordinary `bot_uttered` event `{"text": "Source: …", "metadata": {"citation":
  {...}, "answer_id": "..."}}`: every socket.io client shows the line, and the widget
  links and quotes the section from the metadata (and rates it by answer_id).
"""

from __future__ import annotations

import os
import uuid
from typing import Any

from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from spine_assistant.channels.turns import (
    UNREADABLE_REPLY,
    OnNewMessage,
    accepted_payloads,
    answer_metadata,
    handle_checked_message,
)
from spine_assistant.channels.validation import InvalidInput, check_message, check_sender

DEFAULT_ALLOWED_ORIGINS = "http://localhost:8000"


def allowed_origins() -> list[str]:
    """Space- or comma-separated origins from CORS_ORIGINS (the demo page's by default)."""
    configured = os.environ.get("CORS_ORIGINS") or DEFAULT_ALLOWED_ORIGINS
    return [origin for origin in configured.replace(",", " ").split() if origin]


def is_issued_session_id(value: object) -> bool:
    """Session ids the widget and this channel create: uuid4 hex, 32 lowercase digits."""
    if not isinstance(value, str) or len(value) != 32:
        return False
    try:
        return uuid.UUID(hex=value).hex == value
    except ValueError:
        return False


class CitingSocketIOOutput(SocketIOOutput):
    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        metadata = answer_metadata(message)
        if metadata is None:
            await super().send_response(recipient_id, message)
            return
        event: dict[str, Any] = {"text": message.get("text") or "", "metadata": metadata}
        if message.get("buttons"):
            event["quick_replies"] = [
                {"content_type": "text", "title": button["title"], "payload": button["payload"]}
                for button in message["buttons"]
            ]
        await self._send_message(recipient_id, event)


class LimitedSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> str:
        return "socketio"

    def get_output_channel(self) -> CitingSocketIOOutput | None:
        if self.sio is None:
            return None
        return CitingSocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        if self.jwt_key:
            raise ValueError("credentials.yml: this socket.io channel does not support jwt_key")
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=allowed_origins())
        # sanic-cors (`rasa run --cors`) already writes the CORS headers of every HTTP
        # response; engine.io adding its own would duplicate them and browsers refuse that.
        sio.eio._cors_headers = lambda environ: []
        self.sio = sio
        webhook = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any = None) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            session_id = requested if is_issued_session_id(requested) else uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any = None) -> None:
            output = CitingSocketIOOutput(sio, self.bot_message_evt)
            if not isinstance(data, dict):
                await output.send_text_message(sid, UNREADABLE_REPLY)
                return
            sender_field = data.get("session_id") if self.session_persistence else sid
            try:
                if self.session_persistence and not is_issued_session_id(sender_field):
                    raise InvalidInput("This chat has no valid session: please reload the page.")
                sender_id = check_sender(sender_field)
                checked = check_message(data.get("message"), accepted_payloads=accepted_payloads())
            except InvalidInput as invalid:
                await output.send_text_message(sid, f"{UNREADABLE_REPLY} {invalid}")
                return
            await handle_checked_message(on_new_message, checked, output, sender_id, self.name())

        return webhook
