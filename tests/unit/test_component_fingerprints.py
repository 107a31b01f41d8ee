"""Rasa's training cache must not serve an output that older code trained.

`make train` runs without --force unless the spaCy pipeline or the encoder changed, so
every project component's cache key carries a digest of the project's NLU code."""

from __future__ import annotations

import shutil
from pathlib import Path

from spine_assistant.components.answerability import AnswerabilityCheck
from spine_assistant.components.base import PACKAGE_DIR, code_fingerprint
from spine_assistant.components.block_logistic_regression import (
    BlockLogisticRegressionClassifier,
)
from spine_assistant.components.preamble_augmenter import PreambleAugmenter
from spine_assistant.components.shared_spacy import SharedSpacyNLP


def test_a_changed_module_changes_the_code_fingerprint(tmp_path: Path) -> None:
    package = tmp_path / "spine_assistant"
    for folder in ("components", "knowledge"):
        shutil.copytree(PACKAGE_DIR / folder, package / folder)
    before = code_fingerprint(package)
    assert before == code_fingerprint(PACKAGE_DIR)

    module = package / "knowledge" / "lexicon.py"
    module.write_text(module.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert code_fingerprint.__wrapped__(package) != before


def test_every_project_component_gives_rasa_the_code_fingerprint() -> None:
    code = code_fingerprint()
    assert BlockLogisticRegressionClassifier.fingerprint_addon({}) == code
    assert SharedSpacyNLP.fingerprint_addon({}) == code  # its span rulers are project code
    # the components that also read files fold the code's digest into their own
    for component in (AnswerabilityCheck, PreambleAugmenter):
        addon = component.fingerprint_addon({})
        assert addon is not None and addon != code
