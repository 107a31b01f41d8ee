"""Rasa's REST channel (POST /webhooks/rest/webhook) with the input limits and the
citation metadata, registered in credentials.yml.

Malformed JSON, a missing or oversized `sender`, a missing or non-text `message` get a
400 with a JSON `error` that says what is wrong (Rasa's RestInput answers some of these
with a 500 and files sender-less messages under "default"). An answer's citation is the
`metadata` of its "Source: …" message (Rasa's RestInput drops response metadata).
POST /webhooks/rest/feedback rates an answer (feedback.py).
"""

from __future__ import annotations

import json
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from spine_assistant.channels.feedback import feedback_reply
from spine_assistant.channels.turns import (
    OnNewMessage,
    accepted_payloads,
    answer_metadata,
    handle_checked_message,
)
from spine_assistant.channels.validation import (
    MAX_BODY_BYTES,
    InvalidInput,
    check_message,
    check_sender,
)

EXPECTED_BODY = '{"sender": "...", "message": "..."}'


class CitingCollectingOutput(CollectingOutputChannel):
    """Rasa's REST replies, with an answer's citation and answer_id as `metadata` on its
    "Source: …" message (Rasa's own REST channel drops response metadata)."""

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        metadata = answer_metadata(message)
        await super().send_response(recipient_id, message)
        if metadata is not None and self.messages:
            self.messages[-1]["metadata"] = metadata


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
    await handle_checked_message(on_new_message, checked, collector, sender_id, channel)
    return response.json(collector.messages)


class LimitedRestInput(RestInput):
    """POST /webhooks/rest/webhook {"sender": "...", "message": "..."} with input limits,
    and POST /webhooks/rest/feedback to rate an answer."""

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await rest_reply(request.body, on_new_message, self.name())

        @webhook.route("/feedback", methods=["POST"])
        async def feedback(request: Request) -> HTTPResponse:
            return await feedback_reply(request.body, getattr(request.app.ctx, "agent", None))

        return webhook
