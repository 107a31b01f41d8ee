"""scikit-learn's multinomial logistic regression objective, minimised by L-BFGS in NumPy.

`LogisticRegression(solver="lbfgs")` hands its objective to SciPy's L-BFGS-B, Fortran
code that spends as long on its own bookkeeping as on the objective: with 42 intents
and 15,551 features it updates 653,142 parameters per iteration on one core, about
80 ms, next to 86 ms for the objective (docs/decisions.md). Without bounds, L-BFGS-B
takes the plain L-BFGS step, which the two-loop recursion below computes with a few
BLAS vector operations. The settings are L-BFGS-B's as scikit-learn calls it: 10
correction pairs, MINPACK's line search (DCSRCH) with its tolerances and 20 trials,
the first step of length one in the gradient's direction, and the same stopping rules
(projected gradient below `tol`, relative decrease below SciPy's `ftol`, `max_iter`).

The objective is scikit-learn 1.1's, written out so that its products reach the block
matrix unchanged: the class-weighted sum of the multinomial log loss plus
`0.5 / C * ||coef||²` (the intercept is not penalised). A unit test checks it against
scikit-learn's `LinearModelLoss`, and fits against `LogisticRegression.fit`. The line
search is SciPy's private wrapper of MINPACK's DCSRCH (the one its own line searches
use); SciPy is pinned in requirements.lock, and those tests fail if an upgrade changes it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Protocol

import numpy as np
import numpy.typing as npt
from scipy.linalg.blas import daxpy as axpy
from scipy.optimize._minpack2 import dcsrch
from scipy.special import logsumexp

Array = npt.NDArray[np.float64]

CORRECTIONS = 10  # L-BFGS-B's default `maxcor`
LINE_SEARCH_TRIALS = 20  # its `maxls`
RELATIVE_DECREASE_TOL = 1e7 * np.finfo(float).eps  # SciPy's `ftol` (factr 1e7)
# DCSRCH's sufficient-decrease, curvature and step tolerances as L-BFGS-B sets them
ARMIJO, CURVATURE, STEP_TOL = 1e-3, 0.9, 0.1
MAX_STEP = 1e10  # its `stpmx` without bounds


class Matrix(Protocol):
    """The two products the objective takes (block_logistic_regression.BlockMatrix)."""

    shape: tuple[int, int]

    def __matmul__(self, other: Array) -> Array: ...

    def transposed_product(self, other: Array) -> Array: ...


class MultinomialObjective:
    """Loss and gradient for weights held as one (features + 1, classes) array."""

    def __init__(
        self, matrix: Matrix, classes: npt.NDArray[np.intp], sample_weight: Array, l2: float
    ) -> None:
        self.matrix = matrix
        self.sample_weight = sample_weight
        self.l2 = l2
        self.one_hot = np.zeros((len(classes), classes.max() + 1))
        self.one_hot[np.arange(len(classes)), classes] = 1.0
        self.features = matrix.shape[1]

    def __call__(self, weights: Array) -> tuple[float, Array]:
        coef, intercept = weights[: self.features], weights[self.features]
        scores = np.asarray(self.matrix @ coef) + intercept
        norm = logsumexp(scores, axis=1)
        loss = float(self.sample_weight @ (norm - (scores * self.one_hot).sum(axis=1)))
        residual = np.exp(scores - norm[:, None])
        residual -= self.one_hot
        residual *= self.sample_weight[:, None]
        gradient = np.empty_like(weights)
        gradient[: self.features] = self.matrix.transposed_product(residual) + self.l2 * coef
        gradient[self.features] = residual.sum(axis=0)
        return loss + 0.5 * self.l2 * float(np.vdot(coef, coef)), gradient


def _direction(gradient: Array, history: deque[tuple[Array, Array, float]]) -> Array:
    """-H·g by the two-loop recursion, H the L-BFGS inverse Hessian of `history`
    (vectors updated in place with BLAS: NumPy's temporaries took 30 ms a step)."""
    q = gradient.ravel().copy()
    alphas = []
    for s, y, rho in reversed(history):
        alpha = rho * float(s.ravel() @ q)
        axpy(y.ravel(), q, a=-alpha)
        alphas.append(alpha)
    s, y, _ = history[-1]
    q *= float(s.ravel() @ y.ravel()) / float(y.ravel() @ y.ravel())
    for (s, y, rho), alpha in zip(history, reversed(alphas), strict=True):
        axpy(s.ravel(), q, a=alpha - rho * float(y.ravel() @ q))
    q *= -1.0
    return q.reshape(gradient.shape)


def _line_search(
    objective: Callable[[Array], tuple[float, Array]],
    point: Array,
    direction: Array,
    loss: float,
    gradient: Array,
    step: float,
) -> tuple[float, float, Array] | None:
    """MINPACK's DCSRCH along `direction` from `step`, as L-BFGS-B runs it: the step
    taken with the loss and gradient there, or None when no step is found."""
    slope = float(np.vdot(gradient, direction))
    if slope >= 0:
        return None
    isave, dsave = np.zeros(2, np.intc), np.zeros(13)
    task = b"START"
    new_loss, new_slope, new_gradient = loss, slope, gradient
    evaluations = 0
    while True:
        step, _, _, task = dcsrch(
            step,
            new_loss,
            new_slope,
            ARMIJO,
            CURVATURE,
            STEP_TOL,
            task,
            0.0,
            MAX_STEP,
            isave,
            dsave,
        )
        if task[:2] != b"FG":
            break
        if evaluations == LINE_SEARCH_TRIALS:
            return None
        new_loss, new_gradient = objective(point + step * direction)
        new_slope = float(np.vdot(new_gradient, direction))
        evaluations += 1
    if task[:4] not in (b"CONV", b"WARN"):  # L-BFGS-B takes a step DCSRCH warned about
        return None
    return step, new_loss, new_gradient


def minimise(
    objective: Callable[[Array], tuple[float, Array]],
    start: Array,
    max_iter: int,
    tol: float,
) -> tuple[Array, float, int]:
    """L-BFGS from `start`: the point, its loss and the iterations taken."""
    point = start.copy()
    loss, gradient = objective(point)
    history: deque[tuple[Array, Array, float]] = deque(maxlen=CORRECTIONS)
    iteration = 0
    while iteration < max_iter and np.abs(gradient).max() > tol:
        direction = _direction(gradient, history) if history else -gradient
        # L-BFGS-B's first trial step has length one; later ones are the full step
        first = min(1.0 / float(np.linalg.norm(direction)), MAX_STEP) if iteration == 0 else 1.0
        found = _line_search(objective, point, direction, loss, gradient, first)
        if found is None and history:  # as L-BFGS-B: forget the pairs, try once more
            history.clear()
            continue
        if found is None:
            break
        step, new_loss, new_gradient = found
        s, y = step * direction, new_gradient - gradient
        curvature = float(np.vdot(s, y))
        if curvature > np.finfo(float).eps * float(np.vdot(y, y)):
            history.append((s, y, 1.0 / curvature))
        point += s
        iteration += 1
        decrease = (loss - new_loss) / max(abs(loss), abs(new_loss), 1.0)
        loss, gradient = new_loss, new_gradient
        if decrease <= RELATIVE_DECREASE_TOL:
            break
    return point, loss, iteration
