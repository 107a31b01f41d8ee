"""Groups wordings of the same question, so 40 ways of asking one missing question are
one row for the content owner.

Messages are embedded with the project's own sentence encoder (all-MiniLM-L6-v2 on ONNX
Runtime, spine_assistant/components/sentence_encoder.py; weights from `make encoder`). Nearly
every message to this assistant is about the same condition, and a general-purpose
encoder sees that first: "can I drive after spine surgery" and "can I lift things after
spine surgery" look alike. So the condition's name is left out of the text, and the
vectors are centred on the mean vector of the assistant's own training questions (what
every question here has in common), before clustering agglomeratively on cosine
distance with complete linkage: no two wordings in a group are further apart than
DISTANCE_THRESHOLD. The threshold, the linkage and the centring were chosen on the
paraphrase groups of evaluation/review_grouping.py (`python -m evaluation.review_grouping`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from spine_assistant.components.sentence_encoder import (
    DEFAULT_MODEL_DIR,
    SentenceEncoder,
    load_encoder,
)
from spine_assistant.knowledge.paths import PROJECT_ROOT

DISTANCE_THRESHOLD = 0.6
LINKAGE = "complete"
ENCODER_DIR = PROJECT_ROOT / DEFAULT_MODEL_DIR
CENTRE_SAMPLE = 400  # training examples averaged for the centre (every k-th, ~4 s)

Vector = npt.NDArray[np.float32]

# "spinal metastases", "spine mets", "cancer in my spine", "metastatic spinal tumour" …
CONDITION = re.compile(
    r"\b(?:(?:metastatic\s+)?(?:spin(?:e|al)|back|bone|vertebral?)\s+"
    r"(?:metastas[ie]s|mets|tumou?rs?|cancers?|lesions?)"
    r"|(?:metastatic\s+)?(?:cancers?|tumou?rs?|mets|metastas[ie]s)\s+(?:in|of)\s+"
    r"(?:my|the|your|his|her|their)\s+(?:spine|back|bones?|vertebrae))\b",
    re.IGNORECASE,
)


def without_condition(text: str) -> str:
    """The text without the condition's name (unless that is all there is)."""
    stripped = " ".join(CONDITION.sub(" ", text).split())
    return stripped if len(stripped) >= 3 else text


def normalised(text: str) -> str:
    """Case and spacing do not make a different wording."""
    return " ".join(text.lower().split())


def project_encoder(model_dir: Path = ENCODER_DIR) -> SentenceEncoder:
    """The encoder the assistant itself uses (EncoderWeightsError says `make encoder`)."""
    return load_encoder(model_dir)


def embed(texts: Sequence[str], encoder: SentenceEncoder) -> Vector:
    return encoder.encode([without_condition(text) for text in texts])


@cache
def training_centre(model_dir: Path = ENCODER_DIR) -> Vector:
    """The mean vector of (a fixed sample of) the training questions in data/nlu/."""
    from spine_assistant.review.nlu_data import training_examples

    texts = [text for text, _ in training_examples()]
    sample = texts[:: max(1, len(texts) // CENTRE_SAMPLE)][:CENTRE_SAMPLE]
    return embed(sample, project_encoder(model_dir)).mean(axis=0)


def cluster_labels(
    texts: Sequence[str],
    encoder: SentenceEncoder,
    centre: Vector | None = None,
    threshold: float = DISTANCE_THRESHOLD,
) -> list[int]:
    """A group number per text; equal texts (case and spacing aside) share one.
    `centre`: the vector to centre on (training_centre() in the review)."""
    distinct = sorted({normalised(text) for text in texts})
    if len(distinct) < 2:
        return [0] * len(texts)
    from sklearn.cluster import AgglomerativeClustering

    vectors = embed(distinct, encoder)
    if centre is not None:
        vectors = vectors - centre
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    distances = np.clip(1.0 - vectors @ vectors.T, 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    labels = AgglomerativeClustering(
        n_clusters=None,
        affinity="precomputed",  # sklearn 1.1's name (1.2+ calls it `metric`)
        linkage=LINKAGE,
        distance_threshold=threshold,
    ).fit_predict(distances)
    by_text = dict(zip(distinct, (int(label) for label in labels), strict=True))
    return [by_text[normalised(text)] for text in texts]


def project_grouper(texts: Sequence[str]) -> list[int]:
    """The review's grouping: the project's encoder, centred on its training questions."""
    if len(texts) < 2:
        return [0] * len(texts)
    return cluster_labels(texts, project_encoder(), training_centre())
