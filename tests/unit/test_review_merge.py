"""candidates.yml → data/nlu: the owner's decisions are merged as Rasa NLU data, once,
under intents that exist, never under tests/ or evaluation/, and never a copy of a test
or validation question."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.loading import load_data

from spine_assistant.knowledge.paths import PROJECT_ROOT
from spine_assistant.privacy.conversations import open_tracker_store
from spine_assistant.review.candidates import read_candidates
from spine_assistant.review.merge import MergeRefused, merge_candidates
from spine_assistant.review.nlu_data import TRAINING_DIR, training_examples
from spine_assistant.review.run import review, write_review
from tests.unit.test_review_report import (
    PERIOD,
    TODAY,
    Script,
    at,
    endpoints_for,
    one_group_per_wording,
    save,
)


def no_leaks(texts: Sequence[str]) -> set[str]:
    return set()


@pytest.fixture
def candidates(tmp_path: Path) -> Path:
    """A review's candidates.yml with four groups (one wording each)."""
    endpoints = endpoints_for(tmp_path)
    script = Script(at(4, 9))
    script.refuse("can I drive after spinal surgery", "faq_surgery_goals")
    script.refuse("does proton therapy help my dad", "faq_treatment")
    script.did_you_mean("what does a spine scan show", "faq_mri")
    script.refuse("is the car park free", "faq_definition")
    save(endpoints, {"visitor": script})
    report = review(open_tracker_store(endpoints), PERIOD, TODAY, one_group_per_wording)
    return write_review(report, tmp_path / "review").candidates


def decide(path: Path, decisions: dict[str, str]) -> None:
    """As the owner edits the file: a decision per group, by its first example."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    for group in raw["groups"]:
        group["decision"] = decisions.get(group["examples"][0], "?")
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")


DECISIONS = {
    "can I drive after spinal surgery": "out_of_scope",
    "what does a spine scan show": "faq_mri",
    "does proton therapy help my dad": "drop",
}


def test_merge_round_trip(candidates: Path, tmp_path: Path) -> None:
    decide(candidates, DECISIONS)
    out = tmp_path / "review_accepted.yml"

    result = merge_candidates(candidates, no_leaks, out_file=out)

    assert result.added == {
        "out_of_scope": ["can I drive after spinal surgery"],
        "faq_mri": ["what does a spine scan show"],
    }
    assert (result.undecided, result.dropped) == (1, 1)
    text = out.read_text(encoding="utf-8")
    assert 'version: "3.1"' in text
    assert text.count("- intent: faq_mri") == 1 and text.count("- intent: out_of_scope") == 1
    examples = {(m.get("text"), m.get("intent")) for m in load_data(str(out)).intent_examples}
    assert examples == {
        ("can I drive after spinal surgery", "out_of_scope"),
        ("what does a spine scan show", "faq_mri"),
    }


def test_a_second_merge_adds_nothing(candidates: Path, tmp_path: Path) -> None:
    decide(candidates, DECISIONS)
    out = tmp_path / "review_accepted.yml"
    merge_candidates(candidates, no_leaks, out_file=out)
    before = out.read_text(encoding="utf-8")

    again = merge_candidates(candidates, no_leaks, out_file=out)

    assert again.added == {} and len(again.already_trained) == 2
    assert out.read_text(encoding="utf-8") == before


def test_examples_already_in_the_training_data_are_skipped(
    candidates: Path, tmp_path: Path
) -> None:
    text, intent = next(pair for pair in training_examples(TRAINING_DIR) if pair[1] == "faq_mri")
    raw = yaml.safe_load(candidates.read_text(encoding="utf-8"))
    raw["groups"][0]["examples"] = [f"  {text.upper()} ", "a new wording of it"]
    raw["groups"][0]["decision"] = intent
    candidates.write_text(yaml.safe_dump(raw), encoding="utf-8")

    result = merge_candidates(candidates, no_leaks, out_file=tmp_path / "accepted.yml")

    assert result.added == {intent: ["a new wording of it"]}


@pytest.mark.parametrize("decision", ["faq_no_such_topic", "maybe", "greet_back"])
def test_unknown_decisions_are_refused_and_nothing_written(
    candidates: Path, tmp_path: Path, decision: str
) -> None:
    decide(candidates, {**DECISIONS, "is the car park free": decision})
    out = tmp_path / "review_accepted.yml"

    with pytest.raises(MergeRefused, match=f"group \\d+: '{decision}'"):
        merge_candidates(candidates, no_leaks, out_file=out)
    assert not out.exists()


def test_greetings_are_intents_but_not_review_decisions(candidates: Path, tmp_path: Path) -> None:
    decide(candidates, {"is the car park free": "greet"})
    with pytest.raises(MergeRefused, match="greet"):
        merge_candidates(candidates, no_leaks, out_file=tmp_path / "accepted.yml")


@pytest.mark.parametrize("folder", ["tests/nlu", "evaluation", "tests"])
def test_never_writes_under_tests_or_evaluation(candidates: Path, folder: str) -> None:
    decide(candidates, DECISIONS)
    out = PROJECT_ROOT / folder / "review_accepted.yml"
    with pytest.raises(MergeRefused, match="refusing to write"):
        merge_candidates(candidates, no_leaks, out_file=out)
    assert not out.exists()


def test_lines_like_a_test_question_are_skipped(candidates: Path, tmp_path: Path) -> None:
    decide(candidates, DECISIONS)

    def flags_the_scan(texts: Sequence[str]) -> set[str]:
        return {text for text in texts if "scan" in text}

    result = merge_candidates(candidates, flags_the_scan, out_file=tmp_path / "accepted.yml")

    assert result.like_test_questions == ["what does a spine scan show"]
    assert result.added == {"out_of_scope": ["can I drive after spinal surgery"]}


def test_the_real_guard_flags_question_set_messages_and_not_new_ones() -> None:
    """Uses the question sets without showing them: only counts are compared."""
    from evaluation.question_sets import blind_test_set, validation_set
    from spine_assistant.review.leak_guard import question_set_guard

    guard = question_set_guard()
    protected = [blind_test_set()[0].text, validation_set()[0].text]
    new = "my cat wants to know about parking at the clinic on sundays"
    flagged = guard([*protected, protected[0].upper() + " ", new])
    assert len(flagged) == 3 and new not in flagged


def test_a_bare_question_mark_reads_as_undecided(tmp_path: Path) -> None:
    path = tmp_path / "candidates.yml"
    path.write_text(
        "groups:\n- group: 1\n  decision: ?\n  examples:\n  - a\n"
        "- group: 2\n  decision: faq_mri   # an MRI question\n  examples:\n  - b\n",
        encoding="utf-8",
    )
    assert [(c.group, c.decision) for c in read_candidates(path)] == [(1, "?"), (2, "faq_mri")]
