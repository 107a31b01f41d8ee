"""Dense sentence features from all-MiniLM-L6-v2, as a Rasa featurizer.

Word-count features only know the words seen in training; a sentence embedding puts
"which cancers tend to wind up in the backbone" near "what cancers spread to the
spine", so the classifier generalises beyond the training phrasings. Only sentence
features are added (no per-token ones): the classifier needs the meaning of the whole
message, and the sparse featurizers already cover tokens.

The encoder reads the message as the project's spaCy pipeline normalised it: the
lexicon's shorthand and misspellings replaced by the page's words ("sx of spinal
mets" → "symptom of spine metastasis"), which a general English model does not know.
With `question_focus`, a second vector encodes only the sentences that ask, so a long
story before the question does not drown it ("My dad … We were told … Which cancers
spread to the spine?"); a message of one sentence gets the same vector twice.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS, SPACY_DOCS
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from spine_assistant.components.base import ProjectComponent
from spine_assistant.components.questions import asking_sentences
from spine_assistant.components.sentence_encoder import (
    DEFAULT_MODEL_DIR,
    WEIGHTS_SHA256,
    SentenceEncoder,
    encoder_digest,
    load_encoder,
)
from spine_assistant.components.vector_cache import VectorCache
from spine_assistant.knowledge.paths import PROJECT_ROOT


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceEmbeddingFeaturizer(ProjectComponent, DenseFeaturizer):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            # relative paths are read from the project root
            "model_dir": str(DEFAULT_MODEL_DIR),
            "weights_sha256": WEIGHTS_SHA256,
            # The vectors have length 1, so each value is tiny next to the word counts
            # of the sparse featurizers; a linear classifier's regularisation then all
            # but ignores them. Scaling lets them weigh as much (chosen on validation).
            "scale": 1.0,
            "question_focus": False,
            # training keeps the vectors here (vector_cache.py); "" encodes every time
            "cache_dir": "build/sentence-cache",
        }

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        digest = str(config.get("weights_sha256", ""))
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(f"weights_sha256 must be a sha256 hex digest, not {digest!r}")

    @staticmethod
    def required_packages() -> list[str]:
        return ["tokenizers", "safetensors"]

    def __init__(self, config: dict[str, Any], *storage: Any) -> None:
        # Rasa's Featurizer keeps the config and names the features after the class
        # (one such featurizer in the pipeline); nothing is stored in the model.
        DenseFeaturizer.__init__(self, type(self).__name__, config)
        model_dir = Path(self._config["model_dir"])
        if not model_dir.is_absolute():
            model_dir = PROJECT_ROOT / model_dir
        # Loaded (and its sha256 checked) when the model is built or loaded, so a
        # missing or altered weight file stops training or start-up, not a chat turn.
        self._encoder: SentenceEncoder = load_encoder(model_dir, self._config["weights_sha256"])

    @staticmethod
    def _texts(message: Message) -> tuple[str, str]:
        """The whole message and the sentences that ask, both normalised."""
        doc = message.get(SPACY_DOCS[TEXT])
        if doc is None:
            return str(message.get(TEXT)), str(message.get(TEXT))

        def normalised(parts: list[Any]) -> str:
            return " ".join("".join(t.norm_ + t.whitespace_ for t in part) for part in parts)

        return normalised(list(doc.sents)), normalised(asking_sentences(doc))

    def process(self, messages: list[Message]) -> list[Message]:
        return self._featurize(messages, self._encoder.encode)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        encode = self._encoder.encode
        if self._config["cache_dir"]:
            # the cached vectors are those of these weights and this forward pass
            digest = encoder_digest(self._config["weights_sha256"])
            cache = VectorCache(PROJECT_ROOT / self._config["cache_dir"], digest)
            encode = partial(cache.encode, encode=self._encoder.encode)
        self._featurize(training_data.training_examples, encode)
        return training_data

    def _featurize(
        self, messages: list[Message], encode: Callable[[list[str]], Any]
    ) -> list[Message]:
        with_text = [message for message in messages if message.get(TEXT)]
        if not with_text:
            return messages
        texts = [self._texts(message) for message in with_text]
        wanted = [whole for whole, _ in texts]
        if self._config["question_focus"]:
            wanted += [asking for _, asking in texts]
        # Most messages are one sentence (both texts the same) and the training data
        # repeats questions, so each distinct text is encoded once.
        distinct = list(dict.fromkeys(wanted))
        row = {text: i for i, text in enumerate(distinct)}
        encoded = encode(distinct)
        vectors = encoded[[row[text] for text, _ in texts]]
        if self._config["question_focus"]:
            vectors = np.hstack([vectors, encoded[[row[text] for _, text in texts]]])
        vectors *= float(self._config["scale"])
        for message, vector in zip(with_text, vectors, strict=True):
            message.add_features(
                Features(
                    vector[None, :],
                    FEATURE_TYPE_SENTENCE,
                    TEXT,
                    self._config[FEATURIZER_CLASS_ALIAS],
                )
            )
        return messages
