"""Sentence vectors kept on disk between trainings, so a retrain encodes only new texts.

Rasa's own cache reuses a component's output only when the whole training data is
unchanged; one new training line makes the featurizer encode every example again
(about a minute on 2 cores). The vectors depend only on the text, the encoder's weights
and its code, so they are kept by those: one file per digest of weights and code,
rewritten atomically (a training interrupted or run twice at once leaves a whole file)
with only the latest training's texts. Only training uses it: a chat message is new.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class VectorCache:
    def __init__(self, folder: Path, encoder_digest: str) -> None:
        self.path = folder / f"all-minilm-l6-v2-{encoder_digest[:16]}.npz"

    def _read(self) -> dict[str, Vectors]:
        try:
            with np.load(self.path, allow_pickle=False) as stored:
                return dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))
        except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):
            return {}  # none yet, or unreadable: encode afresh

    def _write(self, vectors: dict[str, Vectors]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".npz")
        try:
            with os.fdopen(handle, "wb") as file:
                np.savez(
                    file,
                    keys=np.array(list(vectors), dtype="U64"),
                    vectors=np.array(list(vectors.values()), dtype=np.float32),
                )
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def encode(self, texts: Sequence[str], encode: Callable[[list[str]], Vectors]) -> Vectors:
        """The vectors of `texts`, encoding (and keeping) only those not stored yet."""
        if not texts:
            return encode([])
        stored = self._read()
        keys = [_key(text) for text in texts]
        missing = [text for text, key in zip(texts, keys, strict=True) if key not in stored]
        if missing:
            stored.update(zip((_key(text) for text in missing), encode(missing), strict=True))
            # only this training's texts are kept, so the file does not grow without end
            self._write({key: stored[key] for key in keys})
        return np.array([stored[key] for key in keys], dtype=np.float32).reshape(len(texts), -1)
