"""Processes released at the same moment, for the races the lock stores must survive."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import Any, TypeVar

Result = TypeVar("Result")


def run_at_once(
    worker: Callable[..., Result], args: tuple[Any, ...], processes: int, timeout_s: float = 120
) -> list[Result]:
    """`worker(*args, start)` in each of PROCESSES new processes; each waits on the event
    `start`, set once all are started. An exception in any worker is raised here."""
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        start = manager.Event()
        with context.Pool(processes) as pool:
            results = pool.starmap_async(worker, [(*args, start)] * processes)
            start.set()
            return results.get(timeout=timeout_s)
