"""The real action server and Rasa server on free loopback ports, started as `make serve`
starts them (processes.py), with their own SQLite tracker store and logs in a given
folder, so they never touch the user's conversations. Used by the end-to-end tests and
the benchmarks.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from spine_assistant.serving.processes import (
    ProcessGroup,
    action_server_command,
    free_port,
    start_rasa_servers,
)

# Settings of the `serving` launchers, never inherited from the caller's shell.
SECURITY_VARIABLES = ("RASA_API_TOKEN", "CORS_ORIGINS", "ACTION_SERVER_HOST")
# as in endpoints.yml
TRACKER_STORE = "spine_assistant.storage.sqlite_tracker_store.SQLiteTrackerStore"
LOCK_STORE = "spine_assistant.storage.sqlite_lock_store.SQLiteLockStore"


@dataclass
class RunningAssistant:
    url: str
    tracker_db: Path
    rasa_pid: int
    ready_seconds: float
    workdir: Path | None = None
    actions_port: int = 0
    # each Rasa server's own address (one, or several behind the front at `url`)
    rasa_urls: list[str] = field(default_factory=list)
    _group: ProcessGroup = field(default_factory=ProcessGroup, repr=False)

    @property
    def webhook(self) -> str:
        return f"{self.url}/webhooks/rest/webhook"

    def logs(self) -> dict[str, str]:
        """Everything each server has written so far, by server name."""
        return {
            name: log.read_text(errors="replace")
            for name, log in self._group.logs_by_name.items()
            if log is not None
        }

    def kill_and_restart_rasa(self) -> None:
        """SIGKILL the (first) Rasa server (no clean shutdown) and start it again on the
        same port and tracker store; returns when it answers."""
        killed = self._group.processes["rasa"]
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=30)
        self.rasa_pid = self._group.restart("rasa").pid
        self._group.wait_for_http("rasa", f"{self.rasa_urls[0]}/")

    def stop_action_server(self) -> None:
        """As if the action server crashed: the Rasa server keeps running alone."""
        self._group.stop("actions")

    def start_action_server(self) -> None:
        """Starts it again on the same port; returns when it answers."""
        self._group.restart("actions")
        self._group.wait_for_http("actions", f"http://127.0.0.1:{self.actions_port}/health")

    def peak_memory_mb(self) -> float:
        """Peak resident memory of the Rasa process so far (VmHWM)."""
        status = Path(f"/proc/{self.rasa_pid}/status").read_text()
        line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024


@contextmanager
def running_assistant(
    model: Path,
    workdir: Path,
    cors_origins: list[str] | None = None,
    api_token: str | None = None,
    extra_env: dict[str, str] | None = None,
    rasa_processes: int = 1,
) -> Iterator[RunningAssistant]:
    """`cors_origins`: web pages allowed to call the REST webhook and open the socket.io
    channel (CORS_ORIGINS, as `make run` sets it); `api_token` enables Rasa's HTTP API
    behind that token (RASA_API_TOKEN); `extra_env` adds environment variables for both
    servers; `rasa_processes` > 1 runs that many Rasa servers behind the front (front.py),
    sharing the SQLite tracker and lock stores, as `make serve` does on a multi-core
    machine."""
    actions_port, public_port = free_port(), free_port()
    tracker_db = workdir / "tracker.db"
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        f"action_endpoint:\n  url: http://127.0.0.1:{actions_port}/webhook\n"
        f"tracker_store:\n  type: {TRACKER_STORE}\n  db: {tracker_db}\n"
        f"lock_store:\n  type: {LOCK_STORE}\n  db: {workdir / 'locks.db'}\n",
        encoding="utf-8",
    )
    env = {key: value for key, value in os.environ.items() if key not in SECURITY_VARIABLES}
    env.update(extra_env or {})
    if cors_origins:
        env["CORS_ORIGINS"] = " ".join(cors_origins)
    if api_token:
        env["RASA_API_TOKEN"] = api_token
    names = ["rasa"] + [f"rasa-{number}" for number in range(2, rasa_processes + 1)]
    with ProcessGroup(logs=workdir, env=env) as group:
        started = time.perf_counter()
        group.start("actions", action_server_command(actions_port))
        rasa_ports = start_rasa_servers(
            group, model, endpoints, public_port, names, env, interface="127.0.0.1"
        )
        group.wait_for_http("actions", f"http://127.0.0.1:{actions_port}/health")
        yield RunningAssistant(
            url=f"http://127.0.0.1:{public_port}",
            tracker_db=tracker_db,
            rasa_pid=group.processes["rasa"].pid,
            ready_seconds=time.perf_counter() - started,
            workdir=workdir,
            actions_port=actions_port,
            rasa_urls=[f"http://127.0.0.1:{port}" for port in rasa_ports],
            _group=group,
        )
