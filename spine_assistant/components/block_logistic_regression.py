"""Rasa's logistic regression, trained on its sparse and dense features as two blocks.

Rasa's LogisticRegressionClassifier stacks the word and character counts and the
sentence vectors into one sparse matrix. The 768 sentence-vector columns are full, so
they hold most of its non-zero entries, and every training iteration multiplies them
as sparse data. Here the same objective as `LogisticRegression.fit` (loss, class
weights, L-BFGS settings and iteration limit: multinomial_lbfgs.py) is minimised on a
matrix that keeps the counts sparse and the vectors dense, so each iteration is a
sparse product plus a BLAS one. Saving and loading are Rasa's own.
Prediction multiplies each featurizer's block by its slice of the coefficients instead
of stacking the blocks into one sparse row first (Rasa stacks the sequence features
too, which it does not use): the same probabilities, a few milliseconds less a message.
Measured in docs/decisions.md.

SciPy's sparse products run on one core but release the GIL, so the sparse block is
cut into row bands, one per core, multiplied on threads. A row of a product depends
only on its own band: the coefficients are the same to the bit on any number of cores.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import (
    RANKING_LENGTH,
    LogisticRegressionClassifier,
)
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack, vstack
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.extmath import softmax

from spine_assistant.components.base import FingerprintsProjectCode
from spine_assistant.components.multinomial_lbfgs import MultinomialObjective, minimise

Array = npt.NDArray[np.float64]


CORES = len(os.sched_getaffinity(0))


@cache
def _threads() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(CORES, thread_name_prefix="block-lr")


def _bands(matrix: csr_matrix, count: int) -> list[csr_matrix]:
    """At most `count` bands of consecutive rows."""
    edges = np.linspace(0, matrix.shape[0], max(1, min(count, matrix.shape[0])) + 1).astype(int)
    return [matrix[start:end] for start, end in pairwise(edges)]


def _product(bands: list[csr_matrix], other: Array) -> Array:
    """`vstack(bands) @ other`, one band per thread."""
    if len(bands) == 1:
        return np.asarray(bands[0] @ other)
    return np.vstack(list(_threads().map(lambda band: band @ other, bands)))


class BlockMatrix:
    """[sparse | dense] side by side, with the two products the objective takes, and the
    width of each featurizer's block."""

    def __init__(
        self,
        sparse: csr_matrix,
        dense: Array,
        bands: int = CORES,
        widths: list[int] | None = None,
    ) -> None:
        self.widths = widths or [sparse.shape[1], dense.shape[1]]
        sparse = sparse.astype(np.float64).tocsr()
        self._split = sparse.shape[1]
        self._row_bands = _bands(sparse, bands)
        self._column_bands = _bands(sparse.T.tocsr(), bands)
        self.dense = np.ascontiguousarray(dense, dtype=np.float64)
        self.shape = (sparse.shape[0], sparse.shape[1] + self.dense.shape[1])

    def __matmul__(self, other: Array) -> Array:
        return _product(self._row_bands, other[: self._split]) + self.dense @ other[self._split :]

    def transposed_product(self, other: Array) -> Array:
        """`self.T @ other`."""
        return np.vstack([_product(self._column_bands, other), self.dense.T @ other])


def sentence_blocks(message: Message) -> tuple[list[Any], list[Array]]:
    """The sentence features of the row Rasa would stack: sparse blocks, then dense,
    each in the order the featurizers added them."""
    sentence = [f for f in message.features if f.attribute == TEXT]
    sentence = [f for f in sentence if f.type == FEATURE_TYPE_SENTENCE]
    return [f.features for f in sentence if f.is_sparse()], [
        f.features for f in sentence if f.is_dense()
    ]


def sparse_product(block: Any, rows: Array) -> Array:
    """`block @ rows` for a sparse block. A message's block is one row: the weighted sum
    of the rows its entries name (duplicates add up, as in SciPy), without SciPy's
    conversion to CSR and its product, 0.4 ms of a message (make profile, 2026-12-01);
    SciPy multiplies a COO matrix of more rows by each class's column in a Python loop,
    so it converts those to CSR first."""
    coo = block.tocoo(copy=False)
    if coo.shape[0] != 1:
        return np.asarray(coo.tocsr() @ rows)
    return np.asarray(coo.data @ rows[coo.col], dtype=np.float64).reshape(1, -1)


