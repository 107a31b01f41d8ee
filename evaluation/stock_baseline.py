"""`make bench` (also on its own: `python -m evaluation.stock_baseline`): this project
against the assistant every Rasa user starts from, in one run.

The stock assistant is `rasa init`'s mood bot, created and trained by
`rasa init --no-prompt` and served with `rasa run` as it ships (REST channel, in-memory
tracker store, no action server). The project is served as `make serve` serves it (the
action server, one Rasa process per core behind the front, SQLite tracker and lock
stores). Both are driven by the same load process
(evaluation/load.py) in A-B-A order, stock, project, stock, so a drift of the machine
during the run shows as a difference between the two stock rounds. Issue 15's targets
are ratios against the mean of the two stock rounds, except the project's single-visitor
p50 and p95, stated with this machine's figures. Writes reports/stock_baseline.md.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import rasa

from evaluation.benchmark import SCENARIOS, WARM_UP
from evaluation.compare import machine
from evaluation.load import CONVERSATION, Scenario, drive
from spine_assistant.knowledge.paths import MODEL, PROJECT_ROOT
from spine_assistant.serving.isolated import running_assistant
from spine_assistant.serving.processes import RASA, ProcessGroup, free_port, rasa_processes

STOCK_DIR = PROJECT_ROOT / "build" / "bench" / "rasa-init"
VERSION_FILE = STOCK_DIR / ".rasa-version"
REPORT = PROJECT_ROOT / "reports" / "stock_baseline.md"
# (visitors, chats each): benchmark.py's fewest and most visitors, after its warm-up
ONE_VISITOR, MANY_VISITORS = SCENARIOS[0], SCENARIOS[-1]
PROJECT = "project"
# issue 15's goals
P50_GOAL_MS, P95_GOAL_MS = 15.0, 30.0
THROUGHPUT_GOAL = 3.0
P99_GOAL_MS = 1000.0


@dataclass(frozen=True)
class Round:
    """One system measured once: a single visitor, then many at once."""

    name: str
    one: Scenario
    many: Scenario


def _newest_model() -> Path | None:
    return max((STOCK_DIR / "models").glob("*.tar.gz"), default=None)


def stock_model() -> tuple[Path, str]:
    """The mood bot's model, and how it was obtained: trained now by `rasa init`, or
    reused from an earlier run of the same Rasa version (nothing else changes it)."""
    model = _newest_model()
    if model and VERSION_FILE.exists() and VERSION_FILE.read_text() == rasa.__version__:
        return model, "reused from an earlier run (same Rasa version)"
    shutil.rmtree(STOCK_DIR, ignore_errors=True)
    STOCK_DIR.mkdir(parents=True)
    started = time.perf_counter()
    subprocess.run(
        [str(RASA), "init", "--no-prompt", "--init-dir", str(STOCK_DIR)],
        cwd=STOCK_DIR,
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - started
    VERSION_FILE.write_text(rasa.__version__)
    model = _newest_model()
    assert model is not None, "rasa init trains a model into models/"
    return model, f"created and trained in {seconds:.0f} s"


@contextmanager
def serving_stock(model: Path, workdir: Path) -> Iterator[str]:
    """`rasa run` on the mood bot, as its project ships; yields the REST webhook."""
    port = free_port()
    command = [
        str(RASA),
        "run",
        "--model",
        str(model),
        "--port",
        str(port),
        "--interface",
        "127.0.0.1",
        "--credentials",
        str(STOCK_DIR / "credentials.yml"),
        "--endpoints",
        str(STOCK_DIR / "endpoints.yml"),
    ]
    with ProcessGroup(logs=workdir) as group:
        group.start("stock", command)
        group.wait_for_http("stock", f"http://127.0.0.1:{port}/")
        yield f"http://127.0.0.1:{port}/webhooks/rest/webhook"


def measure_round(name: str, webhook: str, may_stay_silent: bool = False) -> Round:
    drive(webhook, *WARM_UP, may_stay_silent=may_stay_silent)
    return Round(
        name,
        drive(webhook, *ONE_VISITOR, may_stay_silent=may_stay_silent),
        drive(webhook, *MANY_VISITORS, may_stay_silent=may_stay_silent),
    )


def measure(project_model: Path = MODEL) -> tuple[list[Round], str]:
    """Stock, project, stock; and how the stock model was obtained."""
    model, obtained = stock_model()
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)

        def stock_round(name: str) -> Round:
            with serving_stock(model, workdir) as webhook:
                return measure_round(name, webhook, may_stay_silent=True)

        first = stock_round("stock")
        processes = rasa_processes(os.environ)
        with running_assistant(project_model, workdir, rasa_processes=processes) as assistant:
            project = measure_round(PROJECT, assistant.webhook)
        return [first, project, stock_round("stock again")], obtained


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _project_and_stock(rounds: list[Round]) -> tuple[Round, list[Round]]:
    return next(r for r in rounds if r.name == PROJECT), [r for r in rounds if r.name != PROJECT]


def comparison_table(rounds: list[Round]) -> str:
    """Each measure for every round, and the project against the stock rounds' mean."""
    project, stock = _project_and_stock(rounds)
    measures: list[tuple[str, Callable[[Round], float], str]] = [
        ("1 visitor: p50 per turn", lambda r: r.one.percentile(50), "ms"),
        ("1 visitor: p95 per turn", lambda r: r.one.percentile(95), "ms"),
        (f"{MANY_VISITORS[0]} visitors: throughput", lambda r: r.many.throughput, "turns/s"),
        (f"{MANY_VISITORS[0]} visitors: p50 per turn", lambda r: r.many.percentile(50), "ms"),
        (f"{MANY_VISITORS[0]} visitors: p99 per turn", lambda r: r.many.percentile(99), "ms"),
        (f"{MANY_VISITORS[0]} visitors: slowest turn", lambda r: r.many.slowest_ms, "ms"),
        (f"{MANY_VISITORS[0]} visitors: errors", lambda r: float(r.many.errors), ""),
    ]
    header = "| measure | " + " | ".join(r.name for r in rounds) + " | project / stock |"
    lines = [header, "| --- " * (len(rounds) + 2) + "|"]
    for label, pick, unit in measures:
        digits = 1 if unit else 0  # errors are counted, not measured
        values = " | ".join(f"{pick(r):.{digits}f} {unit}".strip() for r in rounds)
        baseline = _mean([pick(r) for r in stock])
        ratio = f"{pick(project) / baseline:.2f}×" if baseline else "–"
        lines.append(f"| {label} | {values} | {ratio} |")
    return "\n".join(lines)


