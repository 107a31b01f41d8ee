"""Shared fixtures: rasa-sdk trackers and dispatchers, the knowledge, the spaCy pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.importers.importer import TrainingDataImporter
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from evaluation.servers import RunningAssistant, free_port, running_assistant
from knowledge import Knowledge, Lexicon, load_knowledge, load_lexicon
from knowledge.paths import PROJECT_ROOT
from website.static_server import WEB_DIST, serving_web

SPACY_PIPELINE = PROJECT_ROOT / "build" / "spacy" / "en_spine_assistant"
MODEL = PROJECT_ROOT / "models" / "spine.tar.gz"


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
def trained_model() -> Path:
    if not MODEL.exists():
        pytest.fail("trained model missing: run `make train` (make test trains it)")
    return MODEL


# Fragments that sit between topics. Which of them a model sends to "Did you mean"
# changes with every retraining, so the tests that need one ask the model first.
UNCLEAR_CANDIDATES = [
    "spine",
    "spine tumour",
    "tumour spine what",
    "scan or surgery",
    "biopsy scan",
    "keyhole biopsy",
    "treatment or cure",
    "risk complications",
    "mri ct",
    "back spine",
    "tumour",
    "bones",
]


@pytest.fixture(scope="session")
def unclear_fragment(trained_model: Path) -> str:
    """A fragment the trained model answers with "Did you mean …?" buttons."""
    from evaluation.predict import parse_all
    from evaluation.scoring import reply_for

    knowledge = load_knowledge()
    parses = parse_all(trained_model, UNCLEAR_CANDIDATES).parses
    for text, parsed in zip(UNCLEAR_CANDIDATES, parses, strict=True):
        if reply_for(parsed, knowledge).kind == "did_you_mean":
            return text
    pytest.fail(f"the model asks 'Did you mean' for none of {UNCLEAR_CANDIDATES}; add fragments")


RESULTS_DIR = PROJECT_ROOT / "results"
NLU_SUMMARY = RESULTS_DIR / "nlu_blind_and_validation.txt"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Show the blind-set and validation figures in the test output (CI logs keep them)."""
    if NLU_SUMMARY.exists():
        terminalreporter.section("NLU evaluation: blind test set and validation set")
        terminalreporter.write_line(NLU_SUMMARY.read_text(encoding="utf-8"))


@dataclass
class Website:
    """The demo page served with the widget, talking to the real assistant."""

    page_url: str
    origin: str
    assistant_url: str


@pytest.fixture(scope="session")
def website(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Website]:
    """Real action server + Rasa server (allowing only the page's origin) + the static
    server for web/dist, all on free loopback ports."""
    if not (WEB_DIST / "widget.js").exists():
        pytest.fail("web/dist is not built: run `make web` (make test builds it)")
    web_port = free_port()
    origin = f"http://127.0.0.1:{web_port}"
    workdir = tmp_path_factory.mktemp("website")
    with (
        running_assistant(trained_model, workdir, cors_origins=[origin]) as assistant,
        serving_web(web_port, assistant.url) as page_url,
    ):
        yield Website(page_url=page_url, origin=origin, assistant_url=assistant.url)


ALLOWED_ORIGIN = "https://clinic.example"


@pytest.fixture(scope="session")
def api_token() -> str:
    """A fresh token per test run, as RASA_API_TOKEN would be in production."""
    import secrets

    return secrets.token_hex(16)


@pytest.fixture(scope="session")
def hardened_assistant(
    trained_model: Path, tmp_path_factory: pytest.TempPathFactory, api_token: str
) -> Iterator[RunningAssistant]:
    """The real servers as deployed: HTTP API behind a token, one allowed web origin."""
    with running_assistant(
        trained_model,
        tmp_path_factory.mktemp("hardened"),
        api_token=api_token,
        extra_env={"CORS_ORIGINS": ALLOWED_ORIGIN},
    ) as running:
        yield running
