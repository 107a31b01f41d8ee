"""Marks a message that names emergency care, so that a refusal says when to use it.

"Should I ring 999?" or "when should we go to A&E?" gets the personal-advice or the
out-of-scope reply. Its "please contact your clinician" alone could make someone with a
sign of spinal cord compression wait for an appointment. When a message names emergency
care (`emergency_care` in data/knowledge/lexicon.yml), this component adds an
`emergency_care` entity. Its slot picks the variant of those two replies that lists the
signs that need emergency care now (domain.yml, hazard H12). Answers are unchanged, and
urgent advice still comes from the emergency detector alone.

The words stay out of the answerability check's vocabulary: knowing "casualty" must
not make a question about it answerable.
"""

from __future__ import annotations

import re
from functools import cache

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from spine_assistant.components.base import ProjectComponent
from spine_assistant.knowledge import load_lexicon

EMERGENCY_CARE_ENTITY = "emergency_care"
EMERGENCY_CARE_VALUE = "emergency care"  # the slot value the responses' condition names


@cache
def emergency_care_pattern() -> re.Pattern[str]:
    """The lexicon's phrases as whole words, any spacing inside ("A & E"); "000" in
    "10,000" and "999" in "9999" are not phrases."""
    phrases = sorted(load_lexicon().emergency_care, key=len, reverse=True)
    alternatives = "|".join(r"\s*".join(map(re.escape, phrase.split())) for phrase in phrases)
    return re.compile(rf"(?<![\w.,])(?:{alternatives})(?!\w)", re.IGNORECASE)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class EmergencyCareMention(ProjectComponent):
    """Adds an `emergency_care` entity for the first phrase naming emergency care."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            found = emergency_care_pattern().search(text) if isinstance(text, str) else None
            if found is None:
                continue
            entity = {
                "entity": EMERGENCY_CARE_ENTITY,
                "value": EMERGENCY_CARE_VALUE,
                "start": found.start(),
                "end": found.end(),
                "extractor": type(self).__name__,
            }
            message.set(ENTITIES, [*message.get(ENTITIES, []), entity], add_to_output=True)
        return messages
