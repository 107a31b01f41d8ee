"""Answers "what does MSCC stand for?" with the words the page spells it out as.

The page spells out a few abbreviations in brackets ("metastatic spinal cord compression
(MSCC)"), each in one topic's section. The classifier reads "what does MSCC stand for?"
as a question about nothing it knows, or about the study, whose answer never says what
the letters mean. In data/knowledge/topics.yml such a topic has an `abbreviation`
detail that does; a question asking what one of those abbreviations means goes to that
topic with the abbreviation as its entity, so the reply is that detail, quoted from the
page. Abbreviations the page never spells out ("mHNPC") are refused by the
answerability check.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from spine_assistant.components.answerability import OUT_OF_SCOPE
from spine_assistant.components.base import ProjectComponent, put_first
from spine_assistant.components.emergency_detector import EMERGENCY_INTENT
from spine_assistant.components.personal_outlook import PERSONAL_ADVICE
from spine_assistant.components.question_kinds import Tokens, find, phrase_tokens
from spine_assistant.knowledge import Knowledge, Lexicon, load_knowledge, load_lexicon
from spine_assistant.knowledge.topics import ABBREVIATION_ENTITY

# an emergency or a request for personal advice keeps its reply, whatever else it asks
KEEP = frozenset({EMERGENCY_INTENT, PERSONAL_ADVICE})
MEANING_WORDS = frozenset({"mean", "means", "meaning"})
# "What does it stand for?" asks about the sentence before
BACK_REFERENCES = frozenset({"it", "that", "this", "they", "those", "these"})
# between "what is" and the abbreviation: "what is the 'MESCC'", "what's an SBRT"
FILLERS = frozenset({"a", "an", "the", "'", '"', "‘", "’", "“", "”", "this", "that"})


class ExpansionReader:
    """Which spelt-out abbreviation a message asks the meaning of, and its topic."""

    def __init__(self, knowledge: Knowledge, lexicon: Lexicon) -> None:
        self.anywhere = phrase_tokens(lexicon.expansion_cues) + [[w] for w in MEANING_WORDS]
        self.before = phrase_tokens(lexicon.definition_cues)
        self.after = phrase_tokens(lexicon.definition_tails)
        # "mscc" → (the topic's intent, the detail's value "MSCC")
        self.topics = {
            detail.value.lower(): (topic.intent, detail.value)
            for topic in knowledge.topics
            for detail in topic.details
            if detail.entity == ABBREVIATION_ENTITY
        }

    def asked(self, doc: Any) -> tuple[str, str, Any] | None:
        """(intent, abbreviation, its token) for the first sentence asking what one of
        the page's abbreviations means, or naming one that the next sentence asks about
        ("Saw 'MESCC' in an article. What does it stand for?")."""
        sentences = list(doc.sents)
        for sentence, following in zip(sentences, [*sentences[1:], None], strict=True):
            words = [token.lower_ for token in sentence]
            for index, token in enumerate(sentence):
                target = self.topics.get(token.lower_)
                if target and (self._asks_meaning(words, index) or self._asks_back(following)):
                    return target[0], target[1], token
        return None

    def _asks_back(self, sentence: Any) -> bool:
        """A sentence asking what "it" or "that" stands for, naming no abbreviation."""
        if sentence is None:
            return False
        words = [token.lower_ for token in sentence]
        return (
            bool(BACK_REFERENCES & set(words))
            and not any(word in self.topics for word in words)
            and any(find(words, cue) for cue in self.anywhere)
        )

    def _asks_meaning(self, words: Tokens, index: int) -> bool:
        if any(find(words, cue) for cue in self.anywhere):
            return True
        start = index
        while start > 0 and words[start - 1] in FILLERS:
            start -= 1
        end = index + 1
        while end < len(words) and words[end] in FILLERS | {",", "-", "?"}:
            end += 1
        return any(words[max(start - len(cue), 0) : start] == cue for cue in self.before) or any(
            words[end : end + len(cue)] == cue for cue in self.after
        )


@cache
def _reader() -> ExpansionReader:
    return ExpansionReader(load_knowledge(), load_lexicon())


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ExpansionRouter(ProjectComponent):
    """Sends "what does MSCC stand for?" to the topic that spells MSCC out."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if doc is None or intent in KEEP:
                continue
            asked = _reader().asked(doc)
            if asked is None:
                continue
            target, value, token = asked
            routed = {INTENT_NAME_KEY: target, "confidence": 1.0}  # read, not guessed
            entity = {
                "entity": ABBREVIATION_ENTITY,
                "value": value,
                "start": token.idx,
                "end": token.idx + len(token),
                "extractor": type(self).__name__,
            }
            put_first(message, routed, leave_out={OUT_OF_SCOPE})
            message.set(ENTITIES, [*message.get(ENTITIES, []), entity], add_to_output=True)
        return messages
