"""`make train`'s fingerprint of sparse features tells matrices apart as Rasa's does."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from scipy.sparse import coo_matrix, csr_matrix

from spine_assistant import train
from spine_assistant.train import sparse_fingerprint


def matrix(value: float = 1.5, column: int = 2, columns: int = 5) -> coo_matrix:
    return coo_matrix(([value, 2.0], ([0, 1], [column, 3])), shape=(2, columns))


def test_equal_matrices_share_a_fingerprint_and_different_ones_do_not() -> None:
    assert sparse_fingerprint(matrix()) == sparse_fingerprint(matrix())
    assert sparse_fingerprint(matrix()) == sparse_fingerprint(csr_matrix(matrix()))
    others = [matrix(value=1.25), matrix(column=1), matrix(columns=6)]
    fingerprints = {sparse_fingerprint(m) for m in [matrix(), *others]}
    assert len(fingerprints) == 4


def test_installed_features_fingerprint_sparse_matrices_by_content(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(Features, "fingerprint", Features.fingerprint)  # restored after
    dense = np.arange(6, dtype=float).reshape(2, 3)
    rasas_dense = Features(dense, FEATURE_TYPE_SENTENCE, TEXT, "f").fingerprint()
    train.install()

    def sparse(m: coo_matrix, kind: str = FEATURE_TYPE_SEQUENCE, origin: str = "f") -> str:
        return Features(m, kind, TEXT, origin).fingerprint()

    assert sparse(matrix()) == sparse(matrix())
    assert sparse(matrix()) != sparse(matrix(value=1.25))
    assert sparse(matrix()) != sparse(matrix(), kind=FEATURE_TYPE_SENTENCE)
    assert sparse(matrix()) != sparse(matrix(), origin="g")
    assert Features(dense, FEATURE_TYPE_SENTENCE, TEXT, "f").fingerprint() == rasas_dense
