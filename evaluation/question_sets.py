"""The labelled question sets the assistant is scored on, and the training examples.

Three kinds of data are kept apart:
- training data: data/nlu/ (and the generated knowledge), the only thing trained on;
- the validation set: tests/nlu/validation*.yml, free to tune on (thresholds, which kinds
  of training data are missing), so its figures are optimistic;
- the blind test set: tests/nlu/blind_test.yml, written by a helper who saw only the
  source page and the topic titles, only ever scored (never read for training phrases).
  tests/unit/test_question_sets.py fails if a blind message or a near-duplicate of one is in
  the training data or the validation set.

Each message says what a correct reply is (`expect`), which topics' answers are right,
and what kind of message it is (shorthand, long, red-flag mention, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from spine_assistant.knowledge.paths import PROJECT_ROOT

SETS_DIR = PROJECT_ROOT / "tests" / "nlu"
VALIDATION_FILES = (
    SETS_DIR / "validation.yml",
    SETS_DIR / "validation_earlier.yml",
    SETS_DIR / "validation_safety.yml",
    SETS_DIR / "validation_safety_probe.yml",
    SETS_DIR / "validation_safety_probe2.yml",
    SETS_DIR / "validation_safety_probe3.yml",
    SETS_DIR / "validation_safety_probe4.yml",
    SETS_DIR / "validation_safety_probe5.yml",
    SETS_DIR / "validation_safety_probe6.yml",
    SETS_DIR / "validation_safety_probe7.yml",
    SETS_DIR / "validation_safety_probe8.yml",
    SETS_DIR / "validation_safety_probe9.yml",
    SETS_DIR / "validation_safety_probe10.yml",
    SETS_DIR / "validation_safety_probe11.yml",
    SETS_DIR / "validation_safety_probe12.yml",
    SETS_DIR / "validation_safety_probe13.yml",
    SETS_DIR / "validation_safety_probe14.yml",
    SETS_DIR / "validation_safety_probe15.yml",
    SETS_DIR / "validation_safety_probe16.yml",
    SETS_DIR / "validation_safety_probe17.yml",
    SETS_DIR / "validation_safety_probe18.yml",
    SETS_DIR / "validation_safety_probe19.yml",
    SETS_DIR / "validation_safety_probe20.yml",
    SETS_DIR / "validation_safety_probe21.yml",
    SETS_DIR / "validation_safety_probe22.yml",
    SETS_DIR / "validation_answerability_probe.yml",
    SETS_DIR / "validation_answerability_probe2.yml",
    SETS_DIR / "validation_understanding_probe.yml",
    SETS_DIR / "validation_understanding_probe2.yml",
    SETS_DIR / "validation_understanding_probe3.yml",
    SETS_DIR / "validation_understanding_probe4.yml",
    SETS_DIR / "validation_shorthand_probe.yml",
    SETS_DIR / "validation_mention_probe.yml",
    SETS_DIR / "validation_symptom_question_probe.yml",
    SETS_DIR / "validation_emergency_question_probe.yml",
    SETS_DIR / "validation_mechanism_probe.yml",
    SETS_DIR / "validation_why_how_probe.yml",
    SETS_DIR / "validation_reason_probe.yml",
    SETS_DIR / "validation_relayed_probe.yml",
    SETS_DIR / "validation_relayed_probe2.yml",
    SETS_DIR / "validation_relayed_probe3.yml",
    SETS_DIR / "validation_conversation_probe.yml",
    SETS_DIR / "validation_mixed_probe.yml",
)
BLIND_TEST_FILE = SETS_DIR / "blind_test.yml"
TRAINING_DIR = PROJECT_ROOT / "data" / "nlu"

EXPECTATIONS = frozenset(
    {"answer", "not_on_page", "personal_advice", "emergency", "smalltalk", "ask_source"}
)
SMALLTALK_INTENTS = frozenset(
    {"greet", "goodbye", "thank", "bot_challenge", "help", "affirm", "deny", "express_feelings"}
)
RED_FLAG_MENTION = "red_flag_mention"


@dataclass(frozen=True)
class LabelledMessage:
    text: str
    expect: str
    topics: tuple[str, ...] = ()
    smalltalk: str | None = None
    voice: str = "other"
    kinds: frozenset[str] = frozenset()

    @property
    def is_red_flag_mention(self) -> bool:
        return RED_FLAG_MENTION in self.kinds


def _message(raw: dict[str, object], source: Path) -> LabelledMessage:
    expect = str(raw["expect"])
    if expect not in EXPECTATIONS:
        raise ValueError(f"{source}: unknown expect {expect!r} for {raw['text']!r}")
    topics = tuple(str(topic) for topic in raw.get("topics") or [])  # type: ignore[attr-defined]
    if (expect == "answer") != bool(topics):
        raise ValueError(f"{source}: answers need topics, others none: {raw['text']!r}")
    smalltalk = raw.get("smalltalk")
    if (expect == "smalltalk") != (smalltalk in SMALLTALK_INTENTS):
        raise ValueError(f"{source}: smalltalk needs a smalltalk intent: {raw['text']!r}")
    return LabelledMessage(
        text=str(raw["text"]).strip(),
        expect=expect,
        topics=topics,
        smalltalk=str(smalltalk) if smalltalk else None,
        voice=str(raw.get("voice") or "other"),
        kinds=frozenset(str(kind) for kind in raw.get("kinds") or []),  # type: ignore[attr-defined]
    )


@cache
def load_set(path: Path) -> tuple[LabelledMessage, ...]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(_message(item, path) for item in raw["messages"])


def validation_set() -> tuple[LabelledMessage, ...]:
    return tuple(message for path in VALIDATION_FILES for message in load_set(path))


def blind_test_set() -> tuple[LabelledMessage, ...]:
    return load_set(BLIND_TEST_FILE)


def read_nlu_examples(path: Path) -> list[tuple[str, str]]:
    """(text, intent) pairs from a Rasa NLU YAML file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pairs = []
    for block in data.get("nlu", []):
        if "intent" not in block:
            continue
        for line in block["examples"].splitlines():
            text = line.strip()
            if text.startswith("- "):
                pairs.append((text[2:].strip(), str(block["intent"])))
    return pairs


def training_examples(folder: Path = TRAINING_DIR) -> list[tuple[str, str]]:
    return [pair for path in sorted(folder.glob("*.yml")) for pair in read_nlu_examples(path)]
