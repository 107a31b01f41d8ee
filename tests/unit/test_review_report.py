"""make review on a store seeded with scripted conversations: counts, rates, topic mix,
feedback (the latest vote wins), the period filter and the empty report.

The conversations are real Rasa events (UserUttered with parse_data, ActionExecuted,
BotUttered with the response name and citation, SlotSet) saved as trackers through the
project's SQLite tracker store, on several days; the other test_review_* files reuse them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from spine_assistant.privacy.conversations import open_tracker_store
from spine_assistant.review.analysis import Period, Report, build_report
from spine_assistant.review.grouping import normalised
from spine_assistant.review.run import review

TODAY = dt.date(2026, 3, 10)
PERIOD = Period(dt.date(2026, 3, 2), dt.date(2026, 3, 6))
STORE = "spine_assistant.storage.sqlite_tracker_store.SQLiteTrackerStore"


def at(day: int, hour: float) -> float:
    """A timestamp on 2026-03-<day>, UTC."""
    start = dt.datetime(2026, 3, day, tzinfo=dt.timezone.utc).timestamp()
    return start + hour * 3600


class Script:
    """One conversation's events, turn by turn, a few seconds apart."""

    def __init__(self, start: float) -> None:
        self.clock = start
        self.events: list[Event] = []
        self.message_ids: list[str] = []

    def _tick(self) -> float:
        self.clock += 2.0
        return self.clock

    def user(
        self,
        text: str,
        intent: str,
        confidence: float = 0.9,
        ranking: Sequence[tuple[str, float]] = (),
        nearest: Sequence[tuple[str, float]] = (),
    ) -> str:
        message_id = uuid.uuid4().hex
        parse_data: dict[str, Any] = {
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": [{"name": intent, "confidence": confidence}]
            + [{"name": n, "confidence": c} for n, c in ranking],
            "entities": [],
            "message_id": message_id,
        }
        if nearest:
            parse_data["answerability"] = {
                "not_on_page": "mention that",
                "nearest_topics": [{"name": n, "confidence": c} for n, c in nearest],
            }
        self.events.append(
            UserUttered(
                text, parse_data["intent"], [], parse_data, self._tick(), "rest", message_id
            )
        )
        self.message_ids.append(message_id)
        return message_id

    def respond(self, *responses: str, citation: bool = False) -> None:
        for response in responses:
            self.events.append(ActionExecuted(response, timestamp=self._tick()))
            metadata: dict[str, Any] = {"utter_action": response}
            if citation and response.startswith("utter_cite_"):
                metadata["citation"] = {"document": "Page", "section": "S", "quote": "Q"}
            self.events.append(BotUttered(f"({response})", {}, metadata, self._tick()))
        self.events.append(ActionExecuted("action_listen", timestamp=self._tick()))

    def answer(self, text: str, topic: str, confidence: float = 0.9) -> str:
        message_id = self.user(text, f"faq_{topic}", confidence)
        self.respond(f"utter_faq_{topic}", f"utter_cite_faq_{topic}", citation=True)
        return message_id

    def slot(self, name: str, value: Any) -> None:
        self.events.append(SlotSet(name, value, timestamp=self._tick()))

    def vote(
        self, message_id: str, topic: str | None, rating: str, reason: str | None = None
    ) -> None:
        value = {"message_id": message_id, "topic": topic, "rating": rating, "reason": reason}
        self.slot("answer_feedback", value)

    def refuse(self, text: str, guess: str, reason: str = "mention that") -> str:
        """The answerability check's refusal: out_of_scope at full confidence."""
        message_id = self.user(text, "out_of_scope", 1.0, nearest=[(guess, 0.6)])
        self.slot("not_on_page", reason)
        self.respond("utter_out_of_scope", "utter_topic_menu")
        return message_id

    def did_you_mean(self, text: str, guess: str) -> str:
        message_id = self.user(text, "nlu_fallback", 0.6, ranking=[(guess, 0.35), ("faq_mri", 0.2)])
        self.events.append(ActionExecuted("action_clarify_or_refer", timestamp=self._tick()))
        metadata = {"utter_action": "utter_did_you_mean"}
        self.events.append(BotUttered("Did you mean", {}, metadata, self._tick()))
        self.events.append(ActionExecuted("action_listen", timestamp=self._tick()))
        return message_id


