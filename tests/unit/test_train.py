"""`make train`'s fingerprints tell sparse features, tokens and messages apart as Rasa's do."""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import pytest
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import coo_matrix, csr_matrix

from spine_assistant import train
from spine_assistant.train import sparse_fingerprint, without_finetuning


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
    monkeypatch.setattr(Message, "fingerprint", Message.fingerprint)
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


def test_a_token_is_digested_again_only_after_it_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    digests: list[bytes] = []
    sha256 = hashlib.sha256

    def counted(data: bytes) -> Any:
        digests.append(data)
        return sha256(data)

    monkeypatch.setattr(train.hashlib, "sha256", counted)
    fingerprint = train.remembering_token_fingerprint(Token.fingerprint)
    token = Token("legs", 4, lemma="leg", data={"pos": "NOUN"})
    first = fingerprint(token)
    assert fingerprint(token) == first
    assert fingerprint(Token("legs", 4, lemma="leg", data={"pos": "NOUN"})) == first
    assert len(digests) == 2  # the second token is another object, with the same state

    seen = {first}
    changes = [
        lambda t: setattr(t, "lemma", "legs"),
        lambda t: setattr(t, "end", 9),
        lambda t: t.set("pos", "VERB"),
        lambda t: t.set("pos", 1),
        lambda t: t.set("pos", True),  # equal to 1, but another value
        lambda t: t.set("shape", "xxxx"),
    ]
    for change in changes:
        change(token)
        before = len(digests)
        seen.add(fingerprint(token))
        assert len(digests) == before + 1
    assert len(seen) == len(changes) + 1


def test_a_token_digest_ignores_the_order_its_data_was_set_in() -> None:
    fingerprint = train.remembering_token_fingerprint(Token.fingerprint)
    one = Token("legs", 4, data={"pos": "NOUN", "shape": "xxxx"})
    other = Token("legs", 4, data={"shape": "xxxx", "pos": "NOUN"})
    assert fingerprint(one) == fingerprint(other)


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


def message(text: str = "my legs are weak", **data: Any) -> Message:
    tokens = [Token("my", 0), Token("legs", 3, lemma="leg")]
    return Message(data={TEXT: text, "text_tokens": tokens, "intent": "emergency", **data})


def test_equal_messages_share_a_digest_and_different_ones_do_not() -> None:
    base = message()
    assert train.message_fingerprint(base) == train.message_fingerprint(message())
    reordered = Message(data=dict(reversed(list(message().data.items()))))
    assert train.message_fingerprint(reordered) == train.message_fingerprint(base)

    others = [
        message("my legs are week"),
        message(intent="faq_symptoms"),
        message(entities=[{"entity": "symptom", "value": "weakness"}]),
        message(entities=[]),
        message(count=1),
        message(count="1"),
        message(count=True),
    ]
    tokens_changed = message()
    tokens_changed.data["text_tokens"][1].lemma = "legs"
    others.append(tokens_changed)
    with_features = message()
    with_features.add_features(Features(matrix(), FEATURE_TYPE_SEQUENCE, TEXT, "f"))
    others.append(with_features)
    digests = {train.message_fingerprint(m) for m in [base, *others]}
    assert len(digests) == len(others) + 1


def test_a_message_is_digested_again_after_rasa_changes_it() -> None:
    changed = message()
    before = train.message_fingerprint(changed)
    assert train.message_fingerprint(changed) == before
    changed.set("intent", "faq_symptoms")
    after_set = train.message_fingerprint(changed)
    changed.add_features(Features(matrix(), FEATURE_TYPE_SEQUENCE, TEXT, "f"))
    assert len({before, after_set, train.message_fingerprint(changed)}) == 3


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--finetune", "models/spine.tar.gz", "--out", "models"], ["--out", "models"]),
        (["--out", "models", "--finetune"], ["--out", "models"]),
        (["--force", "--out", "models"], ["--force", "--out", "models"]),
    ],
)
def test_a_refused_finetuning_trains_from_scratch_with_the_other_options(
    options: list[str], expected: list[str]
) -> None:
    assert without_finetuning(options) == expected