def features(messages: list[Message]) -> BlockMatrix:
    """The rows Rasa's classifier would stack, kept as two blocks. Each featurizer's
    block is stacked over all messages before the blocks are put side by side:
    Rasa's per-message combining took 6 s for the 7,354 training examples."""
    rows = [sentence_blocks(message) for message in messages]
    widths = {tuple(block.shape[1] for block in sparse + dense) for sparse, dense in rows}
    if len(widths) != 1:
        raise ValueError("the training examples do not all have the same sentence features")
    sparse = [vstack(column) for column in zip(*(row[0] for row in rows), strict=True)]
    dense = [np.vstack(column) for column in zip(*(row[1] for row in rows), strict=True)]
    return BlockMatrix(
        hstack(sparse, format="csr") if sparse else csr_matrix((len(messages), 0)),
        np.hstack(dense) if dense else np.zeros((len(messages), 0)),
        widths=[block.shape[1] for block in sparse + dense],
    )


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class BlockLogisticRegressionClassifier(FingerprintsProjectCode, LogisticRegressionClassifier):
    """Rasa's classifier in everything but how its features are held."""

    _by_row: Array | None = None  # coef_ transposed, made at the first prediction

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **LogisticRegressionClassifier.get_default_config(),
            # iterations when `rasa train --finetune` starts from the earlier model's
            # coefficients: 30 learnt an added example as 100 did, with the same blind
            # figures, in 3 s instead of 11 (docs/decisions.md)
            "finetune_max_iter": 30,
        }

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        labels = np.array([e.get(INTENT) for e in examples])
        if len(set(labels)) < 3:
            # binary problems take another path in scikit-learn: leave them to Rasa's
            return super().train(training_data)
        # finetuning (`rasa train --finetune`), Rasa loads the earlier model's classifier
        earlier = self.clf if hasattr(self.clf, "coef_") else None
        fit_on_blocks(
            self.clf, features(examples), labels, earlier, self.config["finetune_max_iter"]
        )
        self._by_row = None
        self.persist()
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        """Rasa's intent and ranking, from the same probabilities computed block by block."""
        classes = getattr(self.clf, "classes_", [])
        if len(classes) < 3:
            return super().process(messages)
        for message in messages:
            sparse, dense = sentence_blocks(message)
            if not sparse and not dense:
                # no words to read (an empty or blank text, which only Rasa's HTTP API
                # lets through): no intent, as Rasa's DIETClassifier gives, where
                # scikit-learn would stop the whole parse on a row of no features
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            scores = self._scores(sparse, dense)
            if scores is None:  # features unlike those trained on: Rasa's own path
                super().process([message])
                continue
            ranking = sorted(
                (
                    {"name": name, "confidence": p}
                    for name, p in zip(classes, softmax(scores)[0], strict=True)
                ),
                key=lambda entry: -entry["confidence"],
            )
            message.set(INTENT, ranking[0], add_to_output=True)
            if self.config[RANKING_LENGTH] > 0:
                ranking = ranking[: self.config[RANKING_LENGTH]]
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def _scores(self, sparse: list[Any], dense: list[Array]) -> Array | None:
        """`clf.decision_function` of the row Rasa would stack from a message's blocks
        (`sentence_blocks`), one block at a time; None when they do not add up to the
        trained width."""
        coefficients = self._coefficients_by_row()
        if sum(block.shape[1] for block in sparse + dense) != coefficients.shape[0]:
            return None
        scores = np.array(self.clf.intercept_, dtype=np.float64, ndmin=2)
        start = 0
        for block in sparse:
            scores = scores + sparse_product(block, coefficients[start : start + block.shape[1]])
            start += block.shape[1]
        for block in dense:
            scores = scores + block @ coefficients[start : start + block.shape[1]]
            start += block.shape[1]
        return scores

    def _coefficients_by_row(self) -> Array:
        """The coefficients as one row per feature, so a block's slice is contiguous."""
        if self._by_row is None:
            self._by_row = np.ascontiguousarray(self.clf.coef_.T)
        return self._by_row


def fit_on_blocks(
    classifier: Any,
    matrix: BlockMatrix,
    labels: npt.NDArray[np.str_],
    earlier: Any = None,
    finetune_max_iter: int = 0,
) -> None:
    """What `LogisticRegression.fit` does for a multinomial L-BFGS fit, on `matrix`:
    the same objective, class weights, tolerance and iteration limit
    (multinomial_lbfgs.py). From an `earlier` classifier of the same intents and blocks
    no narrower than before, the fit starts at its coefficients and takes at most
    `finetune_max_iter` iterations."""
    settings = classifier.get_params()
    encoder = LabelEncoder()
    classes = encoder.fit_transform(labels)
    class_weight = compute_class_weight(
        settings["class_weight"], classes=encoder.classes_, y=labels
    )
    objective = MultinomialObjective(matrix, classes, class_weight[classes], 1.0 / settings["C"])
    start = np.zeros((matrix.shape[1] + 1, len(encoder.classes_)))
    warm = earlier is not None and warm_start(start, earlier, matrix.widths, encoder.classes_)
    limit = finetune_max_iter if warm else settings["max_iter"]
    weights, _, iterations = minimise(objective, start, limit, settings["tol"])
    classifier.classes_ = encoder.classes_
    classifier.coef_ = np.ascontiguousarray(weights[:-1].T)
    classifier.intercept_ = weights[-1].copy()
    classifier.n_iter_ = np.asarray([iterations], dtype=np.int32)
    classifier.n_features_in_ = matrix.shape[1]
    classifier.block_widths_ = np.asarray(matrix.widths, dtype=np.int64)


def warm_start(start: Array, earlier: Any, widths: list[int], classes: Any) -> bool:
    """Fills `start` with the earlier classifier's coefficients, when it knew the same
    intents and each featurizer's block is at least as wide as it was: Rasa's finetuning
    appends a word it has not seen to the end of the count vectorizer's vocabulary, so
    a block's earlier columns keep their places and a new column starts at zero."""
    old_widths = [int(width) for width in getattr(earlier, "block_widths_", [])]
    if (
        not np.array_equal(getattr(earlier, "classes_", []), classes)
        or len(old_widths) != len(widths)
        or any(old > new for old, new in zip(old_widths, widths, strict=True))
    ):
        return False
    old_rows = np.asarray(earlier.coef_).T
    old_start = new_start = 0
    for old, new in zip(old_widths, widths, strict=True):
        start[new_start : new_start + old] = old_rows[old_start : old_start + old]
        old_start, new_start = old_start + old, new_start + new
    start[-1] = earlier.intercept_
    return True