def endpoints_for(folder: Path) -> Path:
    endpoints = folder / "endpoints.yml"
    endpoints.write_text(
        f"tracker_store:\n  type: {STORE}\n  db: {folder / 'rasa.db'}\n", encoding="utf-8"
    )
    return endpoints


def save(endpoints: Path, conversations: dict[str, Script]) -> None:
    store = open_tracker_store(endpoints)
    for sender, script in conversations.items():
        events = [ActionExecuted("action_session_start", timestamp=script.events[0].timestamp - 1)]
        tracker = DialogueStateTracker.from_events(
            sender, events + script.events, domain=Domain.empty()
        )
        asyncio.run(store.save(tracker))


def seeded_conversations() -> dict[str, Script]:
    """Four conversations in the period (days 2, 3 and 5) and one on each side of it."""
    ann = Script(at(2, 9))
    ann.user("hello", "greet", 0.99)
    ann.respond("utter_greet")
    symptoms = ann.answer("what are the symptoms", "symptoms", 0.92)
    mri = ann.answer("is an mri needed", "mri", 0.45)  # low confidence: 0.4 + 0.1
    ann.vote(symptoms, "symptoms", "not_helpful", "too short")
    ann.vote(mri, "mri", "helpful")
    ann.vote(symptoms, "symptoms", "helpful")  # changed her mind: helpful counts
    ann.vote(mri, "mri", "not_helpful", "did not say how long it takes")

    bob = Script(at(3, 14))
    bob.refuse("does proton therapy help", "faq_treatment", "mention “proton therapy”")
    bob.did_you_mean("scan or surgery", "faq_diagnosis")
    bob.user("should my dad stop his chemo", "personal_advice", 0.8)
    bob.respond("utter_personal_advice")

    cat = Script(at(3, 20))
    cat.user("my legs went weak and I can't walk", "emergency", 0.97)
    cat.respond("utter_emergency")
    cat.answer("how is it treated", "treatment", 0.95)
    cat.answer("/faq_treatment", "treatment", 1.0)  # a button click

    dan = Script(at(5, 11))
    dan.refuse("can I drive after spinal surgery", "faq_surgery_goals")
    dan.refuse("when can I drive again after my spine operation", "faq_surgery_goals")
    dan.did_you_mean("how much does the treatment cost", "faq_treatment")

    before, after = Script(at(1, 23)), Script(at(7, 0.5))
    before.refuse("is the car park free", "faq_treatment")
    after.answer("what is it", "definition")
    return {"ann": ann, "bob": bob, "cat": cat, "dan": dan, "before": before, "after": after}


def one_group_per_wording(texts: Sequence[str]) -> list[int]:
    """A stand-in for the encoder where grouping is not what a test checks."""
    labels: dict[str, int] = {}
    return [labels.setdefault(normalised(text), len(labels)) for text in texts]


@pytest.fixture
def seeded_endpoints(tmp_path: Path) -> Path:
    endpoints = endpoints_for(tmp_path)
    save(endpoints, seeded_conversations())
    return endpoints


def seeded_report(endpoints: Path, period: Period = PERIOD) -> Report:
    return review(open_tracker_store(endpoints), period, TODAY, one_group_per_wording)


def test_counts_conversations_and_turns_per_day(seeded_endpoints: Path) -> None:
    report = seeded_report(seeded_endpoints)

    assert report.conversations == 4
    assert len(report.turns) == 3 + 3 + 3 + 3
    per_day = {day.day: (conversations, turns) for day, conversations, turns in report.per_day()}
    assert per_day == {2: (1, 3), 3: (2, 6), 4: (0, 0), 5: (1, 3), 6: (0, 0)}


def test_rates_and_topic_mix(seeded_endpoints: Path) -> None:
    report = seeded_report(seeded_endpoints)

    rates = report.rates()
    assert {name: count for name, (count, _) in rates.items()} == {
        "fallback": 2,
        "did_you_mean": 2,
        "out_of_scope": 3,
        "personal_advice": 1,
        "emergency": 1,
    }
    assert rates["out_of_scope"][1] == pytest.approx(3 / 12)
    assert report.topic_mix() == {"symptoms": 1, "mri": 1, "treatment": 2}


