"""What both chat channels do with one visitor message, whatever the transport.

- Empty or whitespace-only messages get a polite prompt; overlong messages are cut to
  MAX_MESSAGE_CHARS before NLU and the reply ends with a notice saying so; control
  characters are replaced; client-sent `metadata` and `input_channel` are ignored
  (validation.py).
- "/greet", "/help" and the assistant's own button payloads are read as intents, and any
  other "/…" message as text (no entities or slot values from clients).
- A turn that produced no reply (a custom action failed: the action server is down) gets
  a notice instead of silence; so does a "source?" whose full citation (from the action
  server) did not follow the section line.
- An answer's citation rides as `metadata` on its "Source: …" message, with the
  `answer_id` that feedback on it names (`answer_metadata`, feedback.py).
- Failures are logged without the message text (conversations hold health information).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage

from spine_assistant.channels.validation import EMPTY_MESSAGE_REPLY, CheckedMessage, cut_notice
from spine_assistant.components.knowledge_importer import FULL_CITATION_KEY

logger = logging.getLogger(__name__)

# Plain intents a chat client may send on its own: rasa-webchat's usual
# `initPayload: "/greet"`, and the widget's first "/help".
CLIENT_PAYLOADS = frozenset({"/greet", "/help"})


@cache
def accepted_payloads() -> frozenset[str]:
    """The "/intent" messages read as intents: the payloads of the buttons the assistant
    offers ("Did you mean" topics, "None of these", the topic menu) and CLIENT_PAYLOADS.
    None carries entities or slot values."""
    from spine_assistant.knowledge import load_knowledge

    topics = load_knowledge().topics
    return CLIENT_PAYLOADS | {"/out_of_scope"} | {f"/{topic.intent}" for topic in topics}


OnNewMessage = Callable[[UserMessage], Awaitable[Any]]

UNREADABLE_REPLY = "Sorry, I could not read that message."
SORRY_REPLY = "Sorry, something went wrong on my side. Please try again in a moment."
# Answers and citations never need the action server; "Did you mean" buttons and the
# full citation for "source?" do.
NO_REPLY_NOTICE = (
    "Sorry, part of the assistant is not available right now, so I can't answer that. "
    "Please try again in a few minutes; for anything about your own care, please "
    "contact your clinician."
)
FULL_CITATION_UNAVAILABLE = (
    "The full quote and the link to the page are briefly unavailable. "
    "Please ask again in a few minutes."
)


def citation_of(message: dict[str, Any]) -> dict[str, Any] | None:
    """The citation an answer's "Source: …" response carries in its metadata."""
    metadata = message.get("metadata")
    citation = metadata.get("citation") if isinstance(metadata, dict) else None
    return citation if isinstance(citation, dict) else None


def answer_metadata(message: dict[str, Any]) -> dict[str, Any] | None:
    """What a cited answer's message passes on to the visitor: its citation and, for
    feedback, its `answer_id`; None for any other message."""
    citation = citation_of(message)
    if citation is None:
        return None
    metadata: dict[str, Any] = {"citation": citation}
    if isinstance(answer_id := message["metadata"].get("answer_id"), str):
        metadata["answer_id"] = answer_id
    return metadata


class CountingOutput(OutputChannel):
    """Passes every bot message on to the visitor's channel and counts them (Rasa logs
    a failed custom action, e.g. the action server is down, and sends nothing); a
    cited answer gets the turn's `answer_id`, the id of the visitor message it answers."""

    def __init__(self, channel: OutputChannel, answer_id: str) -> None:
        self.channel = channel
        self.answer_id = answer_id
        self.replies = 0
        self.full_citation_pending = False

    def name(self) -> str:  # Rasa calls it on the instance: the channel it wraps
        return self.channel.name()

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """How Rasa sends every bot message."""
        self.replies += 1
        metadata = message.get("metadata")
        if isinstance(metadata, dict) and metadata.get(FULL_CITATION_KEY):
            self.full_citation_pending = True
        if citation_of(message) is not None:
            self.full_citation_pending = False
            message = {**message, "metadata": {**message["metadata"], "answer_id": self.answer_id}}
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
    a turn that produced nothing gets a notice instead of silence, a turn that failed an
    apology, and a cut message gets the notice after the replies (emergency advice
    stays first)."""
    try:
        if checked.is_empty:
            await output.send_text_message(sender_id, EMPTY_MESSAGE_REPLY)
            return
        answer_id = uuid.uuid4().hex
        counting = CountingOutput(output, answer_id)
        await on_new_message(
            UserMessage(
                checked.text, counting, sender_id, input_channel=input_channel, message_id=answer_id
            )
        )
        if counting.replies == 0:
            await output.send_text_message(sender_id, NO_REPLY_NOTICE)
        elif counting.full_citation_pending:
            await output.send_text_message(sender_id, FULL_CITATION_UNAVAILABLE)
        if checked.was_cut:
            await output.send_text_message(sender_id, cut_notice())
    except Exception as error:
        # The type only: the text and traceback may quote the visitor's message.
        logger.error("%s message failed: %s", input_channel, type(error).__name__)
        await output.send_text_message(sender_id, SORRY_REPLY)
