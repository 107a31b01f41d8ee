"""`make bench`: training time, start-up, memory, latency and throughput of the real
servers, for the shipped config and, in the same run, for Rasa's default config
(what `rasa init` trains) on the same data as the baseline.

Each system is trained into build/bench/, served by the real action server and Rasa
server (spine_assistant/serving/isolated.py), and driven over the REST webhook by a separate load
process (evaluation/load.py). Writes reports/benchmark.md and reports/benchmark.png.

Usage: python -m evaluation.benchmark [--train-baseline]

Training Rasa's default config on this data takes more than two hours on 2 cores
(2026-12-03: its DIET classifier was at epoch 23 of 100 after 33 minutes). So the
baseline model of an earlier run is reused when no training input changed since (the
report says so and gives the training time measured then), and left out of the report
otherwise; --train-baseline (`make bench TRAIN_BASELINE=1`) trains it afresh. Latency,
throughput, start-up and memory are always measured in this run. The comparison with
stock `rasa init` (evaluation/stock_baseline.py) needs no such training.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rasa
import yaml

from evaluation.compare import machine
from evaluation.load import Scenario, drive
from evaluation.profile import Profile, sample_turns
from evaluation.scaling_benchmark import measure_scaling, render_scaling_section
from evaluation.variants import SENTENCE_FEATURIZER, is_current, with_settings
from spine_assistant.knowledge.paths import PROJECT_ROOT
from spine_assistant.serving.isolated import running_assistant
from spine_assistant.serving.processes import RASA
from spine_assistant.train import command as train_command

BUILD_DIR = PROJECT_ROOT / "build" / "bench"
REPORTS_DIR = PROJECT_ROOT / "reports"
RASA_DEFAULT_CONFIG = (
    Path(rasa.__file__).parent / "engine" / "recipes" / "config_files" / "default_config.yml"
)
# (concurrent visitors, conversations each): 8 turns per conversation.
SCENARIOS = [(1, 10), (10, 3), (50, 2)]
WARM_UP = (1, 1)
SHIPPED, BASELINE = "shipped", "baseline"
NO_BASELINE = (
    "No baseline in this run: no model of Rasa's default config trained from the current "
    "data was there to reuse, and training one takes more than two hours on 2 cores "
    "(`make bench TRAIN_BASELINE=1`). This run's comparison with stock `rasa init` is "
    "[stock_baseline.md](stock_baseline.md)."
)
PROFILE_CHATS = 10
# The project's speed targets (issue 4), shared by the targets table and its bounds.
P50_TARGET_MS = 25
THROUGHPUT_TARGET = 4
TRAINING_TARGET_SECONDS = 120


@dataclass
class System:
    name: str
    description: str
    train_seconds: float = 0.0
    trained_earlier: str | None = None
    ready_seconds: float = 0.0
    peak_memory_mb: float = 0.0
    scenarios: list[Scenario] = field(default_factory=list)
    profile: Profile | None = None


def baseline_config() -> dict[str, Any]:
    """Rasa's default pipeline and policies, with this project's importers (the data)."""
    config = yaml.safe_load(RASA_DEFAULT_CONFIG.read_text(encoding="utf-8"))
    shipped = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))
    config["importers"] = copy.deepcopy(shipped["importers"])
    config["assistant_id"] = "baseline"
    return config


def shipped_config() -> dict[str, Any]:
    """config.yml, trained as from a clean clone: the sentence featurizer does not reuse
    the vectors an earlier training kept in build/sentence-cache/."""
    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))
    return with_settings(config, SENTENCE_FEATURIZER, cache_dir="")


def reusable_model(name: str) -> tuple[Path, float, str] | None:
    """An earlier run's model, if nothing it was trained from changed since (the
    baseline takes only the importers from config.yml, not its pipeline)."""
    model, timing = BUILD_DIR / f"{name}.tar.gz", BUILD_DIR / f"{name}.seconds"
    if not (is_current(model, including_config=False) and timing.exists()):
        return None
    trained_at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(model.stat().st_mtime))
    return model, float(timing.read_text()), trained_at


def training_command(system: System, *options: str) -> list[str]:
    """The shipped model is trained as `make train` trains it; the baseline as stock
    Rasa is, with plain `rasa train`."""
    if system.name == SHIPPED:
        return train_command(*options)
    return [str(RASA), "train", *options]


def train(system: System, config_path: Path) -> tuple[Path, float]:
    name = system.name
    started = time.perf_counter()
    subprocess.run(
        training_command(
            system,
            "--config",
            str(config_path),
            "--out",
            str(BUILD_DIR),
            "--fixed-model-name",
            name,
            "--force",
        ),
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    (BUILD_DIR / f"{name}.seconds").write_text(f"{seconds:.1f}")
    return BUILD_DIR / f"{name}.tar.gz", seconds


def measure(
    system: System,
    config_path: Path,
    earlier: tuple[Path, float, str] | None = None,
    profiled: bool = False,
) -> System:
    """Trains the system unless an `earlier` model (reusable_model) is given."""
    if earlier:
        model, system.train_seconds, system.trained_earlier = earlier
    else:
        model, system.train_seconds = train(system, config_path)
    with (
        tempfile.TemporaryDirectory() as workdir,
        running_assistant(model, Path(workdir)) as assistant,
    ):
        system.ready_seconds = assistant.ready_seconds
        drive(assistant.webhook, *WARM_UP)
        system.scenarios = [drive(assistant.webhook, *scenario) for scenario in SCENARIOS]
        system.peak_memory_mb = assistant.peak_memory_mb()
        if profiled:
            system.profile = sample_turns(assistant, PROFILE_CHATS)
    return system


def plot(systems: list[System], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (latency_axis, throughput_axis) = plt.subplots(1, 2, figsize=(11, 4))
    labels = [f"{users} user{'s' if users > 1 else ''}" for users, _ in SCENARIOS]
    width = 0.8 / len(systems)
    for index, system in enumerate(systems):
        positions = [x + index * width for x in range(len(SCENARIOS))]
        latency_axis.bar(
            positions, [s.percentile(50) for s in system.scenarios], width, label=system.name
        )
        throughput_axis.bar(
            positions, [s.throughput for s in system.scenarios], width, label=system.name
        )
    for axis, title in (
        (latency_axis, "p50 latency per turn (ms)"),
        (throughput_axis, "turns per second"),
    ):
        axis.set_xticks([x + 0.4 - width / 2 for x in range(len(SCENARIOS))], labels)
        axis.set_title(title)
        axis.legend(fontsize=8)
    latency_axis.set_yscale("log")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def ratio(shipped: float, baseline: float) -> str:
    return f"{shipped / baseline:.2f}×" if baseline else "–"


def reused_note(*systems: System) -> str:
    notes = [
        f"The {s.name} model was reused from a run at {s.trained_earlier} (no training "
        f"input changed since); its training time is the one measured then."
        for s in systems
        if s.trained_earlier
    ]
    return "\n".join(notes)


def meets_latency_target(shipped: System) -> bool:
    return shipped.scenarios[0].percentile(50) <= P50_TARGET_MS


def throughput_needed(baseline: System) -> float:
    """Turns per second at the most visitors that the throughput target asks for."""
    return THROUGHPUT_TARGET * baseline.scenarios[-1].throughput


def meets_throughput_target(shipped: System, baseline: System) -> bool:
    return shipped.scenarios[-1].throughput >= throughput_needed(baseline)


def meets_training_target(shipped: System) -> bool:
    return shipped.train_seconds <= TRAINING_TARGET_SECONDS


def targets_table(shipped: System, baseline: System | None) -> str:
    """The speed targets of the project (issue 4), met or not in this run."""
    one_user, many = shipped.scenarios[0], shipped.scenarios[-1]
    targets: list[tuple[str, str, bool | None]] = [
        (
            f"1 visitor: p50 per turn ≤ {P50_TARGET_MS} ms",
            f"{one_user.percentile(50):.1f} ms",
            meets_latency_target(shipped),
        ),
        (
            f"{many.users} visitors: ≥ {THROUGHPUT_TARGET}× the baseline's throughput, no errors",
            f"{many.throughput / baseline.scenarios[-1].throughput:.2f}×, {many.errors} errors"
            if baseline
            else f"no baseline in this run; {many.errors} errors",
            meets_throughput_target(shipped, baseline) and many.errors == 0 if baseline else None,
        ),
        ("ready ≤ 20 s after start", f"{shipped.ready_seconds:.1f} s", shipped.ready_seconds <= 20),
        (
            f"training ≤ {TRAINING_TARGET_SECONDS // 60} min",
            f"{shipped.train_seconds:.0f} s",
            meets_training_target(shipped),
        ),
        (
            "peak memory of the Rasa process ≤ 1.5 GB",
            f"{shipped.peak_memory_mb:.0f} MB",
            shipped.peak_memory_mb <= 1536,
        ),
    ]
    verdicts = {True: "met", False: "**missed**", None: "not measured"}
    rows = [f"| {name} | {value} | {verdicts[met]} |" for name, value, met in targets]
    return "| target | shipped | |\n| --- | --- | --- |\n" + "\n".join(rows)


def profile_section(shipped: System) -> str:
    if shipped.profile is None:
        return ""
    busy = shipped.profile.busy_ms_per_turn
    return f"""
