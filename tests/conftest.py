"""Fixtures every tier shares: rasa-sdk trackers and dispatchers, the knowledge, the
spaCy pipeline, the trained model. Each tier (unit/, model/, e2e/) adds its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import settings
from rasa.shared.core.domain import Domain
from rasa.shared.importers.importer import TrainingDataImporter
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from spine_assistant.components.question_kinds import QuestionReader
from spine_assistant.knowledge import Knowledge, Lexicon, load_knowledge, load_lexicon
from spine_assistant.knowledge.paths import MODEL, PROJECT_ROOT

SPACY_PIPELINE = PROJECT_ROOT / "build" / "spacy" / "en_spine_assistant"

# Property tests check behaviour, never speed: Hypothesis's default 200 ms deadline per
# example failed a clean CI run on a shared 2-core machine (one example took 401 ms once)
settings.register_profile("no_deadline", deadline=None)
settings.load_profile("no_deadline")


def make_tracker(
    intent: str = "greet",
    slots: dict[str, Any] | None = None,
    ranking: list[dict[str, Any]] | None = None,
    text: str = "",
) -> Tracker:
    """A tracker whose latest user message has this intent, ranking and slots."""
    latest_message = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "intent_ranking": ranking or [],
        "entities": [],
    }
    return Tracker(
        sender_id="test-user",
        slots=slots or {},
        latest_message=latest_message,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge()


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return load_lexicon()


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def project_importer() -> TrainingDataImporter:
    """The importers exactly as config.yml combines them for rasa train and validate."""
    return TrainingDataImporter.load_from_config(
        str(PROJECT_ROOT / "config.yml"),
        str(PROJECT_ROOT / "domain.yml"),
        [str(PROJECT_ROOT / "data")],
    )


@pytest.fixture(scope="session")
def project_domain(project_importer: TrainingDataImporter) -> Domain:
    """The domain the model is trained with: domain.yml plus the generated knowledge."""
    return project_importer.get_domain()


@pytest.fixture(scope="session")
def nlp() -> Any:
    """The project's spaCy pipeline, as Rasa's SpacyNLP loads it."""
    import spacy

    if not (SPACY_PIPELINE / "meta.json").exists():
        pytest.fail("spaCy pipeline missing: run `make spacy` (make test builds it)")
    return spacy.load(SPACY_PIPELINE, disable=["parser"])


@pytest.fixture(scope="session")
def reader(knowledge: Knowledge, lexicon: Lexicon, nlp: Any) -> QuestionReader:
    """The question-kind cues, tokenised by the project's pipeline as training does."""
    return QuestionReader.build(
        knowledge, lexicon, lambda text: [t.lower_ for t in nlp.make_doc(text)]
    )


@pytest.fixture(scope="session")
def trained_model() -> Path:
    if not MODEL.exists():
        pytest.fail("trained model missing: run `make train` (make test trains it)")
    return MODEL


RESULTS_DIR = PROJECT_ROOT / "results"
