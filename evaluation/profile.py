"""`make profile`: where the Rasa server spends a turn, measured with py-spy.

Starts the real action server and Rasa server (spine_assistant/serving/isolated.py), samples the
Rasa process with py-spy while one visitor holds the benchmark's 8-turn chats, and
writes reports/profile.md: CPU time per turn by stage, and the busiest functions.
This is how the speed work was chosen; rerun it after changing the pipeline.

Usage: python -m evaluation.profile [CHATS]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from evaluation.compare import machine
from evaluation.load import CONVERSATION, drive
from spine_assistant.knowledge.paths import MODEL, PROJECT_ROOT
from spine_assistant.serving.isolated import RunningAssistant, running_assistant

REPORT = PROJECT_ROOT / "reports" / "profile.md"
PY_SPY = Path(sys.executable).parent / "py-spy"
SAMPLES_PER_SECOND = 250
NLU_STAGE = "NLU pipeline (spaCy, featurizers, sentence encoder, classifier)"
POLICY_STAGE = "dialogue policy (RulePolicy)"
# A sample belongs to the first stage with one of its functions on the stack.
STAGES: list[tuple[str, tuple[str, ...]]] = [
    (
        "action server calls (request, response check)",
        (
            "_action_call_format (rasa/core/actions/action.py",
            "request (rasa/utils/endpoints.py",
            "_validate_action_result (rasa/core/actions/action.py",
        ),
    ),
    ("tracker store: load", ("get_tracker (rasa/core/processor.py",)),
    ("tracker store: save", ("save_tracker (rasa/core/processor.py",)),
    (NLU_STAGE, ("parse_message (rasa/core/processor.py",)),
    (POLICY_STAGE, ("_predict_next_with_tracker (rasa/core/processor.py",)),
    ("responses, slots and other turn handling", ("handle_message (rasa/core/processor.py",)),
    ("HTTP server (sanic) and event loop", ()),
]


# uvloop waits for sockets in C, so py-spy sees sanic's serve() as the working frame.
EVENT_LOOP_WAIT = "serve (sanic/server/runners.py"


def function_name(frame: str) -> str:
    """'save (rasa/core/tracker_store.py:1456)' → 'save (rasa/core/tracker_store.py'."""
    return frame.rsplit(":", 1)[0]


def stage_of(frames: list[str]) -> str:
    names = {function_name(frame) for frame in frames}
    for stage, markers in STAGES:
        if not markers or names & set(markers):
            return stage
    raise AssertionError("the last stage matches every stack")


def package_of(frame: str) -> str:
    """'commit (sqlalchemy/engine/base.py:1)' → 'sqlalchemy'; the standard library by name."""
    path = frame.split(" (", 1)[-1]
    return path.split("/", 1)[0] if "/" in path else "Python standard library"


def summarize(raw: Path) -> tuple[Counter[str], Counter[str]]:
    """Samples per stage and per package the sampled line was in, without the event
    loop waiting for requests."""
    stages: Counter[str] = Counter()
    packages: Counter[str] = Counter()
    for line in raw.read_text(encoding="utf-8").splitlines():
        stack, count_text = line.rsplit(" ", 1)
        count, frames = int(count_text), stack.split(";")
        if function_name(frames[-1]) == EVENT_LOOP_WAIT:
            continue
        stages[stage_of(frames)] += count
        packages[package_of(frames[-1])] += count
    return stages, packages


def write_report(profile: Profile) -> None:
    package_rows = "\n".join(
        f"| {name} | {profile.ms_per_turn(count):.1f} ms | {count / profile.busy_samples:.0%} |"
        for name, count in profile.packages.most_common(12)
    )
    turns = profile.turns
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(
        f"""# Profile of a turn (`make profile`)

Machine: {machine()}. py-spy sampled the Rasa process {SAMPLES_PER_SECOND} times a
second while one visitor held {turns // len(CONVERSATION)} chats of {len(CONVERSATION)}
turns ({turns} turns: greeting, questions, "source?", thanks) over the REST webhook.
Busy time of the Rasa process per turn: **{profile.busy_ms_per_turn:.1f} ms**; the
visitor saw a p50 latency of {profile.p50_ms:.1f} ms per turn while sampled (the rest is
the client, loopback and py-spy; on a busy machine, time spent waiting for a free core
counts as busy).

## By stage

{profile.stage_table()}

## By the package whose code was running

| package | CPU per turn | share |
| --- | --- | --- |
{package_rows}
""",
        encoding="utf-8",
    )


@dataclass
class Profile:
    stages: Counter[str]
    packages: Counter[str]
    turns: int
    p50_ms: float

    def ms_per_turn(self, samples: int) -> float:
        return samples / SAMPLES_PER_SECOND / self.turns * 1000

    @property
    def busy_samples(self) -> int:
        return sum(self.stages.values())

    @property
    def busy_ms_per_turn(self) -> float:
        return self.ms_per_turn(self.busy_samples)

    @property
    def config_ms_per_turn(self) -> float:
        """The part of a turn that config.yml decides: the NLU pipeline and the policies."""
        return self.ms_per_turn(self.stages[NLU_STAGE] + self.stages[POLICY_STAGE])

    def stage_table(self) -> str:
        rows = [
            f"| {stage} | {self.ms_per_turn(self.stages[stage]):.1f} ms "
            f"| {self.stages[stage] / self.busy_samples:.0%} |"
            for stage, _ in STAGES
        ]
        return "| stage | CPU per turn | share |\n| --- | --- | --- |\n" + "\n".join(rows)


def sample_turns(server: RunningAssistant, chats: int) -> Profile:
    """py-spy on the Rasa process while one visitor holds `chats` chats."""
    raw = server.tracker_db.parent / "profile.txt"
    sampler = subprocess.Popen(
        [
            str(PY_SPY),
            "record",
            "--pid",
            str(server.rasa_pid),
            "--rate",
            str(SAMPLES_PER_SECOND),
            "--format",
            "raw",
            "--output",
            str(raw),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    scenario = drive(server.webhook, 1, chats)
    sampler.send_signal(2)  # SIGINT: py-spy writes its samples and exits
    _, errors = sampler.communicate(timeout=60)
    if not raw.exists():
        raise RuntimeError(f"py-spy wrote nothing: {errors.decode()[-2000:]}")
    stages, packages = summarize(raw)
    return Profile(stages, packages, scenario.turns, scenario.percentile(50))


def main() -> None:
    chats = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    with (
        tempfile.TemporaryDirectory() as workdir,
        running_assistant(MODEL, Path(workdir)) as server,
    ):
        drive(server.webhook, 1, 2)  # warm-up: first calls build TensorFlow graphs
        profile = sample_turns(server, chats)
    write_report(profile)
    print(f"wrote {REPORT}")


if __name__ == "__main__":
    main()
