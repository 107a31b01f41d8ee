"""Rasa's REST and socket.io channels with the input limits of `channels.validation`.

Registered in credentials.yml by module path; the URLs stay Rasa's own
(/webhooks/rest/webhook and /socket.io). What changes for visitors:
- REST: malformed JSON, a missing or oversized `sender`, a missing or non-text
  `message` get a 400 with a JSON `error` that says what is wrong (Rasa's RestInput
  answers some of these with a 500 and files sender-less messages under "default").
- Both: empty or whitespace-only messages get a polite prompt; overlong messages are cut
  to MAX_MESSAGE_CHARS before NLU and the reply ends with a notice saying so;
  control characters are replaced; client-sent `metadata` and `input_channel` are ignored.
- REST: an answer's citation is the `metadata` of its "Source: …" message (Rasa's
  RestInput drops response metadata); socket.io does the same (website/socketio_channel.py).
- Both read "/greet", "/help" and the assistant's own button payloads as intents, and
  any other "/…" message as text (no entities or slot values from clients).
- Failures are logged without the message text (conversations hold health information).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.validation import (
    EMPTY_MESSAGE_REPLY,
    MAX_BODY_BYTES,
    CheckedMessage,
    InvalidInput,
    check_message,
    check_sender,
    cut_notice,
)
from website.socketio_channel import WidgetSocketIOInput, WidgetSocketIOOutput, citation_of

logger = logging.getLogger(__name__)


# Plain intents a chat client may send on its own: rasa-webchat's usual
# `initPayload: "/greet"`, and the widget's first "/help".
CLIENT_PAYLOADS = frozenset({"/greet", "/help"})


@cache
def accepted_payloads() -> frozenset[str]:
    """The "/intent" messages read as intents: the payloads of the buttons the assistant
    offers ("Did you mean" topics, "None of these", the topic menu) and CLIENT_PAYLOADS.
    None carries entities or slot values."""
    from knowledge import load_knowledge

    topics = load_knowledge().topics
    return CLIENT_PAYLOADS | {"/out_of_scope"} | {f"/{topic.intent}" for topic in topics}


OnNewMessage = Callable[[UserMessage], Awaitable[Any]]

EXPECTED_BODY = '{"sender": "...", "message": "..."}'
UNREADABLE_REPLY = "Sorry, I could not read that message."
SORRY_REPLY = "Sorry, something went wrong on my side. Please try again in a moment."
# Answers and citations never need the action server; "Did you mean" buttons do.
NO_REPLY_NOTICE = (
    "Sorry, part of the assistant is not available right now, so I can't answer that. "
    "Please try again in a few minutes; for anything about your own care, please "
    "contact your clinician."
)


class CountingOutput(OutputChannel):
    """Passes every bot message on to the visitor's channel and counts them: Rasa logs
    a failed custom action (e.g. the action server is down) and sends nothing."""

    def __init__(self, channel: OutputChannel) -> None:
        self.channel = channel
        self.replies = 0

    def name(self) -> str:  # Rasa calls it on the instance: the channel it wraps
        return self.channel.name()

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """How Rasa sends every bot message."""
        self.replies += 1
        await self.channel.send_response(recipient_id, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """How a channel's own code sends a plain line."""
        self.replies += 1
        await self.channel.send_text_message(recipient_id, text, **kwargs)


async def handle_checked_message(
    on_new_message: OnNewMessage,
    checked: CheckedMessage,
    output: Any,
    sender_id: str,
    input_channel: str,
) -> None:
    """Runs one visitor message through the assistant; an empty message gets a prompt,
    a turn that produced nothing gets a notice instead of silence, and a cut message
    gets the notice after the replies (emergency advice stays first)."""
    if checked.is_empty:
        await output.send_text_message(sender_id, EMPTY_MESSAGE_REPLY)
        return
    counting = CountingOutput(output)
    await on_new_message(
        UserMessage(checked.text, counting, sender_id, input_channel=input_channel)
    )
    if counting.replies == 0:
        await output.send_text_message(sender_id, NO_REPLY_NOTICE)
    if checked.was_cut:
        await output.send_text_message(sender_id, cut_notice())


class CitingCollectingOutput(CollectingOutputChannel):
    """Rasa's REST replies, with an answer's citation as `metadata` on its "Source: …"
    message (Rasa's own REST channel drops response metadata)."""

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        citation = citation_of(message)
        await super().send_response(recipient_id, message)
        if citation is not None and self.messages:
            self.messages[-1]["metadata"] = {"citation": citation}


def _error(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message}, status=status)


async def rest_reply(body: bytes, on_new_message: OnNewMessage, channel: str) -> HTTPResponse:
    """The REST webhook's answer to one request body: the replies, or a 4xx that says
    what is wrong with the request."""
    if len(body) > MAX_BODY_BYTES:
        return _error(413, f"The request body must be at most {MAX_BODY_BYTES} bytes.")
    try:
        request = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return _error(400, f"The body must be UTF-8 JSON: {EXPECTED_BODY}.")
    if not isinstance(request, dict):
        return _error(400, f"The body must be a JSON object: {EXPECTED_BODY}.")
    try:
        sender_id = check_sender(request.get("sender"))
        checked = check_message(request.get("message"), accepted_payloads=accepted_payloads())
    except InvalidInput as invalid:
        return _error(400, str(invalid))

    collector = CitingCollectingOutput()
    try:
        await handle_checked_message(on_new_message, checked, collector, sender_id, channel)
    except Exception as error:
        # The type only: the text and traceback may quote the visitor's message.
        logger.error("REST message failed: %s", type(error).__name__)
        await collector.send_text_message(sender_id, SORRY_REPLY)
    return response.json(collector.messages)


class LimitedRestInput(RestInput):
    """POST /webhooks/rest/webhook {"sender": "...", "message": "..."} with input limits."""

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await rest_reply(request.body, on_new_message, self.name())

        return webhook


class LimitedSocketIOInput(WidgetSocketIOInput):
    """The website widget's socket.io channel (origin check, citations) with the same
    input limits as REST.

    Replaces two event handlers: `session_request` accepts only session ids of the form
    the widget and this channel create (random uuid4 hex), so a visitor cannot pick
    "default" or a guessable id and join that room, and the user message event checks
    the data before it reaches the assistant and answers what it cannot take.
    """

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None, "SocketIOInput.blueprint creates the server"

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any = None) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            session_id = requested if is_issued_session_id(requested) else uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any = None) -> None:
            output = WidgetSocketIOOutput(sio, self.bot_message_evt)
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
            try:
                await handle_checked_message(
                    on_new_message, checked, output, sender_id, self.name()
                )
            except Exception as error:
                logger.error("socket.io message failed: %s", type(error).__name__)
                await output.send_text_message(sender_id, SORRY_REPLY)

        return socketio_webhook


def is_issued_session_id(value: object) -> bool:
    """Session ids the widget and this channel create: uuid4 hex, 32 lowercase digits."""
    if not isinstance(value, str) or len(value) != 32:
        return False
    try:
        return uuid.UUID(hex=value).hex == value
    except ValueError:
        return False
