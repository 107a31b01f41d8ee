"""The objective is scikit-learn's, and the minimiser stops where L-BFGS-B stops."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import hstack
from scipy.sparse import random as sparse_random
from sklearn._loss.loss import HalfMultinomialLoss
from sklearn.linear_model._linear_loss import LinearModelLoss

from spine_assistant.components.block_logistic_regression import BlockMatrix
from spine_assistant.components.multinomial_lbfgs import MultinomialObjective, minimise


def test_loss_and_gradient_are_scikit_learns() -> None:
    rng = np.random.default_rng(3)
    counts = sparse_random(50, 5, density=0.3, random_state=3, format="csr")
    vectors = rng.normal(size=(50, 3))
    classes = rng.integers(0, 4, size=50)
    weights = rng.uniform(0.5, 2.0, size=50)
    point = rng.normal(size=(9, 4))  # 8 coefficients and the intercept, per class

    objective = MultinomialObjective(BlockMatrix(counts, vectors), classes, weights, l2=0.7)
    loss, gradient = objective(point)

    # scikit-learn holds the same numbers as (classes, features + 1), raveled in F order
    theirs = LinearModelLoss(base_loss=HalfMultinomialLoss(n_classes=4), fit_intercept=True)
    expected_loss, expected_gradient = theirs.loss_gradient(
        point.T.ravel(order="F"),
        hstack([counts, vectors]).tocsr(),
        classes.astype(float),
        weights,
        0.7,
        1,
    )
    assert loss == pytest.approx(expected_loss, rel=1e-12)
    np.testing.assert_allclose(gradient, expected_gradient.reshape((4, 9), order="F").T, atol=1e-12)


def quadratic(point: np.ndarray) -> tuple[float, np.ndarray]:
    """(x - 3)², minimised at 3."""
    return float(((point - 3.0) ** 2).sum()), 2.0 * (point - 3.0)


def test_it_stops_at_the_iteration_limit_or_when_the_gradient_is_small() -> None:
    _, _, iterations = minimise(quadratic, np.zeros(4), max_iter=0, tol=1e-4)
    assert iterations == 0
    point, loss, iterations = minimise(quadratic, np.zeros(4), max_iter=100, tol=1e-8)
    np.testing.assert_allclose(point, 3.0, atol=1e-8)
    assert loss < 1e-15
    assert 0 < iterations < 10
    _, _, iterations = minimise(quadratic, np.full(4, 3.0), max_iter=100, tol=1e-4)
    assert iterations == 0  # already at the minimum


def test_a_direction_that_does_not_descend_ends_the_search() -> None:
    calls = []

    def rising(point: np.ndarray) -> tuple[float, np.ndarray]:
        """Reports a gradient that points the wrong way: no step can lower the loss."""
        calls.append(point.copy())
        return float(point.sum()), -np.ones_like(point)

    point, _, iterations = minimise(rising, np.zeros(3), max_iter=50, tol=1e-4)
    assert iterations < 50
    assert len(calls) < 50
    assert np.isfinite(point).all()
