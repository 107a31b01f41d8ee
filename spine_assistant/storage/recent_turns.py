"""A turn sees only the conversation's recent turns, so it costs the same at the 200th
message as at the 5th.

Rasa's SQL store rebuilds the whole session from the database for every message, and
the policies then work out the dialogue state after every earlier event: both grow with
the conversation (on the 2-core machine, 2026-11-28: about 60 ms a turn at turn 5 and
260 ms at turn 200). This assistant's next action depends only on the last message and
the slots (`cited_topic`, the entity slots): every rule is one turn long. So `retrieve`
returns the last RECENT_TURNS turns of the session, after the value each slot had
before them, and `save` appends exactly the events added since (write-through: each
turn is committed at once, as with Rasa's store). The whole conversation stays in the
database: Rasa's HTTP API (`retrieve_full_tracker`), `make forget`, the purge and
`make review` read it there.

Named in endpoints.scaled.yml (PostgreSQL); the SQLite store of endpoints.yml builds on it.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

import sqlalchemy
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

RECENT_TURNS = 2
"""Turns (each starts where the assistant listens) a retrieved tracker holds: rules need
one. Going from 5 to 2 saved 1.1–3.6 ms a turn (docs/decisions.md)."""

_STORED = "_events_already_stored"  # set on trackers this store builds


class RecentTurnsSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store whose trackers hold the recent turns of the session."""

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        if self.domain is None:
            return await super().retrieve(sender_id)
        with self.session_scope() as session:
            events = self._recent_events(session, sender_id)
            if events is None:  # a short conversation: the whole session, as Rasa reads it
                rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
                events = [json.loads(row.data) for row in rows.all()]
        if not events:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        setattr(tracker, _STORED, len(tracker.events))
        return tracker

    def _recent_events(self, session: Any, sender_id: str) -> list[dict[str, Any]] | None:
        """The slot values before the last RECENT_TURNS turns, then those turns; None when
        the session has no more turns than that."""
        event = self.SQLEvent
        in_session = self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
        window_start = (
            in_session.filter(
                event.type_name == ActionExecuted.type_name,
                event.action_name == ACTION_LISTEN_NAME,
            )
            .order_by(None)
            .order_by(event.id.desc())
            .with_entities(event.id)
            .offset(RECENT_TURNS - 1)
            .limit(1)
            .scalar()
        )
        if window_start is None:
            return None
        # a slot event's `action_name` column holds the slot's name (Rasa stores data["name"])
        last_values = (
            in_session.filter(event.type_name == SlotSet.type_name, event.id < window_start)
            .order_by(None)
            .with_entities(event.action_name, sqlalchemy.func.max(event.id).label("last"))
            .group_by(event.action_name)
        )
        last_ids = [row.last for row in last_values]
        rows = (
            in_session.filter(event.id.in_(last_ids) | (event.id >= window_start)).all()
            if last_ids
            else in_session.filter(event.id >= window_start).all()
        )
        return [json.loads(row.data) for row in rows]

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Any]:
        """The events added since this store built the tracker (Rasa counts the stored
        events of the session instead, which a shortened tracker would not match)."""
        stored = getattr(tracker, _STORED, None)
        if stored is None:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        if hasattr(tracker, _STORED):
            setattr(tracker, _STORED, len(tracker.events))
