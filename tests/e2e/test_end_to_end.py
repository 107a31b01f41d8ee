"""The real thing over HTTP: Rasa server + action server on free loopback ports.

Uses the trained model (make test trains it when data changed) and a SQLite tracker
store in a temporary folder, exactly as `make serve` runs, only on other ports.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from spine_assistant.knowledge import load_knowledge
from spine_assistant.serving.isolated import running_assistant
from spine_assistant.website.anchors import section_anchor

pytestmark = [pytest.mark.model, pytest.mark.e2e]


@dataclass
class Assistant:
    url: str
    tracker_db: Path

    def say(self, sender: str, message: str) -> list[dict[str, Any]]:
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        return list(response.json())


@pytest.fixture(scope="module")
def assistant(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with running_assistant(trained_model, tmp_path_factory.mktemp("e2e")) as running:
        yield Assistant(url=running.url, tracker_db=running.tracker_db)


def texts(replies: list[dict[str, Any]]) -> list[str]:
    return [reply["text"] for reply in replies if "text" in reply]


@pytest.mark.safety
def test_first_message_is_the_notice_then_the_cited_answer(assistant: Assistant) -> None:
    knowledge = load_knowledge()
    replies = assistant.say("e2e-answer", "does kidney cancer spread to the spine?")

    said = texts(replies)
    assert "not medical advice" in said[0]
    assert "Renal cell carcinoma" in said[1]
    assert said[2].startswith("Source: Metastatic Spinal Tumour")
    [source] = [reply for reply in replies if "metadata" in reply]
    assert source["text"] == said[2], "the citation rides on its Source line"
    citation = source["metadata"]["citation"]
    assert citation["section"] == "Causes of Metastatic Spine Tumours"
    assert citation["quote"] in knowledge.source_text()


@pytest.mark.safety
def test_source_question_gives_the_full_citation(assistant: Assistant) -> None:
    """The section from the Rasa server, then the quote, link and review date from the
    action server (actions/citation.py)."""
    assistant.say("e2e-source", "what are the goals of surgery?")
    replies = assistant.say("e2e-source", "where does that come from?")

    knowledge = load_knowledge()
    topic = knowledge.topic("surgery_goals")
    section_line, full = texts(replies)
    assert section_line == f"{knowledge.citation(topic).as_text()}."
    citation = replies[1]["metadata"]["citation"]
    assert f"The page says: “{topic.quote}”" in full
    assert citation["quote"] == topic.quote
    assert citation["link"].endswith(f"source.html#{section_anchor(topic.section)}")
    assert topic.reviewed is not None and f"Last reviewed: {topic.reviewed.month}" in full


@pytest.mark.safety
def test_unrelated_question_goes_to_the_clinician(assistant: Assistant) -> None:
    assistant.say("e2e-oos", "hello")
    replies = assistant.say("e2e-oos", "can you recommend a good pizza place nearby?")

    said = " ".join(texts(replies))
    assert "contact your clinician" in said
    assert not any("metadata" in reply for reply in replies), "no citation for a non-answer"


@pytest.mark.safety
def test_emergency_gets_urgent_advice_before_anything_else(assistant: Assistant) -> None:
    assistant.say("e2e-emergency", "hi")
    replies = assistant.say(
        "e2e-emergency", "my dad suddenly can't walk, and what is an MRI scan for?"
    )

    said = texts(replies)
    assert "emergency" in said[0].lower()
    assert "call your local emergency number" in said[0]
    assert not any(text.startswith("Source:") for text in said)


@pytest.mark.safety
@pytest.mark.parametrize(
    "follow_up",
    [
        "what should I do?",
        "who do I call?",
        "what should we do",
        "should I stop my chemo?",
        "I'm so scared",
    ],
)
def test_asking_what_to_do_after_urgent_advice_gets_it_again(
    assistant: Assistant, follow_up: str
) -> None:
    """Not "contact your clinician" or a topic menu, which could delay emergency care."""
    sender = f"e2e-emergency-then-{follow_up[:12]}"
    assistant.say(sender, "my mum can't feel her legs since this morning, she has breast cancer")

    said = texts(assistant.say(sender, follow_up))

    assert said[0].startswith("⚠️"), said
    assert "call your local emergency number" in said[0]
    assert not any("contact your clinician" in text or "Did you mean" in text for text in said)
    after = texts(assistant.say(sender, "what are the symptoms?"))
    assert any(text.startswith("Source:") for text in after), "a page question is answered"


@pytest.mark.safety
@pytest.mark.parametrize(
    "question", ["should I ring 999?", "when should we go to A&E?", "is it an emergency?"]
)
def test_asking_about_emergency_care_gets_the_signs_that_need_it(
    assistant: Assistant, question: str
) -> None:
    """Hazard H12: "contact your clinician" alone could make someone wait."""
    sender = f"e2e-emergency-care-{question[:12]}"
    assistant.say(sender, "what are the symptoms?")

    said = " ".join(texts(assistant.say(sender, question)))

    assert "get emergency care now if someone has new leg weakness" in said
    assert "call your local emergency number" in said.lower()
    later = " ".join(texts(assistant.say(sender, "should I stop my chemo?")))
    assert "emergency" not in later and "contact your clinician" in later


@pytest.mark.parametrize(
    "message",
    ["", "   ", "😀😀😀", "asdf qwer zxcv", "¿Qué es un tumor espinal?", "spine " * 400],
    ids=["empty", "whitespace", "emoji", "gibberish", "spanish", "long"],
)
def test_odd_input_gets_a_polite_reply(assistant: Assistant, message: str) -> None:
    replies = assistant.say(f"e2e-odd-{len(message)}-{message[:3]}", message)

    assert texts(replies), "some reply"
    assert "Traceback" not in json.dumps(replies)
    assert assistant.say("e2e-after-odd", "what is the differential diagnosis?")


def test_conversations_are_stored_in_sqlite(assistant: Assistant) -> None:
    assistant.say("e2e-stored", "how common is it?")

    with sqlite3.connect(assistant.tracker_db) as db:
        rows = db.execute(
            "SELECT type_name FROM events WHERE sender_id = ? ORDER BY id", ("e2e-stored",)
        ).fetchall()
    types = [row[0] for row in rows]
    assert "user" in types
    assert "bot" in types
