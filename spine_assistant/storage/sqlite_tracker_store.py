"""Rasa's SQL tracker store (trackers of the recent turns: recent_turns.py), tuned for
the embedded SQLite set-up.

Rasa's store opens a new SQLite connection for every read and write (SQLAlchemy 1.4's
default for SQLite files), and by default SQLite flushes the file to disk on every
commit; Rasa does this inside its single event loop, so every visitor waits for the
disk. Here one connection is kept open (Rasa's server runs in one thread) in
write-ahead-log mode with `synchronous=NORMAL`: a commit is an append to the log,
still safe if the process is killed (the log is replayed on the next open); only the
last turns may be lost if the whole machine loses power. `busy_timeout` lets other
processes (e.g. a privacy command) write while the server runs.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy
from rasa.core.brokers.broker import EventBroker
from rasa.shared.core.domain import Domain

from spine_assistant.storage.recent_turns import RecentTurnsSQLTrackerStore
from spine_assistant.storage.sqlite_wal import use_wal

BUSY_TIMEOUT_S = 5.0


def _tune_connection(connection: Any, _record: Any) -> None:
    connection.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    use_wal(connection, BUSY_TIMEOUT_S)


class SQLiteTrackerStore(RecentTurnsSQLTrackerStore):
    """`type: spine_assistant.storage.sqlite_tracker_store.SQLiteTrackerStore` with `db: <file>`."""

    engine: sqlalchemy.engine.Engine

    def __init__(
        self,
        domain: Domain | None = None,
        db: str = "rasa.db",
        event_broker: EventBroker | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("dialect", None)
        kwargs.pop("host", None)
        super().__init__(
            domain=domain, dialect="sqlite", db=db, event_broker=event_broker, **kwargs
        )
        url = self.engine.url
        self.engine.dispose()
        self.engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.SingletonThreadPool)
        sqlalchemy.event.listen(self.engine, "connect", _tune_connection)
        self.sessionmaker = sqlalchemy.orm.sessionmaker(bind=self.engine)
