"""all-MiniLM-L6-v2 on ONNX Runtime gives sentence-transformers' own vectors, from checked
weights."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from spine_assistant.components import sentence_encoder
from spine_assistant.components.sentence_encoder import (
    BATCH_ON_ALL_CORES,
    DEFAULT_MODEL_DIR,
    GRAPH_PREFIX,
    EncoderWeightsError,
    SentenceEncoder,
    graph_file,
    load_encoder,
)
from spine_assistant.components.sentence_featurizer import SentenceEmbeddingFeaturizer
from spine_assistant.knowledge.paths import PROJECT_ROOT

REFERENCE = Path(__file__).parent / "data" / "minilm_reference_vectors.json"
MODEL_DIR = PROJECT_ROOT / DEFAULT_MODEL_DIR


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    if not (MODEL_DIR / "model.safetensors").exists():
        pytest.fail("sentence encoder missing: run `make encoder` (make test installs it)")
    return load_encoder(MODEL_DIR)


def test_vectors_match_sentence_transformers(encoder: SentenceEncoder) -> None:
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    vectors = encoder.encode(reference["texts"])
    expected = np.array(reference["vectors"])
    cosine = (vectors * expected).sum(axis=1)
    assert cosine.min() > 0.9999, cosine
    assert np.abs(vectors - expected).max() < 1e-4


def test_a_message_gets_the_same_vector_alone_or_in_a_batch(encoder: SentenceEncoder) -> None:
    """Alone it runs on one thread; a batch this large, padded, on every core."""
    texts = ["hi", "which cancers spread to the spine and why do they go there?"]
    texts += [f"question {n} about spinal metastases" for n in range(BATCH_ON_ALL_CORES)]
    alone = np.vstack([encoder.encode([text]) for text in texts])
    assert np.allclose(alone, encoder.encode(texts), atol=1e-5)


def test_similar_questions_are_closer_than_unrelated_ones(encoder: SentenceEncoder) -> None:
    spine, backbone, weather = encoder.encode(
        [
            "what cancers spread to the spine",
            "which cancers tend to wind up in the backbone",
            "will it rain tomorrow",
        ]
    )
    assert spine @ backbone > spine @ weather + 0.3


def model_copy(folder: Path) -> Path:
    """The model folder, its weights linked rather than copied (90 MB)."""
    for name in ("tokenizer.json", "config.json"):
        (folder / name).write_bytes((MODEL_DIR / name).read_bytes())
    (folder / "model.safetensors").symlink_to(MODEL_DIR / "model.safetensors")
    return folder


def test_the_graph_is_built_once_and_replaces_an_older_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = load_encoder(MODEL_DIR).encode(["which scan finds it?"])
    folder = model_copy(tmp_path)
    older = folder / f"{GRAPH_PREFIX}0123456789abcdef.onnx"
    older.write_bytes(b"the graph of an earlier version of the code")
    built = graph_file(folder)
    assert built.is_file() and not older.exists()
    assert [p.name for p in folder.glob("*.onnx*")] == [built.name]  # no partial file left
    assert built.stat().st_mode & 0o777 == 0o644

    def no_rebuild(*args: Any) -> None:
        raise AssertionError("the graph was built again")

    monkeypatch.setattr(sentence_encoder, "bert_graph", no_rebuild)
    assert graph_file(folder) == built
    assert np.allclose(SentenceEncoder.load(folder).encode(["which scan finds it?"]), expected)


@pytest.mark.parametrize("graph_written", [False, True])
def test_altered_weights_are_refused(tmp_path: Path, graph_written: bool) -> None:
    folder = model_copy(tmp_path)
    if graph_written:
        graph_file(folder)
    (folder / "model.safetensors").unlink()
    (folder / "model.safetensors").write_bytes(b"not the weights")
    with pytest.raises(EncoderWeightsError, match="sha256"):
        SentenceEncoder.load(folder)


def test_a_read_only_model_folder_still_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = model_copy(tmp_path)
    written = graph_file

    def read_only(model_dir: Path, digest: str, into: Path | None = None) -> Path:
        if into is None:
            raise PermissionError(f"{model_dir} is read-only")
        return written(model_dir, digest, into)

    monkeypatch.setattr(sentence_encoder, "graph_file", read_only)
    assert SentenceEncoder.load(folder).encode(["hi"]).shape == (1, 384)
    assert not list(folder.glob("*.onnx"))


def test_missing_weights_say_how_to_install_them(tmp_path: Path) -> None:
    with pytest.raises(EncoderWeightsError, match="make encoder"):
        SentenceEncoder.load(tmp_path)


def test_featurizer_adds_one_sentence_vector_per_message(encoder: SentenceEncoder) -> None:
    featurizer = SentenceEmbeddingFeaturizer(SentenceEmbeddingFeaturizer.get_default_config())
    messages = [Message(data={TEXT: "what are the symptoms"}), Message(data={})]
    featurizer.process(messages)
    sequence, sentence = messages[0].get_dense_features(TEXT)
    assert sequence is None
    assert sentence is not None and sentence.features.shape == (1, 384)
    assert messages[1].features == []


def test_question_focus_adds_the_asking_sentences_vector(
    encoder: SentenceEncoder, nlp: Any
) -> None:
    """Each distinct text is encoded once; every message still gets its own two vectors."""
    config = {**SentenceEmbeddingFeaturizer.get_default_config(), "question_focus": True}
    featurizer = SentenceEmbeddingFeaturizer(config)
    texts = ["my dad is well. what is a biopsy?", "what is a biopsy?", "what is a biopsy?"]
    messages = [Message(data={TEXT: text}) for text in texts]
    for message in messages:
        message.set(SPACY_DOCS[TEXT], nlp(message.get(TEXT)))
    featurizer.process(messages)
    vectors = [m.get_dense_features(TEXT)[1].features[0] for m in messages]
    whole, asking = encoder.encode(["my dad is well. what is a biopsy?", "what is a biopsy?"])
    np.testing.assert_allclose(vectors[0], np.hstack([whole, asking]), atol=1e-5)
    for vector in vectors[1:]:
        np.testing.assert_allclose(vector, np.hstack([asking, asking]), atol=1e-5)


@pytest.mark.parametrize("digest", ["", "abc", "g" * 64])
def test_featurizer_config_needs_a_real_digest(digest: str) -> None:
    with pytest.raises(ValueError, match="sha256"):
        SentenceEmbeddingFeaturizer.validate_config({"weights_sha256": digest})


def test_training_reuses_kept_vectors_and_gives_the_chat_time_features(
    encoder: SentenceEncoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = {**SentenceEmbeddingFeaturizer.get_default_config(), "cache_dir": str(tmp_path)}
    featurizer = SentenceEmbeddingFeaturizer(config)
    texts = ["what are the symptoms", "which scan finds it"]

    def trained() -> list[np.ndarray]:
        data = TrainingData([Message(data={TEXT: text}) for text in texts])
        featurizer.process_training_data(data)
        return [m.get_dense_features(TEXT)[1].features[0] for m in data.training_examples]

    first = trained()
    encoded: list[str] = []
    real_encode = featurizer._encoder.encode

    def counting_encode(batch: list[str]) -> np.ndarray:
        encoded.extend(batch)
        return real_encode(batch)

    monkeypatch.setattr(featurizer._encoder, "encode", counting_encode)
    second = trained()
    chat = [Message(data={TEXT: text}) for text in texts]
    featurizer.process(chat)
    assert encoded == texts  # only at chat time: training read them from the cache
    for kept, fresh, live in zip(first, second, chat, strict=True):
        np.testing.assert_array_equal(kept, fresh)
        np.testing.assert_allclose(live.get_dense_features(TEXT)[1].features[0], kept, atol=1e-5)
