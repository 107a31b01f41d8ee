"""`make review-merge`: the owner's decisions in candidates.yml → data/nlu/review_accepted.yml.

Accepted examples are added under their intent, in Rasa's NLU YAML, skipping any that
is already a training example (case and spacing aside, in any data/nlu/*.yml file), any
that copies or nearly copies a test or validation question (leak_guard.py) and any that
looks like a button payload. Nothing is written if a decision is not an intent of the
training data (faq_<topic>, out_of_scope, personal_advice) or `drop`, nor anywhere under
tests/ or evaluation/.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spine_assistant.knowledge.paths import PROJECT_ROOT
from spine_assistant.knowledge.topics import FAQ_INTENT_PREFIX
from spine_assistant.review.candidates import UNDECIDED, read_candidates
from spine_assistant.review.grouping import normalised
from spine_assistant.review.leak_guard import Guard
from spine_assistant.review.nlu_data import TRAINING_DIR, examples_of, training_examples

ACCEPTED_FILE = TRAINING_DIR / "review_accepted.yml"
PROTECTED_DIRS = (PROJECT_ROOT / "tests", PROJECT_ROOT / "evaluation")
DROP = "drop"
REFERRAL_INTENTS = frozenset({"out_of_scope", "personal_advice"})
HEADER = (
    "# Training examples accepted from `make review` (real questions, identifiers masked),\n"
    "# added by `make review-merge`. Edit or delete lines like any other data/nlu file.\n"
)
# "[text](entity)" would be read as an entity annotation
_ANNOTATION = re.compile(r"\](?=[({\[])")


class MergeRefused(ValueError):
    """The candidates file asks for something that must not be merged."""


@dataclass
class MergeResult:
    added: dict[str, list[str]] = field(default_factory=dict)
    already_trained: list[str] = field(default_factory=list)
    like_test_questions: list[str] = field(default_factory=list)
    undecided: int = 0
    dropped: int = 0

    @property
    def added_count(self) -> int:
        return sum(len(texts) for texts in self.added.values())


def _check_destination(path: Path) -> None:
    resolved = path.resolve()
    for folder in PROTECTED_DIRS:
        if resolved.is_relative_to(folder.resolve()):
            raise MergeRefused(f"refusing to write under {folder}: test and evaluation data")


def _clean(text: str) -> str:
    return _ANNOTATION.sub("] ", " ".join(text.split()))


def write_nlu(path: Path, examples: dict[str, list[str]]) -> None:
    """Rasa NLU YAML, version 3.1, one `- intent:` block per intent."""
    lines = [HEADER + 'version: "3.1"', "", "nlu:"]
    for intent in sorted(examples):
        lines += [f"  - intent: {intent}", "    examples: |"]
        lines += [f"      - {text}" for text in examples[intent]]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def merge_candidates(
    candidates_file: Path,
    guard: Guard,
    out_file: Path = ACCEPTED_FILE,
    training_dir: Path = TRAINING_DIR,
) -> MergeResult:
    _check_destination(out_file)
    candidates = read_candidates(candidates_file)
    trained = training_examples(training_dir)
    if out_file.exists() and out_file.parent.resolve() != training_dir.resolve():
        trained += examples_of(out_file)
    intents = {intent for _, intent in trained}
    unknown = [
        f"group {c.group}: {c.decision!r}"
        for c in candidates
        if c.decision not in (UNDECIDED, DROP)
        and (c.decision not in intents or not _trainable(c.decision))
    ]
    if unknown:
        raise MergeRefused(
            "unknown decisions (use faq_<topic> of an existing topic, out_of_scope, "
            "personal_advice, drop or ?): " + "; ".join(unknown)
        )
    result = MergeResult()
    accepted: list[tuple[str, str]] = []
    seen = {normalised(text) for text, _ in trained}
    for candidate in candidates:
        if candidate.decision == UNDECIDED:
            result.undecided += 1
        elif candidate.decision == DROP:
            result.dropped += 1
        else:
            for text in map(_clean, candidate.examples):
                if not text or text.startswith("/") or normalised(text) in seen:
                    result.already_trained.append(text)
                else:
                    seen.add(normalised(text))
                    accepted.append((text, candidate.decision))
    leaking = guard([text for text, _ in accepted]) if accepted else set()
    result.like_test_questions = [text for text, _ in accepted if text in leaking]
    for text, intent in accepted:
        if text not in leaking:
            result.added.setdefault(intent, []).append(text)
    if result.added:
        merged: dict[str, list[str]] = {}
        for text, intent in examples_of(out_file) if out_file.exists() else []:
            merged.setdefault(intent, []).append(text)
        for intent, texts in result.added.items():
            merged.setdefault(intent, []).extend(texts)
        write_nlu(out_file, merged)
    return result


def _trainable(intent: str) -> bool:
    return intent.startswith(FAQ_INTENT_PREFIX) or intent in REFERRAL_INTENTS


def describe(result: MergeResult, out_file: Path) -> Sequence[str]:
    if result.added_count:
        lines = [f"Added {result.added_count} examples to {out_file}:"]
    else:
        lines = [f"Nothing to add to {out_file}."]
    lines += [f"  {intent}: {len(texts)}" for intent, texts in sorted(result.added.items())]
    if result.already_trained:
        lines.append(f"Skipped {len(result.already_trained)} already in the training data.")
    if result.like_test_questions:
        lines.append(
            f"Skipped {len(result.like_test_questions)} too close to a test or validation "
            "question (they must stay out of training)."
        )
    lines.append(f"Groups undecided: {result.undecided}; dropped: {result.dropped}.")
    return lines
