"""Delete conversations from the tracker store configured in endpoints.yml.

Conversations hold health information, so they are kept only as long as needed:
`purge_old_conversations` deletes every conversation whose latest event is older than
the retention period (whole conversations, so none is left half-deleted), and
`forget_conversation` deletes one visitor's conversation on request. Both work on
Rasa's own SQL tracker store (SQLite here, any SQL database it supports), through
Rasa's table definition, while the server runs: Rasa reads the tracker from the store
on every message, so a deleted conversation simply starts afresh.
"""

from __future__ import annotations

import time
from pathlib import Path

from rasa.core.tracker_store import AwaitableTrackerStore, SQLTrackerStore, TrackerStore
from rasa.utils.endpoints import read_endpoint_config
from sqlalchemy import func

SECONDS_PER_DAY = 24 * 60 * 60
DEFAULT_RETENTION_DAYS = 30

Event = SQLTrackerStore.SQLEvent


class UnsupportedTrackerStore(RuntimeError):
    """The endpoints file names a store these commands cannot clean."""


def open_tracker_store(endpoints: Path) -> SQLTrackerStore:
    """The tracker store as the Rasa server opens it from `endpoints`: Rasa's SQL
    store (`type: SQL`) or a subclass named by module path."""
    config = read_endpoint_config(str(endpoints), "tracker_store")
    store = TrackerStore.create(config) if config is not None else None
    if isinstance(store, AwaitableTrackerStore):
        store = store._tracker_store
    if not isinstance(store, SQLTrackerStore):
        raise UnsupportedTrackerStore(
            f"{endpoints}: tracker_store must be `type: SQL` or a subclass of Rasa's "
            "SQLTrackerStore (conversations would not be kept, or kept where these "
            "commands cannot delete them)."
        )
    return store


def forget_conversation(store: SQLTrackerStore, sender_id: str) -> int:
    """Deletes every stored event of one conversation; returns how many."""
    with store.session_scope() as session:
        deleted = (
            session.query(Event)
            .filter(Event.sender_id == sender_id)
            .delete(synchronize_session=False)
        )
        session.commit()
    return int(deleted)


def purge_old_conversations(
    store: SQLTrackerStore, older_than_days: float, now: float | None = None
) -> int:
    """Deletes conversations whose latest event is older than `older_than_days`;
    returns how many conversations."""
    if older_than_days < 0:
        raise ValueError("the retention period cannot be negative")
    cutoff = (time.time() if now is None else now) - older_than_days * SECONDS_PER_DAY
    with store.session_scope() as session:
        expired = [
            sender_id
            for (sender_id,) in session.query(Event.sender_id)
            .group_by(Event.sender_id)
            .having(func.max(Event.timestamp) < cutoff)
        ]
        for sender_id in expired:
            session.query(Event).filter(Event.sender_id == sender_id).delete(
                synchronize_session=False
            )
        session.commit()
    return len(expired)
