"""A store whose trackers hold only the recent turns (spine_assistant/storage/recent_turns.py)
gives every turn of a long conversation exactly the replies Rasa's own SQL store gives."""

from __future__ import annotations

import logging
from pathlib import Path

from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.tracker_store import SQLTrackerStore

from evaluation.conversation_length import use_store
from spine_assistant.storage.recent_turns import RECENT_TURNS
from spine_assistant.storage.sqlite_tracker_store import SQLiteTrackerStore

# A detail, "source?" about it several turns later, smalltalk, refusals, an emergency.
MESSAGES = [
    "hello",
    "does kidney cancer spread to the spine?",
    "thanks",
    "what are the symptoms?",
    "where does that come from?",
    "can you recommend a pizza place?",
    "should I stop my chemo?",
    "what is the cure rate for stage 4?",
    "my dad suddenly can't walk and has lost bladder control",
    "how is it diagnosed?",
    "ok",
    "source?",
    "is cowden syndrome a risk factor?",
    "bye",
]


async def replies(agent: Agent, sender: str) -> list[list[str]]:
    said = []
    for message in MESSAGES * 3:
        output = CollectingOutputChannel()
        await agent.handle_message(UserMessage(message, output, sender))
        said.append([reply.get("text") or "" for reply in output.messages])
    return said


async def test_recent_turns_give_the_replies_of_the_whole_conversation(
    trained_model: Path, tmp_path: Path
) -> None:
    # custom actions fail here (no action server) the same way for both stores
    logging.getLogger("rasa.core.processor").setLevel(logging.CRITICAL)
    agent = Agent.load(str(trained_model))
    assert len(MESSAGES) * 3 > 4 * RECENT_TURNS

    use_store(agent, SQLTrackerStore(agent.domain, dialect="sqlite", db=str(tmp_path / "rasa.db")))
    whole = await replies(agent, "whole")

    use_store(agent, SQLiteTrackerStore(agent.domain, db=str(tmp_path / "recent.db")))
    recent = await replies(agent, "recent")

    assert recent == whole
    assert any("Cowden" in " ".join(turn) or "cowden" in " ".join(turn) for turn in recent)
