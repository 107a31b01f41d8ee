"""The rasa-sdk action server (`rasa run actions`), listening on loopback only.

Usage: python -m serving.action_server [--port 5055] [other `rasa run actions` options]

Only the assistant calls the action server, and it runs on the same machine, so the
server binds to 127.0.0.1 (rasa-sdk reads the address from SANIC_HOST; its default,
0.0.0.0, would let anyone on the network call actions directly).
ACTION_SERVER_HOST overrides the address for a deployment on separate hosts, which
then needs its own network protection (SECURITY.md).
"""

from __future__ import annotations

import os
import sys

LOOPBACK = "127.0.0.1"


def main() -> None:
    os.environ["SANIC_HOST"] = os.environ.get("ACTION_SERVER_HOST", LOOPBACK)

    import rasa_sdk.__main__

    sys.argv = ["rasa_sdk", "--actions", "actions", *sys.argv[1:]]
    rasa_sdk.__main__.main()


if __name__ == "__main__":
    main()
