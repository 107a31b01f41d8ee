"""The training-time benchmark reads Rasa's log and a copy of the data correctly."""

from __future__ import annotations

from pathlib import Path

import yaml

from evaluation.training_time import (
    Run,
    component_seconds,
    render,
    with_one_more_example,
    with_one_response_reworded,
)

HOOKS = "INFO     rasa.engine.training.hooks  -"
LOG = f"""\
2026-11-30 03:18:02 {HOOKS} Starting to train component 'RulePolicy'.
2026-11-30 03:18:03 {HOOKS} Finished training component 'RulePolicy'.
2026-11-30 03:18:20 INFO     rasa.nlu.utils.spacy_utils  - Trying to load SpaCy model.
2026-11-30 03:18:36 {HOOKS} Starting to train component 'BlockLogisticRegressionClassifier'.
2026-11-30 03:19:22 {HOOKS} Finished training component 'BlockLogisticRegressionClassifier'.
2026-11-30 03:19:23 {HOOKS} Starting to train component 'Unfinished'.
"""


def test_component_seconds_pairs_the_start_and_end_of_each_component() -> None:
    assert component_seconds(LOG) == {
        "RulePolicy": 1.0,
        "BlockLogisticRegressionClassifier": 46.0,
    }


def test_the_report_splits_each_run_and_checks_the_targets() -> None:
    runs = [
        Run("clean clone", 150.0, {"BlockLogisticRegressionClassifier": 46.0, "RulePolicy": 1.0}),
        Run("nothing new", 89.0, {"BlockLogisticRegressionClassifier": 45.0}),
        Run("one more from scratch", 89.5, {"BlockLogisticRegressionClassifier": 45.0}),
        Run("one more", 60.4, {"BlockLogisticRegressionClassifier": 12.0}),
        Run("reworded", 29.5, {"RulePolicy": 1.0}),
    ]
    report = render(runs, "2 cores, test")

    assert "| clean clone | 150 | 46 | 1 | 103 |" in report
    assert "Full train from a clean clone: 150 s, target ≤ 90 s: **missed**" in report
    assert (
        "one training example added 60 s, target ≤ 30 s: **missed** (90 s from scratch)" in report
    )
    assert "`finetune_max_iter` iterations: 12 s" in report
    assert "one domain.yml response reworded 30 s, target ≤ 30 s: met" in report
    assert "about 61 s" in report  # encoding: clean clone minus nothing new
    assert "Other components: RulePolicy." in report


def test_one_more_example_is_added_to_a_copy_under_an_existing_intent(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "nlu").mkdir(parents=True)
    (data / "nlu" / "faq.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: faq_mri\n'
        "  examples: |\n    - what is an MRI\n    - MRI?\n",
        encoding="utf-8",
    )
    copy = with_one_more_example(data, tmp_path / "work")

    added = yaml.safe_load((copy / "nlu" / "added_by_benchmark.yml").read_text(encoding="utf-8"))
    assert added["nlu"] == [{"intent": "faq_mri", "examples": "- what is an MRI please\n"}]
    assert (copy / "nlu" / "faq.yml").read_text(encoding="utf-8") == (
        data / "nlu" / "faq.yml"
    ).read_text(encoding="utf-8")
    assert not (data / "nlu" / "added_by_benchmark.yml").exists()


def test_one_response_is_reworded_in_a_copy_of_the_domain(tmp_path: Path) -> None:
    domain = tmp_path / "domain.yml"
    domain.write_text(
        'version: "3.1"\nresponses:\n  utter_greet:\n  - text: Hello!\n'
        "  utter_bye:\n  - text: Bye.\n",
        encoding="utf-8",
    )
    (tmp_path / "work").mkdir()
    copy = yaml.safe_load(with_one_response_reworded(domain, tmp_path / "work").read_text())

    assert copy["responses"]["utter_greet"] == [{"text": "Hello! Reworded by the benchmark."}]
    assert copy["responses"]["utter_bye"] == [{"text": "Bye."}]
    assert "Reworded" not in domain.read_text(encoding="utf-8")
