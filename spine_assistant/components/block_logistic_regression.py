"""Rasa's logistic regression, trained on its sparse and dense features as two blocks.

Rasa's LogisticRegressionClassifier stacks the word and character counts and the
sentence vectors into one sparse matrix. The 768 sentence-vector columns are full, so
they hold most of its non-zero entries, and every training iteration multiplies them
as sparse data. Here the same scikit-learn solver (`_logistic_regression_path`, the
function `LogisticRegression.fit` calls: same loss, class weights, L-BFGS settings and
iteration limit) is given a matrix that keeps the counts sparse and the vectors dense,
so each iteration is a sparse product plus a BLAS one. The fitted coefficients are
those of `LogisticRegression.fit` up to rounding; saving and loading are Rasa's own.
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
from scipy.sparse import csr_matrix, vstack
from sklearn.linear_model._logistic import _logistic_regression_path
from sklearn.utils.extmath import softmax

from spine_assistant.components.base import FingerprintsProjectCode

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
    """[sparse | dense] side by side, with only the products the solver takes
    (`X @ W` and `G @ X`)."""

    __array_ufunc__ = None  # so `G @ X` with a NumPy array G comes to __rmatmul__

    def __init__(self, sparse: csr_matrix, dense: Array, bands: int = CORES) -> None:
        sparse = sparse.astype(np.float64).tocsr()
        self._split = sparse.shape[1]
        self._row_bands = _bands(sparse, bands)
        self._column_bands = _bands(sparse.T.tocsr(), bands)
        self.dense = np.ascontiguousarray(dense, dtype=np.float64)
        self.shape = (sparse.shape[0], sparse.shape[1] + self.dense.shape[1])
        self.dtype = np.dtype(np.float64)

    def __len__(self) -> int:
        return self.shape[0]

    def __matmul__(self, other: Array) -> Array:
        return _product(self._row_bands, other[: self._split]) + self.dense @ other[self._split :]

    def __rmatmul__(self, other: Array) -> Array:
        return np.hstack([_product(self._column_bands, other.T).T, other @ self.dense])


def features(messages: list[Message]) -> BlockMatrix:
    """The rows Rasa's classifier would stack, kept as two blocks."""
    sparse_rows, dense_rows = [], []
    for message in messages:
        sparse = message.get_sparse_features(attribute=TEXT)[1]
        dense = message.get_dense_features(attribute=TEXT)[1]
        sparse_rows.append(csr_matrix(sparse.features if sparse else np.zeros((1, 0))))
        dense_rows.append(np.asarray(dense.features if dense else np.zeros((1, 0))).reshape(1, -1))
    return BlockMatrix(vstack(sparse_rows).tocsr(), np.vstack(dense_rows))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class BlockLogisticRegressionClassifier(FingerprintsProjectCode, LogisticRegressionClassifier):
    """Rasa's classifier in everything but how its features are held."""

    _by_row: Array | None = None  # coef_ transposed, made at the first prediction

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        labels = np.array([e.get(INTENT) for e in examples])
        if len(set(labels)) < 3:
            # binary problems take another path in scikit-learn: leave them to Rasa's
            return super().train(training_data)
        fit_on_blocks(self.clf, features(examples), labels)
        self._by_row = None
        self.persist()
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        """Rasa's intent and ranking, from the same probabilities computed block by block."""
        classes = getattr(self.clf, "classes_", [])
        if len(classes) < 3:
            return super().process(messages)
        for message in messages:
            scores = self._scores(message)
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

    def _scores(self, message: Message) -> Array | None:
        """`clf.decision_function` of the row Rasa would stack (the sentence features:
        sparse blocks, then dense, each in the order the featurizers added them), one
        block at a time; None when the blocks do not add up to the trained width."""
        sentence = [f for f in message.features if f.attribute == TEXT]
        sentence = [f for f in sentence if f.type == FEATURE_TYPE_SENTENCE]
        # CSR: SciPy multiplies a COO matrix by each class's column in a Python loop,
        # 1.0 ms a message here against 0.17 ms for tocsr() and one product
        blocks = [f.features.tocsr() for f in sentence if f.is_sparse()]
        blocks += [f.features for f in sentence if f.is_dense()]
        coefficients = self._coefficients_by_row()
        if sum(block.shape[1] for block in blocks) != coefficients.shape[0]:
            return None
        scores = np.array(self.clf.intercept_, dtype=np.float64, ndmin=2)
        start = 0
        for block in blocks:
            scores = scores + block @ coefficients[start : start + block.shape[1]]
            start += block.shape[1]
        return np.asarray(scores)

    def _coefficients_by_row(self) -> Array:
        """The coefficients as one row per feature, so a block's slice is contiguous."""
        if self._by_row is None:
            self._by_row = np.ascontiguousarray(self.clf.coef_.T)
        return self._by_row


def fit_on_blocks(classifier: Any, matrix: BlockMatrix, labels: npt.NDArray[np.str_]) -> None:
    """What `LogisticRegression.fit` does for a multinomial L-BFGS fit, on `matrix`."""
    settings = classifier.get_params()
    coefficients, _, iterations = _logistic_regression_path(
        matrix,
        labels,
        Cs=[settings["C"]],
        fit_intercept=settings["fit_intercept"],
        tol=settings["tol"],
        solver="lbfgs",
        multi_class="multinomial",
        max_iter=settings["max_iter"],
        class_weight=settings["class_weight"],
        check_input=False,
        random_state=settings["random_state"],
    )
    weights = coefficients[0]
    classifier.classes_ = np.unique(labels)
    classifier.coef_ = weights[:, : matrix.shape[1]]
    classifier.intercept_ = (
        weights[:, matrix.shape[1]] if settings["fit_intercept"] else np.zeros(len(weights))
    )
    classifier.n_iter_ = np.asarray(iterations, dtype=np.int32)
    classifier.n_features_in_ = matrix.shape[1]
