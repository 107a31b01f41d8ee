"""`make bench` explains the targets it misses from its own measurements, says when
it has no baseline, and times the training command users run."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from evaluation import benchmark
from evaluation.benchmark import (
    NO_BASELINE,
    SHIPPED,
    System,
    bounds_section,
    targets_table,
    training_command,
    write_report,
)
from evaluation.load import Scenario
from evaluation.profile import NLU_STAGE, POLICY_STAGE, SAMPLES_PER_SECOND, Profile


def system(name: str, turns_per_second: float, p50_ms: float, train_seconds: float) -> System:
    def scenario(users: int) -> Scenario:
        return Scenario(users, 100, 0, 100 / turns_per_second, [p50_ms / 1000] * 100)

    measured = System(name, name, train_seconds=train_seconds)
    measured.ready_seconds, measured.peak_memory_mb = 12.0, 800.0
    measured.scenarios = [scenario(1), scenario(10), scenario(50)]
    # 25 ms busy per turn over 40 turns, 10 ms of it NLU and policies.
    samples = int(SAMPLES_PER_SECOND * 0.025 * 40)
    config = int(SAMPLES_PER_SECOND * 0.010 * 40)
    stages = Counter({NLU_STAGE: config // 2, POLICY_STAGE: config - config // 2})
    stages["HTTP server (sanic) and event loop"] = samples - config
    measured.profile = Profile(stages, Counter(), 40, p50_ms)
    return measured


def test_missed_targets_are_marked_and_explained_with_the_runs_figures() -> None:
    shipped = system("shipped", turns_per_second=36.0, p50_ms=30.0, train_seconds=300)
    baseline = system("baseline", turns_per_second=40.0, p50_ms=31.0, train_seconds=1700)
    table = targets_table(shipped, baseline)
    assert "| 30.0 ms | **missed** |" in table
    assert "0.90×, 0 errors | **missed** |" in table
    assert "| 12.0 s | met |" in table
    bounds = bounds_section(shipped, baseline)
    assert "160 turns/s: one Rasa process would have to finish a turn in 6.2 ms" in bounds
    assert "already takes 15.0 ms, so no choice of pipeline" in bounds
    assert "10.0 ms are the NLU pipeline and policies" in bounds
    assert "where the 300 s go" in bounds and "[training.md](training.md)" in bounds


def test_met_targets_get_no_explanation() -> None:
    shipped = system("shipped", turns_per_second=200.0, p50_ms=20.0, train_seconds=100)
    baseline = system("baseline", turns_per_second=40.0, p50_ms=31.0, train_seconds=1700)
    assert "**missed**" not in targets_table(shipped, baseline)
    bounds = bounds_section(shipped, baseline)
    assert "turns/s is" not in bounds and "where the" not in bounds
    assert "shares every speed change except `config.yml`" in bounds


def test_the_shipped_model_is_trained_as_make_train_trains_it() -> None:
    """Forced, every text encoded: plain `rasa train` took 186 s and `make train`'s
    command 138 s (2026-12-03, one host, minutes apart): the report times the command
    users run."""
    shipped = training_command(System(SHIPPED, ""), "--force")
    assert shipped[1:] == ["-m", "spine_assistant.train", "--force"]
    baseline = training_command(System("baseline", ""), "--force")
    assert Path(baseline[0]).name == "rasa" and baseline[1:] == ["train", "--force"]


def test_without_a_baseline_the_report_says_so_and_measures_the_shipped_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(benchmark, "REPORTS_DIR", tmp_path)
    shipped = system("shipped", turns_per_second=36.0, p50_ms=30.0, train_seconds=150)
    report = write_report(shipped, None, "").read_text(encoding="utf-8")
    assert NO_BASELINE in report and "**baseline**" not in report
    assert (
        "| measure | shipped |\n| --- | --- |\n"
        "| training from a clean clone (`make train`'s command, `--force`) | 150 s |" in report
    )
    assert "| 1 users: p50 per turn | 30.0 ms |\n" in report
    assert "no baseline in this run; 0 errors | not measured |" in report
    assert "where the 150 s go" in report and "shares every speed change" not in report
