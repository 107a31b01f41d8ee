"""`make bench` reads its training figures from `rasa train`'s output and explains the
targets it misses from its own measurements; both must say what was measured."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from evaluation.benchmark import (
    SHIPPED,
    System,
    bounds_section,
    epoch_seconds,
    targets_table,
    training_command,
)
from evaluation.load import Scenario
from evaluation.profile import NLU_STAGE, POLICY_STAGE, SAMPLES_PER_SECOND, Profile


def bar(total: int, elapsed: str) -> str:
    """A tqdm bar as `rasa train` prints it: redrawn with carriage returns."""
    return (
        f"Epochs:   0%|          | 0/{total} [00:00<?, ?it/s]\r"
        f"Epochs:  50%|█████     | {total // 2}/{total} [00:05<00:05, 1.0it/s]\r"
        f"Epochs: 100%|██████████| {total}/{total} [{elapsed}<00:00, 1.0it/s, t_loss=1]\r"
        f"Epochs: 100%|██████████| {total}/{total} [{elapsed}<00:00, 1.0it/s, t_loss=1]\n"
    )


def test_epoch_time_is_the_sum_of_each_finished_bar_counted_once() -> None:
    output = "Starting to train component 'DIETClassifier'.\n" + bar(120, "04:24")
    output += "Starting to train component 'TEDPolicy'.\n" + bar(100, "1:02:03")
    assert epoch_seconds(output) == 264 + 3723


def test_epoch_time_survives_universal_newlines() -> None:
    """subprocess text mode turns each carriage return into a line break."""
    assert epoch_seconds(bar(120, "04:24").replace("\r", "\n")) == 264


def test_an_unfinished_or_missing_bar_adds_nothing() -> None:
    unfinished = "Epochs:   0%|          | 0/120 [00:00<?, ?it/s]\rEpochs:  3%| | 4/120 [00:09<"
    assert epoch_seconds("no neural network here\n" + unfinished) == 0


def system(name: str, turns_per_second: float, p50_ms: float, train_seconds: float) -> System:
    def scenario(users: int) -> Scenario:
        return Scenario(users, 100, 0, 100 / turns_per_second, [p50_ms / 1000] * 100)

    measured = System(name, name, train_seconds=train_seconds, epoch_seconds=train_seconds - 20)
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
    assert "280 s of the 300 s are DIET's training epochs" in bounds


def test_met_targets_get_no_explanation() -> None:
    shipped = system("shipped", turns_per_second=200.0, p50_ms=20.0, train_seconds=100)
    baseline = system("baseline", turns_per_second=40.0, p50_ms=31.0, train_seconds=1700)
    assert "**missed**" not in targets_table(shipped, baseline)
    bounds = bounds_section(shipped, baseline)
    assert "turns/s is" not in bounds and "training epochs" not in bounds
    assert "shares every speed change except `config.yml`" in bounds


def test_the_shipped_model_is_trained_as_make_train_trains_it() -> None:
    """Forced, every text encoded: plain `rasa train` took 186 s and `make train`'s
    command 138 s (2026-12-03, one host, minutes apart): the report times the command
    users run."""
    shipped = training_command(System(SHIPPED, ""), "--force")
    assert shipped[1:] == ["-m", "spine_assistant.train", "--force"]
    baseline = training_command(System("baseline", ""), "--force")
    assert Path(baseline[0]).name == "rasa" and baseline[1:] == ["train", "--force"]