def goals_table(rounds: list[Round]) -> str:
    """Issue 15's goals, met or not in this run."""
    project, stock = _project_and_stock(rounds)
    stock_throughput = _mean([r.many.throughput for r in stock])
    speed_up = project.many.throughput / stock_throughput
    goals = [
        (
            f"1 visitor: p50 ≤ {P50_GOAL_MS:.0f} ms, p95 ≤ {P95_GOAL_MS:.0f} ms (this machine)",
            f"{project.one.percentile(50):.1f} ms, {project.one.percentile(95):.1f} ms",
            project.one.percentile(50) <= P50_GOAL_MS and project.one.percentile(95) <= P95_GOAL_MS,
        ),
        (
            f"{MANY_VISITORS[0]} visitors: ≥ {THROUGHPUT_GOAL:.0f}× stock's throughput, no errors",
            f"{speed_up:.2f}×, {project.many.errors} errors",
            speed_up >= THROUGHPUT_GOAL and project.many.errors == 0,
        ),
        (
            f"{MANY_VISITORS[0]} visitors: p99 ≤ {P99_GOAL_MS / 1000:.0f} s",
            f"{project.many.percentile(99):.0f} ms (slowest {project.many.slowest_ms:.0f} ms)",
            project.many.percentile(99) <= P99_GOAL_MS,
        ),
    ]
    rows = [
        f"| {goal} | {value} | {'met' if met else '**missed**'} |" for goal, value, met in goals
    ]
    return "| goal | project | |\n| --- | --- | --- |\n" + "\n".join(rows)


def render(rounds: list[Round], obtained: str, machine_line: str) -> str:
    one, many = ONE_VISITOR, MANY_VISITORS
    processes = rasa_processes(os.environ)
    turns = len(CONVERSATION)
    return f"""# This project against stock Rasa (`rasa init`), in one run

Machine: {machine_line}. Order: {", ".join(r.name for r in rounds)} (A-B-A). Each
visitor holds chats of {turns} turns (evaluation/load.py); scenarios: {one[0]} visitor
× {one[1]} chats, then {many[0]} visitors × {many[1]} chats at once, after one warm-up
chat. The stock model was {obtained}. Stock: `rasa run` on `rasa init`'s mood bot (REST,
in-memory tracker store, no action server); a turn it answers with nothing counts as
answered, not as an error. Project: as `make serve` runs it: the action
server and {processes} Rasa process(es) (one per core) behind the front, SQLite tracker and
lock stores.

{comparison_table(rounds)}

## Issue 15's goals

{goals_table(rounds)}

Where the project's time per turn goes: [profile.md](profile.md) (`make profile`). The cost of a
turn late in a long conversation: [conversation_length.md](conversation_length.md).
"""


def main() -> None:
    rounds, obtained = measure()
    REPORT.write_text(render(rounds, obtained, machine()), encoding="utf-8")
    print(REPORT.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
