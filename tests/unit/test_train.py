"""`make train`'s fingerprints tell sparse features and tokens apart as Rasa's do."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.nlu.tokenizers.tokenizer import Token
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
    monkeypatch.setattr(Token, "fingerprint", Token.fingerprint)
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


def test_a_token_is_fingerprinted_again_only_after_it_changes() -> None:
    rasas = Token.fingerprint
    calls: list[Token] = []

    def counted(token: Token) -> str:
        calls.append(token)
        return rasas(token)

    fingerprint = train.remembering_token_fingerprint(counted)
    token = Token("legs", 4, lemma="leg", data={"pos": "NOUN"})
    assert fingerprint(token) == rasas(token)
    assert fingerprint(token) == rasas(token)
    assert len(calls) == 1

    changes = [
        lambda t: setattr(t, "lemma", "legs"),
        lambda t: setattr(t, "end", 9),
        lambda t: t.set("pos", "VERB"),
        lambda t: t.set("pos", 1),
        lambda t: t.set("pos", True),  # equal to 1, fingerprinted as "True" by Rasa
        lambda t: t.set("shape", "xxxx"),
    ]
    for change in changes:
        change(token)
        before = len(calls)
        assert fingerprint(token) == rasas(token)
        assert len(calls) == before + 1


def test_a_token_holding_more_than_plain_values_is_always_fingerprinted_afresh() -> None:
    calls: list[Token] = []

    def counted(token: Token) -> str:
        calls.append(token)
        return Token.fingerprint(token)

    fingerprint = train.remembering_token_fingerprint(counted)
    token = Token("legs", 4, data={"vector": [1.0, 2.0]})
    fingerprint(token)
    token.data["vector"].append(3.0)
    assert fingerprint(token) == Token.fingerprint(token)
    assert len(calls) == 2
