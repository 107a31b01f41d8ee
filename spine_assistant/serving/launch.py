"""Runs the assistant on this machine (embedded: SQLite tracker store, no other server).

Usage: python -m spine_assistant.serving.launch [web|serve|shell]
  web    (make run)   the action server, REST + socket.io on RASA_PORT (5005), and the demo
                      page with the chat widget on WEB_PORT (8000)
  serve  (make serve) the action server and REST + socket.io on RASA_PORT
  shell  (make shell) the action server and `rasa shell` in this terminal

Settings from the environment: RASA_PORT, WEB_PORT, CORS_ORIGINS, RASA_API_TOKEN, MODEL,
SOURCE_PAGE_URL (where "source?" links; default the page served on WEB_PORT),
ENDPOINTS (default endpoints.yml: the SQLite store rasa.db), RETENTION_DAYS (default 30:
older conversations are deleted first), RASA_PROCESSES (default: one per core, at most 4;
several share RASA_PORT through front.py and the SQLite lock store of endpoints.yml).
Everything started here is stopped when the launcher stops (Ctrl-C, SIGTERM from a service
manager), when one of the servers exits, or when one does not come up.
Security settings (SECURITY.md): the action server listens on 127.0.0.1 only; the Rasa
HTTP API is on only when RASA_API_TOKEN is set; CORS_ORIGINS is a list of origins.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from spine_assistant.knowledge.paths import MODEL, PROJECT_ROOT
from spine_assistant.serving.processes import (
    RASA,
    ProcessGroup,
    Stopped,
    action_server_command,
    rasa_processes,
    shares_locks,
    start_rasa_servers,
    stop_on_signals,
    wait_for_first_exit,
)

ACTIONS_PORT = 5055  # as action_endpoint in endpoints.yml
MODES = ("web", "serve", "shell")


def environment() -> dict[str, str]:
    """The caller's environment with the defaults `make run` documents."""
    env = dict(os.environ)
    web_port = env.setdefault("WEB_PORT", "8000")
    env.setdefault("RASA_PORT", "5005")
    # where "source?" links to (actions/citation.py): the rendered page `make run` serves
    env.setdefault("SOURCE_PAGE_URL", f"http://localhost:{web_port}/source.html")
    # the pages allowed to call the assistant (HTTP CORS and the socket.io origin check)
    env.setdefault("CORS_ORIGINS", f"http://localhost:{web_port} http://127.0.0.1:{web_port}")
    # Rasa 3.6's dependencies print many deprecation warnings that say nothing to a user
    env.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")
    env["SQLALCHEMY_SILENCE_UBER_WARNING"] = "1"
    return env


def run(mode: str, group: ProcessGroup, env: dict[str, str]) -> int:
    """Starts the servers of `mode` in `group`; returns the exit status once one stops."""
    model = Path(env.get("MODEL", MODEL))
    endpoints = Path(env.get("ENDPOINTS", PROJECT_ROOT / "endpoints.yml"))
    rasa_port = int(env["RASA_PORT"])
    subprocess.run(
        [sys.executable, "-m", "spine_assistant.privacy", "--endpoints", str(endpoints), "purge"],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
    )

    actions_log = PROJECT_ROOT / ".rasa-actions.log"
    group.start("action server", action_server_command(ACTIONS_PORT), env, log=actions_log)
    group.wait_for_http("action server", f"http://127.0.0.1:{ACTIONS_PORT}/health")
    print(f"Action server ready on port {ACTIONS_PORT} (log: .rasa-actions.log).", flush=True)

    if mode == "shell":
        shell = [str(RASA), "shell", "--model", str(model), "--endpoints", str(endpoints)]
        group.start("rasa shell", [*shell, "--port", str(rasa_port)], env)
        return _wait_for_first_exit(group, "rasa shell")

    if mode == "serve":
        print(
            f"Serving on http://localhost:{rasa_port} (REST: /webhooks/rest/webhook, "
            "socket.io: /socket.io). Ctrl-C stops.",
            flush=True,
        )
        start_rasa(group, model, endpoints, rasa_port, env, log=None)
        return _wait_for_first_exit(group)

    print(
        f"Starting the assistant on port {rasa_port} (log: .rasa-server.log); it takes about 15 s.",
        flush=True,
    )
    start_rasa(group, model, endpoints, rasa_port, env, log=PROJECT_ROOT / ".rasa-server.log")
    page = [
        sys.executable,
        "-m",
        "spine_assistant.website.static_server",
        "--port",
        env["WEB_PORT"],
    ]
    group.start("web page", [*page, "--assistant-url", f"http://localhost:{rasa_port}"], env)
    return _wait_for_first_exit(group)


def start_rasa(
    group: ProcessGroup,
    model: Path,
    endpoints: Path,
    port: int,
    env: dict[str, str],
    log: Path | None,
) -> None:
    """One Rasa server on `port`, or RASA_PROCESSES of them on loopback behind the front
    (front.py) on `port`, when the endpoints' lock store works across processes; returns
    once `port` answers."""
    count = rasa_processes(env)
    if count > 1 and not shares_locks(endpoints):
        print(
            f"{endpoints.name} has no lock store shared by processes "
            "(spine_assistant.storage.sqlite_lock_store.SQLiteLockStore): one Rasa process.",
            flush=True,
        )
        count = 1
    names = ["Rasa server"] if count == 1 else [f"Rasa server {n}" for n in range(1, count + 1)]
    start_rasa_servers(group, model, endpoints, port, names, env, log=log)
    if count > 1:
        print(f"{count} Rasa processes (RASA_PROCESSES) behind port {port}.", flush=True)


def _wait_for_first_exit(group: ProcessGroup, ends_normally: str | None = None) -> int:
    name = wait_for_first_exit(group.processes)[0]
    status = group.processes[name].returncode
    if name == ends_normally:
        return status
    print(f"error: the {name} stopped (exit status {status}); stopping the others.", flush=True)
    return 1


def main() -> None:
    mode = sys.argv[1] if len(sys.argv) > 1 else "web"
    if mode not in MODES or len(sys.argv) > 2:
        sys.exit(f"usage: python -m spine_assistant.serving.launch [{'|'.join(MODES)}]")
    os.umask(0o077)  # the conversation store and logs it creates are readable by this user only
    stop_on_signals()
    status = 1
    try:
        with ProcessGroup() as group:
            status = run(mode, group, environment())
    except Stopped:
        status = 0
    except (RuntimeError, ValueError) as failed:  # a server did not come up, a bad setting
        print(f"error: {failed}", file=sys.stderr)
    sys.exit(status)


if __name__ == "__main__":
    main()
