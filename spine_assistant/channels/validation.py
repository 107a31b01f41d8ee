"""What a visitor may send, checked before anything reaches the assistant.

A public chat gets every kind of input. These pure functions turn a raw request value
into a clean message, or say in plain words why it is refused, so both channels
(REST and socket.io) apply the same documented limits and the server never fails on
odd input. The limits are documented in SECURITY.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_MESSAGE_CHARS = 2000
"""Longer messages are cut to this many characters before NLU (classifying tens of
kilobytes is slow and a real question fits easily); the reply says so."""

MAX_SENDER_CHARS = 128
"""Widgets send random ids of 32-36 characters; anything much longer is not a sender id."""

MAX_BODY_BYTES = 1_000_000
"""A request body above this is refused whole (a 100 KB message is still accepted and cut)."""

EMPTY_MESSAGE_REPLY = (
    "I didn't get any text. Please type your question about metastatic spinal tumours, "
    "for example: what are the symptoms?"
)


def cut_notice(limit: int = MAX_MESSAGE_CHARS) -> str:
    return f"Your message was very long, so I only read the first {limit:,} characters."


# C0 and C1 control characters except tab and newline, and lone UTF-16 surrogates
# (JSON can carry "\ud800"; such strings cannot be encoded as UTF-8 for the store or logs).
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


class InvalidInput(ValueError):
    """A request the assistant cannot take; the message says why, for a 400 reply."""


@dataclass(frozen=True)
class CheckedMessage:
    text: str
    was_cut: bool

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()


def check_sender(value: object) -> str:
    """The conversation id, refused when missing rather than mixing visitors into
    Rasa's shared "default" conversation."""
    if value is None:
        raise InvalidInput('"sender" is required: a conversation id unique to this visitor.')
    if not isinstance(value, str):
        raise InvalidInput('"sender" must be a string.')
    if not value.strip():
        raise InvalidInput('"sender" must not be empty.')
    if len(value) > MAX_SENDER_CHARS:
        raise InvalidInput(f'"sender" must be at most {MAX_SENDER_CHARS} characters.')
    if _CONTROL_CHARACTERS.search(value) or _SURROGATES.search(value) or "\n" in value:
        raise InvalidInput('"sender" must not contain control characters.')
    return value


def check_message(
    value: object,
    limit: int = MAX_MESSAGE_CHARS,
    accepted_payloads: frozenset[str] = frozenset(),
) -> CheckedMessage:
    """The text to classify: control characters and broken surrogates replaced, cut to
    `limit` characters.

    Rasa reads "/intent{json}" as an intent with entities (slot values) and logs
    unknown ones with their text, so a message starting with "/" keeps its slash only
    when it is exactly one of the `accepted_payloads` (plain intents, never entities);
    any other is read as plain text.
    """
    if value is None:
        raise InvalidInput('"message" is required: the text the visitor typed.')
    if not isinstance(value, str):
        raise InvalidInput('"message" must be a string.')
    text = _SURROGATES.sub("\ufffd", value)
    text = _CONTROL_CHARACTERS.sub(" ", text)
    while text.lstrip().startswith("/") and text.strip() not in accepted_payloads:
        text = text.lstrip().lstrip("/")  # "/ /greet{…}" too
    was_cut = len(text) > limit
    return CheckedMessage(text=text[:limit], was_cut=was_cut)
