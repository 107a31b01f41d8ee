"""Visitors' "Helpful" / "Not helpful" votes, as the feedback endpoint stores them
(spine_assistant/channels/feedback.py).

A vote is a `SlotSet` of the slot `answer_feedback` with the value
`{"message_id", "topic", "rating": "helpful" | "not_helpful", "reason"}`, where
`message_id` is the user message whose answer was rated. Votes can be changed, so only
the latest event for a message counts (by timestamp, then stored order). A review
counts the votes cast within its period.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rasa.shared.core.events import Event, SlotSet

from spine_assistant.channels.feedback import FEEDBACK_SLOT, RATINGS
from spine_assistant.review.masking import mask_optional


@dataclass(frozen=True)
class Vote:
    sender_id: str
    message_id: str
    topic: str | None
    rating: str
    reason: str | None  # masked
    timestamp: float


def _vote(sender_id: str, event: SlotSet) -> Vote | None:
    value = event.value
    if not isinstance(value, dict) or value.get("rating") not in RATINGS:
        return None
    if not value.get("message_id"):
        return None
    reason = value.get("reason")
    return Vote(
        sender_id=sender_id,
        message_id=str(value["message_id"]),
        topic=str(value["topic"]) if value.get("topic") else None,
        rating=str(value["rating"]),
        reason=mask_optional(str(reason)) if reason else None,
        timestamp=float(event.timestamp),
    )


def latest_votes(conversations: dict[str, list[Event]]) -> dict[str, Vote]:
    """The vote that counts for each rated message, by message_id."""
    latest: dict[str, Vote] = {}
    for sender_id, events in conversations.items():
        for vote in _votes(sender_id, events):
            current = latest.get(vote.message_id)
            if current is None or vote.timestamp >= current.timestamp:
                latest[vote.message_id] = vote
    return latest


def _votes(sender_id: str, events: Iterable[Event]) -> Iterable[Vote]:
    for event in events:
        if isinstance(event, SlotSet) and event.key == FEEDBACK_SLOT:
            vote = _vote(sender_id, event)
            if vote is not None:
                yield vote
