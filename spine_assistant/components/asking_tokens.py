"""The word features read only the sentences that ask.

"I was briefly incontinent with a urine infection last month, antibiotics sorted it.
Does breast cancer spread to the spine?" asks about common cancers, but its first
sentence is full of words that training examples of other intents use. Word and
character counts cannot tell a story from a question, so for a message of several
sentences the tokens of the sentences that do not ask are dropped before the sparse
featurizers count them. The sentence featurizer still encodes the whole message, so
the story keeps its meaning; the emergency detector and the answerability check read
the spaCy document, not these tokens.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import SPACY_DOCS, TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from spine_assistant.components.base import ProjectComponent
from spine_assistant.components.questions import asking_sentences


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class AskingTokens(ProjectComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            tokens = message.get(TOKENS_NAMES[TEXT])
            if doc is None or not tokens:
                continue
            spans = [(s.start_char, s.end_char) for s in asking_sentences(doc)]
            kept = [t for t in tokens if any(a <= t.start and t.end <= b for a, b in spans)]
            if kept and len(kept) < len(tokens):
                message.set(TOKENS_NAMES[TEXT], kept)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
