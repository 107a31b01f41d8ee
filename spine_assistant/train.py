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
  matching entries in the cache and trains afresh.) Likewise a message is
  fingerprinted by one digest over its data and features (`message_fingerprint`),
  where Rasa hashes every key and value apart and joins the hashes as JSON: 6.7 s of
  a training from a clean clone, once per message and step.
- With `--finetune MODEL` (what `make train` passes after a change to training examples
  only), Rasa's incremental training starts from the last model: the count vectorizers
  keep their vocabulary and append new words, and the logistic regression starts from
  the last coefficients (block_logistic_regression.py). Rasa refuses it after a change
  to the config, the domain or the set of intents; the model is then trained from
  scratch, in a process of its own.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Callable
from typing import Any

PLAIN_VALUES = (str, int, float, bool, type(None))
FINETUNE = "--finetune"
REMEMBERED = "_remembered_fingerprint"


def sparse_fingerprint(matrix: Any) -> str:
    """A digest of the matrix's shape, coordinates and values."""
    coo = matrix.tocoo()
    digest = hashlib.sha256(repr((coo.shape, coo.data.dtype.str)).encode())
    for array in (coo.row, coo.col, coo.data):
        digest.update(array.tobytes())
    return digest.hexdigest()


def install() -> None:
    """Rasa's Features fingerprint sparse matrices with `sparse_fingerprint`, a
    Token keeps its fingerprint while it is unchanged, and a Message is fingerprinted
    by `message_fingerprint`."""
    from rasa.nlu.tokenizers.tokenizer import Token
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.utils.io import deep_container_fingerprint

    Token.fingerprint = remembering_token_fingerprint(Token.fingerprint)
    Message.fingerprint = message_fingerprint

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
    """A digest of the token's state, computed again only when the token has changed.

    Every training step fingerprints its output for the cache, so each token of each
    example was hashed once per step (7 s of a training); tokens do not change after
    the tokenizer. The state is the token's text, offsets, lemma and its data (each
    value with its type, in key order), digested at once where Rasa hashes each part
    apart (2 s of a training from a clean clone). A token whose data holds anything but
    plain values gets Rasa's fingerprint, computed afresh every time.
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
            tuple(sorted((key, type(value).__name__, value) for key, value in data.items())),
        )
        remembered = getattr(token, REMEMBERED, None)
        if remembered is not None and remembered[0] == state:
            return remembered[1]
        value = hashlib.sha256(repr(state).encode()).hexdigest()
        setattr(token, REMEMBERED, (state, value))
        return value

    return fingerprint


def message_fingerprint(message: Any) -> str:
    """A digest of the message's data and features, kept until Rasa's `set` or
    `add_features` forgets it, as Rasa keeps its own. Equal contents give equal
    digests; a dict's key order does not count, a list's order does."""
    if message._cached_fingerprint is None:
        digest = hashlib.sha256()
        _digest_into(digest, [message.data, message.features])
        message._cached_fingerprint = digest.hexdigest()
    return str(message._cached_fingerprint)


def _digest_into(digest: Any, value: Any) -> None:
    """Each value typed and delimited, so no two different contents read alike."""
    if type(value) in PLAIN_VALUES:
        text = repr(value)
        digest.update(f"{type(value).__name__}{len(text)}:{text}".encode())
    elif isinstance(value, dict):
        digest.update(b"{")
        for key, item in sorted(value.items(), key=lambda pair: repr(pair[0])):
            _digest_into(digest, key)
            _digest_into(digest, item)
        digest.update(b"}")
    elif isinstance(value, list):
        digest.update(b"[")
        for item in value:
            _digest_into(digest, item)
        digest.update(b"]")
    elif callable(getattr(value, "fingerprint", None)):
        digest.update(f"F:{value.fingerprint()};".encode())
    else:  # as Rasa does: a spaCy Doc counts as its text
        text = str(value)
        digest.update(f"S{len(text)}:{text}".encode())


def command(*options: str) -> list[str]:
    """The command line `make train` runs, with rasa train's OPTIONS."""
    return [sys.executable, "-m", "spine_assistant.train", *options]


def without_finetuning(options: list[str]) -> list[str]:
    """The options with `--finetune` and the model path that may follow it taken out."""
    if FINETUNE not in options:
        return options
    at = options.index(FINETUNE)
    takes_path = at + 1 < len(options) and not options[at + 1].startswith("-")
    return options[:at] + options[at + (2 if takes_path else 1) :]


def main() -> None:
    import skops.io  # noqa: F401, I001 (before rasa, see the module docstring)
    import rasa.__main__

    options = sys.argv[1:]
    install()
    sys.argv = ["rasa", "train", "--skip-validation", *options]
    try:
        rasa.__main__.main()
    except SystemExit as stop:
        if FINETUNE not in options or stop.code in (0, None):
            raise
        print("Finetuning the last model was refused: training from scratch.", flush=True)
        sys.exit(subprocess.run(command(*without_finetuning(options))).returncode)


if __name__ == "__main__":
    main()
