"""Rasa's ticket locks in a SQLite file, so several Rasa processes on one machine take a
conversation's turns one at a time.

Rasa keeps its locks in memory (one process) or in Redis (a server to run). The
embedded set-up runs one Rasa process per core (spine_assistant/serving/launch.py), and
any of them may get the next message of a conversation, so they share the locks here.
Rasa's base class reads a lock, changes it and writes it back in separate steps; two
processes could then both take ticket 0, or one could delete a lock another has just
queued on (Rasa then raises LockError). Here issuing, pruning and finishing a ticket
each run in one write transaction. A lock left by a killed process expires with its tickets
(Rasa's lock lifetime, 60 s), as it does in Redis.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore

from spine_assistant.storage.sqlite_wal import use_wal

BUSY_TIMEOUT_S = 10.0


class SQLiteLockStore(LockStore):
    """`type: spine_assistant.storage.sqlite_lock_store.SQLiteLockStore` with `db: <file>`."""

    def __init__(self, db: str = "rasa-locks.db", endpoint_config: Any = None) -> None:
        if endpoint_config is not None:  # how Rasa creates a lock store named by module path
            db = str(endpoint_config.kwargs.get("db", db))
        # autocommit, transactions opened explicitly; the server's event loop is one
        # thread, the lock makes the connection safe if another thread uses the store
        self._connection = sqlite3.connect(
            db, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        self._thread_lock = threading.RLock()
        with self._thread_lock:
            # the locks need no durability across a power cut: a lock outlives its
            # process by at most its lifetime anyway
            use_wal(self._connection, BUSY_TIMEOUT_S)
            self._connection.execute(
                "CREATE TABLE IF NOT EXISTS ticket_locks "
                "(conversation_id TEXT PRIMARY KEY, lock TEXT NOT NULL)"
            )
        super().__init__()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction: other processes wait (up to BUSY_TIMEOUT_S) until it ends."""
        with self._thread_lock:
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        with self._thread_lock:
            row = self._connection.execute(
                "SELECT lock FROM ticket_locks WHERE conversation_id = ?", (conversation_id,)
            ).fetchone()
        return TicketLock.from_dict(json.loads(row[0])) if row else None

    def delete_lock(self, conversation_id: str) -> None:
        with self._thread_lock:
            cursor = self._connection.execute(
                "DELETE FROM ticket_locks WHERE conversation_id = ?", (conversation_id,)
            )
        self._log_deletion(conversation_id, cursor.rowcount > 0)

    def save_lock(self, lock: TicketLock) -> None:
        with self._thread_lock:
            self._connection.execute(
                "INSERT OR REPLACE INTO ticket_locks (conversation_id, lock) VALUES (?, ?)",
                (lock.conversation_id, lock.dumps()),
            )

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            with self._transaction():
                lock = self.get_or_create_lock(conversation_id)
                ticket = lock.issue_ticket(lock_lifetime)
                self.save_lock(lock)
        except sqlite3.Error as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error
        return ticket

    # Rasa's read-change-write steps, each made one transaction
    def update_lock(self, conversation_id: str) -> None:
        with self._transaction():
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        with self._transaction():
            super().cleanup(conversation_id, ticket_number)
