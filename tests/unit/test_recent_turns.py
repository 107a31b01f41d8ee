"""The store's trackers hold the recent turns, and nothing is lost or written twice:
checked on the SQLite store the assistant uses, with the project's domain."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from rasa.core.tracker_store import AwaitableTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from spine_assistant.storage.recent_turns import RECENT_TURNS
from spine_assistant.storage.sqlite_tracker_store import SQLiteTrackerStore

TOPICS = ["symptoms", "mri", "cure", "biopsy", "treatment", "diagnosis", "prevention", "ct_scan"]


def turn(number: int) -> list[Event]:
    """One FAQ turn; the topic of turn 0 is the only time `syndrome` is set."""
    topic = TOPICS[number % len(TOPICS)]
    events: list[Event] = [
        ActionExecuted("action_listen"),
        UserUttered(f"question {number}", {"name": f"faq_{topic}", "confidence": 0.9}),
        SlotSet("cited_topic", topic),
    ]
    if number == 0:
        events.append(SlotSet("syndrome", "cowden syndrome"))
    return events + [ActionExecuted(f"utter_faq_{topic}"), BotUttered(f"answer {number}")]


def stored_rows(db: Path, sender: str) -> list[dict[str, object]]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
        )
        return [json.loads(data) for (data,) in rows]


async def test_a_long_conversation_is_read_back_as_its_recent_turns(
    tmp_path: Path, project_domain: Domain
) -> None:
    db = tmp_path / "rasa.db"
    store = SQLiteTrackerStore(project_domain, db=str(db))
    start: list[Event] = [ActionExecuted("action_session_start"), SessionStarted()]
    events = start + [event for number in range(12) for event in turn(number)]
    await store.save(DialogueStateTracker.from_events("long", events, project_domain.slots))

    tracker = await store.retrieve("long")
    assert tracker is not None
    listens = [
        e
        for e in tracker.events
        if isinstance(e, ActionExecuted) and e.action_name == "action_listen"
    ]
    assert len(listens) == RECENT_TURNS
    assert tracker.latest_message is not None and tracker.latest_message.text == "question 11"
    assert tracker.get_slot("cited_topic") == TOPICS[11 % len(TOPICS)]
    assert tracker.get_slot("syndrome") == "cowden syndrome", "set before the window, kept"

    for event in turn(12):
        tracker.update(event)
    await store.save(tracker)
    await store.save(tracker)  # saving twice writes nothing twice

    rows = stored_rows(db, "long")
    assert len(rows) == len(events) + len(turn(12))
    assert [row["text"] for row in rows if row["event"] == "user"] == [
        f"question {n}" for n in range(13)
    ]
    full = await store.retrieve_full_tracker("long")
    assert full is not None and len(full.events) == len(rows)


async def test_a_short_conversation_is_read_whole(tmp_path: Path, project_domain: Domain) -> None:
    store = SQLiteTrackerStore(project_domain, db=str(tmp_path / "rasa.db"))
    events = [event for number in range(RECENT_TURNS - 1) for event in turn(number)]
    await store.save(DialogueStateTracker.from_events("short", events, project_domain.slots))

    tracker = await store.retrieve("short")
    assert tracker is not None and len(tracker.events) == len(events)

    # a new session in the same tracker: appended after the stored events, once
    new_session: list[Event] = [ActionExecuted("action_session_start"), SessionStarted()]
    for event in new_session + turn(RECENT_TURNS):
        tracker.update(event)
    await store.save(tracker)
    await store.save(tracker)
    rows = stored_rows(tmp_path / "rasa.db", "short")
    assert len(rows) == len(events) + len(new_session) + len(turn(RECENT_TURNS))
    again = await store.retrieve("short")
    assert again is not None
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == [
        f"question {RECENT_TURNS}"
    ], "the latest session only, as Rasa reads it"


async def test_an_unknown_conversation_is_none(tmp_path: Path, project_domain: Domain) -> None:
    store = SQLiteTrackerStore(project_domain, db=str(tmp_path / "rasa.db"))
    assert await store.retrieve("never-seen") is None


def all_columns(db: Path, sender: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT sender_id, type_name, timestamp, intent_name, action_name, data"
            " FROM events WHERE sender_id = ? ORDER BY id",
            (sender,),
        ).fetchall()


async def test_the_rows_written_are_those_of_rasas_store(
    tmp_path: Path, project_domain: Domain
) -> None:
    start: list[Event] = [ActionExecuted("action_session_start"), SessionStarted()]
    events = start + [event for number in range(6) for event in turn(number)]
    rasas = SQLTrackerStore(project_domain, dialect="sqlite", db=str(tmp_path / "rasa.db"))
    await rasas.save(DialogueStateTracker.from_events("c", events, project_domain.slots))

    ours = SQLiteTrackerStore(project_domain, db=str(tmp_path / "ours.db"))
    await ours.save(DialogueStateTracker.from_events("c", events[:9], project_domain.slots))
    tracker = await ours.retrieve("c")
    assert tracker is not None
    for event in events[9:]:  # added to a tracker this store built: its own insert
        tracker.update(event)
    await ours.save(tracker)

    assert all_columns(tmp_path / "ours.db", "c") == all_columns(tmp_path / "rasa.db", "c")


async def test_a_new_conversation_is_written_as_rasas_store_writes_it(
    tmp_path: Path, project_domain: Domain, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through Rasa's wrapper, as the server uses the store: Rasa then creates the new
    conversation's tracker itself, so the store did not build it."""

    async def first_turns(store: SQLTrackerStore) -> None:
        wrapped = AwaitableTrackerStore(store)
        tracker = await wrapped.get_or_create_tracker("new")
        for event in [ActionExecuted("action_session_start"), SessionStarted(), *turn(0)]:
            tracker.update(event)
        await wrapped.save(tracker)
        tracker = await wrapped.get_or_create_tracker("new")
        for event in turn(1):
            tracker.update(event)
        await wrapped.save(tracker)

    await first_turns(
        SQLTrackerStore(project_domain, dialect="sqlite", db=str(tmp_path / "rasa.db"))
    )
    # Rasa's store counts the events it holds with its ORM query; ours in one statement
    monkeypatch.setattr(SQLTrackerStore, "_additional_events", fail_if_counted)
    await first_turns(SQLiteTrackerStore(project_domain, db=str(tmp_path / "ours.db")))

    ours, rasas = all_columns(tmp_path / "ours.db", "new"), all_columns(tmp_path / "rasa.db", "new")
    assert len(ours) == 3 + len(turn(0)) + len(turn(1))
    # each store's events were made in its own run: all but their timestamps are Rasa's
    assert [row[:2] + row[3:5] for row in ours] == [row[:2] + row[3:5] for row in rasas]


def fail_if_counted(*_: object) -> None:
    raise AssertionError("Rasa's count of stored events was run")


async def test_a_new_session_of_a_long_conversation_starts_a_new_window(
    tmp_path: Path, project_domain: Domain
) -> None:
    store = SQLiteTrackerStore(project_domain, db=str(tmp_path / "rasa.db"))
    start: list[Event] = [ActionExecuted("action_session_start"), SessionStarted()]
    events = start + [event for number in range(12) for event in turn(number)]
    # Rasa finds the latest session by timestamp: new events, created after the others
    new_start: list[Event] = [ActionExecuted("action_session_start"), SessionStarted()]
    events += new_start + [SlotSet("cited_topic", "carried over")] + turn(20)[:-2] + turn(21)
    await store.save(DialogueStateTracker.from_events("c", events, project_domain.slots))

    tracker = await store.retrieve("c")
    assert tracker is not None
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == [
        "question 20",
        "question 21",
    ]
    assert tracker.get_slot("syndrome") is None, "set in the earlier session only"
