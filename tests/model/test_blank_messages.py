"""A message with no words (only Rasa's HTTP API lets one through; the channels refuse
it) is parsed and answered politely, as Rasa's default pipeline does, not a crash."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage


@pytest.fixture(scope="module")
def agent(trained_model: Path) -> Agent:
    logging.getLogger("rasa.core.processor").setLevel(logging.CRITICAL)
    return Agent.load(str(trained_model))


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
async def test_a_blank_message_falls_back_and_gets_a_reply(agent: Agent, text: str) -> None:
    parsed = await agent.parse_message(text)
    assert parsed["intent"]["name"] == "nlu_fallback"
    output = CollectingOutputChannel()
    for message in ("hello", text):
        await agent.handle_message(UserMessage(message, output, f"blank {text!r}"))
    assert output.messages[-1]["text"].startswith("Sorry, I didn't understand that.")
