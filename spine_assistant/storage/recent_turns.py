"""A turn sees only the conversation's recent turns, so it costs the same at the 200th
message as at the 5th.

Rasa's SQL store rebuilds the whole session from the database for every message, and
the policies then work out the dialogue state after every earlier event: both grow with
the conversation (on the 2-core machine, 2026-11-28: about 60 ms a turn at turn 5 and
260 ms at turn 200). This assistant's next action depends only on the last message and
the slots (`cited_topic`, the entity slots): every rule is one turn long. So `retrieve`
returns the last RECENT_TURNS turns of the session, after the value each slot had
before them, and `save` appends exactly the events added since (write-through: each
turn is committed at once, as with Rasa's store), each in one SQL statement. The whole
conversation stays in the database: Rasa's HTTP API (`retrieve_full_tracker`),
`make forget`, the purge and `make review` read it there.

Named in endpoints.scaled.yml (PostgreSQL); the SQLite store of endpoints.yml builds on it.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import sqlalchemy
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

RECENT_TURNS = 2
"""Turns (each starts where the assistant listens) a retrieved tracker holds: rules need
one. Going from 5 to 2 saved 1.1–3.6 ms a turn (docs/decisions.md)."""

_STORED = "_events_already_stored"  # set on trackers this store builds
_EVENTS = SQLTrackerStore.SQLEvent.__table__

# The session, as Rasa reads it (`_event_query(fetch_events_from_all_sessions=False)`):
# the events from the latest SessionStarted on (all of them if there is none).
_IN_SESSION = f"""
    session_start AS (
        SELECT MAX(timestamp) AS at FROM {_EVENTS.name}
        WHERE sender_id = :sender_id AND type_name = :session_started
    ), in_session AS (
        SELECT e.id, e.type_name, e.action_name, e.data
        FROM {_EVENTS.name} e, session_start
        WHERE e.sender_id = :sender_id
          AND (session_start.at IS NULL OR e.timestamp >= session_start.at)
    )"""
# One statement, so SQLAlchemy builds and compiles no ORM queries per turn (three ORM
# queries took 2.1 of the 2.4 ms a retrieve took). The session's last RECENT_TURNS
# turns start at the RECENT_TURNS-th last `action_listen`; before them only each slot's
# last SlotSet is kept (a slot event's `action_name` column holds the slot's name: Rasa
# stores data["name"]). A session with no more turns comes whole.
_RECENT_EVENTS = sqlalchemy.text(
    f"""
    WITH {_IN_SESSION}, window_start AS (
        SELECT id FROM in_session
        WHERE type_name = :action_executed AND action_name = :action_listen
        ORDER BY id DESC LIMIT 1 OFFSET :turns_before
    )
    SELECT data FROM in_session
    WHERE (SELECT id FROM window_start) IS NULL
       OR id >= (SELECT id FROM window_start)
       OR id IN (
           SELECT MAX(id) FROM in_session
           WHERE type_name = :slot_set AND id < (SELECT id FROM window_start)
           GROUP BY action_name
       )
    ORDER BY id
    """
)
# What Rasa's save counts as already stored: the session's events.
_STORED_IN_SESSION = sqlalchemy.text(f"WITH {_IN_SESSION} SELECT COUNT(*) FROM in_session")
_RECENT_EVENTS_PARAMETERS = {
    "session_started": SessionStarted.type_name,
    "action_executed": ActionExecuted.type_name,
    "action_listen": ACTION_LISTEN_NAME,
    "slot_set": SlotSet.type_name,
    "turns_before": RECENT_TURNS - 1,
}


class RecentTurnsSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store whose trackers hold the recent turns of the session."""

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        if self.domain is None:
            return await super().retrieve(sender_id)
        with self.session_scope() as session:
            rows = session.execute(
                _RECENT_EVENTS, {"sender_id": sender_id, **_RECENT_EVENTS_PARAMETERS}
            ).all()
        if not rows:
            return None
        events = [json.loads(data) for (data,) in rows]
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        setattr(tracker, _STORED, len(tracker.events))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save: the events of the session the store does not hold yet, in the
        same columns (Rasa's `SQLTrackerStore.save`), inserted in one statement instead
        of one ORM object each. A tracker this store built knows how many it holds;
        for another (a new conversation's) they are counted as Rasa counts them, in
        one compiled statement instead of Rasa's ORM query (about 3 ms of a
        conversation's first turn, make profile 2026-12-01)."""
        await self.stream_events(tracker)
        stored = getattr(tracker, _STORED, None)
        with self.session_scope() as session:
            if stored is None:
                stored = session.execute(
                    _STORED_IN_SESSION,
                    {"sender_id": tracker.sender_id, "session_started": SessionStarted.type_name},
                ).scalar_one()
            new = itertools.islice(tracker.events, stored, None)
            rows = [_row(tracker.sender_id, event) for event in new]
            if rows:
                session.execute(_EVENTS.insert(), rows)
                session.commit()
        setattr(tracker, _STORED, len(tracker.events))


def _row(sender_id: str, event: Event) -> dict[str, Any]:
    """An event's row, as Rasa's SQL store writes it."""
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }
