"""Topics whose answers were last reviewed more than 12 months before the report.

Each topic in data/knowledge/topics.yml records `reviewed: {date, by}` (checked by
tests/unit/test_knowledge.py). The age is counted from the report's `today` (a
parameter, so a test written today still passes next year).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from spine_assistant.knowledge import load_knowledge
from spine_assistant.knowledge.paths import TOPICS_FILE

REVIEW_EVERY_MONTHS = 12


@dataclass(frozen=True)
class StaleTopic:
    topic: str
    title: str
    reviewed: dt.date | None  # None: this topic has no review date
    by: str | None


def stale_topics(today: dt.date, topics_file: Path = TOPICS_FILE) -> list[StaleTopic] | None:
    """Topics not reviewed for REVIEW_EVERY_MONTHS before `today` (or never, once others
    have a date), oldest first; None when the file records no review dates at all."""
    topics = load_knowledge(topics_file).topics
    if not any(topic.reviewed for topic in topics):
        return None
    stale = [
        StaleTopic(
            topic.id,
            topic.title,
            topic.reviewed.on if topic.reviewed else None,
            topic.reviewed.by if topic.reviewed else None,
        )
        for topic in topics
        if topic.reviewed is None or topic.reviewed.is_older_than(REVIEW_EVERY_MONTHS, today)
    ]
    return sorted(stale, key=lambda s: (s.reviewed or dt.date.min, s.topic))
