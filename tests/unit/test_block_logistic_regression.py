"""The block-matrix training fits what Rasa's logistic regression fits, only faster."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import (
    FEATURE_TYPE_SENTENCE,
    FEATURE_TYPE_SEQUENCE,
    INTENT,
    INTENT_RANKING_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import coo_matrix, csr_matrix, hstack
from scipy.sparse import random as sparse_random
from sklearn.linear_model import LogisticRegression

from spine_assistant.components.block_logistic_regression import (
    BlockLogisticRegressionClassifier,
    BlockMatrix,
    fit_on_blocks,
    sentence_blocks,
    sparse_product,
    warm_start,
)


def problem(rows: int = 240, classes: int = 5) -> tuple[csr_matrix, np.ndarray, np.ndarray]:
    """Counts and vectors that carry the class, as the project's features do."""
    rng = np.random.default_rng(7)
    labels = np.array([f"intent_{i % classes}" for i in range(rows)])
    counts = sparse_random(rows, 60, density=0.08, random_state=7, format="csr")
    vectors = rng.normal(size=(rows, 12))
    vectors[:, :classes] += np.eye(classes)[[int(label[-1]) for label in labels]] * 2
    return counts, vectors, labels


def test_products_equal_those_of_the_stacked_matrix() -> None:
    counts, vectors, _ = problem()
    blocks, stacked = BlockMatrix(counts, vectors), hstack([counts, csr_matrix(vectors)]).tocsr()
    weights = np.random.default_rng(1).normal(size=(stacked.shape[1], 4))
    residuals = np.random.default_rng(2).normal(size=(stacked.shape[0], 4))
    assert blocks.shape == stacked.shape
    np.testing.assert_allclose(blocks @ weights, stacked @ weights, atol=1e-12)
    np.testing.assert_allclose(
        blocks.transposed_product(residuals), stacked.T @ residuals, atol=1e-12
    )


def test_products_on_several_threads_are_those_on_one_to_the_bit() -> None:
    counts, vectors, _ = problem()
    weights = np.random.default_rng(1).normal(size=(counts.shape[1] + vectors.shape[1], 4))
    residuals = np.random.default_rng(2).normal(size=(counts.shape[0], 4))
    one, several = BlockMatrix(counts, vectors, bands=1), BlockMatrix(counts, vectors, bands=3)
    assert np.array_equal(one @ weights, several @ weights)
    assert np.array_equal(one.transposed_product(residuals), several.transposed_product(residuals))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("max_iter", [15, 300])
def test_the_fit_equals_logistic_regression_on_the_stacked_matrix(max_iter: int) -> None:
    counts, vectors, labels = problem()
    settings = {"solver": "lbfgs", "class_weight": "balanced", "random_state": 42, "tol": 1e-4}
    expected = LogisticRegression(max_iter=max_iter, **settings).fit(
        hstack([counts, csr_matrix(vectors)]).tocsr(), labels
    )
    fitted = LogisticRegression(max_iter=max_iter, **settings)
    fit_on_blocks(fitted, BlockMatrix(counts, vectors), labels)

    assert list(fitted.classes_) == list(expected.classes_)
    np.testing.assert_allclose(fitted.coef_, expected.coef_, atol=1e-6)
    np.testing.assert_allclose(fitted.intercept_, expected.intercept_, atol=1e-6)
    assert fitted.n_iter_.tolist() == expected.n_iter_.tolist()
    stacked = hstack([counts, csr_matrix(vectors)]).tocsr()
    np.testing.assert_allclose(
        fitted.predict_proba(stacked), expected.predict_proba(stacked), atol=1e-6
    )


def featurised(text: str, counts: csr_matrix, vector: np.ndarray, intent: str) -> Message:
    message = Message(data={TEXT: text, INTENT: intent})
    message.add_features(Features(counts, FEATURE_TYPE_SENTENCE, TEXT, "counts"))
    message.add_features(Features(vector.reshape(1, -1), FEATURE_TYPE_SENTENCE, TEXT, "vectors"))
    return message


