"""What to do when the classifier is unsure (FallbackClassifier predicted nlu_fallback).

Middle band: the best topics are plausible → "Did you mean …?" with their titles as
buttons. Below it, or when the classifier leaned to "the page does not answer this" or
"personal advice": contact your clinician. A plausible emergency always gets the
urgent advice first. The choice is a pure function
(`clarify`) so that `make evaluate` scores exactly what users get.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from spine_assistant.knowledge import Knowledge, Topic, load_knowledge

SUGGESTION_THRESHOLD = 0.2
EMERGENCY_THRESHOLD = 0.15
MAX_SUGGESTIONS = 3
NONE_OF_THESE = {"title": "None of these", "payload": "/out_of_scope"}
REFERRALS = {"personal_advice": "utter_personal_advice", "out_of_scope": "utter_out_of_scope"}


@dataclass(frozen=True)
class Clarification:
    response: str
    suggestions: list[Topic] = field(default_factory=list)
    with_topic_menu: bool = False

    @property
    def is_emergency(self) -> bool:
        return self.response == "utter_emergency"


def ranked_intents(ranking: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The classifier's ranking without the fallback itself."""
    return [entry for entry in ranking if entry.get("name") != "nlu_fallback"]


def clarify(ranking: list[dict[str, Any]], knowledge: Knowledge) -> Clarification:
    ranked = ranked_intents(ranking)
    if any(
        entry["name"] == "emergency" and entry.get("confidence", 0) >= EMERGENCY_THRESHOLD
        for entry in ranked
    ):
        return Clarification("utter_emergency")
    top_intent = str(ranked[0]["name"]) if ranked else ""
    if top_intent in REFERRALS:
        # leaning to "the page doesn't answer that": no topics that would not answer it
        return Clarification(REFERRALS[top_intent], with_topic_menu=top_intent != "personal_advice")
    suggestions = [
        topic
        for entry in ranked[:MAX_SUGGESTIONS]
        if entry.get("confidence", 0) >= SUGGESTION_THRESHOLD
        and (topic := knowledge.topic_for_intent(entry["name"])) is not None
    ]
    if suggestions:
        return Clarification("utter_did_you_mean", suggestions)
    return Clarification(
        REFERRALS.get(top_intent, "utter_out_of_scope"),
        with_topic_menu=top_intent != "personal_advice",
    )


class ActionClarifyOrRefer(Action):
    def name(self) -> str:
        return "action_clarify_or_refer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        choice = clarify(tracker.latest_message.get("intent_ranking") or [], load_knowledge())
        if choice.suggestions:
            buttons = [{"title": t.title, "payload": f"/{t.intent}"} for t in choice.suggestions]
            dispatcher.utter_message(response=choice.response, buttons=buttons + [NONE_OF_THESE])
            return []
        dispatcher.utter_message(response=choice.response)
        if choice.with_topic_menu:
            dispatcher.utter_message(response="utter_topic_menu")
        return []
