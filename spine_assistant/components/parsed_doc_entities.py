"""Rasa's SpacyEntityExtractor, reading the entities of the doc SpacyNLP already made.

Rasa's extractor runs the whole spaCy pipeline a second time on the message's original
text, because SpacyNLP parses the lower-cased text and a statistical NER model needs
the case. This pipeline has no statistical NER: its entity ruler matches the lexicon's
phrases on lower-case token text, so the entities of the lower-cased doc are the same,
with the original text's characters at the same offsets. That second run was 1.1 ms of
the NLU's 16 ms a message (docs/decisions.md). When lower-casing changes the text's
length ("İ" becomes two characters), the offsets would not line up, so such a message
takes Rasa's own path.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.extractors.spacy_entity_extractor import SpacyEntityExtractor
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from spine_assistant.components.base import FingerprintsProjectCode


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False, model_from="SharedSpacyNLP"
)
class ParsedDocEntityExtractor(FingerprintsProjectCode, SpacyEntityExtractor):
    """SpacyEntityExtractor's entities, from the message's own spaCy doc."""

    def process(self, messages: list[Message], model: SpacyModel) -> list[Message]:
        for message in messages:
            text, doc = message.get(TEXT), message.get(SPACY_DOCS[TEXT])
            if not isinstance(text, str) or doc is None or len(doc.text) != len(text):
                super().process([message], model)
                continue
            entities = self._extract_entities(doc)
            for entity in entities:  # the original case, as Rasa's extractor gives it
                entity["value"] = text[entity["start"] : entity["end"]]
            extracted = self.filter_irrelevant_entities(
                self.add_extractor_name(entities), self._config["dimensions"]
            )
            message.set(ENTITIES, message.get(ENTITIES, []) + extracted, add_to_output=True)
        return messages
