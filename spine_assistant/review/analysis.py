"""From one period's events to the review: figures, and the messages to look at, grouped.

A message is reviewed when the assistant could not answer it (out of scope, "Did you
mean", not understood, or the fallback classifier was unsure), when it answered with a
confidence below the FallbackClassifier threshold of config.yml plus a margin (a guess
that only just passed), or when the visitor rated the answer "Not helpful". Button
clicks ("/faq_…" payloads) are counted as turns but never reviewed: nobody typed them.
Days are UTC days.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rasa.shared.core.events import Event

from spine_assistant.knowledge.paths import PROJECT_ROOT
from spine_assistant.review.feedback import Vote, latest_votes
from spine_assistant.review.freshness import StaleTopic
from spine_assistant.review.turns import Turn, conversation_turns

DEFAULT_MARGIN = 0.1
RATE_NAMES = ("fallback", "did_you_mean", "out_of_scope", "personal_advice", "emergency")
UNANSWERED, LOW_CONFIDENCE, NOT_HELPFUL = "unanswered", "low confidence", "not helpful"

Grouper = Callable[[Sequence[str]], list[int]]


def fallback_threshold(config: Path = PROJECT_ROOT / "config.yml") -> float:
    """The FallbackClassifier's threshold, as the model was trained with it."""
    pipeline = yaml.safe_load(config.read_text(encoding="utf-8")).get("pipeline") or []
    for component in pipeline:
        if component.get("name") == "FallbackClassifier":
            return float(component.get("threshold", 0.3))  # Rasa's default
    raise ValueError(f"{config}: no FallbackClassifier in the pipeline")


@dataclass(frozen=True)
class Period:
    since: dt.date
    until: dt.date  # inclusive

    @property
    def start(self) -> float:
        return dt.datetime.combine(self.since, dt.time(), dt.timezone.utc).timestamp()

    @property
    def end(self) -> float:
        day_after = self.until + dt.timedelta(days=1)
        return dt.datetime.combine(day_after, dt.time(), dt.timezone.utc).timestamp()

    def days(self) -> list[dt.date]:
        return [
            self.since + dt.timedelta(days=n) for n in range((self.until - self.since).days + 1)
        ]


def day_of(timestamp: float) -> dt.date:
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).date()


@dataclass(frozen=True)
class ReviewItem:
    turn: Turn
    reasons: tuple[str, ...]
    vote: Vote | None = None


@dataclass
class Group:
    items: list[ReviewItem]

    @property
    def count(self) -> int:
        return len(self.items)

    def examples(self, limit: int | None = 3) -> list[str]:
        """Distinct wordings, the most frequent first."""
        counts = Counter(item.turn.text.strip() for item in self.items)
        ordered = [text for text, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
        return ordered if limit is None else ordered[:limit]

    @property
    def suggested(self) -> str | None:
        """The intent the assistant guessed most often for these messages."""
        guesses = Counter(item.turn.guess for item in self.items if item.turn.guess)
        return guesses.most_common(1)[0][0] if guesses else None

    def counts(self, what: str) -> Counter[str]:
        """How often each reason, outcome, "not on the page" or feedback reason occurs."""
        values: dict[str, list[str | None]] = {
            "reasons": [reason for item in self.items for reason in item.reasons],
            "outcomes": [item.turn.outcome for item in self.items],
            "not_on_page": [item.turn.not_on_page for item in self.items],
            "vote_reasons": [item.vote.reason for item in self.items if item.vote],
        }
        return Counter(value for value in values[what] if value)


@dataclass
class Report:
    period: Period
    today: dt.date
    threshold: float
    margin: float
    turns: list[Turn]
    votes: dict[str, Vote]
    groups: list[Group] = field(default_factory=list)
    stale: list[StaleTopic] | None = None

    @property
    def conversations(self) -> int:
        return len({turn.sender_id for turn in self.turns})

    def per_day(self) -> list[tuple[dt.date, int, int]]:
        """(day, conversations, turns) for every day of the period."""
        senders: dict[dt.date, set[str]] = {day: set() for day in self.period.days()}
        turns: Counter[dt.date] = Counter()
        for turn in self.turns:
            day = day_of(turn.timestamp)
            senders.setdefault(day, set()).add(turn.sender_id)
            turns[day] += 1
        return [(day, len(senders[day]), turns[day]) for day in sorted(senders)]

    def topic_mix(self) -> Counter[str]:
        return Counter(turn.topic for turn in self.turns if turn.topic)

    def rates(self) -> dict[str, tuple[int, float]]:
        """(count, share of turns) of fallbacks and of each kind of reply."""
        counts = {
            "fallback": sum(turn.fallback for turn in self.turns),
            **{name: 0 for name in RATE_NAMES[1:]},
        }
        for turn in self.turns:
            if turn.outcome in RATE_NAMES[1:]:
                counts[turn.outcome] += 1
        total = max(len(self.turns), 1)
        return {name: (count, count / total) for name, count in counts.items()}

    def feedback_by_topic(self) -> dict[str, Counter[str]]:
        """Ratings per topic (the vote's topic, else the rated answer's)."""
        topic_of = {turn.message_id: turn.topic for turn in self.turns if turn.message_id}
        table: dict[str, Counter[str]] = {}
        for vote in self.votes.values():
            topic = vote.topic or topic_of.get(vote.message_id) or "(unknown)"
            table.setdefault(topic, Counter())[vote.rating] += 1
        return dict(sorted(table.items()))


def review_reasons(
    turn: Turn, vote: Vote | None, threshold: float, margin: float
) -> tuple[str, ...]:
    if turn.text.startswith("/") or not turn.text.strip():
        return ()
    reasons = []
    if turn.unanswered:
        reasons.append(UNANSWERED)
    elif turn.outcome == "answer" and turn.confidence < threshold + margin:
        reasons.append(LOW_CONFIDENCE)
    if vote is not None and vote.rating == "not_helpful":
        reasons.append(NOT_HELPFUL)
    return tuple(reasons)


def build_report(
    conversations: dict[str, list[Event]],
    period: Period,
    today: dt.date,
    grouper: Grouper,
    threshold: float,
    margin: float = DEFAULT_MARGIN,
    stale: list[StaleTopic] | None = None,
) -> Report:
    turns = [
        turn
        for sender_id, events in sorted(conversations.items())
        for turn in conversation_turns(sender_id, events)
        if period.start <= turn.timestamp < period.end
    ]
    votes = latest_votes(conversations)
    report = Report(period, today, threshold, margin, turns, votes, stale=stale)
    items = [
        ReviewItem(turn, reasons, votes.get(turn.message_id or ""))
        for turn in turns
        if (reasons := review_reasons(turn, votes.get(turn.message_id or ""), threshold, margin))
    ]
    labels = grouper([item.turn.text for item in items])
    by_label: dict[int, list[ReviewItem]] = {}
    for label, item in zip(labels, items, strict=True):
        by_label.setdefault(label, []).append(item)
    report.groups = sorted(
        (Group(members) for members in by_label.values()),
        key=lambda group: (-group.count, group.examples(1)[0].lower()),
    )
    return report
