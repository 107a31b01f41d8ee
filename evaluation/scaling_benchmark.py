"""`make bench-scaled`: throughput and latency of 1 vs 2 Rasa servers behind nginx in
the scaled set-up (spine_assistant/serving/scaled.py), driven by the same load generator as
`make bench` (evaluation/load.py), plus what one turn costs the shared stores and what
those stores sustain on this machine, for the limits in docs/scaling.md.

Writes reports/scaling.md. `measure_scaling()` and `render_scaling_section()` are what
`make bench` can embed.

Usage: python -m evaluation.scaling_benchmark
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from evaluation.compare import machine
from evaluation.load import Scenario, drive
from spine_assistant.knowledge.paths import MODEL, PROJECT_ROOT
from spine_assistant.serving.scaled import (
    POSTGRES_DB,
    POSTGRES_USER,
    ScaledStack,
    postgres_bin_dir,
    running_scaled_stack,
)

REPORT = PROJECT_ROOT / "reports" / "scaling.md"
SERVER_COUNTS = (1, 2)
# (concurrent visitors, 8-turn chats each): latency alone, then saturation.
SCENARIOS = [(1, 3), (50, 2)]
PGBENCH_SECONDS = 10
PGBENCH_CLIENTS = 4


@dataclass
class StoreLoad:
    """What the saturation scenario's turns cost the shared stores."""

    turns: int = 0
    redis_commands: int = 0
    events_written: int = 0
    event_bytes: int = 0  # mean size of a stored event's JSON


@dataclass
class StoreCapacity:
    """Measured on this machine with the stores' own benchmark tools."""

    redis_ops_per_second: float = float("nan")
    postgres_turns_per_second: float = float("nan")  # pgbench replaying a turn's SQL


@dataclass
class ScalingRun:
    rasa_servers: int
    load_average: float = 0.0  # of the machine when the run started: others' work too
    scenarios: list[Scenario] = field(default_factory=list)
    store_load: StoreLoad = field(default_factory=StoreLoad)
    store_capacity: StoreCapacity | None = None


def _store_counters(stack: ScaledStack) -> tuple[int, int]:
    redis_commands = int(stack.redis_client().info("stats")["total_commands_processed"])
    with stack.postgres_connection() as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM events")
        (events,) = cursor.fetchone()
    return redis_commands, int(events)


def _mean_event_bytes(stack: ScaledStack) -> int:
    with stack.postgres_connection() as connection, connection.cursor() as cursor:
        cursor.execute("SELECT avg(length(data)) FROM events")
        (mean,) = cursor.fetchone()
    return round(mean)


# One turn's statements as Rasa 3.6's SQLTrackerStore sends them: read the conversation,
# count its events, append the new ones, commit.
PGBENCH_TURN = """\\set conversation random(1, 1000)
BEGIN;
SELECT data FROM events WHERE sender_id = 'c' || :conversation ORDER BY id;
SELECT count(*) FROM events WHERE sender_id = 'c' || :conversation;
{inserts}
COMMIT;
"""
PGBENCH_INSERT = (
    "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES "
    "('c' || :conversation, 'bot', 0, repeat('x', {event_bytes}));"
)


