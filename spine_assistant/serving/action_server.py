"""The rasa-sdk action server (`rasa run actions`), listening on loopback only.

Usage: python -m spine_assistant.serving.action_server [--port 5055] [`rasa run actions` options]

Only the assistant calls the action server, and it runs on the same machine, so the
server binds to 127.0.0.1 (rasa-sdk reads the address from SANIC_HOST; its default,
0.0.0.0, would let anyone on the network call actions directly).
ACTION_SERVER_HOST overrides the address for a deployment on separate hosts, which
then needs its own network protection (SECURITY.md).

Idle keep-alive connections are kept for 75 s instead of Sanic's 5 s: Rasa's HTTP client
(aiohttp) reuses an idle connection for up to 15 s, so with 5 s it could send an action
call on a connection the action server was just closing ("Cannot write to closing
transport"), and that turn lost its citation or its whole reply. The server must
outlive the client's pool, never the other way round.
"""

from __future__ import annotations

import os
import sys

LOOPBACK = "127.0.0.1"
KEEP_ALIVE_SECONDS = "75"  # longer than aiohttp's 15 s pool keep-alive


def main() -> None:
    os.environ["SANIC_HOST"] = os.environ.get("ACTION_SERVER_HOST", LOOPBACK)
    os.environ["SANIC_KEEP_ALIVE_TIMEOUT"] = KEEP_ALIVE_SECONDS

    import rasa_sdk.__main__

    sys.argv = ["rasa_sdk", "--actions", "actions", *sys.argv[1:]]
    rasa_sdk.__main__.main()


if __name__ == "__main__":
    main()
