"""Puts possible spinal cord compression first, whatever the classifier thought.

The classifier is trained on an `emergency` intent too, but a missed emergency is the
one error this assistant must not make, so red-flag phrases found by the project's
spaCy pipeline (span ruler, data/knowledge/lexicon.yml) override the predicted intent.
A general question that merely names a red flag ("is loss of bladder control a
symptom?") is left to the classifier: the override needs the message to be about
someone (I, my dad, she …) or not to be phrased as a question.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

EMERGENCY_INTENT = "emergency"
SAFETY_SPANS_KEY = "safety"
RED_FLAG_LABEL = "RED_FLAG"
PERSON_LABEL = "PERSON_REF"
QUESTION_OPENERS = frozenset(
    "what is are can could does do how why which when will would should where who may might".split()
)


def is_question(text: str, first_token: str | None) -> bool:
    return text.rstrip().endswith("?") or (first_token or "") in QUESTION_OPENERS


def describes_emergency(doc: Any) -> bool:
    """True when the message describes red flags rather than asking about them."""
    spans = doc.spans.get(SAFETY_SPANS_KEY, [])
    labels = {span.label_ for span in spans}
    if RED_FLAG_LABEL not in labels:
        return False
    first_token = doc[0].lower_ if len(doc) else None
    return PERSON_LABEL in labels or not is_question(doc.text, first_token)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class EmergencyDetector(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EmergencyDetector:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is not None and describes_emergency(doc):
                self._mark_emergency(message)
        return messages

    @staticmethod
    def _mark_emergency(message: Message) -> None:
        ranking = [
            entry
            for entry in message.get(INTENT_RANKING_KEY, [])
            if entry.get(INTENT_NAME_KEY) != EMERGENCY_INTENT
        ]
        emergency = {INTENT_NAME_KEY: EMERGENCY_INTENT, "confidence": 1.0}
        message.set(INTENT, emergency, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [emergency] + ranking, add_to_output=True)