def test_the_component_trains_saves_and_predicts_as_rasas(tmp_path: Path) -> None:
    counts, vectors, labels = problem(rows=120, classes=3)
    messages = [
        featurised(f"message {i}", counts[i], vectors[i], labels[i]) for i in range(len(labels))
    ]
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    trained = {}
    for component_class in (LogisticRegressionClassifier, BlockLogisticRegressionClassifier):
        config = {**component_class.get_default_config(), "max_iter": 300}
        resource = Resource(component_class.__name__)
        component = component_class.create(config, storage, resource, context)
        component.train(TrainingData(messages))
        loaded = component_class.load(config, storage, resource, context)
        fresh = [featurised("again", counts[i], vectors[i], labels[i]) for i in range(10)]
        trained[component_class.__name__] = loaded.process(fresh)

    for rasas, ours in zip(*trained.values(), strict=True):
        assert ours.get(INTENT)["name"] == rasas.get(INTENT)["name"]
        assert ours.get(INTENT)["confidence"] == pytest.approx(
            rasas.get(INTENT)["confidence"], abs=1e-6
        )


def trained(
    tmp_path: Path, messages: list[Message], **config: Any
) -> BlockLogisticRegressionClassifier:
    """The component created and trained as Rasa's graph does, CONFIG over its defaults."""
    component = BlockLogisticRegressionClassifier.create(
        {**BlockLogisticRegressionClassifier.get_default_config(), **config},
        LocalModelStorage(tmp_path),
        Resource("classifier"),
        ExecutionContext(GraphSchema({}), "test"),
    )
    component.train(TrainingData(messages))
    return component


def test_a_message_without_features_gets_no_intent_as_from_diet(tmp_path: Path) -> None:
    counts, vectors, labels = problem(rows=60, classes=3)
    classifier = trained(
        tmp_path,
        [featurised(f"m {i}", counts[i], vectors[i], labels[i]) for i in range(len(labels))],
    )
    blank = Message(data={TEXT: "   "})
    classifier.process([blank])
    assert blank.get(INTENT) == {"name": None, "confidence": 0.0}
    assert blank.get(INTENT_RANKING_KEY) == []


def test_fewer_than_three_intents_are_left_to_rasas_training(tmp_path: Path) -> None:
    counts, vectors, labels = problem(rows=40, classes=2)
    messages = [featurised("m", counts[i], vectors[i], labels[i]) for i in range(len(labels))]
    component = trained(tmp_path, messages)
    assert list(component.clf.classes_) == ["intent_0", "intent_1"]
    assert component.clf.coef_.shape == (1, 72)


def featurised_in_blocks(counts: csr_matrix, vector: np.ndarray, intent: str) -> Message:
    """As the pipeline featurises: several sparse featurizers, sequence features too."""
    message = Message(data={TEXT: "text", INTENT: intent})
    for name, columns in (("words", slice(0, 25)), ("chars", slice(25, None))):
        block = counts[:, columns].tocoo()
        message.add_features(Features(block, FEATURE_TYPE_SEQUENCE, TEXT, name))
        message.add_features(Features(block, FEATURE_TYPE_SENTENCE, TEXT, name))
    message.add_features(Features(vector.reshape(1, -1), FEATURE_TYPE_SENTENCE, TEXT, "vectors"))
    return message


def test_prediction_block_by_block_gives_rasas_ranking(tmp_path: Path) -> None:
    counts, vectors, labels = problem(rows=120, classes=4)
    messages = [featurised_in_blocks(counts[i], vectors[i], labels[i]) for i in range(120)]
    ours = trained(tmp_path, messages, max_iter=300)

    for i in range(0, 120, 7):
        message = featurised_in_blocks(counts[i], vectors[i], labels[i])
        assert ours._scores(*sentence_blocks(message)) is not None, "not Rasa's path"
        by_block = ours.process([message])[0]
        stacked = LogisticRegressionClassifier.process(
            ours, [featurised_in_blocks(counts[i], vectors[i], labels[i])]
        )[0]
        assert by_block.get(INTENT)["name"] == stacked.get(INTENT)["name"]
        got, expected = by_block.get(INTENT_RANKING_KEY), stacked.get(INTENT_RANKING_KEY)
        assert [e["name"] for e in got] == [e["name"] for e in expected]
        np.testing.assert_allclose(
            [e["confidence"] for e in got], [e["confidence"] for e in expected], atol=1e-12
        )


