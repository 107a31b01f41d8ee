"""One visitor message and what the assistant did with it, read from Rasa's events.

A turn is a `UserUttered` and the actions and bot messages until the next one. What the
visitor got is read from the response names, as the rules and `action_clarify_or_refer`
(actions/fallback.py) choose them: `utter_faq_<topic>` is an answer (its detail
variations share the name), `utter_did_you_mean`, `utter_out_of_scope` (also the
answerability check's "the page doesn't say"), `utter_personal_advice`,
`utter_emergency` (or its repeat, `utter_emergency_again`), and Rasa's
`action_default_fallback` / `utter_default`. Texts are masked here, as they are read,
so nothing later ever holds the raw message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME as NLU_FALLBACK
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered

from spine_assistant.components.knowledge_importer import NOTHING_NAMED
from spine_assistant.knowledge.topics import FAQ_INTENT_PREFIX
from spine_assistant.review.masking import mask, mask_optional

FAQ_RESPONSE_PREFIX = f"utter_{FAQ_INTENT_PREFIX}"
CORE_FALLBACK_ACTIONS = frozenset({"action_default_fallback", "utter_default"})
NOT_ON_PAGE_SLOT = "not_on_page"  # domain.yml; filled by the answerability check's entity
# the urgent advice, or its repeat after "what should I do?": the most telling outcome
EMERGENCY_RESPONSES = frozenset({"utter_emergency", "utter_emergency_again"})
# after an emergency and an answer: outcome → the response that shows it, in this order
OUTCOME_RESPONSES = (
    ("did_you_mean", "utter_did_you_mean"),
    ("personal_advice", "utter_personal_advice"),
    ("out_of_scope", "utter_out_of_scope"),
)
# "source?" replies: the section (utter_source_*) and action_cite_source, or, before
# those, utter_quote_*; "nothing to cite" before any answer
SOURCE_RESPONSES = ("utter_source_", "action_cite_source", "utter_quote_", "utter_nothing_to_cite")
UNANSWERED_OUTCOMES = frozenset({"did_you_mean", "out_of_scope", "not_understood"})


@dataclass
class Turn:
    sender_id: str
    message_id: str | None
    timestamp: float
    text: str  # masked
    intent: str
    confidence: float
    guess: str | None = None  # the best intent other than nlu_fallback (the bot's guess)
    guess_confidence: float = 0.0
    not_on_page: str | None = None  # masked: what the page does not do, if refused for it
    responses: list[str] = field(default_factory=list)  # actions and response names, in order

    @property
    def topic(self) -> str | None:
        """The topic answered, if the visitor got an FAQ answer."""
        for name in self.responses:
            if name.startswith(FAQ_RESPONSE_PREFIX):
                return name.removeprefix(FAQ_RESPONSE_PREFIX)
        return None

    @property
    def fallback(self) -> bool:
        """The NLU was unsure (FallbackClassifier) or no action was confident (RulePolicy)."""
        return self.intent == NLU_FALLBACK or any(
            name in CORE_FALLBACK_ACTIONS for name in self.responses
        )

    @property
    def outcome(self) -> str:
        """emergency | answer | did_you_mean | personal_advice | out_of_scope |
        not_understood | source | other"""
        if any(name in EMERGENCY_RESPONSES for name in self.responses):
            return "emergency"
        if self.topic is not None:
            return "answer"
        for outcome, response in OUTCOME_RESPONSES:
            if response in self.responses:
                return outcome
        if any(name in CORE_FALLBACK_ACTIONS for name in self.responses):
            return "not_understood"
        if any(name.startswith(SOURCE_RESPONSES) for name in self.responses):
            return "source"
        return "other"

    @property
    def unanswered(self) -> bool:
        """Not answered for want of content or understanding (not emergencies or advice
        that was rightly declined, unless the classifier was unsure)."""
        return self.outcome in UNANSWERED_OUTCOMES or (
            self.fallback and self.outcome != "emergency"
        )


def _guess(parse_data: dict[str, Any]) -> tuple[str | None, float]:
    """The classifier's best intent: before the answerability check refused it, else the
    top of the ranking without the fallback."""
    nearest = (parse_data.get("answerability") or {}).get("nearest_topics") or []
    ranking = nearest + [
        entry
        for entry in parse_data.get("intent_ranking") or []
        if entry.get("name") != NLU_FALLBACK
    ]
    if not ranking:
        return None, 0.0
    return str(ranking[0].get("name")), float(ranking[0].get("confidence") or 0.0)


def _start(sender_id: str, event: UserUttered) -> Turn:
    parse_data: dict[str, Any] = dict(event.parse_data or {})
    guess, guess_confidence = _guess(parse_data)
    return Turn(
        sender_id=sender_id,
        message_id=event.message_id,
        timestamp=float(event.timestamp),
        text=mask(event.text or ""),
        intent=str((event.intent or {}).get("name") or ""),
        confidence=float((event.intent or {}).get("confidence") or 0.0),
        guess=guess,
        guess_confidence=guess_confidence,
    )


def _names_what_is_not_on_page(event: Event) -> bool:
    return (
        isinstance(event, SlotSet)
        and event.key == NOT_ON_PAGE_SLOT
        and bool(event.value)
        and event.value != NOTHING_NAMED
    )


def conversation_turns(sender_id: str, events: Iterable[Event]) -> list[Turn]:
    """The turns of one conversation; events before its first message are ignored."""
    turns: list[Turn] = []
    for event in events:
        if isinstance(event, UserUttered):
            turns.append(_start(sender_id, event))
        elif not turns:
            continue
        elif isinstance(event, ActionExecuted) and event.action_name:
            if event.action_name != "action_listen":
                turns[-1].responses.append(event.action_name)
        elif isinstance(event, BotUttered):
            response = (event.metadata or {}).get("utter_action")
            if response and response not in turns[-1].responses:
                turns[-1].responses.append(str(response))
        elif _names_what_is_not_on_page(event):
            turns[-1].not_on_page = mask_optional(str(event.value))
    return turns
