"""The SQLite lock store: Rasa's ticket locks shared by several Rasa processes."""

from __future__ import annotations

import asyncio
import multiprocessing
from pathlib import Path

import pytest
from rasa.core.lock_store import LockError

from spine_assistant.storage.sqlite_lock_store import SQLiteLockStore
from tests.concurrency import run_at_once

PROCESSES = 4
TICKETS_EACH = 40


def _issue_tickets(db: str, start: multiprocessing.synchronize.Event) -> list[int]:
    store = SQLiteLockStore(db)
    start.wait()
    return [store.issue_ticket("shared conversation") for _ in range(TICKETS_EACH)]


def test_processes_issuing_tickets_at_once_never_get_the_same_one(tmp_path: Path) -> None:
    """Rasa's own read-then-write would hand two processes the same ticket; one
    transaction per ticket does not."""
    db = str(tmp_path / "locks.db")
    SQLiteLockStore(db)  # creates the table before the race
    batches = run_at_once(_issue_tickets, (db,), PROCESSES)
    tickets = [ticket for batch in batches for ticket in batch]
    assert sorted(tickets) == list(range(PROCESSES * TICKETS_EACH))


async def test_a_second_process_waits_until_the_first_releases_the_conversation(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "locks.db")
    first, second = SQLiteLockStore(db), SQLiteLockStore(db)  # two connections, as two processes
    order: list[str] = []

    async def take(store: SQLiteLockStore, name: str, hold_s: float) -> None:
        async with store.lock("conversation", wait_time_in_seconds=0.02):
            order.append(f"{name} in")
            await asyncio.sleep(hold_s)
            order.append(f"{name} out")

    holder = asyncio.create_task(take(first, "first", 0.3))
    await asyncio.sleep(0.05)
    await take(second, "second", 0)
    await holder

    assert order == ["first in", "first out", "second in", "second out"]
    assert first.get_lock("conversation") is None, "the last one out removes the lock"


async def test_other_conversations_do_not_wait(tmp_path: Path) -> None:
    db = str(tmp_path / "locks.db")
    first, second = SQLiteLockStore(db), SQLiteLockStore(db)
    async with first.lock("one"), second.lock("two", wait_time_in_seconds=5):
        assert first.get_lock("two") is not None


async def test_a_killed_holders_lock_expires(tmp_path: Path) -> None:
    """A process killed while it holds a conversation never releases it; the ticket
    expires after its lifetime and the next turn goes ahead."""
    db = str(tmp_path / "locks.db")
    killed, survivor = SQLiteLockStore(db), SQLiteLockStore(db)
    killed.issue_ticket("conversation", lock_lifetime=0.2)  # never cleaned up

    async with survivor.lock("conversation", wait_time_in_seconds=0.05) as lock:
        assert lock.conversation_id == "conversation"


def test_a_store_that_cannot_write_raises_rasas_lock_error(tmp_path: Path) -> None:
    store = SQLiteLockStore(str(tmp_path / "locks.db"))
    store._connection.execute("DROP TABLE ticket_locks")
    with pytest.raises(LockError):
        store.issue_ticket("conversation")


def test_rasa_creates_it_from_endpoints_yml(tmp_path: Path) -> None:
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import EndpointConfig

    config = EndpointConfig(
        type="spine_assistant.storage.sqlite_lock_store.SQLiteLockStore",
        db=str(tmp_path / "from-endpoints.db"),
    )
    store = LockStore.create(config)
    assert isinstance(store, SQLiteLockStore)
    store.issue_ticket("conversation")
    assert (tmp_path / "from-endpoints.db").exists()
