"""`make bench` (also on its own: `python -m evaluation.conversation_length`): what a
turn costs late in a long conversation, with Rasa's own SQL tracker store and with the
project's recent-turns store (spine_assistant/storage/recent_turns.py), in A-B-A order
in one process. Writes reports/conversation_length.md.

In-process (the shipped model's NLU, policies and store, no HTTP server), one
conversation of TURNS turns per store on SQLite; each point is the median of five
turns around it. The target (issue 15) is a ratio within the run: turn 200 within 1.5×
of turns 1–5.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from evaluation.compare import machine
from evaluation.load import CONVERSATION
from spine_assistant.knowledge.paths import MODEL, PROJECT_ROOT

if TYPE_CHECKING:
    from rasa.core.agent import Agent
    from rasa.core.tracker_store import TrackerStore

TURNS = 200
POINTS = {"turns 1–5": range(0, 5), "turn 50": range(47, 52), "turn 100": range(97, 102)}
POINTS["turn 200"] = range(TURNS - 5, TURNS)
TARGET_RATIO = 1.5
REPORT = PROJECT_ROOT / "reports" / "conversation_length.md"


@dataclass(frozen=True)
class Curve:
    store: str
    milliseconds: dict[str, float]  # point → median ms per turn

    @property
    def ratio(self) -> float:
        """Turn 200 against turns 1–5."""
        return self.milliseconds["turn 200"] / self.milliseconds["turns 1–5"]

    @property
    def meets_target(self) -> bool:
        return self.ratio <= TARGET_RATIO


def medians(times: list[float]) -> dict[str, float]:
    return {point: statistics.median(times[i] for i in turns) for point, turns in POINTS.items()}


def use_store(agent: Agent, store: TrackerStore) -> None:
    """Serve the loaded model from another tracker store, as `endpoints.yml` would."""
    from rasa.core.tracker_store import AwaitableTrackerStore

    agent.tracker_store = AwaitableTrackerStore(store)
    assert agent.processor is not None
    agent.processor.tracker_store = agent.tracker_store


async def _curve(agent: Agent, store: TrackerStore, name: str) -> Curve:
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    use_store(agent, store)
    times = []
    for turn in range(TURNS):
        message = CONVERSATION[turn % len(CONVERSATION)]
        started = time.perf_counter()
        await agent.handle_message(UserMessage(message, CollectingOutputChannel(), f"long-{name}"))
        times.append((time.perf_counter() - started) * 1000)
    return Curve(name, medians(times))


async def measure(model: Path = MODEL) -> list[Curve]:
    """A-B-A: Rasa's store, the recent-turns store, Rasa's store again."""
    from rasa.core.agent import Agent
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.utils.log_utils import configure_structlog

    from spine_assistant.storage.sqlite_tracker_store import SQLiteTrackerStore

    configure_structlog(logging.WARNING)
    logging.getLogger("rasa.core.processor").setLevel(logging.CRITICAL)  # no action server
    agent = Agent.load(str(model))
    folder = Path(tempfile.mkdtemp(prefix="length-"))
    rasa_store = "Rasa's SQL store"
    return [
        await _curve(
            agent,
            SQLTrackerStore(agent.domain, dialect="sqlite", db=str(folder / "a.db")),
            rasa_store,
        ),
        await _curve(
            agent, SQLiteTrackerStore(agent.domain, db=str(folder / "b.db")), "recent-turns store"
        ),
        await _curve(
            agent,
            SQLTrackerStore(agent.domain, dialect="sqlite", db=str(folder / "c.db")),
            f"{rasa_store} again",
        ),
    ]


def render(curves: list[Curve], measured_on: str) -> str:
    header = "| store | " + " | ".join(POINTS) + " | turn 200 / turns 1–5 |"
    lines = [
        "# Cost of a turn late in a long conversation",
        "",
        f"Machine: {measured_on}.",
        "",
        f"One conversation of {TURNS} turns per store, in-process (NLU, policies, SQLite",
        "store; no HTTP server), A-B-A. Milliseconds per turn, median of five turns around",
        f"each point. Target: turn 200 within {TARGET_RATIO}× of turns 1–5.",
        "",
        header,
        "| --- |" + " ---: |" * (len(POINTS) + 1),
    ]
    for curve in curves:
        cells = " | ".join(f"{curve.milliseconds[point]:.0f}" for point in POINTS)
        mark = "" if curve.meets_target else " (over target)"
        lines.append(f"| {curve.store} | {cells} | {curve.ratio:.2f}×{mark} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    curves = asyncio.run(measure())
    REPORT.write_text(render(curves, machine()), encoding="utf-8")
    print(REPORT.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
