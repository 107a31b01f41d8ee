"""The end-to-end tier: real action and Rasa servers on free loopback ports, the demo
page, browsers, load and scale-out."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from spine_assistant.knowledge import load_knowledge
from spine_assistant.knowledge.paths import PROJECT_ROOT
from spine_assistant.serving.isolated import RunningAssistant, running_assistant
from spine_assistant.serving.processes import free_port
from spine_assistant.website.static_server import WEB_DIST, serving_web

CHROMIUM = "/usr/bin/chromium"
# The page's and the hardened servers run as `make serve` runs them on a 2-core machine:
# two Rasa processes behind the front (spine_assistant/serving/front.py), so the load,
# security, feedback, privacy, socket.io and browser tests all go through it.
SERVED_PROCESSES = 2
# The browser tests' screenshots go outside git; `make screenshots` writes the ones the
# README shows to reports/screenshots/ on purpose.
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR") or PROJECT_ROOT / "results" / "screenshots")

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
    "scans",
    "mri or ct",
    "mri or ct for spine mets",
    "cancer spine",
    "cancer back",
    "cure radiotherapy",
    "can radiotherapy cure it",
    "can chemo cure it",
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
        running_assistant(
            trained_model, workdir, cors_origins=[origin], rasa_processes=SERVED_PROCESSES
        ) as assistant,
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
        rasa_processes=SERVED_PROCESSES,
    ) as running:
        yield running
