"""The lexicon in data/knowledge/lexicon.yml: lay synonyms, entity phrases, red flags
and the context cues around them.

The span keys and labels are defined here once: spine_assistant/components/spacy_pipeline.py writes
them into the spaCy pipeline and spine_assistant/components/emergency_detector.py reads them back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from spine_assistant.knowledge.paths import LEXICON_FILE

TokenPattern = list[dict[str, Any]]
# a cue is a phrase ("two years ago") or a token pattern ([{LOWER: in}, {SHAPE: dddd}])
Cue = str | TokenPattern

SAFETY_SPANS_KEY = "safety"  # red flags, symptom words and person references
CONTEXT_SPANS_KEY = "context"  # cues around them
RED_FLAG_LABEL = "RED_FLAG"
SYMPTOM_LABEL = "SYMPTOM_WORD"
PERSON_LABEL = "PERSON_REF"
MODIFIERS = ("negated", "historical", "hypothetical", "possibility", "reported")
DIRECTIONS = ("forward", "backward")
GENERAL_LABEL = "GENERAL"
GENERAL_HERE_LABEL = "GENERAL_HERE"
FICTION_LABEL = "FICTION"
RETRACTED_LABEL = "RETRACTED"
WHAT_TO_DO_LABEL = "WHAT_TO_DO"
CURRENT_LABEL = "CURRENT"
KNOWN_TO_TEAM_LABEL = "KNOWN_TO_TEAM"
PSEUDO_NEGATION_LABEL = "PSEUDO_NEGATION"
NORMAL_STATE_LABEL = "NORMAL_STATE"
TERMINATE_LABEL = "TERMINATE"


def cue_label(modifier: str, direction: str) -> str:
    return f"{modifier}_{direction}".upper()


@dataclass(frozen=True)
class ContextCues:
    """Cue phrases by modifier and direction, plus learning, fiction, retracting,
    what-to-do, present-time, known-to-the-team and scope-ending ones."""

    directed: dict[str, dict[str, list[Cue]]]
    pseudo_negation: list[Cue]
    normal_state: list[Cue]
    general: list[Cue]
    general_here: list[Cue]
    fiction: list[Cue]
    retracted: list[Cue]
    what_to_do: list[Cue]
    current: list[Cue]
    known_to_team: list[Cue]
    terminate: list[Cue]

    def labelled_phrases(self) -> list[tuple[str, Cue]]:
        """(span label, phrase or token pattern) for every cue."""
        pairs = [
            (cue_label(modifier, direction), phrase)
            for modifier, directions in self.directed.items()
            for direction, phrases in directions.items()
            for phrase in phrases
        ]
        pairs += [(PSEUDO_NEGATION_LABEL, phrase) for phrase in self.pseudo_negation]
        pairs += [(NORMAL_STATE_LABEL, phrase) for phrase in self.normal_state]
        pairs += [(GENERAL_LABEL, phrase) for phrase in self.general]
        pairs += [(GENERAL_HERE_LABEL, phrase) for phrase in self.general_here]
        pairs += [(FICTION_LABEL, phrase) for phrase in self.fiction]
        pairs += [(RETRACTED_LABEL, phrase) for phrase in self.retracted]
        pairs += [(WHAT_TO_DO_LABEL, phrase) for phrase in self.what_to_do]
        pairs += [(CURRENT_LABEL, phrase) for phrase in self.current]
        pairs += [(KNOWN_TO_TEAM_LABEL, phrase) for phrase in self.known_to_team]
        pairs += [(TERMINATE_LABEL, phrase) for phrase in self.terminate]
        return pairs


@dataclass(frozen=True)
class QuestionType:
    """A kind of answer a question may ask for (a figure, a duration …): its cue
    phrases, what a refusal says the page does not do, words one of which must be
    near for it to count (none: any sentence), phrases that make a cue ask something
    else ("how many kinds of biopsy" asks for the kinds, which the page lists),
    phrases one of which must come before a cue in its clause ("how does radiation
    cause…" asks how; "how common is it … and cause numbness?" asks how common), and
    words that, in the two words before a cue, name what the cue is about ("the tumour
    comes back" is a recurrence, not the feeling in the legs coming back)."""

    name: str
    says: str
    cues: list[str]
    near: list[str]
    unless: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    not_after: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class NotListed:
    """Things of one kind the page never names, and the topics that list that kind."""

    listed_as: str  # "the cancers that spread to the spine"
    topics: list[str]
    values: dict[str, list[str]]  # canonical value → phrases


@dataclass(frozen=True)
class PersonalOutlookCues:
    """A question about what will happen to one person: who, the word that looks
    ahead, what happens, words that say both ("outlook"), and words after an outcome
    that make it a comparison instead."""

    persons: list[str]
    prospects: list[str]
    outcomes: list[str]
    outlooks: list[str]
    unless_after: list[str]


@dataclass(frozen=True)
class Lexicon:
    lemma_synonyms: dict[str, list[str]]
    lemma_patterns: dict[str, list[str]]  # lemma → regular expressions on the lower-cased token
    entities: dict[str, dict[str, list[str]]]
    red_flags: dict[str, list[TokenPattern]]
    context: ContextCues
    symptom_words: list[str]
    person_references: list[str]
    question_types: list[QuestionType]
    expansion_cues: list[str]
    definition_cues: list[str]
    definition_tails: list[str]
    asking_words: list[str]
    not_listed: dict[str, NotListed]
    personal_outlook: PersonalOutlookCues
    emergency_care: list[str]  # kept out of words(): see emergency_care.py

    def entity_phrases(self) -> dict[str, dict[str, list[str]]]:
        """label → canonical value → phrases, the page's things and those it never names."""
        merged = {label: dict(values) for label, values in self.entities.items()}
        for label, unlisted in self.not_listed.items():
            merged.setdefault(label, {}).update(unlisted.values)
        return merged

    def entity_synonyms(self) -> dict[str, str]:
        """Phrase → canonical value, so Rasa's EntitySynonymMapper fills slots with the
        values that topic details match on."""
        return {
            phrase.lower(): canonical
            for values in self.entity_phrases().values()
            for canonical, phrases in values.items()
            for phrase in phrases
            if phrase.lower() != canonical
        }

    def words(self) -> set[str]:
        """Every word the lexicon knows, lower-cased: the page's subject in other words,
        and the words around it (people, time, negation, learning, asking for a meaning)."""
        phrases = [*self.lemma_synonyms, *(v for vs in self.lemma_synonyms.values() for v in vs)]
        for values in self.entities.values():
            for canonical, variants in values.items():
                phrases += [canonical, *variants]
        phrases += self.person_references + self.asking_words + self.symptom_words
        # how a meaning is asked for ("MSCC abbreviation?"), never the thing asked about
        phrases += self.expansion_cues + self.definition_cues + self.definition_tails
        phrases += [
            word for patterns in self.red_flags.values() for word in _pattern_words(patterns)
        ]
        phrases += [cue for _, cue in self.context.labelled_phrases() if isinstance(cue, str)]
        return {word for phrase in phrases for word in phrase.lower().split()}


def _pattern_words(patterns: list[TokenPattern]) -> list[str]:
    """The literal words of token patterns ({LOWER: {IN: [bum, bottom]}} → bum, bottom)."""
    words: list[str] = []
    for pattern in patterns:
        for token in pattern:
            for value in token.values():
                if isinstance(value, str):
                    words.append(value)
                elif isinstance(value, dict):
                    words += [w for w in value.get("IN", []) if isinstance(w, str)]
    return [word for word in words if word.isalpha()]


def _context(raw: dict[str, Any]) -> ContextCues:
    directed = {
        modifier: {direction: list(raw[modifier].get(direction) or []) for direction in DIRECTIONS}
        for modifier in MODIFIERS
    }
    return ContextCues(
        directed,
        pseudo_negation=list(raw["pseudo_negation"]),
        normal_state=list(raw["normal_state"]),
        general=list(raw["general"]),
        general_here=list(raw["general_here"]),
        fiction=list(raw["fiction"]),
        retracted=list(raw["retracted"]),
        what_to_do=list(raw["what_to_do"]),
        current=list(raw["current"]),
        known_to_team=list(raw["known_to_team"]),
        terminate=list(raw["terminate"]),
    )


def _check_words(node: Any, where: str) -> None:
    """YAML reads a bare off, on, yes or no as true or false: in a list of words or
    phrases that silently drops the word from every pattern that lists it."""
    if isinstance(node, dict):
        for key, value in node.items():
            _check_words(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            if isinstance(item, bool):
                raise ValueError(
                    f"{where}[{index}] is {item}, not a word: put off, on, yes and no in quotes"
                )
            _check_words(item, f"{where}[{index}]")


@cache
def load_lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    _check_words(raw, path.name)
    return Lexicon(
        lemma_synonyms=raw["lemma_synonyms"],
        lemma_patterns=raw["lemma_patterns"],
        entities=raw["entities"],
        red_flags=raw["red_flags"],
        context=_context(raw["context"]),
        symptom_words=list(raw["symptom_words"]),
        person_references=raw["person_references"],
        question_types=[
            QuestionType(
                name,
                kind["says"],
                list(kind["cues"]),
                list(kind.get("near") or []),
                list(kind.get("unless") or []),
                list(kind.get("after") or []),
                list(kind.get("not_after") or []),
            )
            for name, kind in raw["question_types"].items()
        ],
        expansion_cues=list(raw["expansion_cues"]),
        definition_cues=list(raw["definition_cues"]),
        definition_tails=list(raw["definition_tails"]),
        asking_words=list(raw["asking_words"]),
        not_listed={
            label: NotListed(kind["listed_as"], list(kind["topics"]), dict(kind["values"]))
            for label, kind in raw["not_listed"].items()
        },
        personal_outlook=PersonalOutlookCues(
            **{key: [str(cue) for cue in cues] for key, cues in raw["personal_outlook"].items()}
        ),
        emergency_care=[str(phrase) for phrase in raw["emergency_care"]],
    )
