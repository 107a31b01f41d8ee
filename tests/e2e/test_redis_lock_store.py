"""The scaled set-up's lock store (spine_assistant/storage/redis_lock_store.py) on a real
Redis server: one conversation's tickets stay right when two servers change its lock at
the same moment. Rasa's RedisLockStore is run on the same races to show what they cost.

Installs redis-server through scripts/install_debian_packages.sh when missing.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator

import pytest
import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, RedisLockStore

from spine_assistant.serving.processes import free_port, wait_until_ready
from spine_assistant.serving.scaled import INSTALL_SCRIPT
from spine_assistant.storage.redis_lock_store import AtomicRedisLockStore
from tests.concurrency import run_at_once

pytestmark = [pytest.mark.e2e, pytest.mark.scale]

CONVERSATION = "visitor"
PROCESSES = 4
TURNS_EACH = 15
DB = 1
# a store of the given class on the test's Redis
NewStore = Callable[[type[RedisLockStore]], RedisLockStore]


@pytest.fixture(scope="module")
def redis_port() -> Iterator[int]:
    if not shutil.which("redis-server"):
        subprocess.run([str(INSTALL_SCRIPT), "redis-server"], check=True)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="spine-redis-") as folder:
        server = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", folder],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            client = redis.Redis(port=port)
            wait_until_ready("Redis", client.ping, server, None, not_yet=(redis.ConnectionError,))
            yield port
        finally:
            server.terminate()
            server.wait(timeout=10)


@pytest.fixture
def new_store(redis_port: int) -> Iterator[NewStore]:
    """A store of the given class on an empty Redis database, one connection each, as
    each Rasa server has its own."""
    redis.Redis(port=redis_port, db=DB).flushdb()

    def new(kind: type[RedisLockStore]) -> RedisLockStore:
        return kind(host="127.0.0.1", port=redis_port, db=DB, key_prefix="spine")

    yield new


def run_once_inside(
    monkeypatch: pytest.MonkeyPatch, method: str, interruption: Callable[[], object]
) -> None:
    """Run INTERRUPTION the first time TicketLock.METHOD is called: between a store's
    read of a lock and its write, where another server can run."""
    original = getattr(TicketLock, method)
    pending = [interruption]

    def interrupted(self: TicketLock, *args: object) -> object:
        if pending:
            pending.pop()()
        return original(self, *args)

    monkeypatch.setattr(TicketLock, method, interrupted)


def end_while_the_next_queues(
    kind: type[RedisLockStore], new_store: NewStore, monkeypatch: pytest.MonkeyPatch
) -> tuple[TicketLock | None, int]:
    """Server A ends its turn between server B's read and write of the lock, as B
    queues the next turn: the lock afterwards, and B's ticket."""
    server_a, server_b = new_store(kind), new_store(kind)
    first = server_a.issue_ticket(CONVERSATION)
    run_once_inside(monkeypatch, "issue_ticket", lambda: server_a.cleanup(CONVERSATION, first))
    second = server_b.issue_ticket(CONVERSATION)
    return server_b.get_lock(CONVERSATION), second


def queue_while_the_last_ends(
    kind: type[RedisLockStore], new_store: NewStore, monkeypatch: pytest.MonkeyPatch
) -> tuple[TicketLock | None, list[int]]:
    """Server B queues between server A's read and write of the lock, as A ends its
    turn: the lock afterwards, and B's ticket."""
    server_a, server_b = new_store(kind), new_store(kind)
    first = server_a.issue_ticket(CONVERSATION)
    queued: list[int] = []
    run_once_inside(
        monkeypatch,
        "remove_ticket_for",
        lambda: queued.append(server_b.issue_ticket(CONVERSATION)),
    )
    server_a.cleanup(CONVERSATION, first)
    return server_b.get_lock(CONVERSATION), queued


def test_a_turn_ending_while_the_next_queues_leaves_the_next_first_in_line(
    new_store: NewStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rasa's store wrote A's finished ticket back, and B's turn waited for it to
    expire (60 s): the 503 of a CI run."""
    lock, second = end_while_the_next_queues(AtomicRedisLockStore, new_store, monkeypatch)
    assert lock is not None and not lock.is_locked(second)
    assert [ticket.number for ticket in lock.tickets] == [second]


def test_rasa_s_store_keeps_the_finished_ticket_in_that_race(
    new_store: NewStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock, second = end_while_the_next_queues(RedisLockStore, new_store, monkeypatch)
    assert lock is not None and lock.is_locked(second), "Rasa fixed it: use its store"


def test_a_turn_queuing_while_the_last_ends_keeps_its_ticket(
    new_store: NewStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rasa's store deleted B's ticket with the lock, and B's turn failed with LockError."""
    lock, queued = queue_while_the_last_ends(AtomicRedisLockStore, new_store, monkeypatch)
    assert lock is not None and [ticket.number for ticket in lock.tickets] == queued
    assert not lock.is_locked(queued[0])


def test_rasa_s_store_drops_the_queued_ticket_in_that_race(
    new_store: NewStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock, _ = queue_while_the_last_ends(RedisLockStore, new_store, monkeypatch)
    assert lock is None, "Rasa fixed it: use its store"


def _take_turns(port: int, start: multiprocessing.synchronize.Event) -> int:
    """TURNS_EACH turns of one conversation, each counted in and out of the
    conversation's critical section; returns how many found someone else inside."""
    store = AtomicRedisLockStore(host="127.0.0.1", port=port, db=DB, key_prefix="spine")
    inside = redis.Redis(port=port, db=DB)
    overlaps = 0

    async def turns() -> None:
        nonlocal overlaps
        for _ in range(TURNS_EACH):
            async with store.lock(CONVERSATION, wait_time_in_seconds=0.005):
                overlaps += inside.incr("inside") != 1
                await asyncio.sleep(0.002)
                inside.decr("inside")

    start.wait()
    asyncio.run(turns())
    return overlaps


def test_servers_taking_turns_of_one_conversation_at_once_never_overlap(
    new_store: NewStore, redis_port: int
) -> None:
    overlaps = run_at_once(_take_turns, (redis_port,), PROCESSES)  # raises a turn's LockError
    assert overlaps == [0] * PROCESSES
    assert new_store(AtomicRedisLockStore).get_lock(CONVERSATION) is None


def test_a_lock_store_error_is_rasa_s_lock_error(new_store: NewStore) -> None:
    store = new_store(AtomicRedisLockStore)
    store.red = redis.Redis(port=free_port(), socket_connect_timeout=1)  # nobody listens
    with pytest.raises(LockError):
        store.issue_ticket(CONVERSATION)
