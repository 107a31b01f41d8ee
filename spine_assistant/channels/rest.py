"""Rasa's REST channel (POST /webhooks/rest/webhook) with the input limits and the
citation metadata, registered in credentials.yml.

Malformed JSON, a missing or oversized `sender`, a missing or non-text `message` get a
400 with a JSON `error` that says what is wrong (Rasa's RestInput answers some of these
with a 500 and files sender-less messages under "default"). An answer's citation is the
`metadata` of its "Source: …" message (Rasa's RestInput drops response metadata).
POST /webhooks/rest/feedback rates an answer (the vote's checks and storage: feedback.py).
"""

from __future__ import annotations

import json
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from spine_assistant.channels.feedback import (
    EXPECTED_VOTE,
    UnknownAnswer,
    check_feedback,
    record_feedback,
)
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


class RefusedBody(Exception):
    """A request body that is too big (413) or not UTF-8 JSON (400)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def decoded_body(body: bytes, expected: str) -> object:
    """The JSON value of a request body, or RefusedBody saying what `expected` looks like."""
    if len(body) > MAX_BODY_BYTES:
        raise RefusedBody(413, f"The request body must be at most {MAX_BODY_BYTES} bytes.")
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise RefusedBody(400, f"The body must be UTF-8 JSON: {expected}.") from None


async def rest_reply(body: bytes, on_new_message: OnNewMessage, channel: str) -> HTTPResponse:
    """The REST webhook's answer to one request body: the replies, or a 4xx that says
    what is wrong with the request."""
    try:
        request = decoded_body(body, EXPECTED_BODY)
        if not isinstance(request, dict):
            raise InvalidInput(f"The body must be a JSON object: {EXPECTED_BODY}.")
        sender_id = check_sender(request.get("sender"))
        checked = check_message(request.get("message"), accepted_payloads=accepted_payloads())
    except RefusedBody as refused:
        return _error(refused.status, str(refused))
    except InvalidInput as invalid:
        return _error(400, str(invalid))

    collector = CitingCollectingOutput()
    await handle_checked_message(on_new_message, checked, collector, sender_id, channel)
    return response.json(collector.messages)


async def feedback_reply(body: bytes, agent: Agent | None) -> HTTPResponse:
    """The feedback endpoint's answer: 200 with the rated topic, or a 4xx saying why."""
    try:
        feedback = check_feedback(decoded_body(body, EXPECTED_VOTE))
    except RefusedBody as refused:
        return _error(refused.status, str(refused))
    except InvalidInput as invalid:
        return _error(400, str(invalid))
    if agent is None or not agent.is_ready():
        return _error(503, "The assistant is starting; please try again in a moment.")
    try:
        topic = await record_feedback(agent, feedback)
    except UnknownAnswer:
        return _error(404, "There is no answer with that answer_id in this conversation.")
    return response.json({"status": "recorded", "rating": feedback.rating, "topic": topic})


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
