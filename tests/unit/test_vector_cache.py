"""A retrain encodes only the texts it has not encoded before, and gets the same vectors."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from spine_assistant.components.vector_cache import VectorCache, Vectors


class CountingEncoder:
    """Vectors made from the text's length, counting what it was asked to encode."""

    def __init__(self) -> None:
        self.encoded: list[str] = []

    def __call__(self, texts: list[str]) -> Vectors:
        self.encoded += texts
        return np.array([[len(text), 1.0, 0.5] for text in texts], dtype=np.float32).reshape(
            len(texts), 3
        )


def test_only_new_texts_are_encoded_and_the_vectors_are_the_same(tmp_path: Path) -> None:
    first, second = CountingEncoder(), CountingEncoder()
    cache = VectorCache(tmp_path, "ab" * 32)
    before = cache.encode(["what is it", "which scan"], first)
    after = cache.encode(["which scan", "a new line", "what is it"], second)
    assert second.encoded == ["a new line"]
    assert np.array_equal(after[[2, 0]], before)
    assert np.array_equal(after[1], first(["a new line"])[0])


def test_another_encoder_does_not_read_these_vectors(tmp_path: Path) -> None:
    VectorCache(tmp_path, "ab" * 32).encode(["what is it"], CountingEncoder())
    other = CountingEncoder()
    VectorCache(tmp_path, "cd" * 32).encode(["what is it"], other)
    assert other.encoded == ["what is it"]


def test_a_damaged_file_is_encoded_afresh_and_replaced(tmp_path: Path) -> None:
    cache = VectorCache(tmp_path, "ab" * 32)
    cache.path.write_bytes(b"not a numpy file")
    encoder = CountingEncoder()
    cache.encode(["what is it"], encoder)
    assert encoder.encoded == ["what is it"]
    again = CountingEncoder()
    cache.encode(["what is it"], again)
    assert again.encoded == []


def test_only_the_latest_trainings_texts_are_kept(tmp_path: Path) -> None:
    cache = VectorCache(tmp_path, "ab" * 32)
    cache.encode(["old line"], CountingEncoder())
    cache.encode(["new line"], CountingEncoder())
    encoder = CountingEncoder()
    cache.encode(["old line"], encoder)
    assert encoder.encoded == ["old line"]
    assert list(tmp_path.iterdir()) == [cache.path]


def test_a_cut_off_file_is_encoded_afresh(tmp_path: Path) -> None:
    cache = VectorCache(tmp_path, "ab" * 32)
    cache.encode(["what is it", "which scan"], CountingEncoder())
    cache.path.write_bytes(cache.path.read_bytes()[:100])
    encoder = CountingEncoder()
    cache.encode(["what is it"], encoder)
    assert encoder.encoded == ["what is it"]
