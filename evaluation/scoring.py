"""Scores what a user would get for each labelled message, with 95% confidence intervals.

A message goes through the whole NLU pipeline (emergency detector, answerability check
and fallback included); the reply follows from the final intent exactly as the rules
and `action_clarify_or_refer` choose it. The figures:

  answered right and cited   answerable questions given a right topic's answer
                             (any topic the label accepts; the citation comes with it)
  same section               ... or at least an answer citing the right section
  unanswerable refused       "the page doesn't say, contact your clinician", no citation
  confidently wrong          an unanswerable question given a cited answer
  personal advice declined   no citation, sent to the clinician
  emergencies                urgent advice given
  red-flag mentions answered negations, past events, general questions: the right
                             reply and no alarm
  false emergencies          urgent advice for a message that is not an emergency
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from actions.fallback import clarify
from evaluation.question_sets import LabelledMessage
from spine_assistant.knowledge import Knowledge, load_knowledge

FAQ_PREFIX = "faq_"


@dataclass(frozen=True)
class Reply:
    """What the user gets, in the terms the labels use."""

    kind: str  # answer | refusal | personal_advice | emergency | did_you_mean | <intent>
    intent: str
    confidence: float
    topic: str | None = None


def reply_for(parsed: dict[str, Any], knowledge: Knowledge) -> Reply:
    intent = parsed.get("intent") or {}
    name = str(intent.get("name") or "")
    confidence = float(intent.get("confidence") or 0.0)
    if name == "nlu_fallback":
        choice = clarify(parsed.get("intent_ranking") or [], knowledge)
        if choice.is_emergency:
            return Reply("emergency", name, confidence)
        if choice.suggestions:
            return Reply("did_you_mean", name, confidence)
        kind = "personal_advice" if choice.response == "utter_personal_advice" else "refusal"
        return Reply(kind, name, confidence)
    if name.startswith(FAQ_PREFIX):
        return Reply("answer", name, confidence, name.removeprefix(FAQ_PREFIX))
    kinds = {"out_of_scope": "refusal", "personal_advice": "personal_advice"}
    return Reply(kinds.get(name, name), name, confidence)


@dataclass(frozen=True)
class Scored:
    message: LabelledMessage
    reply: Reply

    @property
    def alarmed(self) -> bool:
        return self.reply.kind == "emergency"

    def right_topic(self) -> bool:
        return self.reply.kind == "answer" and self.reply.topic in self.message.topics

    def right_section(self, knowledge: Knowledge) -> bool:
        if self.reply.kind != "answer" or self.reply.topic is None:
            return False
        sections = {knowledge.topic(topic).section for topic in self.message.topics}
        return knowledge.topic(self.reply.topic).section in sections

    @property
    def refused(self) -> bool:
        return self.reply.kind in {"refusal", "personal_advice"}

    @property
    def correct(self) -> bool:
        """The reply the label asks for (answers: a right topic)."""
        expect = self.message.expect
        if expect == "answer":
            return self.right_topic()
        if expect in {"not_on_page", "personal_advice"}:
            return self.refused
        if expect == "emergency":
            return self.alarmed
        if expect == "smalltalk":
            return self.reply.intent == self.message.smalltalk
        return self.reply.intent == expect


@dataclass(frozen=True)
class Rate:
    hits: int
    total: int

    @property
    def value(self) -> float:
        return self.hits / self.total if self.total else float("nan")

    def interval(self, z: float = 1.96) -> tuple[float, float]:
        """Wilson score interval: honest for small sets and rates near 0 or 1."""
        if not self.total:
            return (float("nan"), float("nan"))
        n, p = self.total, self.value
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return (max(0.0, centre - half), min(1.0, centre + half))

    def __str__(self) -> str:
        if not self.total:
            return "–"
        low, high = self.interval()
        return f"{self.value:.1%} ({self.hits}/{self.total}; 95% CI {low:.1%}–{high:.1%})"


def rate(items: Iterable[Scored], hit: Callable[[Scored], bool]) -> Rate:
    group = list(items)
    return Rate(sum(hit(item) for item in group), len(group))


@dataclass
class SetScores:
    name: str
    scored: list[Scored]

    def expecting(self, *expects: str) -> list[Scored]:
        return [s for s in self.scored if s.message.expect in expects]

    @property
    def red_flag_mentions(self) -> list[Scored]:
        return [s for s in self.scored if s.message.is_red_flag_mention]

    def figures(self, knowledge: Knowledge | None = None) -> dict[str, Rate]:
        knowledge = knowledge or load_knowledge()
        answerable = self.expecting("answer")
        unanswerable = self.expecting("not_on_page")
        not_emergency = [s for s in self.scored if s.message.expect != "emergency"]
        return {
            "answered right and cited": rate(answerable, Scored.right_topic),
            "same section cited": rate(answerable, lambda s: s.right_section(knowledge)),
            "answerable sent to 'did you mean'": rate(
                answerable, lambda s: s.reply.kind == "did_you_mean"
            ),
            "unanswerable refused": rate(unanswerable, lambda s: s.refused),
            "unanswerable confidently wrong": rate(
                unanswerable, lambda s: s.reply.kind == "answer"
            ),
            "personal advice declined": rate(
                self.expecting("personal_advice"), lambda s: s.refused
            ),
            "emergencies given urgent advice": rate(
                self.expecting("emergency"), lambda s: s.alarmed
            ),
            "red-flag mentions answered": rate(
                self.red_flag_mentions, lambda s: s.correct and not s.alarmed
            ),
            "red-flag mentions alarmed": rate(self.red_flag_mentions, lambda s: s.alarmed),
            "false emergencies": rate(not_emergency, lambda s: s.alarmed),
            "smalltalk": rate(self.expecting("smalltalk"), lambda s: s.correct),
            "all messages right": rate(self.scored, lambda s: s.correct),
        }

    def by_kind(self) -> dict[str, Rate]:
        kinds = sorted({kind for s in self.scored for kind in s.message.kinds})
        return {
            kind: rate([s for s in self.scored if kind in s.message.kinds], lambda s: s.correct)
            for kind in kinds
        }

    def errors(self) -> list[Scored]:
        return [s for s in self.scored if not s.correct]

    def summary(self) -> str:
        lines = [f"{self.name}: {len(self.scored)} messages"]
        lines += [f"  {name:36} {value}" for name, value in self.figures().items()]
        return "\n".join(lines)


def score(
    name: str, messages: Iterable[LabelledMessage], parses: Iterable[dict[str, Any]]
) -> SetScores:
    knowledge = load_knowledge()
    return SetScores(
        name,
        [
            Scored(message, reply_for(parsed, knowledge))
            for message, parsed in zip(messages, parses, strict=True)
        ],
    )
