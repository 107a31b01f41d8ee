"""Switching a SQLite file to write-ahead logging while other processes open it too.

SQLite does not always wait out its busy timeout for this switch: when several servers
start at once on a new file, `PRAGMA journal_mode=WAL` can fail at once with "database
is locked". Before this retry 8 of 200 four-process starts of the lock store and about
1 of 100 of the tracker store failed so (and one CI run), which loses the first message.
"""

from __future__ import annotations

import sqlite3
import time

RETRY_EVERY_S = 0.02


def use_wal(connection: sqlite3.Connection, timeout_s: float) -> None:
    """WAL with `synchronous=NORMAL`: a commit appends to the log, safe if the process is killed."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(RETRY_EVERY_S)
