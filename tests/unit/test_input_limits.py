"""Bad input, without a server: the checks of spine_assistant/channels/validation.py and
the channels' request handling (rest.py, socketio.py, turns.py), including property-based
tests over arbitrary bodies, senders and messages."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa.core.channels.channel import UserMessage

from spine_assistant.channels.rest import rest_reply
from spine_assistant.channels.socketio import is_issued_session_id
from spine_assistant.channels.turns import accepted_payloads
from spine_assistant.channels.validation import (
    EMPTY_MESSAGE_REPLY,
    MAX_BODY_BYTES,
    MAX_MESSAGE_CHARS,
    MAX_SENDER_CHARS,
    InvalidInput,
    check_message,
    check_sender,
    cut_notice,
)

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
SURROGATE = re.compile(r"[\ud800-\udfff]")
# Every code point, lone surrogates included (JSON can carry "\ud800"), with the
# troublesome ones drawn often.
TRICKY_CHARACTERS = st.sampled_from("\x00\x1b\x7f\x85\ud800\udfff\n\t /{}<>'\";😀")
ANY_TEXT = st.text(
    alphabet=st.one_of(st.characters(blacklist_categories=()), TRICKY_CHARACTERS), max_size=3000
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | ANY_TEXT,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=10,
)


class FakeAssistant:
    """Stands in for Rasa's `on_new_message`: records what reached NLU and replies."""

    def __init__(self) -> None:
        self.received: list[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        await message.output_channel.send_text_message(message.sender_id, "an answer")


def post(body: bytes) -> tuple[int, Any, FakeAssistant]:
    assistant = FakeAssistant()
    reply = asyncio.run(rest_reply(body, assistant, "rest"))
    return reply.status, json.loads(reply.body), assistant


def as_body(payload: Any) -> bytes:
    return json.dumps(payload).encode("utf-8")


@given(ANY_TEXT)
def test_any_message_text_becomes_clean_bounded_text(text: str) -> None:
    checked = check_message(text, accepted_payloads=accepted_payloads())

    assert len(checked.text) <= MAX_MESSAGE_CHARS
    assert checked.was_cut == (len(text) > MAX_MESSAGE_CHARS)
    assert not CONTROL.search(checked.text)
    assert not SURROGATE.search(checked.text)
    checked.text.encode("utf-8")  # storable and loggable
    if checked.text.lstrip().startswith("/"):
        assert checked.text.strip() in accepted_payloads()


@given(st.one_of(ANY_TEXT, JSON_VALUES))
def test_any_sender_is_accepted_unchanged_or_refused_with_a_reason(value: Any) -> None:
    try:
        sender = check_sender(value)
    except InvalidInput as invalid:
        assert str(invalid).startswith('"sender"')
        return
    assert sender == value
    assert 0 < len(sender) <= MAX_SENDER_CHARS
    sender.encode("utf-8")


@pytest.mark.safety
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=500), JSON_VALUES.map(as_body)))
def test_any_request_body_gets_replies_or_a_clear_400(body: bytes) -> None:
    status, reply, assistant = post(body)

    assert status in (200, 400)
    if status == 400:
        assert set(reply) == {"error"} and reply["error"]
        assert not assistant.received
    else:
        assert reply, "a 200 always carries a reply"
        assert all(len(message.text or "") <= MAX_MESSAGE_CHARS for message in assistant.received)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(sender=st.text(min_size=1, max_size=MAX_SENDER_CHARS), message=ANY_TEXT)
