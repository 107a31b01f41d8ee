"""Starts the real action server and Rasa server on free loopback ports, as users run
them (`make serve`, through the `serving` launchers), with a SQLite tracker store in a
given folder. Used by the end-to-end tests and by `make bench`.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

from knowledge.paths import PROJECT_ROOT

RASA = Path(sys.executable).parent / "rasa"
STARTUP_TIMEOUT_S = 300
# Settings of the `serving` launchers, never inherited from the caller's shell.
SECURITY_VARIABLES = ("RASA_API_TOKEN", "CORS_ORIGINS", "ACTION_SERVER_HOST")
TRACKER_STORE = "storage.sqlite_tracker_store.SQLiteTrackerStore"  # as in endpoints.yml


@dataclass
class RunningAssistant:
    url: str
    tracker_db: Path
    rasa_pid: int
    ready_seconds: float
    workdir: Path | None = None
    actions_port: int = 0
    _rasa_command: list[str] = field(default_factory=list, repr=False)
    _actions_command: list[str] = field(default_factory=list, repr=False)
    _env: dict[str, str] = field(default_factory=dict, repr=False)
    _processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict, repr=False)

    @property
    def webhook(self) -> str:
        return f"{self.url}/webhooks/rest/webhook"

    def logs(self) -> dict[str, str]:
        """Everything each server has written so far, by server name."""
        assert self.workdir is not None
        return {
            name: (self.workdir / f"{name}.log").read_text(errors="replace")
            for name in self._processes
        }

    def kill_and_restart_rasa(self) -> None:
        """SIGKILL the Rasa server (no clean shutdown) and start it again on the same
        port and tracker store; returns when it answers."""
        assert self.workdir is not None
        killed = self._processes["rasa"]
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=30)
        self._processes["rasa"] = _start(self._rasa_command, self._env, self.workdir, "rasa")
        _wait_until_ready(f"{self.url}/", self._processes["rasa"], self.workdir / "rasa.log")
        self.rasa_pid = self._processes["rasa"].pid

    def stop_action_server(self) -> None:
        """As if the action server crashed: the Rasa server keeps running alone."""
        stopped = self._processes["actions"]
        stopped.terminate()
        stopped.wait(timeout=30)

    def start_action_server(self) -> None:
        """Starts it again on the same port; returns when it answers."""
        assert self.workdir is not None
        self._processes["actions"] = _start(
            self._actions_command, self._env, self.workdir, "actions"
        )
        _wait_until_ready(
            f"http://127.0.0.1:{self.actions_port}/health",
            self._processes["actions"],
            self.workdir / "actions.log",
        )

    def peak_memory_mb(self) -> float:
        """Peak resident memory of the Rasa process so far (VmHWM)."""
        status = Path(f"/proc/{self.rasa_pid}/status").read_text()
        line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_ready(check: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{check} exited early:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(check, timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{check} not up after {STARTUP_TIMEOUT_S}s:\n{log.read_text()[-3000:]}")


def _start(
    command: list[str], env: dict[str, str], workdir: Path, name: str
) -> subprocess.Popen[bytes]:
    with (workdir / f"{name}.log").open("ab") as log:
        return subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )


@contextmanager
def running_assistant(
    model: Path,
    workdir: Path,
    cors_origins: list[str] | None = None,
    api_token: str | None = None,
    extra_env: dict[str, str] | None = None,
) -> Iterator[RunningAssistant]:
    """`cors_origins`: web pages allowed to call the REST webhook and open the socket.io
    channel (CORS_ORIGINS, as `make run` sets it); `api_token` enables Rasa's HTTP API
    behind that token (RASA_API_TOKEN); `extra_env` adds environment variables for both
    servers."""
    actions_port, rasa_port = free_port(), free_port()
    tracker_db = workdir / "tracker.db"
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        f"action_endpoint:\n  url: http://127.0.0.1:{actions_port}/webhook\n"
        f"tracker_store:\n  type: {TRACKER_STORE}\n  db: {tracker_db}\n",
        encoding="utf-8",
    )
    env = {key: value for key, value in os.environ.items() if key not in SECURITY_VARIABLES}
    env.update(extra_env or {})
    if cors_origins:
        env["CORS_ORIGINS"] = " ".join(cors_origins)
    if api_token:
        env["RASA_API_TOKEN"] = api_token
    commands = {
        "actions": [sys.executable, "-m", "serving.action_server", "--port", str(actions_port)],
        "rasa": [
            sys.executable,
            "-m",
            "serving.rasa_server",
            "--model",
            str(model),
            "--endpoints",
            str(endpoints),
            "--credentials",
            "credentials.yml",
            "--interface",
            "127.0.0.1",
            "--port",
            str(rasa_port),
        ],
    }
    processes: dict[str, subprocess.Popen[bytes]] = {}
    try:
        started = time.perf_counter()
        for name, command in commands.items():
            processes[name] = _start(command, env, workdir, name)
        _wait_until_ready(
            f"http://127.0.0.1:{actions_port}/health", processes["actions"], workdir / "actions.log"
        )
        _wait_until_ready(f"http://127.0.0.1:{rasa_port}/", processes["rasa"], workdir / "rasa.log")
        yield RunningAssistant(
            url=f"http://127.0.0.1:{rasa_port}",
            tracker_db=tracker_db,
            rasa_pid=processes["rasa"].pid,
            ready_seconds=time.perf_counter() - started,
            workdir=workdir,
            actions_port=actions_port,
            _rasa_command=commands["rasa"],
            _actions_command=commands["actions"],
            _env=env,
            _processes=processes,
        )
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
