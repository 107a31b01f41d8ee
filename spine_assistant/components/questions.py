"""Which sentences of a message ask something: shared by the components that read them.

A long message often tells a story first ("My dad had surgery last year … We were
told …") and asks at the end. The sentences that ask are the ones to check against
the page, and to weigh most when choosing the topic.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

QUESTION_OPENERS = frozenset(
    "what is are can could does do how why which when will would should where who may might "
    "tell explain describe list define "
    "wat wot wht whats wats hw".split()  # text-speak ("wat are the symptoms")
)


# "you can't feel your legs, you know?": a filler before the "?", not a question
FILLER_TAGS = (["you", "know"], ["ya", "know"], ["y'know"])


def ends_with_question_mark(sentence: Any) -> bool:
    """A "?" glued to the next word is the clinical "query" ("new onset, ?MSCC"), not a
    question, nor one after a filler ("…, you know?")."""
    last = sentence[-1]
    glued = not last.whitespace_ and last.i + 1 < len(last.doc)
    if last.text != "?" or glued:
        return False
    words = [token.lower_ for token in sentence if not token.is_punct]
    return not any(words[-len(tag) :] == tag and len(words) > len(tag) for tag in FILLER_TAGS)


def closes_a_question(token: Any) -> bool:
    """A "?" written right after a word, as a question ends ("surgery?"), not the
    clinical query set apart from it ("- ? MSCC")."""
    return token.text == "?" and token.i > 0 and not token.doc[token.i - 1].whitespace_


# after a question word, these make a statement with its subject left out: "Cannot
# walk since this morning", "Does not know when he needs to go", "Can barely make it
# to the door", "Can only move my toes"
STATEMENT_ADVERBS = frozenset({"not", "n't", "barely", "hardly", "only", "still", "never"})


def opens_like_question(sentence: Any) -> bool:
    """A question word first, unless an adverb of a statement follows it."""
    words = [token.lower_ for token in sentence if not token.is_punct]
    return bool(words) and words[0] in QUESTION_OPENERS and not STATEMENT_ADVERBS & set(words[1:2])


def is_question(sentence: Any) -> bool:
    """Ends with a question mark or opens like a question."""
    return ends_with_question_mark(sentence) or opens_like_question(sentence)


# "Just asking which scan is best." / "Pt asking re: prevention." / "I'd like to know …"
INDIRECT_ASKING = frozenset(
    "asking ask wondering wonder curious query querying enquiring inquiring".split()
)
WANTING_TO_KNOW = frozenset("want wants wanted like need needs".split())


def asks_indirectly(sentence: Any) -> bool:
    """Asks without a question's form: an asking word, or wanting to know."""
    words = [token.lower_ for token in sentence]
    wants_to_know = any(
        words[i] in WANTING_TO_KNOW and words[i + 1 : i + 3] == ["to", "know"]
        for i in range(len(words) - 2)
    )
    return wants_to_know or any(word in INDIRECT_ASKING for word in words)


# "Is that true?", "Is this on your page?": a short question that points back asks
# about the sentence before it
POINTERS = frozenset({"that", "this", "it"})
POINTING_BACK_WORDS = 6


def points_back(sentence: Any) -> bool:
    words = [token.lower_ for token in sentence if not token.is_punct]
    return len(words) <= POINTING_BACK_WORDS and any(word in POINTERS for word in words)


def asking_sentences(doc: Any) -> list[Any]:
    """The sentences that ask, or every sentence when none does (or there is one). A
    question mark outranks a question's opening word: in "Can still run, can still feel
    everything. Does lymphoma spread to the spine?" only the second sentence asks. A
    short question that points back ("My friend says it always spreads to the spine. Is
    that true?") comes with the sentence before it."""
    sentences = list(doc.sents)
    asking = (
        [s for s in sentences if ends_with_question_mark(s)]
        or [s for s in sentences if opens_like_question(s)]
        or [s for s in sentences if asks_indirectly(s)]
    )
    if not asking or len(sentences) == 1:
        return sentences
    starts = {s.start for s in asking}
    starts |= {
        before.start for before, s in pairwise(sentences) if s.start in starts and points_back(s)
    }
    return [s for s in sentences if s.start in starts]
