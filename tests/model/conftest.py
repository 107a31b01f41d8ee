"""The model tier: the trained model scored without servers (blind and validation sets,
test stories). Its figures are shown at the end of the test output."""

from __future__ import annotations

from typing import Any

from tests.conftest import RESULTS_DIR

NLU_SUMMARY = RESULTS_DIR / "nlu_blind_and_validation.txt"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Show the blind-set and validation figures in the test output (CI logs keep them)."""
    if NLU_SUMMARY.exists():
        terminalreporter.section("NLU evaluation: blind test set and validation set")
        terminalreporter.write_line(NLU_SUMMARY.read_text(encoding="utf-8"))