def measure_store_capacity(stack: ScaledStack, load: StoreLoad) -> StoreCapacity:
    """redis-benchmark GET/SET, and pgbench replaying a turn, against the stack's own
    Redis and PostgreSQL while its Rasa servers are idle."""
    # redis-benchmark takes the password only as an argument; this stack and its
    # generated password live in a temporary folder for the length of the benchmark.
    redis_run = subprocess.run(
        ["redis-benchmark", "-p", str(stack.redis_port), "-a", stack.passwords.redis]
        + ["-n", "50000", "-t", "get,set", "--csv"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rates = [float(x) for x in re.findall(r'^"[A-Z]+","([\d.]+)"', redis_run, re.M)]
    script = stack.data_folder / "pgbench-turn.sql"
    script.write_text(
        PGBENCH_TURN.format(
            inserts="\n".join(
                [PGBENCH_INSERT.format(event_bytes=load.event_bytes)]
                * max(round(load.events_written / load.turns), 1)
            )
        ),
        encoding="utf-8",
    )
    pgbench = subprocess.run(
        [str(postgres_bin_dir() / "pgbench"), "-h", "127.0.0.1", "-p", str(stack.postgres_port)]
        + ["-U", POSTGRES_USER, "-n", "-f", str(script), "-c", str(PGBENCH_CLIENTS)]
        + ["-T", str(PGBENCH_SECONDS), POSTGRES_DB],
        env={**os.environ, "PGPASSWORD": stack.passwords.postgres},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    tps = re.search(r"tps = ([\d.]+)", pgbench)
    return StoreCapacity(
        redis_ops_per_second=min(rates) if rates else float("nan"),
        postgres_turns_per_second=float(tps.group(1)) if tps else float("nan"),
    )


def measure_run(model: Path, rasa_servers: int, probe_stores: bool) -> ScalingRun:
    run = ScalingRun(rasa_servers, load_average=os.getloadavg()[0])
    folder = Path(tempfile.mkdtemp(prefix="spine-scaling-"))
    try:
        with running_scaled_stack(model, folder, rasa_servers) as stack:
            drive(stack.webhook, rasa_servers, 1)  # warm-up: one chat per server
            for users, chats in SCENARIOS:
                redis_before, events_before = _store_counters(stack)
                run.scenarios.append(drive(stack.webhook, users, chats))
                redis_after, events_after = _store_counters(stack)
            # the last scenario is the saturation one
            run.store_load = StoreLoad(
                run.scenarios[-1].turns,
                redis_after - redis_before,
                events_after - events_before,
                _mean_event_bytes(stack),
            )
            if probe_stores:
                run.store_capacity = measure_store_capacity(stack, run.store_load)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return run


def measure_scaling(model: Path = MODEL) -> list[ScalingRun]:
    """One run per server count; the last also measures what the stores sustain."""
    return [
        measure_run(model, servers, probe_stores=servers == SERVER_COUNTS[-1])
        for servers in SERVER_COUNTS
    ]


def render_scaling_section(runs: list[ScalingRun]) -> str:
    """The markdown section: the comparison table, the stores' cost per turn and what
    that allows, from the run with the most servers."""
    one, most = runs[0], runs[-1]
    rows = []
    for index, (users, chats) in enumerate(SCENARIOS):
        for run in runs:
            s = run.scenarios[index]
            rows.append(
                f"| {users} visitor{'s' if users > 1 else ''} × {chats} chats | "
                f"{run.rasa_servers} | {s.throughput:.1f} | {s.percentile(50):.0f} | "
                f"{s.percentile(95):.0f} | {s.errors} |"
            )
    gain = most.scenarios[-1].throughput / one.scenarios[-1].throughput
    load = most.store_load
    capacity = most.store_capacity or StoreCapacity()
    redis_per_turn = load.redis_commands / load.turns
    rows_per_turn = load.events_written / load.turns
    redis_capacity, postgres_capacity = (
        capacity.redis_ops_per_second,
        capacity.postgres_turns_per_second,
    )
    store_rows = (
        f"| Redis lock store | {redis_per_turn:.1f} commands | {redis_capacity:,.0f} GET/SET "
        f"per s (redis-benchmark) | ~{redis_capacity / redis_per_turn:,.0f} |\n"
        f"| PostgreSQL tracker store | 1 transaction, {rows_per_turn:.1f} event rows "
        f"of {load.event_bytes:,} bytes | "
        f"{postgres_capacity:,.0f} such transactions per s (pgbench, {PGBENCH_CLIENTS} "
        f"clients) | ~{postgres_capacity:,.0f} |"
    )
    loads = ", ".join(f"{run.rasa_servers} server(s): {run.load_average:.1f}" for run in runs)
    return f"""## Scaling out: 1 vs {most.rasa_servers} Rasa servers behind nginx

`make bench-scaled` ({machine()}): the set-up of `make run-scaled` (PostgreSQL tracker
store, Redis lock store, nginx round-robin, one action server) with 1 and with
{most.rasa_servers} Rasa servers, driven through nginx by `evaluation/load.py` (8-turn
chats). Everything, the load generator included, shares the machine's
{os.cpu_count()} cores; the 1-minute load average when each run started ({loads})
shows how much other work competed for them.

| load | Rasa servers | turns/s | p50 ms | p95 ms | errors |
| --- | --- | --- | --- | --- | --- |
{chr(10).join(rows)}

**Saturation throughput with {most.rasa_servers} servers: {gain:.2f}× that of one**
(target ≥ 1.6×).

What one turn costs the shared stores (saturation run, {most.rasa_servers} servers,
{load.turns} turns), and what the stores sustained here, measured with their own tools
against the same instances while the Rasa servers were idle:

| store | per turn | sustained here | turns/s that allows |
| --- | --- | --- | --- |
{store_rows}
"""


def main() -> None:
    runs = measure_scaling()
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text("# Scaling benchmark\n\n" + render_scaling_section(runs), encoding="utf-8")
    print(f"wrote {REPORT}")


if __name__ == "__main__":
    main()
