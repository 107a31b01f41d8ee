"""Privacy commands on a conversation store: conversations older than the retention
period are deleted, and one visitor's conversation is deleted on request."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from spine_assistant.knowledge.paths import PROJECT_ROOT
from spine_assistant.privacy.conversations import (
    SECONDS_PER_DAY,
    forget_conversation,
    open_tracker_store,
    purge_old_conversations,
)

pytestmark = pytest.mark.safety

NOW = time.time()


def write_endpoints(folder: Path) -> Path:
    endpoints = folder / "endpoints.yml"
    endpoints.write_text(
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {folder / 'tracker.db'}\n",
        encoding="utf-8",
    )
    return endpoints


def store_conversation(endpoints: Path, sender: str, *days_ago: float) -> None:
    """A conversation with one user message per age given, as Rasa stores it."""
    events = [
        UserUttered(f"message {n}", timestamp=NOW - d * SECONDS_PER_DAY)
        for n, d in enumerate(days_ago)
    ]
    tracker = DialogueStateTracker.from_events(sender, events, domain=Domain.empty())
    asyncio.run(open_tracker_store(endpoints).save(tracker))


def stored_senders(endpoints: Path) -> set[str]:
    return set(asyncio.run(open_tracker_store(endpoints).keys()))


def run_privacy_command(endpoints: Path, *arguments: str, **env: str) -> str:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "spine_assistant.privacy",
            "--endpoints",
            str(endpoints),
            *arguments,
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return completed.stdout


def test_purge_deletes_conversations_idle_longer_than_the_retention(tmp_path: Path) -> None:
    endpoints = write_endpoints(tmp_path)
    store_conversation(endpoints, "idle-40-days", 45, 40)
    store_conversation(endpoints, "started-long-ago-still-going", 60, 1)
    store_conversation(endpoints, "today", 0)

    purged = purge_old_conversations(open_tracker_store(endpoints), older_than_days=30, now=NOW)

    assert purged == 1
    assert stored_senders(endpoints) == {"started-long-ago-still-going", "today"}


def test_the_purge_command_reads_retention_days_from_the_environment(tmp_path: Path) -> None:
    endpoints = write_endpoints(tmp_path)
    store_conversation(endpoints, "three-days", 3)
    store_conversation(endpoints, "one-day", 1)

    output = run_privacy_command(endpoints, "purge", RETENTION_DAYS="2")

    assert "Deleted 1 conversations" in output
    assert stored_senders(endpoints) == {"one-day"}


def test_answer_feedback_goes_with_its_conversation(tmp_path: Path) -> None:
    """Votes are events of the conversation (channels/feedback.py): forget and the
    purge remove them too, with nothing left in the store."""
    endpoints = write_endpoints(tmp_path)
    vote = {"message_id": "m", "topic": "symptoms", "rating": "not_helpful", "reason": "x"}
    for sender, days_ago in (("voted-long-ago", 40), ("voted-today", 0)):
        events = [
            UserUttered("what are the symptoms?", timestamp=NOW - days_ago * SECONDS_PER_DAY),
            SlotSet("answer_feedback", vote, timestamp=NOW - days_ago * SECONDS_PER_DAY),
        ]
        tracker = DialogueStateTracker.from_events(sender, events, domain=Domain.empty())
        asyncio.run(open_tracker_store(endpoints).save(tracker))

    purge_old_conversations(open_tracker_store(endpoints), older_than_days=30, now=NOW)
    assert stored_senders(endpoints) == {"voted-today"}
    forget_conversation(open_tracker_store(endpoints), "voted-today")

    with sqlite3.connect(tmp_path / "tracker.db") as database:
        assert database.execute("SELECT COUNT(*) FROM events").fetchone() == (0,)


def test_forget_deletes_exactly_one_conversation(tmp_path: Path) -> None:
    endpoints = write_endpoints(tmp_path)
    store_conversation(endpoints, "ann", 0, 0)
    store_conversation(endpoints, "bob", 0)

    assert forget_conversation(open_tracker_store(endpoints), "ann") > 0
    assert stored_senders(endpoints) == {"bob"}


def test_the_commands_refuse_a_store_they_cannot_clean(tmp_path: Path) -> None:
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text("tracker_store:\n  type: redis\n  url: localhost\n", encoding="utf-8")

    with pytest.raises(subprocess.CalledProcessError) as refused:
        run_privacy_command(endpoints, "purge")
    assert "type: SQL" in refused.value.stderr
