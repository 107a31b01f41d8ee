"""Switching a SQLite file to WAL while other processes open it: retried, not failed."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from spine_assistant.storage.sqlite_wal import use_wal

STARTS = 40
PROCESSES = 4


class _LockedAtFirst:
    """A connection whose first statements fail as SQLite's WAL switch does under contention."""

    def __init__(self, failures: int, error: str = "database is locked") -> None:
        self.failures = failures
        self.error = error
        self.statements: list[str] = []

    def execute(self, statement: str) -> Any:
        if self.failures:
            self.failures -= 1
            raise sqlite3.OperationalError(self.error)
        self.statements.append(statement)


def test_a_locked_file_is_retried_until_the_switch_succeeds() -> None:
    connection = _LockedAtFirst(failures=3)
    use_wal(connection, timeout_s=5.0)  # type: ignore[arg-type]
    assert connection.statements == ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL"]


def test_a_file_locked_for_longer_than_the_timeout_raises() -> None:
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        use_wal(_LockedAtFirst(failures=10**6), timeout_s=0.1)  # type: ignore[arg-type]


def test_other_errors_are_not_retried() -> None:
    connection = _LockedAtFirst(failures=1, error="disk I/O error")
    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        use_wal(connection, timeout_s=5.0)  # type: ignore[arg-type]
    assert connection.failures == 0 and not connection.statements


def _open_at_once(db: str, start: Any) -> str:
    connection = sqlite3.connect(db, timeout=5.0)
    start.wait()
    try:
        use_wal(connection, timeout_s=5.0)
        return str(connection.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        connection.close()


def test_processes_opening_a_new_file_at_once_all_get_wal(tmp_path: Path) -> None:
    """Before the retry, about 1 in 25 such starts failed with "database is locked"."""
    context = multiprocessing.get_context("fork")
    with context.Manager() as manager, context.Pool(PROCESSES) as pool:
        for start_number in range(STARTS):
            db = str(tmp_path / f"new-{start_number}.db")
            start = manager.Barrier(PROCESSES)
            modes = pool.starmap(_open_at_once, [(db, start)] * PROCESSES)
            assert modes == ["wal"] * PROCESSES
