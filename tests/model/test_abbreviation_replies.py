"""Asked what one of the page's abbreviations stands for, the trained assistant says it
and cites the page where it is spelt out; one the page never spells out is refused."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from spine_assistant.knowledge import load_knowledge


async def replies(agent: Agent, text: str, sender: str) -> list[dict[str, Any]]:
    """The replies to `text`, after a greeting (without an action server, the session
    start of a conversation's first message fails the same way for every message)."""
    for message in ("hello", text):
        output = CollectingOutputChannel()
        await agent.handle_message(UserMessage(message, output, sender))
    return output.messages


@pytest.fixture(scope="module")
def agent(trained_model: Path) -> Agent:
    logging.getLogger("rasa.core.processor").setLevel(logging.CRITICAL)
    return Agent.load(str(trained_model))


@pytest.mark.parametrize(
    ("text", "abbreviation", "expansion"),
    [
        ("What does MSCC stand for?", "MSCC", "metastatic spinal cord compression"),
        ("what's SBRT?", "SBRT", "stereotactic body radiation therapy"),
        ("MESCC - full term please", "MESCC", "metastatic epidural spinal cord compression"),
    ],
)
async def test_the_reply_spells_it_out_and_cites_the_page(
    agent: Agent, text: str, abbreviation: str, expansion: str
) -> None:
    answer, citation = await replies(agent, text, f"abbreviation {abbreviation}")
    assert answer["text"].startswith(f"{abbreviation} stands for {expansion}")
    assert citation["text"].endswith("section “Clinical trials or research”")
    # the detail's quote (tests/unit/test_expansion_router.py) is where the page spells it out
    assert f"{expansion} ({abbreviation})" in load_knowledge().source_text()


async def test_an_abbreviation_the_page_never_spells_out_is_refused(agent: Agent) -> None:
    answered = await replies(agent, "what does mHNPC stand for?", "abbreviation mHNPC")
    said = " ".join(message.get("text") or "" for message in answered)
    assert "doesn't say what “mHNPC” stands for" in said
    assert "contact your clinician" in said
