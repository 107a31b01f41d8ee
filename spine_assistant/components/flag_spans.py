"""Token and span helpers that the red-flag reading and the story reading share."""

from __future__ import annotations

from typing import Any

SCOPE_BREAKS = frozenset({",", ";", ":", "-", "–"})
CLAUSE_BREAKS = frozenset({";", ":", "-", "–"})
# a negation does not reach into brackets ("no pain (can't walk since lunch)"); other
# cues do: an aside in brackets says more of what comes just before it ("the warning
# signs (weak legs, numb bum) scared me")
NEGATION_BREAKS = CLAUSE_BREAKS | {"("}
DASHES = frozenset({"-", "–"})
POSSESSIVES = frozenset({"my", "his", "her", "their", "our", "your"})
# the writer, the writer's own, and both
WRITER = frozenset({"i", "me", "we", "us"})
WRITERS_OWN = frozenset({"my", "our"})
WRITER_WORDS = WRITER | WRITERS_OWN | {"myself", "mine"}
POSSESSIVE_S = frozenset({"'s", "’s"})
# someone else's someone: "her husband", "his friend", "my friend's mother"
THIRD_PARTY_OWNERS = frozenset({"his", "her", "their"}) | POSSESSIVE_S
NEGATIONS = frozenset({"not", "n't", "nt", "never", "no"})
# a negation inside a flag that a normal state overlaps ("he isnt in control of his bowels")
STATE_NEGATIONS = NEGATIONS | {"longer", "isnt", "arent", "wasnt"}


def breaks(token: Any, kinds: frozenset[str]) -> bool:
    """A dash inside a word ("cross-legged", "Von Hippel-Lindau") breaks nothing."""
    if token.text in DASHES and not token.whitespace_:
        before = token.doc[token.i - 1] if token.i > 0 else None
        if before is not None and not before.whitespace_:
            return False
    return token.text in kinds


def spans(doc: Any, key: str, label: str) -> list[Any]:
    return [span for span in doc.spans.get(key, []) if span.label_ == label]


def inside(span: Any, others: list[Any]) -> bool:
    return any(o.start <= span.start and span.end <= o.end for o in others)


def overlaps(a: Any, b: Any) -> bool:
    return a.start < b.end and b.start < a.end


def word_before(doc: Any, index: int) -> str:
    """The lower-cased word before token `index`, or "" at the start."""
    return doc[index - 1].lower_ if index > 0 else ""
