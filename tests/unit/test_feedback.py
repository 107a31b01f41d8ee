"""Answer feedback: what a vote may contain, which answer and topic it rates, and that
it is appended to the conversation (Rasa's in-memory tracker and lock stores here; the
end-to-end test uses the real server and SQLite store)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from spine_assistant.channels.feedback import (
    FEEDBACK_SLOT,
    MAX_REASON_CHARS,
    Feedback,
    UnknownAnswer,
    check_feedback,
    rated_topic,
    record_feedback,
)
from spine_assistant.channels.rest import feedback_reply
from spine_assistant.channels.validation import InvalidInput
from spine_assistant.storage.recent_turns import RECENT_TURNS
from spine_assistant.storage.sqlite_tracker_store import SQLiteTrackerStore

ANSWER = uuid.uuid4().hex
SMALLTALK = uuid.uuid4().hex
# as Rasa stores a response with metadata (the event's metadata holds the response's)
CITATION = {"metadata": {"citation": {"document": "d", "section": "s", "quote": "q"}}}
DOMAIN = Domain.from_dict(
    {
        "slots": {
            FEEDBACK_SLOT: {"type": "any", "mappings": [{"type": "custom"}]},
            "cited_topic": {
                "type": "categorical",
                "values": ["symptoms", "mri"],
                "mappings": [{"type": "custom"}],
            },
        }
    }
)


def conversation() -> list[Event]:
    """hello → greeting; "symptoms?" → answer + cited Source line; "thanks" → reply."""
    return [
        UserUttered("hello", message_id=SMALLTALK),
        BotUttered("Hello"),
        ActionExecuted("action_listen"),
        UserUttered("what are the symptoms?", message_id=ANSWER),
        SlotSet("cited_topic", "symptoms"),
        BotUttered("Back pain is the most common symptom."),
        BotUttered("Source: …", metadata=CITATION),
        ActionExecuted("action_listen"),
        UserUttered("thanks", message_id=uuid.uuid4().hex),
        BotUttered("You're welcome"),
    ]


def body(**fields: Any) -> dict[str, Any]:
    return {"sender": "visitor", "answer_id": ANSWER, "rating": "helpful", **fields}


def test_a_vote_names_its_answer_and_rating() -> None:
    assert check_feedback(body()) == Feedback("visitor", ANSWER, "helpful")


@pytest.mark.parametrize(
    "request_body, complaint",
    [
        ([], "JSON object"),
        (body(sender=None), '"sender" is required'),
        (body(answer_id=None), '"answer_id"'),
        (body(answer_id="x" * 33), '"answer_id"'),
        (body(rating="meh"), '"rating"'),
        (body(rating=None), '"rating"'),
        (body(rating="not_helpful", reason=5), '"reason"'),
    ],
)
def test_a_bad_vote_is_refused_with_the_reason(request_body: object, complaint: str) -> None:
    with pytest.raises(InvalidInput, match=complaint):
        check_feedback(request_body)


def test_a_reason_is_kept_only_for_not_helpful_and_cleaned() -> None:
    unhelpful = check_feedback(body(rating="not_helpful", reason=" too long\x00" + "x" * 900))
    assert unhelpful.reason is not None and "\x00" not in unhelpful.reason
    assert unhelpful.reason.startswith("too long") and len(unhelpful.reason) <= MAX_REASON_CHARS
    assert check_feedback(body(rating="helpful", reason="great")).reason is None
    assert check_feedback(body(rating="not_helpful", reason="   ")).reason is None


def test_the_rated_topic_is_the_answers_cited_topic() -> None:
    assert rated_topic(conversation(), ANSWER) == "symptoms"


@pytest.mark.parametrize("answer_id", [SMALLTALK, uuid.uuid4().hex])
def test_only_a_cited_answer_in_the_conversation_can_be_rated(answer_id: str) -> None:
    with pytest.raises(UnknownAnswer):
        rated_topic(conversation(), answer_id)


def agent_with(events: list[Event]) -> SimpleNamespace:
    store = InMemoryTrackerStore(DOMAIN)
    store.store["visitor"] = store.serialise_tracker(
        DialogueStateTracker.from_events("visitor", events, DOMAIN.slots)
    )
    lock_store = InMemoryLockStore()
    return SimpleNamespace(tracker_store=store, lock_store=lock_store, is_ready=lambda: True)


async def stored_votes(agent: SimpleNamespace) -> list[dict[str, Any]]:
    tracker = await agent.tracker_store.retrieve("visitor")
    return [e.value for e in tracker.events if isinstance(e, SlotSet) and e.key == FEEDBACK_SLOT]


async def test_votes_are_appended_to_the_conversation_and_can_change() -> None:
    agent = agent_with(conversation())
    await record_feedback(agent, Feedback("visitor", ANSWER, "helpful"))  # type: ignore[arg-type]
    await record_feedback(agent, Feedback("visitor", ANSWER, "not_helpful", "unclear"))  # type: ignore[arg-type]

    assert await stored_votes(agent) == [
        {"message_id": ANSWER, "topic": "symptoms", "rating": "helpful", "reason": None},
        {"message_id": ANSWER, "topic": "symptoms", "rating": "not_helpful", "reason": "unclear"},
    ]
    tracker = await agent.tracker_store.retrieve("visitor")
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == [
        "hello",
        "what are the symptoms?",
        "thanks",
    ], "feedback adds no turn"


@pytest.mark.parametrize(
    "raw, status",
    [
        (b"{", 400),
        (json.dumps(body(rating="bad")).encode(), 400),
        (json.dumps(body(answer_id=SMALLTALK)).encode(), 404),
        (json.dumps(body(sender="nobody")).encode(), 404),
        (b"x" * 1_000_001, 413),
        (json.dumps(body()).encode(), 200),
    ],
)
async def test_the_endpoint_answers_with_a_clear_status(raw: bytes, status: int) -> None:
    agent = agent_with(conversation())
    reply = await feedback_reply(raw, agent)  # type: ignore[arg-type]
    assert reply.status == status, reply.body
    assert (await stored_votes(agent) != []) == (status == 200)


async def test_the_endpoint_waits_for_a_loaded_assistant() -> None:
    assert (await feedback_reply(json.dumps(body()).encode(), None)).status == 503


async def test_an_answer_older_than_the_recent_turns_can_be_rated(
    tmp_path: Path, project_domain: Domain
) -> None:
    """The SQLite store's trackers hold only the recent turns (storage/recent_turns.py)."""
    store = SQLiteTrackerStore(project_domain, db=str(tmp_path / "rasa.db"))
    later = [
        event
        for number in range(RECENT_TURNS + 2)
        for event in (ActionExecuted("action_listen"), UserUttered(f"thanks {number}"))
    ]
    await store.save(
        DialogueStateTracker.from_events("visitor", conversation() + later, project_domain.slots)
    )
    agent = SimpleNamespace(tracker_store=store, lock_store=InMemoryLockStore())

    topic = await record_feedback(agent, Feedback("visitor", ANSWER, "helpful"))  # type: ignore[arg-type]

    assert topic == "symptoms"
    whole = await store.retrieve_full_tracker("visitor")
    assert whole is not None
    assert [
        e.value["rating"] for e in whole.events if isinstance(e, SlotSet) and e.key == FEEDBACK_SLOT
    ] == ["helpful"]
    assert len(whole.events) == len(conversation() + later) + 1
