"""botfront's rasa-webchat 1.0.1, the widget many Rasa sites already embed, against the
real assistant in Debian's Chromium (web/tests/webchat.test.mjs): its usual
`initPayload: "/greet"` gets the greeting, an answer shows its "Source: …" line, an
emergency gets the urgent advice. `make webchat` fetches the pinned package."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from rasa.shared.core.domain import Domain

from spine_assistant.knowledge import Knowledge
from spine_assistant.knowledge.paths import PROJECT_ROOT
from tests.e2e.conftest import CHROMIUM, SCREENSHOTS, Website

pytestmark = [pytest.mark.model, pytest.mark.e2e]

BUNDLE = PROJECT_ROOT / "build" / "webchat" / "package" / "lib" / "index.js"
BROWSER_TESTS = PROJECT_ROOT / "web" / "tests" / "webchat.test.mjs"


def test_rasa_webchat_in_a_real_browser(
    website: Website, project_domain: Domain, knowledge: Knowledge
) -> None:
    node = shutil.which("node")
    if node is None or not os.access(CHROMIUM, os.X_OK) or not BUNDLE.exists():
        pytest.fail("node, /usr/bin/chromium and rasa-webchat are needed: run `make test`")
    diagnosis = knowledge.topic("diagnosis")
    result = subprocess.run(
        [node, "--test", "--test-reporter=spec", str(BROWSER_TESTS)],
        cwd=PROJECT_ROOT / "web",
        env={
            **os.environ,
            "WEBCHAT_ORIGIN": website.origin,
            "ASSISTANT_URL": website.assistant_url,
            "WEBCHAT_BUNDLE": str(BUNDLE),
            "GREETING": str(project_domain.responses["utter_greet"][0]["text"]),
            "SOURCE_LINE": knowledge.citation(diagnosis).as_text(),
            "CHROMIUM_PATH": CHROMIUM,
            "SCREENSHOT_DIR": str(SCREENSHOTS),
        },
        capture_output=True,
        text=True,
        timeout=600,
    )
    print(result.stdout)
    assert result.returncode == 0, f"{result.stdout[-12000:]}\n{result.stderr[-4000:]}"
