"""The message shapes the chat clients Rasa users already have rely on: Rasa's REST and
socket.io shapes (as rasa-webchat and clients built on Rasa's docs read them) and
`rasa shell`'s printout. An answer's "Source: …" line is an ordinary text message
everywhere; its citation travels as that message's `metadata`."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.channels.console import _print_bot_output
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from spine_assistant.components.knowledge_importer import citation_response, source_response
from spine_assistant.knowledge import Knowledge
from spine_assistant.serving.isolated import RunningAssistant
from tests.e2e.socket_visitor import SocketVisitor, is_citation

QUESTION = "how is a spinal tumour diagnosed?"


def greeting(domain: Domain) -> str:
    return str(domain.responses["utter_greet"][0]["text"])


def rest(assistant: RunningAssistant, sender: str, message: str) -> list[dict[str, Any]]:
    reply = requests.post(
        assistant.webhook, json={"sender": sender, "message": message}, timeout=120
    )
    assert reply.status_code == 200, reply.text
    return list(reply.json())


def check_citation(source: dict[str, Any], knowledge: Knowledge) -> None:
    """A "Source: …" line that any client shows, with the citation a program reads."""
    topic = knowledge.topic("diagnosis")
    assert source["text"].startswith("Source: Metastatic Spinal Tumour")
    assert topic.section in source["text"]
    citation = source["metadata"]["citation"]
    assert citation["section"] == topic.section
    assert citation["quote"] == topic.quote
    assert "custom" not in source


@pytest.mark.model
@pytest.mark.e2e
def test_rest_answer_then_its_source_line_with_the_citation(
    hardened_assistant: RunningAssistant, knowledge: Knowledge
) -> None:
    replies = rest(hardened_assistant, "clients-rest", QUESTION)

    [source] = [reply for reply in replies if is_citation(reply)]
    check_citation(source, knowledge)
    assert all("text" in reply for reply in replies), "every reply is a text message"


@pytest.mark.model
@pytest.mark.e2e
@pytest.mark.parametrize("payload", ["/greet", "/help"])
def test_rest_plain_intent_payloads_are_understood(
    hardened_assistant: RunningAssistant, project_domain: Domain, payload: str
) -> None:
    replies = rest(hardened_assistant, f"clients-{payload[1:]}", payload)

    said = " ".join(reply.get("text", "") for reply in replies)
    expected = project_domain.responses[f"utter_{payload[1:]}"][0]["text"]
    assert expected in said
    assert "the page I answer from doesn't" not in said, "not read as text"


@pytest.mark.model
@pytest.mark.e2e
async def test_socketio_events_have_rasas_shapes(
    hardened_assistant: RunningAssistant, knowledge: Knowledge, project_domain: Domain
) -> None:
    visitor = SocketVisitor(hardened_assistant.url)
    session_id = await visitor.connect()
    try:
        await visitor.client.emit("user_uttered", {"message": "/greet", "session_id": session_id})
        greeted = await visitor.until(lambda reply: reply.get("text") == greeting(project_domain))
        await visitor.client.emit("user_uttered", {"message": QUESTION, "session_id": session_id})
        answered = await visitor.until(is_citation)
    finally:
        await visitor.client.disconnect()

    assert all("custom" not in event for event in greeted + answered)
    assert answered[-2]["text"] == knowledge.topic("diagnosis").answer
    check_citation(answered[-1], knowledge)


@pytest.mark.parametrize("response", ["citation", "source"])
async def test_rasa_shell_prints_the_source_line_without_a_json_block(
    project_domain: Domain, knowledge: Knowledge, response: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`rasa shell` gets Rasa's own REST replies (CollectingOutputChannel) and prints
    each with `_print_bot_output`."""
    topic = knowledge.topic("diagnosis")
    name = citation_response(topic) if response == "citation" else source_response(topic)
    tracker = DialogueStateTracker.from_events("shell", [], slots=project_domain.slots)
    message = await TemplatedNaturalLanguageGenerator(project_domain.responses).generate(
        name, tracker, "cmdline"
    )
    assert message is not None
    shell = CollectingOutputChannel()
    await shell.send_response("shell", message)

    for reply in shell.messages:
        _print_bot_output(reply)
    printed = capsys.readouterr().out

    assert "Source: Metastatic Spinal Tumour" in printed
    assert topic.section in printed
    assert "Custom json" not in printed and "{" not in printed