def test_features_of_another_width_take_rasas_path(tmp_path: Path) -> None:
    counts, vectors, labels = problem(rows=60, classes=3)
    messages = [featurised(f"m {i}", counts[i], vectors[i], labels[i]) for i in range(60)]
    component = trained(tmp_path, messages)
    narrower = featurised("m", counts[0][:, :50], vectors[0], labels[0])
    with pytest.raises(ValueError):  # what Rasa's own prediction does with such a row
        component.process([narrower])


def finetuned(counts: csr_matrix, vectors: np.ndarray, labels: np.ndarray, limit: int) -> Any:
    """A fit on [counts | vectors], then one on the same rows with a new word appended to
    the counts (as Rasa's finetuning appends it), starting from the first."""
    earlier = LogisticRegression(max_iter=300, class_weight="balanced", tol=1e-4)
    fit_on_blocks(earlier, BlockMatrix(counts, vectors, widths=[60, 12]), labels)
    new_word = csr_matrix(np.arange(counts.shape[0]).reshape(-1, 1) % 2, dtype=float)
    wider = hstack([counts, new_word]).tocsr()
    later = LogisticRegression(max_iter=300, class_weight="balanced", tol=1e-4)
    fit_on_blocks(later, BlockMatrix(wider, vectors, widths=[61, 12]), labels, earlier, limit)
    return earlier, later


def test_finetuning_starts_from_the_earlier_coefficients_in_their_columns() -> None:
    counts, vectors, labels = problem()
    earlier, later = finetuned(counts, vectors, labels, limit=0)
    np.testing.assert_array_equal(later.coef_[:, :60], earlier.coef_[:, :60])
    np.testing.assert_array_equal(later.coef_[:, 60], 0.0)  # the new word starts at zero
    np.testing.assert_array_equal(later.coef_[:, 61:], earlier.coef_[:, 60:])
    np.testing.assert_array_equal(later.intercept_, earlier.intercept_)
    assert later.block_widths_.tolist() == [61, 12]


def test_finetuning_iterates_at_most_its_own_limit() -> None:
    counts, vectors, labels = problem()
    _, later = finetuned(counts, vectors, labels, limit=4)
    assert 0 < later.n_iter_[0] <= 4


def test_other_intents_or_narrower_blocks_start_from_zero() -> None:
    counts, vectors, labels = problem()
    earlier = LogisticRegression(max_iter=50, class_weight="balanced")
    fit_on_blocks(earlier, BlockMatrix(counts, vectors, widths=[60, 12]), labels)
    start = np.zeros((73, 5))
    assert warm_start(start, earlier, [60, 12], earlier.classes_)
    assert not warm_start(np.zeros((73, 5)), earlier, [59, 13], earlier.classes_)
    assert not warm_start(np.zeros((73, 5)), earlier, [60, 12], earlier.classes_[::-1])
    assert not warm_start(np.zeros((73, 5)), LogisticRegression(), [60, 12], earlier.classes_)


@pytest.mark.parametrize(
    "block",
    [
        coo_matrix(([2.0, 1.0, 3.0], ([0, 0, 0], [4, 1, 4])), shape=(1, 6)),  # 4 twice
        coo_matrix((1, 6)),  # no word the vocabulary knows
        coo_matrix(([1.0, 5.0], ([0, 2], [0, 5])), shape=(3, 6)),  # several rows
        csr_matrix([[0.0, 1.0, 0.0, 0.0, 2.0, 0.0]]),
    ],
)
def test_a_sparse_block_times_coefficients_is_scipys_product(block: Any) -> None:
    rows = np.random.default_rng(3).normal(size=(6, 4))
    np.testing.assert_allclose(sparse_product(block, rows), block.toarray() @ rows, atol=1e-12)
    assert sparse_product(block, rows).shape == (block.shape[0], 4)
