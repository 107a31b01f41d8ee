"""What to do when the classifier is unsure (FallbackClassifier predicted nlu_fallback).

Middle band: the best topics are plausible → "Did you mean …?" with their titles as
buttons. Below it: the page probably does not answer → contact your clinician. A
plausible emergency always gets the urgent advice first.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from knowledge import load_knowledge

SUGGESTION_THRESHOLD = 0.2
EMERGENCY_THRESHOLD = 0.15
MAX_SUGGESTIONS = 3
NONE_OF_THESE = {"title": "None of these", "payload": "/out_of_scope"}
REFERRALS = {"personal_advice": "utter_personal_advice", "out_of_scope": "utter_out_of_scope"}


def ranked_intents(tracker: Tracker) -> list[dict[str, Any]]:
    """The classifier's ranking without the fallback itself."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    return [entry for entry in ranking if entry.get("name") != "nlu_fallback"]


class ActionClarifyOrRefer(Action):
    def name(self) -> str:
        return "action_clarify_or_refer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        ranking = ranked_intents(tracker)
        if any(
            entry["name"] == "emergency" and entry.get("confidence", 0) >= EMERGENCY_THRESHOLD
            for entry in ranking
        ):
            dispatcher.utter_message(response="utter_emergency")
            return []

        knowledge = load_knowledge()
        suggestions = [
            topic
            for entry in ranking[:MAX_SUGGESTIONS]
            if entry.get("confidence", 0) >= SUGGESTION_THRESHOLD
            and (topic := knowledge.topic_for_intent(entry["name"])) is not None
        ]
        if suggestions:
            buttons = [{"title": t.title, "payload": f"/{t.intent}"} for t in suggestions]
            dispatcher.utter_message(
                response="utter_did_you_mean", buttons=buttons + [NONE_OF_THESE]
            )
            return []

        top_intent = str(ranking[0]["name"]) if ranking else ""
        dispatcher.utter_message(response=REFERRALS.get(top_intent, "utter_out_of_scope"))
        if top_intent != "personal_advice":
            dispatcher.utter_message(response="utter_topic_menu")
        return []