## Where a turn's time goes (shipped)

py-spy sampled the shipped Rasa process while one visitor held {PROFILE_CHATS} chats
(`make profile` writes the full profile to [profile.md](profile.md)). The server works
**{busy:.1f} ms per turn**. Rasa's server handles all conversations on one event loop,
so one process can serve at most about 1000 / {busy:.1f} ≈ {1000 / busy:.0f} turns per
second whatever the number of visitors; more throughput needs more processes (the
scaled set-up).

{shipped.profile.stage_table()}
"""


def bounds_section(shipped: System, baseline: System | None) -> str:
    """What limits the targets this run missed, from this run's own measurements."""
    cores = os.cpu_count() or 1
    slow_turns = not meets_latency_target(shipped)
    too_few_turns = baseline is not None and not meets_throughput_target(shipped, baseline)
    profile = shipped.profile
    bounds = (
        [
            "The baseline is served exactly like the shipped model (this project's domain, "
            "channels, SQLite tracker store and action server), so it shares every speed "
            "change except `config.yml`: the ratios above compare the two configs."
        ]
        if baseline
        else []
    )
    if profile and (slow_turns or too_few_turns):
        bounds.append(
            f"Of the {profile.busy_ms_per_turn:.1f} ms the shipped Rasa process works per "
            f"turn, {profile.config_ms_per_turn:.1f} ms are the NLU pipeline and policies "
            "that `config.yml` chooses; the rest is Rasa's own turn handling, tracker store "
            "and HTTP server, the same for any config."
        )
    if baseline and too_few_turns:
        needed = throughput_needed(baseline)
        bound = (
            f"{THROUGHPUT_TARGET}× the baseline's {baseline.scenarios[-1].throughput:.1f} "
            f"turns/s is {needed:.0f} turns/s: one Rasa process would have to finish a turn "
            f"in {1000 / needed:.1f} ms, and on {cores} cores all processes together (Rasa "
            "servers, action server, load generator) would have "
            f"{cores * 1000 / needed:.1f} ms of CPU per turn."
        )
        if profile:
            fixed = profile.busy_ms_per_turn - profile.config_ms_per_turn
            bound += f" The part of a turn no config changes already takes {fixed:.1f} ms" + (
                ", so no choice of pipeline reaches the target." if fixed > 1000 / needed else "."
            )
        bounds.append(bound)
    if not meets_training_target(shipped):
        bounds.append(
            f"Training: where the {shipped.train_seconds:.0f} s go (encoding the texts, the "
            "logistic regression, the rest) is measured case by case in "
            "[training.md](training.md), which `make bench` writes in the same run."
        )
    if not bounds:
        return ""
    return "\n## What bounds the figures\n\n" + "\n\n".join(f"- {b}" for b in bounds) + "\n"


