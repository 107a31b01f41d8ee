"""The project's NLU training examples (data/nlu/*.yml), read as Rasa reads them, so
entity annotations ("[myeloma](cancer_type)") compare as the plain text a visitor types."""

from __future__ import annotations

from pathlib import Path

from rasa.shared.nlu.training_data.loading import load_data

from spine_assistant.knowledge.paths import PROJECT_ROOT

TRAINING_DIR = PROJECT_ROOT / "data" / "nlu"


def examples_of(path: Path) -> list[tuple[str, str]]:
    """(text, intent) of every intent example in one NLU file."""
    return [
        (str(message.get("text")), str(message.get("intent")))
        for message in load_data(str(path)).intent_examples
    ]


def training_examples(folder: Path = TRAINING_DIR) -> list[tuple[str, str]]:
    return [pair for path in sorted(folder.glob("*.yml")) for pair in examples_of(path)]
