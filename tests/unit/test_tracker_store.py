"""The embedded tracker store: Rasa's SQL store on SQLite, in write-ahead-log mode."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import yaml
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from spine_assistant.serving.isolated import TRACKER_STORE
from spine_assistant.storage.sqlite_tracker_store import SQLiteTrackerStore
from tests.conftest import PROJECT_ROOT


def store_from_endpoints(db: Path) -> TrackerStore:
    """Built by Rasa from the project's endpoints.yml, only with another file."""
    config = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    settings = {**config["tracker_store"], "db": str(db)}
    return TrackerStore.create(EndpointConfig.from_dict(settings), Domain.empty())


def test_endpoints_use_the_tuned_store_and_so_do_tests(tmp_path: Path) -> None:
    store = store_from_endpoints(tmp_path / "rasa.db")

    # Rasa silently falls back to an in-memory store if the class cannot be imported.
    assert isinstance(store, SQLiteTrackerStore)
    assert TRACKER_STORE == "spine_assistant.storage.sqlite_tracker_store.SQLiteTrackerStore"


async def test_conversations_survive_a_new_store_on_the_same_file(tmp_path: Path) -> None:
    db = tmp_path / "rasa.db"
    tracker = DialogueStateTracker.from_events(
        "visitor-1",
        [ActionExecuted("action_listen"), UserUttered("what is it?", {"name": "faq_definition"})],
    )
    await store_from_endpoints(db).save(tracker)

    reopened = await store_from_endpoints(db).retrieve("visitor-1")

    assert reopened is not None
    assert reopened.latest_message is not None
    assert reopened.latest_message.text == "what is it?"


async def test_the_file_is_in_write_ahead_log_mode(tmp_path: Path) -> None:
    db = tmp_path / "rasa.db"
    await store_from_endpoints(db).save(DialogueStateTracker.from_events("visitor-2", []))

    with sqlite3.connect(db) as connection:
        [(mode,)] = connection.execute("PRAGMA journal_mode").fetchall()
    assert mode == "wal"


async def test_the_connection_stays_open_between_turns(tmp_path: Path) -> None:
    """Closing the last connection checkpoints the log to disk: that must not happen
    after every turn, so the log file is still there after a save."""
    db = tmp_path / "rasa.db"
    store = store_from_endpoints(db)
    await store.save(DialogueStateTracker.from_events("visitor-3", [ActionExecuted("greet")]))

    assert (tmp_path / "rasa.db-wal").exists()
