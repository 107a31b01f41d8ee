"""`make train`: `rasa train` with three of its fixed costs taken out.

Usage: python -m spine_assistant.train [rasa train options]

- The data are not validated first (`--skip-validation`): reading and checking them
  takes `rasa train` about 8 s, and `make validate` runs the same check, as do
  `make check` and `make test` (tests/unit/test_data_validation.py). Errors that stop
  a training (unreadable files, contradicting rules) still stop it.

- skops, which saves Rasa's logistic regression, looks up the module of every NumPy
  and SciPy ufunc when first imported by scanning `sys.modules`: 5–6 s once Rasa's
  5,500 modules are loaded, about 1 s before. So it is imported first.
- Rasa's training cache fingerprints the output of every NLU step, and a sparse
  feature matrix is fingerprinted by formatting each of its entries as text
  (`sparse_matrix_to_string`), seconds per featurizer. Here its fingerprint is the
  hash of the matrix's shape, coordinates and values as bytes: equal matrices still
  get equal fingerprints and different ones different ones, so the cache reuses and
  retrains exactly what it did. (A model trained by plain `rasa train` finds no
  matching entries in the cache and trains afresh.)
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable
from typing import Any

PLAIN_VALUES = (str, int, float, bool, type(None))
REMEMBERED = "_remembered_fingerprint"


def sparse_fingerprint(matrix: Any) -> str:
    """A digest of the matrix's shape, coordinates and values."""
    coo = matrix.tocoo()
    digest = hashlib.sha256(repr((coo.shape, coo.data.dtype.str)).encode())
    for array in (coo.row, coo.col, coo.data):
        digest.update(array.tobytes())
    return digest.hexdigest()


def install() -> None:
    """Rasa's Features fingerprint sparse matrices with `sparse_fingerprint`, and a
    Token keeps its fingerprint while it is unchanged."""
    from rasa.nlu.tokenizers.tokenizer import Token
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.utils.io import deep_container_fingerprint

    Token.fingerprint = remembering_token_fingerprint(Token.fingerprint)

    rasas = Features.fingerprint

    def fingerprint(self: Features) -> str:
        if self.is_dense() or self._cached_fingerprint is not None:
            return rasas(self)
        self._cached_fingerprint = deep_container_fingerprint(
            [self.type, self.origin, self.attribute, sparse_fingerprint(self.features)]
        )
        return self._cached_fingerprint

    Features.fingerprint = fingerprint


def remembering_token_fingerprint(rasas: Callable[[Any], str]) -> Callable[[Any], str]:
    """Rasa's Token.fingerprint, computed again only when the token has changed.

    Every training step fingerprints its output for the cache, so each token of each
    example was hashed once per step (7 s of a training); tokens do not change after
    the tokenizer. The state compared is the token's text, offsets, lemma and its data
    (each value with its type); a token whose data holds anything but plain values is
    always fingerprinted afresh.
    """

    def fingerprint(token: Any) -> str:
        data = token.data
        if not all(type(value) in PLAIN_VALUES for value in data.values()):
            return rasas(token)
        state = (
            token.text,
            token.start,
            token.end,
            token.lemma,
            tuple((key, type(value), value) for key, value in data.items()),
        )
        remembered = getattr(token, REMEMBERED, None)
        if remembered is not None and remembered[0] == state:
            return remembered[1]
        value = rasas(token)
        setattr(token, REMEMBERED, (state, value))
        return value

    return fingerprint


def command(*options: str) -> list[str]:
    """The command line `make train` runs, with rasa train's OPTIONS."""
    return [sys.executable, "-m", "spine_assistant.train", *options]


def main() -> None:
    import skops.io  # noqa: F401, I001 (before rasa, see the module docstring)
    import rasa.__main__

    install()
    sys.argv = ["rasa", "train", "--skip-validation", *sys.argv[1:]]
    rasa.__main__.main()


if __name__ == "__main__":
    main()
