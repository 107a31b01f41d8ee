"""`rasa test core` on the test stories in tests/stories, failing on any wrong prediction."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from spine_assistant.serving.processes import RASA
from tests.conftest import PROJECT_ROOT, RESULTS_DIR

pytestmark = [pytest.mark.model, pytest.mark.safety]


def test_all_test_stories_pass(trained_model: Path) -> None:
    out = RESULTS_DIR / "core"
    result = subprocess.run(
        [
            str(RASA),
            "test",
            "core",
            "--model",
            str(trained_model),
            "--stories",
            "tests/stories",
            "--fail-on-prediction-errors",
            "--out",
            str(out),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    failed = (out / "failed_test_stories.yml").read_text(encoding="utf-8")
    assert result.returncode == 0, failed + result.stdout[-2000:] + result.stderr[-2000:]
    assert "None of the test stories failed" in failed
