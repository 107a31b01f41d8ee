"""The action server stops while the assistant runs: answers and citations go on (they
are responses inside the Rasa server), "source?" still names the section and says the
full quote is briefly unavailable, a turn that needed the action server gets a polite
notice instead of silence, and all is normal again once it is back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from spine_assistant.channels.turns import FULL_CITATION_UNAVAILABLE, NO_REPLY_NOTICE
from spine_assistant.knowledge import load_knowledge
from spine_assistant.serving.isolated import RunningAssistant, running_assistant

pytestmark = [pytest.mark.model, pytest.mark.e2e, pytest.mark.safety]


def say(server: RunningAssistant, sender: str, message: str) -> list[dict[str, Any]]:
    reply = requests.post(server.webhook, json={"sender": sender, "message": message}, timeout=60)
    assert reply.status_code == 200, reply.text
    return list(reply.json())


def texts(replies: list[dict[str, Any]]) -> list[str]:
    return [reply["text"] for reply in replies if "text" in reply]


def test_answers_stay_cited_while_the_action_server_is_down(
    trained_model: Path, tmp_path: Path, unclear_fragment: str
) -> None:
    """`unclear_fragment` goes to the fallback, whose "Did you mean" buttons come from
    the action server."""
    diagnosis = load_knowledge().topic("diagnosis")
    with running_assistant(trained_model, tmp_path) as server:
        assert "not medical advice" in texts(say(server, "outage", "hello"))[0]

        server.stop_action_server()
        answer = say(server, "outage", "how is a spinal tumour diagnosed?")
        quote = say(server, "outage", "where does that come from?")
        unclear = say(server, "outage", unclear_fragment)

        server.start_action_server()
        clarified = say(server, "outage", unclear_fragment)
        say(server, "outage", "how is a spinal tumour diagnosed?")
        quote_again = say(server, "outage", "where does that come from?")

    assert texts(answer)[0] == diagnosis.answer
    assert texts(answer)[1].startswith("Source: Metastatic Spinal Tumour")
    [citation] = [reply["metadata"]["citation"] for reply in answer if "metadata" in reply]
    assert citation["quote"] == diagnosis.quote
    section_line = f"{load_knowledge().citation(diagnosis).as_text()}."
    assert texts(quote) == [section_line, FULL_CITATION_UNAVAILABLE], "the section, and why no more"
    assert texts(quote_again)[0] == section_line
    assert f"The page says: “{diagnosis.quote}”" in texts(quote_again)[1]
    assert texts(unclear) == [NO_REPLY_NOTICE]
    assert any(reply.get("buttons") for reply in clarified), "Did you mean buttons are back"
    assert NO_REPLY_NOTICE not in texts(clarified)
