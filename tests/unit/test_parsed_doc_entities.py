"""The entities read from SpacyNLP's doc are those of Rasa's SpacyEntityExtractor."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.nlu.extractors.spacy_entity_extractor import SpacyEntityExtractor
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from spine_assistant.components.parsed_doc_entities import ParsedDocEntityExtractor
from tests.conftest import SPACY_PIPELINE

DIMENSIONS = ["cancer_type", "syndrome", "symptom", "test", "spine_region"]
TEXTS = [
    "Does Kidney Cancer spread to the spine?",
    "MSCC in the lumbar spine with myeloma, what does an MRI show?",
    "cancer of the gullet, BLOOD CANCER or lymphoma: which spread to the Thoracic spine?",
    "numbness and weakness in my legs, do I need a CT scan or a biopsy?",
    "İstanbul clinic says breast cancer spread to the neck",  # lower() adds a character
    "what is the weather like today",
    "",
]


@pytest.fixture(scope="module")
def model() -> SpacyModel:
    return SpacyNLP.load_model(str(SPACY_PIPELINE))


@pytest.fixture(scope="module")
def spacy_nlp() -> SpacyNLP:
    config = {**SpacyNLP.get_default_config(), "model": str(SPACY_PIPELINE)}
    return SpacyNLP.create(config, None, None, None)  # type: ignore[arg-type]


class CountingNlp:
    """The spaCy pipeline, counting the texts it is asked to parse."""

    def __init__(self, nlp: Any) -> None:
        self.nlp, self.calls = nlp, 0

    def __call__(self, text: str) -> Any:
        self.calls += 1
        return self.nlp(text)


def entities(
    spacy_nlp: SpacyNLP, extractor: Any, model: SpacyModel, text: str
) -> tuple[list[dict[str, Any]], int]:
    """The entities EXTRACTOR adds after SpacyNLP, and how often it ran spaCy again."""
    message = Message(data={TEXT: text})
    spacy_nlp.process([message], model)
    counting = CountingNlp(model.model)
    extractor.process([message], SpacyModel(model=counting, model_name=model.model_name))
    found = [{k: v for k, v in e.items() if k != "extractor"} for e in message.get(ENTITIES, [])]
    return found, counting.calls


@pytest.mark.parametrize("text", TEXTS)
def test_the_entities_are_rasas_without_parsing_again(
    spacy_nlp: SpacyNLP, model: SpacyModel, text: str
) -> None:
    context = ExecutionContext(GraphSchema({}), "test")
    config = {**SpacyEntityExtractor.get_default_config(), "dimensions": DIMENSIONS}
    rasas = SpacyEntityExtractor.create(config, None, None, context)  # type: ignore[arg-type]
    ours = ParsedDocEntityExtractor.create(config, None, None, context)  # type: ignore[arg-type]
    expected, _ = entities(spacy_nlp, rasas, model, text)
    found, parsed_again = entities(spacy_nlp, ours, model, text)
    assert found == expected
    # only an empty text (SpacyNLP keeps no doc) or one whose lower-case form is
    # longer takes Rasa's path
    assert parsed_again == (not text or len(text.lower()) != len(text))
    if "Kidney" in text or "İstanbul" in text:
        assert expected, "the case should find an entity, or it checks nothing"
