"""The batched featurizer gives every message exactly the features Rasa's gives it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import ACTION_TEXT, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from spine_assistant.components.batched_count_vectors import BatchedCountVectorsFeaturizer

TRAINING = [
    ("which cancers spread to the spine", "faq_common_cancers"),
    ("what is a biopsy", "faq_biopsy"),
    ("what is a biopsy", "faq_biopsy"),
    ("hello there", "greet"),
    ("is an mri scan safe 2 have", "faq_mri"),
]
# new words, a repeated question, digits, one word, and messages with nothing to count
LATER = [
    "does lymphoma ever spread to the spine 123",
    "what is a biopsy",
    "myeloma",
    "",
    "scan scan scan of the spine?",
]
SETTINGS: list[dict[str, Any]] = [
    {},
    {"analyzer": "char_wb", "min_ngram": 2, "max_ngram": 4},
    {"OOV_token": "oov", "OOV_words": ["hello"]},
]


def messages(texts: list[tuple[str, str | None]]) -> list[Message]:
    built = []
    for text, intent in texts:
        # a message without text has its intent only, as Rasa's dialogue states do
        data: dict[str, Any] = {TEXT: text} if text else {}
        if intent or not text:
            data[INTENT] = intent or "greet"
        built.append(Message(data=data))
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process(built)
    return built


def trained(component: type[CountVectorsFeaturizer], settings: dict[str, Any], folder: Path) -> Any:
    folder.mkdir()
    featurizer = component.create(
        {**component.get_default_config(), **settings},
        LocalModelStorage(folder),
        Resource(component.__name__),
        ExecutionContext(GraphSchema({}), "test"),
    )
    featurizer.train(TrainingData(messages(list(TRAINING))))
    return featurizer


def features(message: Message) -> list[tuple[Any, ...]]:
    """Each feature's kind and matrix as the exact arrays, in the message's order (the
    origin is the featurizer's name in the pipeline)."""
    return [
        (
            feature.type,
            feature.attribute,
            feature.features.shape,
            *(
                (array.dtype.str, array.tolist())
                for array in (feature.features.row, feature.features.col, feature.features.data)
            ),
        )
        for feature in message.features
    ]


@pytest.mark.parametrize("settings", SETTINGS)
def test_training_and_later_messages_get_rasas_features(
    settings: dict[str, Any], tmp_path: Path
) -> None:
    rasas = trained(CountVectorsFeaturizer, settings, tmp_path / "rasa")
    batched = trained(BatchedCountVectorsFeaturizer, settings, tmp_path / "batched")
    expected_training = TrainingData(messages(list(TRAINING)))
    got_training = TrainingData(messages(list(TRAINING)))
    rasas.process_training_data(expected_training)
    batched.process_training_data(got_training)
    later = [(text, None) for text in LATER]
    expected, got = messages(later), messages(later)
    rasas.process(expected)
    batched.process(got)
    pairs = [
        *zip(expected_training.training_examples, got_training.training_examples, strict=True),
        *zip(expected, got, strict=True),
    ]
    assert all(features(want) == features(have) for want, have in pairs)
    assert any(message.features for message in got) and not got[3].get_sparse_features(TEXT)[0]


def test_one_message_at_a_time_matches_many_at_once(tmp_path: Path) -> None:
    batched = trained(BatchedCountVectorsFeaturizer, {}, tmp_path / "batched")
    together = messages([(text, None) for text in LATER])
    batched.process(together)
    for text, want in zip(LATER, together, strict=True):
        alone = messages([(text, None)])
        batched.process(alone)
        assert features(alone[0]) == features(want)


def test_the_sentence_row_counts_every_token_of_the_message(tmp_path: Path) -> None:
    batched = trained(BatchedCountVectorsFeaturizer, {}, tmp_path / "batched")
    message = messages([("scan scan scan of the spine?", None)])[0]
    batched.process([message])
    sequence, sentence = message.get_sparse_features(TEXT)
    assert sequence is not None and sentence is not None
    assert sequence.features.shape[0] == 6 and sentence.features.shape[0] == 1
    assert np.array_equal(sentence.features.toarray()[0], sequence.features.toarray().sum(axis=0))
    assert message.get_sparse_features(ACTION_TEXT) == (None, None)