def systems_list(shipped: System, baseline: System | None) -> str:
    if baseline:
        return f"- **shipped**: {shipped.description}\n- **baseline**: {baseline.description}"
    return f"- **shipped**: {shipped.description}\n\n{NO_BASELINE}"


def table_header(baseline: System | None) -> str:
    if baseline:
        return "| measure | shipped | baseline | shipped / baseline |\n| --- | --- | --- | --- |"
    return "| measure | shipped |\n| --- | --- |"


def write_report(shipped: System, baseline: System | None, scaling: str) -> Path:
    def line(label: str, pick: Any, unit: str, digits: int = 0) -> str:
        a = pick(shipped)
        if baseline is None:
            return f"| {label} | {a:.{digits}f} {unit} |"
        b = pick(baseline)
        return f"| {label} | {a:.{digits}f} {unit} | {b:.{digits}f} {unit} | {ratio(a, b)} |"

    rows = [
        line(
            "training from a clean clone (shipped: `make train`'s command; baseline: "
            "`rasa train`; both `--force`)"
            if baseline
            else "training from a clean clone (`make train`'s command, `--force`)",
            lambda s: s.train_seconds,
            "s",
        ),
        line("start to ready (both servers)", lambda s: s.ready_seconds, "s", 1),
        line("peak memory of the Rasa process", lambda s: s.peak_memory_mb, "MB"),
    ]
    for index, (users, _) in enumerate(SCENARIOS):
        rows += [
            line(
                f"{users} users: p50 per turn",
                lambda s, i=index: s.scenarios[i].percentile(50),
                "ms",
                1,
            ),
            line(
                f"{users} users: p95 per turn",
                lambda s, i=index: s.scenarios[i].percentile(95),
                "ms",
                1,
            ),
            line(
                f"{users} users: throughput",
                lambda s, i=index: s.scenarios[i].throughput,
                "turns/s",
                1,
            ),
            line(f"{users} users: errors", lambda s, i=index: float(s.scenarios[i].errors), ""),
        ]
    one_user = shipped.scenarios[0]
    report = f"""# Benchmark: latency, throughput, start-up, memory

Machine: {machine()}. Each system is trained on the project's data, served by the real
action server and Rasa server with a SQLite tracker store, and driven over the REST
webhook by a separate load process (`evaluation/load.py`): each visitor holds chats of
8 turns (greeting, questions, "source?", thanks). Scenarios (visitors × chats each):
{", ".join(f"{u}×{c}" for u, c in SCENARIOS)}, after one warm-up chat.

{systems_list(shipped, baseline)}

{table_header(baseline)}
{chr(10).join(rows)}

Single visitor, shipped: p99 {one_user.percentile(99):.1f} ms over {one_user.turns} turns.
{reused_note(*[s for s in (shipped, baseline) if s])}
![benchmark](benchmark.png)

## Targets

{targets_table(shipped, baseline)}
{profile_section(shipped)}{bounds_section(shipped, baseline)}
{scaling}"""
    REPORTS_DIR.mkdir(exist_ok=True)
    path = REPORTS_DIR / "benchmark.md"
    path.write_text(report, encoding="utf-8")
    return path