def test_feedback_latest_vote_wins(seeded_endpoints: Path) -> None:
    report = seeded_report(seeded_endpoints)

    assert report.feedback_by_topic() == {
        "mri": {"not_helpful": 1},
        "symptoms": {"helpful": 1},
    }
    rated = {item.turn.text: item for group in report.groups for item in group.items}
    assert "what are the symptoms" not in rated
    assert rated["is an mri needed"].reasons == ("low confidence", "not helpful")
    assert rated["is an mri needed"].vote is not None
    assert rated["is an mri needed"].vote.reason == "did not say how long it takes"


def test_what_is_reviewed_and_why(seeded_endpoints: Path) -> None:
    report = seeded_report(seeded_endpoints)

    reviewed = {item.turn.text: item for group in report.groups for item in group.items}
    # the declined personal advice, the emergency, good answers and the button click are not
    assert set(reviewed) == {
        "is an mri needed",
        "does proton therapy help",
        "scan or surgery",
        "can I drive after spinal surgery",
        "when can I drive again after my spine operation",
        "how much does the treatment cost",
    }
    proton = reviewed["does proton therapy help"].turn
    assert proton.outcome == "out_of_scope" and proton.guess == "faq_treatment"
    assert proton.not_on_page == "mention “proton therapy”"
    assert reviewed["scan or surgery"].turn.guess == "faq_diagnosis"
    assert [group.count for group in report.groups] == sorted(
        (group.count for group in report.groups), reverse=True
    )


def test_the_period_filter(seeded_endpoints: Path) -> None:
    day_five = seeded_report(seeded_endpoints, Period(dt.date(2026, 3, 5), dt.date(2026, 3, 5)))
    assert {turn.sender_id for turn in day_five.turns} == {"dan"}

    wider = seeded_report(seeded_endpoints, Period(dt.date(2026, 3, 1), dt.date(2026, 3, 7)))
    assert {turn.sender_id for turn in wider.turns} == {
        "ann",
        "bob",
        "cat",
        "dan",
        "before",
        "after",
    }


def test_an_empty_period_gives_a_short_report(seeded_endpoints: Path, tmp_path: Path) -> None:
    from spine_assistant.review.run import write_review

    report = seeded_report(seeded_endpoints, Period(dt.date(2025, 1, 1), dt.date(2025, 1, 31)))
    written = write_review(report, tmp_path / "out")

    assert report.turns == [] and report.groups == []
    assert "No conversations from 2025-01-01 to 2025-01-31" in written.html.read_text()
    assert "No conversations" in written.markdown.read_text()
    assert "groups: []" in written.candidates.read_text()


def test_source_questions_and_core_fallbacks() -> None:
    """ "source?" is neither an answer nor a gap; Rasa's own fallback (e.g. the action
    server was down) is a fallback and the message is reviewed."""
    script = Script(at(4, 8))
    script.answer("what are the symptoms", "symptoms")
    script.user("source?", "ask_source", 0.97)
    script.respond("utter_source_faq_symptoms", "action_cite_source")
    script.user("what is a biopsy", "faq_biopsy", 0.86)
    script.respond("action_default_fallback")
    script.events.insert(-1, BotUttered("Sorry", {}, {"utter_action": "utter_default"}, at(4, 9)))

    report = build_report({"v": script.events}, PERIOD, TODAY, one_group_per_wording, 0.4)

    assert [turn.outcome for turn in report.turns] == ["answer", "source", "not_understood"]
    assert report.rates()["fallback"][0] == 1
    assert [group.examples() for group in report.groups] == [["what is a biopsy"]]


def test_the_repeated_urgent_advice_is_an_emergency_outcome() -> None:
    """ "what should I do?" right after the urgent advice gets it again (hazard H11): the
    review counts that turn as an emergency, not as personal advice declined."""
    script = Script(at(4, 8))
    script.user("my dad can't walk since this morning", "emergency", 0.98)
    script.respond("utter_emergency")
    script.user("what should I do?", "personal_advice", 0.9)
    script.respond("utter_emergency_again")

    report = build_report({"v": script.events}, PERIOD, TODAY, one_group_per_wording, 0.4)

    assert [turn.outcome for turn in report.turns] == ["emergency", "emergency"]
