"""Privacy commands (README "Security and privacy"):

    python -m spine_assistant.privacy forget SENDER_ID   delete one visitor's conversation
    python -m spine_assistant.privacy purge [--days N]   delete conversations idle for more
                                         than N days (default: RETENTION_DAYS, else 30)

Both use the tracker store of endpoints.yml (or --endpoints FILE).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from spine_assistant.privacy.conversations import (
    DEFAULT_RETENTION_DAYS,
    UnsupportedTrackerStore,
    forget_conversation,
    open_tracker_store,
    purge_old_conversations,
)


def retention_days_from_environment() -> float:
    value = os.environ.get("RETENTION_DAYS", "").strip()
    if not value:
        return DEFAULT_RETENTION_DAYS
    try:
        days = float(value)
    except ValueError:
        sys.exit(f"error: RETENTION_DAYS must be a number of days, not {value!r}")
    if days < 0:
        sys.exit("error: RETENTION_DAYS cannot be negative")
    return days


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m spine_assistant.privacy", description=__doc__)
    parser.add_argument("--endpoints", type=Path, default=Path("endpoints.yml"))
    commands = parser.add_subparsers(dest="command", required=True)
    forget = commands.add_parser("forget", help="delete one visitor's conversation")
    forget.add_argument("sender_id")
    purge = commands.add_parser("purge", help="delete conversations older than the retention")
    purge.add_argument("--days", type=float, default=None)
    arguments = parser.parse_args(argv)

    try:
        store = open_tracker_store(arguments.endpoints)
    except UnsupportedTrackerStore as unsupported:
        sys.exit(f"error: {unsupported}")
    if arguments.command == "forget":
        deleted = forget_conversation(store, arguments.sender_id)
        print(f"Deleted {deleted} events of conversation {arguments.sender_id!r}.")
    else:
        days = arguments.days if arguments.days is not None else retention_days_from_environment()
        if days < 0:
            sys.exit("error: --days cannot be negative")
        purged = purge_old_conversations(store, days)
        print(f"Deleted {purged} conversations idle for more than {days:g} days.")


if __name__ == "__main__":
    main()
