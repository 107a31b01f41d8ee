"""Topics, answers and citations from data/knowledge/topics.yml.

One topic answers one intent (`faq_<id>`) with one domain response (`utter_faq_<id>`)
and one citation. Details specialise a topic for an entity value the user named.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from spine_assistant.knowledge.paths import PROJECT_ROOT, TOPICS_FILE

FAQ_INTENT_PREFIX = "faq_"
# the detail entity for an abbreviation the page spells out; set by
# spine_assistant/components/expansion_router.py, never by the entity extractor
ABBREVIATION_ENTITY = "abbreviation"
# The slot that remembers the last answered topic ("source?" and feedback use it).
CITED_TOPIC_SLOT = "cited_topic"


@dataclass(frozen=True)
class Review:
    """When a topic's answer was last checked against the source page, and by whom (a
    role, never a person's name)."""

    on: date
    by: str

    @property
    def month(self) -> str:
        """As visitors see it: "November 2026"."""
        return self.on.strftime("%B %Y")

    def is_older_than(self, months: int, today: date) -> bool:
        elapsed = (today.year - self.on.year) * 12 + today.month - self.on.month
        return elapsed > months or (elapsed == months and today.day > self.on.day)


@dataclass(frozen=True)
class Citation:
    """Where an answer comes from: the page, its section heading and a verbatim quote."""

    document: str
    section: str
    quote: str
    subsection: str | None = None
    last_reviewed: str | None = None  # "November 2026"

    @property
    def heading(self) -> str:
        """The section as a reader finds it on the page."""
        if self.subsection:
            return f"{self.section} › {self.subsection}"
        return self.section

    def as_text(self) -> str:
        return f"Source: {self.document}, section “{self.heading}”"

    def as_payload(self) -> dict[str, Any]:
        payload = {"document": self.document, "section": self.section, "quote": self.quote}
        if self.subsection:
            payload["subsection"] = self.subsection
        if self.last_reviewed:
            payload["last_reviewed"] = self.last_reviewed
        return payload


@dataclass(frozen=True)
class Detail:
    """A topic's answer made specific to one entity value (e.g. a named syndrome)."""

    entity: str
    value: str
    quote: str
    answer: str


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    section: str
    quote: str
    answer: str
    subsection: str | None = None
    details: list[Detail] = field(default_factory=list)
    gives: list[str] = field(default_factory=list)  # kinds of answer, e.g. "number"
    reviewed: Review | None = None

    @property
    def intent(self) -> str:
        return f"{FAQ_INTENT_PREFIX}{self.id}"

    @property
    def response(self) -> str:
        return f"utter_{self.intent}"

    def detail_for(self, slots: Mapping[str, Any]) -> Detail | None:
        """The detail whose entity value the user named, if any (first match wins, as in Rasa)."""
        for detail in self.details:
            if slots.get(detail.entity) == detail.value:
                return detail
        return None


@dataclass(frozen=True)
class Knowledge:
    document_title: str
    document_file: Path
    document_sha256: str
    sections: list[str]
    featured: list[str]
    topics: list[Topic]

    def topic_for_intent(self, intent: str | None) -> Topic | None:
        return next((topic for topic in self.topics if topic.intent == intent), None)

    def topic(self, topic_id: str) -> Topic:
        return next(topic for topic in self.topics if topic.id == topic_id)

    def citation(self, topic: Topic, detail: Detail | None = None) -> Citation:
        return Citation(
            document=self.document_title,
            section=topic.section,
            subsection=topic.subsection,
            quote=detail.quote if detail else topic.quote,
            last_reviewed=topic.reviewed.month if topic.reviewed else None,
        )

    @property
    def entity_slots(self) -> list[str]:
        """Slots that details depend on; each FAQ question sets or clears them."""
        return sorted({detail.entity for topic in self.topics for detail in topic.details})

    def source_text(self) -> str:
        return self.document_file.read_text(encoding="utf-8")


def _detail(raw: Mapping[str, Any]) -> Detail:
    return Detail(
        entity=raw["entity"], value=raw["value"], quote=raw["quote"], answer=raw["answer"]
    )


def _review(raw: Mapping[str, Any] | None) -> Review | None:
    if raw is None:
        return None
    on = raw["date"]
    return Review(on=on if isinstance(on, date) else date.fromisoformat(str(on)), by=raw["by"])


def _topic(raw: Mapping[str, Any]) -> Topic:
    return Topic(
        id=raw["id"],
        title=raw["title"],
        section=raw["section"],
        subsection=raw.get("subsection"),
        quote=raw["quote"],
        answer=raw["answer"],
        details=[_detail(item) for item in raw.get("details", [])],
        gives=list(raw.get("gives", [])),
        reviewed=_review(raw.get("reviewed")),
    )


@cache
def load_knowledge(path: Path = TOPICS_FILE) -> Knowledge:
    """Read the knowledge file once per process (it only changes with a new release)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    document = raw["document"]
    return Knowledge(
        document_title=document["title"],
        document_file=PROJECT_ROOT / document["file"],
        document_sha256=document["sha256"],
        sections=list(raw["sections"]),
        featured=list(raw["featured"]),
        topics=[_topic(item) for item in raw["topics"]],
    )
