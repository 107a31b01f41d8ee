"""What kind of answer a question asks for, against what the chosen topic gives.

A real quote must never imply an answer the page does not give. "What percentage of
prostate cancers spread to the spine?" is about the common-cancers topic, but that
topic gives no figure; "what does mHNPC stand for?" is about the prostate study, but
the page never spells mHNPC out; "what is Turcot syndrome?" is about the genetic
conditions, but the page only names it. Each of these is read from the question (cue
phrases in data/knowledge/lexicon.yml, abbreviations and names from the page) and
checked against the topic (`gives` in data/knowledge/topics.yml), so the refusal can
say what the page does not do: "give figures for that", "say what “mHNPC” stands for".
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cache, cached_property
from itertools import pairwise
from typing import Any

import spacy

from spine_assistant.components.flag_spans import SCOPE_BREAKS
from spine_assistant.knowledge import Knowledge, Lexicon

# "how", "what"… cues count only at the start of their sentence or of a clause after a
# comma or dash, after these at most ("so how long…", "do you know how many…"), or at
# the very end of a fragment ("keyhole recovery how long?"): "does how fast it grows
# matter?" asks no duration. Definitions ("what is Turcot syndrome?")
# count only at the start of their sentence.
OPENING_WORDS = frozenset({"how", "what", "which", "when", "what's"})
OPENING_FILLER = frozenset(
    "and so but ok okay also roughly just please then tell me do you know exactly , - : "
    "i'd like to i want wondering".split()
)
OPENING_TOKENS = 4
# "how come" asks wherever it stands ("rubinstein taybi how come it's linked?")
HOW_COME = ["how", "come"]
# kinds of thing the page names without ever explaining them
NAMED_ONLY = ("syndrome", "cancer_type")
ABBREVIATION = re.compile(r"\(([A-Za-z0-9]{2,10})\)")
# "breast or prostate cancer, which is more likely…", "needle vs surgical biopsy": two
# named things of one kind set against each other
SET_AGAINST = frozenset({"vs", "vs.", "versus"})
COMPARATIVES = frozenset(
    "more less most least higher lower better worse faster slower likelier commoner".split()
)
COMPARISON = "comparison"
DENIALS = frozenset({"no", "not", "without", "nil", "never", "neither"})
DENIAL_REACH = 3  # words before a named pair that may deny it ("not asking about X or Y")
NUMBER = "number"
# the page's figures are for all cancers and the whole spine
FIGURES_NOT_BROKEN_DOWN = frozenset({"cancer_type", "spine_region"})

Tokens = list[str]


@cache
def _blank_tokenizer() -> Any:
    return spacy.blank("en").tokenizer


def phrase_tokens(phrases: list[str]) -> list[Tokens]:
    """Lexicon phrases as lower-case token lists, split as spaCy's English splits a
    message ("he'll" → "he", "'ll"), for matching with `find`."""
    tokenizer = _blank_tokenizer()
    return [[t.lower_ for t in tokenizer(phrase.lower())] for phrase in phrases]


def find(tokens: Tokens, cue: Tokens) -> list[int]:
    """Start positions of a cue's tokens in a message's tokens."""
    if cue and cue[0] not in tokens:  # most cues: a check in C, not a slice per position
        return []
    width = len(cue)
    return [i for i in range(len(tokens) - width + 1) if tokens[i : i + width] == cue]


@dataclass
class QuestionReader:
    """The cues as token lists (tokenised by the project's pipeline when trained)."""

    # kind → says, cues, near, unless, after, not_after
    kinds: dict[str, dict[str, Any]] = field(default_factory=dict)
    gives: dict[str, list[str]] = field(default_factory=dict)  # intent → kinds
    expanded: list[str] = field(default_factory=list)  # abbreviations the page spells out
    expansion_cues: list[Tokens] = field(default_factory=list)
    definition_cues: list[Tokens] = field(default_factory=list)
    definition_tails: list[Tokens] = field(default_factory=list)
    # label → listed_as, the intents listing that kind, the values the page never names
    not_listed: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def build(cls, knowledge: Knowledge, lexicon: Lexicon, tokenize: Any) -> QuestionReader:
        def tokens(phrases: list[str]) -> list[Tokens]:
            return [tokenize(phrase.lower()) for phrase in phrases]

        return cls(
            kinds={
                kind.name: {
                    "says": kind.says,
                    "cues": tokens(kind.cues),
                    "near": kind.near,
                    "unless": tokens(kind.unless),
                    "after": tokens(kind.after),
                    "not_after": [word.lower() for word in kind.not_after],
                }
                for kind in lexicon.question_types
            },
            gives={topic.intent: topic.gives for topic in knowledge.topics},
            expanded=sorted({m.lower() for m in ABBREVIATION.findall(knowledge.source_text())}),
            expansion_cues=tokens(lexicon.expansion_cues),
            definition_cues=tokens(lexicon.definition_cues),
            definition_tails=tokens(lexicon.definition_tails),
            not_listed={
                label: {
                    "listed_as": kind.listed_as,
                    "intents": [knowledge.topic(topic).intent for topic in kind.topics],
                    "values": sorted(kind.values),
                }
                for label, kind in lexicon.not_listed.items()
            },
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "kinds": self.kinds,
            "gives": self.gives,
            "expanded": self.expanded,
            "expansion_cues": self.expansion_cues,
            "definition_cues": self.definition_cues,
            "definition_tails": self.definition_tails,
            "not_listed": self.not_listed,
        }

    @cached_property
    def cue_words(self) -> frozenset[str]:
        """Every word of every kind's cues."""
        return frozenset(
            word for kind in self.kinds.values() for cue in kind["cues"] for word in cue
        )

    def refusal(
        self, sentences: list[Any], text: str, intent: str, entities: list[dict[str, Any]]
    ) -> str | None:
        """What the page does not do that the question asks for, if anything. `text` is
        the message as typed (the pipeline's tokens are lower-cased)."""
        unlisted = self._not_listed(sentences, text, intent, entities)
        if unlisted:
            return unlisted
        for sentence in sentences:
            tokens = [token.lower_ for token in sentence]
            reason = (
                self._unexpanded(sentence, text, tokens)
                or self._unexplained(sentence, text, entities)
                or self._kind_not_given(tokens, intent)
                or self._figure_not_given(sentence, text, tokens, intent, entities)
                or self._named_things_compared(sentence, tokens, intent, entities)
            )
            if reason:
                return reason
        return None

    def _not_listed(
        self, sentences: list[Any], text: str, intent: str, entities: list[dict[str, Any]]
    ) -> str | None:
        """ "Does liver cancer spread to the spine?": a thing the page never names, asked
        of a topic that lists things of that kind."""
        spans = [(sentence.start_char, sentence.end_char) for sentence in sentences]
        for entity in entities:
            kind = self.not_listed.get(str(entity.get("entity")))
            start = entity.get("start")
            if not kind or entity.get("value") not in kind["values"] or start is None:
                continue
            if intent in kind["intents"] and any(a <= start < b for a, b in spans):
                return f"list {text[start : entity['end']]} among {kind['listed_as']}"
        return None

    def _unexpanded(self, sentence: Any, text: str, tokens: Tokens) -> str | None:
        """ "What does mHNPC stand for?": only the page's own abbreviations are spelt out."""
        if not any(find(tokens, cue) for cue in self.expansion_cues):
            return None
        shorthand = _shorthand(sentence, text)
        if not shorthand and sentence.start > 0:
            # "Saw 'MESCC' in an article. What does it stand for?": the sentence before
            earlier = sentence.doc[sentence.start - 1].sent
            tokens = tokens + [token.lower_ for token in earlier]
            shorthand = _shorthand(earlier, text)
        if any(token in self.expanded for token in tokens):
            return None
        named = f"“{shorthand[0]}”" if shorthand else "that abbreviation"
        return f"say what {named} stands for"

    def _unexplained(self, sentence: Any, text: str, entities: list[dict[str, Any]]) -> str | None:
        """ "What is Turcot syndrome?", "Turcot syndrome is what?": the page names such
        things but never explains them."""
        for entity in entities_in(sentence, entities, NAMED_ONLY):
            start, end = entity["start"], entity["end"]
            before = [t.lower_ for t in sentence if t.idx < start]
            while before and before[-1] in {"a", "an", "the"}:
                before.pop()
            after = [t.lower_ for t in sentence if t.idx >= end and not t.is_punct]
            asks_before = not after and any(
                len(cue) <= len(before) and before[-len(cue) :] == cue
                for cue in self.definition_cues
            )
            asks_after = set(before) <= OPENING_FILLER and after in self.definition_tails
            if (asks_before or asks_after) and len(before) <= OPENING_TOKENS:
                return f"explain what {text[start:end]} is"
        return None

    def _named_things_compared(
        self, sentence: Any, tokens: Tokens, intent: str, entities: list[dict[str, Any]]
    ) -> str | None:
        """ "Is breast or prostate cancer more likely to spread to the spine?": the page
        lists both but never ranks them."""
        if COMPARISON in self.gives.get(intent, []) or COMPARISON not in self.kinds:
            return None
        inside = sorted(entities_in(sentence, entities), key=lambda e: int(e["start"]))
        for first, second in pairwise(inside):
            same_kind = first.get("entity") == second.get("entity")
            if not same_kind or first.get("value") == second.get("value"):
                continue
            # "no leg weakness or numbness, just a sore back - is it worse when…": a pair
            # said to be absent is not what is compared
            opening = [t.lower_ for t in sentence if t.idx < int(first["start"])][-DENIAL_REACH:]
            if set(opening) & DENIALS:
                continue
            between = {t.lower_ for t in sentence if first["end"] <= t.idx < second["start"]}
            if between & SET_AGAINST or ("or" in between and COMPARATIVES & set(tokens)):
                return str(self.kinds[COMPARISON]["says"])
        return None

    def _kind_not_given(self, tokens: Tokens, intent: str) -> str | None:
        for name, kind in self.kinds.items():
            if name not in self.gives.get(intent, []) and asks(kind, tokens):
                return str(kind["says"])
        return None

    def _figure_not_given(
        self, sentence: Any, text: str, tokens: Tokens, intent: str, entities: list[dict[str, Any]]
    ) -> str | None:
        """ "What percentage of bowel cancer patients get spinal mets?": the page's figure
        is for all cancers and the whole spine, never for one cancer or one region."""
        kind = self.kinds.get(NUMBER)
        if kind is None or NUMBER not in self.gives.get(intent, []) or not asks(kind, tokens):
            return None
        named = entities_in(sentence, entities, FIGURES_NOT_BROKEN_DOWN)
        return f"give figures for {text[named[0]['start'] : named[0]['end']]}" if named else None


def _shorthand(sentence: Any, text: str) -> list[str]:
    """The words of the sentence typed with more than one capital ("MESCC", "mHNPC")."""
    typed = [text[t.idx : t.idx + len(t)] for t in sentence]
    return [word for word in typed if sum(c.isupper() for c in word) > 1]


def entities_in(
    sentence: Any, entities: list[dict[str, Any]], labels: Collection[str] | None = None
) -> list[dict[str, Any]]:
    """The entities (of these labels, if given) that start in the sentence, in their order."""
    return [
        entity
        for entity in entities
        if entity.get("start") is not None
        and entity.get("end") is not None
        and (labels is None or entity.get("entity") in labels)
        and sentence.start_char <= int(entity["start"]) < sentence.end_char
    ]


def _clause_start(tokens: Tokens, index: int) -> int:
    """Where the clause holding token `index` starts: after the last comma, dash, colon or
    semicolon before it ("no weakness, no bladder probs, just wondering how long …")."""
    breaks = [i + 1 for i in range(index) if tokens[i] in SCOPE_BREAKS]
    return breaks[-1] if breaks else 0


def asks(kind: dict[str, Any], tokens: Tokens) -> bool:
    """Whether a sentence's tokens ask for this kind of answer."""
    present = set(tokens)
    if kind["near"] and present.isdisjoint(kind["near"]):
        return False
    if any(find(tokens, phrase) for phrase in kind.get("unless", [])):
        return False
    for cue in kind["cues"]:
        if cue and cue[0] not in present:
            continue
        starts = find(tokens, cue)
        if cue[0] in OPENING_WORDS and cue[:2] != HOW_COME:
            starts = [
                s
                for s in starts
                if set(tokens[_clause_start(tokens, s) : s]) <= OPENING_FILLER
                or _ends_sentence(tokens, s + len(cue))
            ]
        if kind.get("after"):
            starts = [s for s in starts if _follows(tokens, s, kind["after"])]
        if kind.get("not_after"):
            starts = [
                s for s in starts if not set(tokens[max(s - 2, 0) : s]) & set(kind["not_after"])
            ]
        if starts:
            return True
    return False


def _follows(tokens: Tokens, start: int, phrases: list[Tokens]) -> bool:
    """Whether one of the phrases comes before `start` in its clause."""
    clause = tokens[_clause_start(tokens, start) : start]
    return any(find(clause, phrase) for phrase in phrases)


def _ends_sentence(tokens: Tokens, end: int) -> bool:
    """Only punctuation after `end`: a fragment that asks at its end ("cervical spine mets
    how often?")."""
    return all(not token.isalnum() for token in tokens[end:])
