"""Sends "will my dad walk again?" to the personal-advice reply, whatever topic it names.

What will happen to one person is prognosis for them, which the assistant must not
give (safety rule 2). The classifier learns it from the personal-advice examples, but
a question about one person that names a topic strongly ("Dad's walking again after
his decompression op. Honestly, is he going to be cured?") went to that topic, whose
general answer then read as an answer about him. A sentence that asks, with a prospect
word ("will", "going to", "chances"), a person next to it and an outcome after it
(data/knowledge/lexicon.yml, `personal_outlook`), is read as such a question. Said in
a sentence that does not ask ("I'm scared I'll end up paralysed. Is paralysis one of
the complications?"), it is a worry, and the question is answered. An emergency keeps
its reply.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from spine_assistant.components.base import ProjectComponent, put_first
from spine_assistant.components.emergency_detector import EMERGENCY_INTENT
from spine_assistant.components.flag_spans import SCOPE_BREAKS
from spine_assistant.components.question_kinds import Tokens, find, phrase_tokens
from spine_assistant.components.questions import asking_sentences, asks_indirectly, is_question
from spine_assistant.knowledge import load_lexicon
from spine_assistant.knowledge.lexicon import PersonalOutlookCues

PERSONAL_ADVICE = "personal_advice"
# how far from the prospect word its person may stand ("is my dad going to",
# "what are my chances", "he'll"), and its outcome ("will she ever be able to walk again")
PERSON_REACH = 3
OUTCOME_REACH = 8
# a person is in the prospect's clause, not across these: the scope breaks of the
# emergency and question readers, an em dash and a bracket
CLAUSE_BREAKS = SCOPE_BREAKS | {"—", "(", ")"}


class OutlookReader:
    """Whether a sentence asks what will happen to one person."""

    def __init__(self, cues: PersonalOutlookCues) -> None:
        self.persons = frozenset(cues.persons)
        self.prospects = phrase_tokens(cues.prospects)
        self.outcomes = phrase_tokens(cues.outcomes)
        self.outlooks = phrase_tokens(cues.outlooks)
        self.unless_after = frozenset(cues.unless_after)

    def asks_outlook(self, words: Tokens) -> bool:
        prospect = any(
            self._has_person(words, start, start + len(cue))
            and self._has_outcome(words, start + len(cue))
            for cue in self.prospects
            for start in find(words, cue)
        )
        return prospect or any(
            self._has_person(words, start, start + len(cue))
            for cue in self.outlooks
            for start in find(words, cue)
        )

    def _has_person(self, words: Tokens, start: int, end: int) -> bool:
        before = words[max(start - PERSON_REACH, 0) : start]
        after = words[end : end + PERSON_REACH]
        return any(word in self.persons for word in _clause_end(before) + _clause_start(after))

    def _has_outcome(self, words: Tokens, end: int) -> bool:
        reach = _clause_start(words[end : end + OUTCOME_REACH])
        for cue in self.outcomes:
            for start in find(reach, cue):
                following = reach[start + len(cue) : start + len(cue) + 1]
                if not self.unless_after & set(following):
                    return True
        return False


def _breaks(words: Tokens) -> list[int]:
    """Where the clause breaks are among the words."""
    return [index for index, word in enumerate(words) if word in CLAUSE_BREAKS]


def _clause_start(words: Tokens) -> Tokens:
    """The words before the first clause break."""
    breaks = _breaks(words)
    return words[: breaks[0]] if breaks else words


def _clause_end(words: Tokens) -> Tokens:
    """The words after the last clause break."""
    breaks = _breaks(words)
    return words[breaks[-1] + 1 :] if breaks else words


@cache
def _reader() -> OutlookReader:
    return OutlookReader(load_lexicon().personal_outlook)


def asks_personal_outlook(doc: Any) -> bool:
    """A sentence that asks what will happen to one person. A message that asks
    nothing ("My dad will never walk again.") says a fear, and is not routed."""
    return any(
        (is_question(sentence) or asks_indirectly(sentence))
        and _reader().asks_outlook([token.lower_ for token in sentence])
        for sentence in asking_sentences(doc)
    )


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class PersonalOutlook(ProjectComponent):
    """Puts `personal_advice` first for a question about one person's prognosis."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if doc is None or intent in {EMERGENCY_INTENT, PERSONAL_ADVICE}:
                continue
            if not asks_personal_outlook(doc):
                continue
            put_first(message, {INTENT_NAME_KEY: PERSONAL_ADVICE, "confidence": 1.0})
        return messages
