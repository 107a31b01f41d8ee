"""Reads one period's events from the conversation store that the Rasa server writes.

The store is opened exactly as `make forget` / `make purge-old` open it (the
tracker store of endpoints.yml, through spine_assistant.privacy), so the review works
on the SQLite file and on the scaled set-up's PostgreSQL alike. Events are read as rows
filtered by timestamp in SQL, not as whole trackers: a year of conversations need not
be loaded to review one month.
"""

from __future__ import annotations

import json
from collections import defaultdict

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event

from spine_assistant.privacy.conversations import Event as StoredEvent


def read_conversations(
    store: SQLTrackerStore, since: float, until: float
) -> dict[str, list[Event]]:
    """Rasa events with `since <= timestamp < until`, by conversation, in stored order."""
    conversations: dict[str, list[Event]] = defaultdict(list)
    with store.session_scope() as session:
        rows = (
            session.query(StoredEvent.sender_id, StoredEvent.data)
            .filter(StoredEvent.timestamp >= since, StoredEvent.timestamp < until)
            .order_by(StoredEvent.sender_id, StoredEvent.timestamp, StoredEvent.id)
        )
        for sender_id, data in rows:
            event = Event.from_parameters(json.loads(data))
            if event is not None:
                conversations[str(sender_id)].append(event)
    return dict(conversations)
