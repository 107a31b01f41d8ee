"""Rasa's Redis ticket locks, with each change of a lock made atomic (WATCH/MULTI).

Rasa 3.6's RedisLockStore reads a lock, changes it and writes it back in separate
steps, so two Rasa servers changing one conversation's lock at once lose an update.
A turn that finishes while the next turn of its conversation queues on another server
can then write back its own finished ticket: the next turn waits for that ticket to
expire (Rasa's lock lifetime, 60 s) and ends in Sanic's 503 "Response Timeout" (a CI
run of tests/e2e/test_scale_out.py hit it). The other order drops the queued ticket, and
that turn fails with LockError. Here every change re-reads the lock and retries when
another server wrote it in between, as Redis's optimistic transactions are meant to be
used. Rasa Pro's ConcurrentRedisLockStore is Rasa's own fix; Open Source has none.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore

Result = TypeVar("Result")
# Another server changing the same lock this many times during one change is not
# contention any more; it is a fault, reported as Rasa reports lock faults.
MAX_ATTEMPTS = 100


class AtomicRedisLockStore(RedisLockStore):
    """`type: spine_assistant.storage.redis_lock_store.AtomicRedisLockStore`, with the
    settings of Rasa's `type: redis` (url, port, password, db, key_prefix, ...)."""

    def __init__(self, endpoint_config: Any = None, **settings: Any) -> None:
        if endpoint_config is not None:  # how Rasa creates a lock store named by module path
            settings = {"host": endpoint_config.url, **endpoint_config.kwargs, **settings}
        super().__init__(**settings)

    def _change(
        self,
        conversation_id: str,
        change: Callable[[TicketLock | None], tuple[Result, TicketLock | None]],
    ) -> Result:
        """Apply CHANGE to the stored lock in one transaction; CHANGE returns its result
        and the lock to store (None deletes it). Re-run when the lock changed meanwhile."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipeline:
            for _ in range(MAX_ATTEMPTS):
                try:
                    pipeline.watch(key)
                    stored = pipeline.get(key)
                    lock = TicketLock.from_dict(json.loads(stored)) if stored else None
                    result, changed = change(lock)
                    pipeline.multi()
                    if changed is None:
                        pipeline.delete(key)
                    else:
                        pipeline.set(key, changed.dumps())
                    pipeline.execute()
                    return result
                except redis.WatchError:
                    continue
        raise LockError(f"Lock of conversation '{conversation_id}' kept changing.")

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: TicketLock | None) -> tuple[int, TicketLock]:
            lock = lock or self.create_lock(conversation_id)
            return lock.issue_ticket(lock_lifetime), lock

        try:
            return self._change(conversation_id, issue)
        except redis.RedisError as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def prune(lock: TicketLock | None) -> tuple[None, TicketLock | None]:
            if lock:
                lock.remove_expired_tickets()
            return None, lock

        self._change(conversation_id, prune)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Finish the ticket, and delete the lock when nobody else holds a ticket."""

        def finish(lock: TicketLock | None) -> tuple[None, TicketLock | None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return None, lock if lock and lock.is_someone_waiting() else None

        self._change(conversation_id, finish)
