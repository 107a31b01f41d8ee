"""A message as the classifier leaves it, for the components that run after it (the
routers, the emergency detector, the personal-outlook and answerability checks)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message


def classified_message(
    text: str,
    ranking: Sequence[tuple[str, float]],
    doc: Any = None,
    entities: list[dict[str, Any]] | None = None,
) -> Message:
    """`ranking` best first; `doc` is the spaCy parse the component reads, if it reads one."""
    message = Message(data={TEXT: text})
    if doc is not None:
        message.set(SPACY_DOCS[TEXT], doc)
    entries = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    message.set("intent", entries[0])
    message.set("intent_ranking", entries)
    if entities is not None:
        message.set("entities", entities)
    return message
