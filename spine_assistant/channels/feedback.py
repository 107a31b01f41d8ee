"""Answer feedback ("Helpful" / "Not helpful"), kept in the conversation itself.

POST /webhooks/rest/feedback {"sender", "answer_id", "rating"[, "reason"]} (rest.py; the
widget and any REST or socket.io client: a socket.io session id is the sender id). Every cited
answer carries its `answer_id` in its metadata (turns.py): the id of the visitor
message it answered. A vote is stored as a `SlotSet` of the unfeaturized slot
`answer_feedback`, appended to the conversation under its lock, so:

- it is one more event in the tracker store, and `make forget` and the retention purge
  remove it with the conversation;
- it never changes the conversation's flow (the slot does not influence prediction);
- a vote can be changed: the latest event for an answer wins (`make review` reads it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rasa.shared.core.events import BotUttered, Event, SlotSet, UserUttered

from spine_assistant.channels.validation import InvalidInput, check_message, check_sender
from spine_assistant.knowledge import CITED_TOPIC_SLOT

if TYPE_CHECKING:
    from rasa.core.agent import Agent

FEEDBACK_SLOT = "answer_feedback"
RATINGS = ("helpful", "not_helpful")
MAX_REASON_CHARS = 500
ANSWER_ID_CHARS = 32  # uuid4 hex, as turns.py issues them
EXPECTED_VOTE = (
    '{"sender": "...", "answer_id": "...", "rating": "helpful" | "not_helpful", '
    '"reason": "... (optional)"}'
)


@dataclass(frozen=True)
class Feedback:
    sender_id: str
    answer_id: str
    rating: str
    reason: str | None = None

    def as_slot_value(self, topic: str | None) -> dict[str, Any]:
        return {
            "message_id": self.answer_id,
            "topic": topic,
            "rating": self.rating,
            "reason": self.reason,
        }


class UnknownAnswer(LookupError):
    """No cited answer with that id in the visitor's current conversation."""


def check_feedback(request: object) -> Feedback:
    """A vote from a request body, or InvalidInput saying what is wrong. A reason is
    kept only with "not_helpful", cleaned and cut like a message."""
    if not isinstance(request, dict):
        raise InvalidInput(f"The body must be a JSON object: {EXPECTED_VOTE}.")
    sender_id = check_sender(request.get("sender"))
    answer_id = request.get("answer_id")
    if not isinstance(answer_id, str) or len(answer_id) != ANSWER_ID_CHARS:
        raise InvalidInput('"answer_id" must be the answer_id of an answer (32 characters).')
    rating = request.get("rating")
    if rating not in RATINGS:
        raise InvalidInput('"rating" must be "helpful" or "not_helpful".')
    raw_reason = request.get("reason")
    if raw_reason is not None and not isinstance(raw_reason, str):
        raise InvalidInput('"reason" must be a string when given.')
    reason = None
    if rating == "not_helpful" and raw_reason:
        reason = check_message(raw_reason, limit=MAX_REASON_CHARS).text.strip() or None
    return Feedback(sender_id, answer_id, str(rating), reason)


def is_cited(event: BotUttered) -> bool:
    """An answer's "Source: …" message: Rasa stores a response's `metadata` (here the
    citation) under the event's own metadata."""
    response_metadata = (event.metadata or {}).get("metadata")
    return isinstance(response_metadata, dict) and "citation" in response_metadata


def rated_topic(events: Iterable[Event], answer_id: str) -> str | None:
    """The topic of the cited answer given to the visitor message `answer_id` (the
    `cited_topic` slot at the end of that turn), or UnknownAnswer."""
    topic: str | None = None
    in_turn = found = False
    for event in events:
        if isinstance(event, UserUttered):
            if in_turn:
                break
            in_turn = event.message_id == answer_id
        elif isinstance(event, SlotSet) and event.key == CITED_TOPIC_SLOT:
            topic = event.value
        elif in_turn and isinstance(event, BotUttered) and is_cited(event):
            found = True
    if not found:
        raise UnknownAnswer(answer_id)
    return topic


async def record_feedback(agent: Agent, feedback: Feedback) -> str | None:
    """Appends the vote to the conversation under its lock; returns the rated topic."""
    assert agent.tracker_store is not None and agent.lock_store is not None
    async with agent.lock_store.lock(feedback.sender_id):
        # the whole conversation: the rated answer may be older than the recent turns
        # the store's trackers hold (storage/recent_turns.py)
        whole = await agent.tracker_store.retrieve_full_tracker(feedback.sender_id)
        if whole is None:
            raise UnknownAnswer(feedback.answer_id)
        topic = rated_topic(whole.events, feedback.answer_id)
        tracker = await agent.tracker_store.retrieve(feedback.sender_id)
        assert tracker is not None
        tracker.update(SlotSet(FEEDBACK_SLOT, feedback.as_slot_value(topic)))
        await agent.tracker_store.save(tracker)
    return topic
