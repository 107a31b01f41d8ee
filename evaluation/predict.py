"""Runs labelled messages through a trained model and scores them (`make evaluate`, tests)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluation.question_sets import LabelledMessage
from evaluation.scoring import SetScores, score


@dataclass
class Parsed:
    parses: list[dict[str, Any]]
    seconds_per_message: float


def parse_all(model_path: Path, texts: Sequence[str]) -> Parsed:
    """Every text through the model's whole NLU pipeline, as the server parses it."""
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # one debug line per message otherwise
    agent = Agent.load(str(model_path))

    async def parse() -> list[dict[str, Any]]:
        return [await agent.parse_message(text) for text in texts]

    started = time.perf_counter()
    parses = asyncio.run(parse())
    elapsed = time.perf_counter() - started
    return Parsed(parses, elapsed / max(len(texts), 1))


def score_sets(
    model_path: Path, sets: dict[str, Sequence[LabelledMessage]]
) -> tuple[dict[str, SetScores], float]:
    """Scores for each named set, and the mean NLU time per message over all of them."""
    names = list(sets)
    texts = [message.text for name in names for message in sets[name]]
    parsed = parse_all(model_path, texts)
    scores, start = {}, 0
    for name in names:
        count = len(sets[name])
        scores[name] = score(name, sets[name], parsed.parses[start : start + count])
        start += count
    return scores, parsed.seconds_per_message
