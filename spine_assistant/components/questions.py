"""Which sentences of a message ask something: shared by the components that read them.

A long message often tells a story first ("My dad had surgery last year … We were
told …") and asks at the end. The sentences that ask are the ones to check against
the page, and to weigh most when choosing the topic.
"""

from __future__ import annotations

from typing import Any

QUESTION_OPENERS = frozenset(
    "what is are can could does do how why which when will would should where who may might "
    "tell explain describe list define".split()
)


def is_question(sentence: Any) -> bool:
    """Ends with a question mark or opens like a question. A "?" glued to the next word
    is the clinical "query" ("new onset, ?MSCC"), not a question."""
    first = next((token.lower_ for token in sentence if not token.is_punct), "")
    last = sentence[-1]
    glued = not last.whitespace_ and last.i + 1 < len(last.doc)
    return (last.text == "?" and not glued) or first in QUESTION_OPENERS


def asking_sentences(doc: Any) -> list[Any]:
    """The sentences that ask, or every sentence when none does (or there is one)."""
    sentences = list(doc.sents)
    asking = [sentence for sentence in sentences if is_question(sentence)]
    return asking if asking and len(sentences) > 1 else sentences