def main() -> None:
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    baseline_path = BUILD_DIR / "baseline_config.yml"
    baseline_path.write_text(yaml.safe_dump(baseline_config(), sort_keys=False), encoding="utf-8")
    shipped_path = BUILD_DIR / "shipped_config.yml"
    shipped_path.write_text(yaml.safe_dump(shipped_config(), sort_keys=False), encoding="utf-8")
    shipped = measure(
        System(
            SHIPPED,
            "config.yml: project spaCy pipeline, sentence features, logistic regression, "
            "RulePolicy",
        ),
        shipped_path,
        profiled=True,
    )
    train_baseline = "--train-baseline" in sys.argv[1:]
    earlier = None if train_baseline else reusable_model(BASELINE)
    baseline = (
        measure(
            System(
                BASELINE,
                "Rasa 3.6's default config (DIET with transformer, ResponseSelector, "
                "Memoization, Rule, UnexpecTED and TED policies)",
            ),
            baseline_path,
            earlier,
        )
        if train_baseline or earlier
        else None
    )
    plot([shipped] + ([baseline] if baseline else []), REPORTS_DIR / "benchmark.png")
    scaling = render_scaling_section(measure_scaling())
    print(f"wrote {write_report(shipped, baseline, scaling)}")


if __name__ == "__main__":
    main()