def test_any_well_formed_request_gets_a_reply(sender: str, message: str) -> None:
    body = json.dumps({"sender": sender, "message": message}).encode("utf-8")
    status, reply, _ = post(body)

    if status == 400:  # only a sender that is blank or has control characters
        with pytest.raises(InvalidInput):
            check_sender(sender)
    else:
        assert status == 200
        assert [m["text"] for m in reply if "text" in m]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"sender": "a",', "UTF-8 JSON"),
        (b"\xff\xfe{}", "UTF-8 JSON"),
        (b"", "UTF-8 JSON"),
        (b"[1, 2]", "JSON object"),
        (b'"hello"', "JSON object"),
        (b"[" * 100_000, "UTF-8 JSON"),
        (as_body({"message": "hello"}), '"sender" is required'),
        (as_body({"sender": None, "message": "hello"}), '"sender" is required'),
        (as_body({"sender": 42, "message": "hello"}), '"sender" must be a string'),
        (as_body({"sender": "  ", "message": "hello"}), '"sender" must not be empty'),
        (as_body({"sender": "x" * 129, "message": "hello"}), "at most 128"),
        (as_body({"sender": "a\nb", "message": "hello"}), "control characters"),
        (as_body({"sender": "a\ud800", "message": "hello"}), "control characters"),
        (as_body({"sender": "a"}), '"message" is required'),
        (as_body({"sender": "a", "message": 42}), '"message" must be a string'),
        (as_body({"sender": "a", "message": ["hi"]}), '"message" must be a string'),
    ],
    ids=[
        "malformed-json",
        "invalid-utf8",
        "no-body",
        "json-list",
        "json-string",
        "deeply-nested",
        "missing-sender",
        "null-sender",
        "number-sender",
        "blank-sender",
        "huge-sender",
        "newline-in-sender",
        "surrogate-in-sender",
        "missing-message",
        "number-message",
        "list-message",
    ],
)
def test_bad_requests_get_a_400_that_says_why(body: bytes, reason: str) -> None:
    status, reply, assistant = post(body)

    assert status == 400
    assert reason in reply["error"]
    assert not assistant.received, "nothing reaches the assistant"


def test_a_body_over_the_limit_is_refused_whole() -> None:
    status, reply, _ = post(as_body({"sender": "a", "message": "x" * MAX_BODY_BYTES}))

    assert status == 413
    assert "at most" in reply["error"]


@pytest.mark.parametrize("message", ["", "   ", "\n\t ", "\x00\x01"])
def test_empty_messages_get_a_prompt_without_reaching_the_assistant(message: str) -> None:
    status, reply, assistant = post(as_body({"sender": "a", "message": message}))

    assert status == 200
    assert [m["text"] for m in reply] == [EMPTY_MESSAGE_REPLY]
    assert not assistant.received


def test_a_100_kb_message_is_cut_before_nlu_and_the_reply_says_so() -> None:
    message = "what are the symptoms? " + "x" * 100_000
    status, reply, assistant = post(as_body({"sender": "a", "message": message}))

    assert status == 200
    [received] = assistant.received
    assert received.text == message[:MAX_MESSAGE_CHARS]
    texts = [m["text"] for m in reply]
    assert texts == ["an answer", cut_notice()], "notice after the answer: emergencies stay first"
    assert f"first {MAX_MESSAGE_CHARS:,} characters" in cut_notice()


def test_a_message_at_the_limit_is_not_cut() -> None:
    message = "y" * MAX_MESSAGE_CHARS
    _, reply, assistant = post(as_body({"sender": "a", "message": message}))

    assert assistant.received[0].text == message
    assert cut_notice() not in [m["text"] for m in reply]


@pytest.mark.safety
def test_control_characters_and_broken_surrogates_are_replaced() -> None:
    checked = check_message("what\x00is\x1b[31m an\ud800 MRI?\u0085")

    assert checked.text == "what is [31m an\ufffd MRI? "


@pytest.mark.safety
@pytest.mark.parametrize(
    "message",
    [
        '/greet{"emergency_number": "555"}',
        '/help{"cancer_type": "melanoma"}',
        "/greet@0.99",
        "/emergency@0.99",
        "/restart",
        "//faq_mri",
        "/nope",
        "/\x00/",  # found by hypothesis: a control character between two slashes
        '/ /greet{"x": 1}',
    ],
)
def test_payloads_with_entities_or_unknown_intents_lose_their_slash(message: str) -> None:
    checked = check_message(message, accepted_payloads=accepted_payloads())

    assert not checked.text.lstrip().startswith("/")


@pytest.mark.parametrize("payload", ["/faq_mri", "/out_of_scope", "/greet", "/help"])
def test_button_and_plain_client_payloads_pass_unchanged(payload: str) -> None:
    assert check_message(payload, accepted_payloads=accepted_payloads()).text == payload


def test_client_metadata_and_input_channel_are_not_passed_on() -> None:
    body = as_body({"sender": "a", "message": "hi", "metadata": {"x": 1}, "input_channel": "admin"})
    _, _, assistant = post(body)

    [received] = assistant.received
    assert received.input_channel == "rest"
    assert not received.metadata


def test_socketio_session_ids_must_be_ones_the_server_hands_out() -> None:
    assert is_issued_session_id("0123456789abcdef0123456789abcdef")
    for guessable in ["default", "1", "", None, 42, "0123456789ABCDEF0123456789ABCDEF"]:
        assert not is_issued_session_id(guessable)
