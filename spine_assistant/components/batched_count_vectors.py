"""Rasa's CountVectorsFeaturizer, with one vectorizer call for many messages.

Rasa's featurizer counts each message apart: two calls into scikit-learn per message
and attribute (its tokens, then its sentence), each with a fixed cost of about 0.1 ms,
and a sparse conversion after each. Over the training data that was 6 of the 7 s the
two featurizers took in a finetuning (issue 15: a data-only retrain in 30 s). Here all
the tokens and sentences of all the messages go through `transform` at once, and each
message's rows are cut from the result (for a chat message, one call instead of two:
0.5–0.6 ms for both featurizers instead of 0.7, docs/decisions.md). The vocabulary,
the training and the features are Rasa's: each message gets the same matrices (values,
coordinates, dtypes and order) as Rasa's own featurizer gives it, which
tests/unit/test_batched_count_vectors.py checks for both analyzers.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.shared.nlu.training_data.message import Message

from spine_assistant.components.base import FingerprintsProjectCode

Rows = list[scipy.sparse.coo_matrix | None]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class BatchedCountVectorsFeaturizer(FingerprintsProjectCode, CountVectorsFeaturizer):
    def process(self, messages: list[Message]) -> list[Message]:
        if self.vectorizers is None:
            return super().process(messages)  # Rasa logs that it is not trained
        features = {
            attribute: self._create_features(
                attribute,
                [
                    self._get_processed_message_tokens_by_attribute(message, attribute)
                    for message in messages
                ],
            )
            for attribute in self._attributes
        }
        # added per message in Rasa's order, so each message's features read alike
        for index, message in enumerate(messages):
            for attribute in self._attributes:
                sequence, sentence = features[attribute]
                self.add_features_to_message(sequence[index], sentence[index], attribute, message)
        return messages

    def _create_features(self, attribute: str, all_tokens: list[list[str]]) -> tuple[Rows, Rows]:
        """Per message, its tokens' rows and its sentence's row, or None without tokens."""
        sequences: Rows = [None] * len(all_tokens)
        sentences: Rows = [None] * len(all_tokens)
        vectorizer = self.vectorizers.get(attribute)
        with_tokens = [index for index, tokens in enumerate(all_tokens) if tokens]
        if not vectorizer or not with_tokens:
            return sequences, sentences
        documents = [token for index in with_tokens for token in all_tokens[index]]
        token_rows = len(documents)
        with_sentence = attribute in DENSE_FEATURIZABLE_ATTRIBUTES
        if with_sentence:
            documents += [" ".join(all_tokens[index]) for index in with_tokens]
        counts = vectorizer.transform(documents)
        counts.sort_indices()
        start = 0
        for position, index in enumerate(with_tokens):
            stop = start + len(all_tokens[index])
            sequences[index] = _rows(counts, start, stop)
            if with_sentence:
                sentences[index] = _rows(counts, token_rows + position, token_rows + position + 1)
            start = stop
        return sequences, sentences


def _rows(counts: scipy.sparse.csr_matrix, start: int, stop: int) -> scipy.sparse.coo_matrix:
    """Rows start..stop of a CSR matrix with sorted indices, as `counts[start:stop].tocoo()`
    gives them, without building the slice."""
    low, high = counts.indptr[start], counts.indptr[stop]
    row = np.repeat(
        np.arange(stop - start, dtype=counts.indices.dtype),
        np.diff(counts.indptr[start : stop + 1]),
    )
    return scipy.sparse.coo_matrix(
        (counts.data[low:high].copy(), (row, counts.indices[low:high].copy())),
        shape=(stop - start, counts.shape[1]),
    )
