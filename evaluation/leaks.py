"""Finds messages of one set that also appear, or nearly so, in another.

The blind test set only means something while none of its messages (or a light
rewording of one) is in the training data or the validation set: a copied message
scores its own training example. Texts are compared after lower-casing and dropping
punctuation; near-duplicates are pairs whose TF-IDF vectors of words and character
3–5-grams have a cosine similarity of at least NEAR_DUPLICATE.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

NEAR_DUPLICATE = 0.9


def normalised(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


@dataclass(frozen=True)
class Leak:
    protected: str
    other: str
    similarity: float


def find_leaks(
    protected: Sequence[str], others: Sequence[str], threshold: float = NEAR_DUPLICATE
) -> list[Leak]:
    """Every protected text with an identical or near-identical text among `others`."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    left = [normalised(text) for text in protected]
    right = [normalised(text) for text in others]
    if not left or not right:
        return []
    words = TfidfVectorizer(analyzer="word", token_pattern=r"\w+").fit(left + right)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).fit(left + right)

    def vectors(texts: list[str]) -> object:
        return hstack([words.transform(texts), chars.transform(texts)]).tocsr()

    # each half weighs 1 after normalising the two blocks together
    similarity = cosine_similarity(vectors(left), vectors(right))
    leaks = []
    for index, row in enumerate(similarity):
        best = int(row.argmax())
        if left[index] == right[best] or row[best] >= threshold:
            leaks.append(Leak(protected[index], others[best], float(row[best])))
    return leaks
