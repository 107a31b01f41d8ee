"""Starts the real action server and Rasa server on free loopback ports, as users run
them (`make serve`), with a SQLite tracker store in a given folder. Used by the
end-to-end tests and by `make bench`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from knowledge.paths import PROJECT_ROOT

RASA = Path(sys.executable).parent / "rasa"
STARTUP_TIMEOUT_S = 300
TRACKER_STORE = "storage.sqlite_tracker_store.SQLiteTrackerStore"  # as in endpoints.yml


@dataclass
class RunningAssistant:
    url: str
    tracker_db: Path
    rasa_pid: int
    ready_seconds: float

    @property
    def webhook(self) -> str:
        return f"{self.url}/webhooks/rest/webhook"

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


@contextmanager
def running_assistant(
    model: Path, workdir: Path, cors_origins: list[str] | None = None
) -> Iterator[RunningAssistant]:
    """`cors_origins`: web pages allowed to call the REST webhook and open the socket.io
    channel (`rasa run --cors` and CORS_ORIGINS, as `make run` sets them)."""
    actions_port, rasa_port = free_port(), free_port()
    tracker_db = workdir / "tracker.db"
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        f"action_endpoint:\n  url: http://127.0.0.1:{actions_port}/webhook\n"
        f"tracker_store:\n  type: {TRACKER_STORE}\n  db: {tracker_db}\n",
        encoding="utf-8",
    )
    commands = {
        "actions": [str(RASA), "run", "actions", "--port", str(actions_port)],
        "rasa": [
            str(RASA),
            "run",
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
        ]
        + (["--cors", *cors_origins] if cors_origins else []),
    }
    environment = dict(os.environ)
    if cors_origins:
        environment["CORS_ORIGINS"] = " ".join(cors_origins)
    processes: dict[str, subprocess.Popen[bytes]] = {}
    try:
        started = time.perf_counter()
        for name, command in commands.items():
            log = (workdir / f"{name}.log").open("wb")
            processes[name] = subprocess.Popen(
                command, cwd=PROJECT_ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
            )
        _wait_until_ready(
            f"http://127.0.0.1:{actions_port}/health", processes["actions"], workdir / "actions.log"
        )
        _wait_until_ready(f"http://127.0.0.1:{rasa_port}/", processes["rasa"], workdir / "rasa.log")
        yield RunningAssistant(
            url=f"http://127.0.0.1:{rasa_port}",
            tracker_db=tracker_db,
            rasa_pid=processes["rasa"].pid,
            ready_seconds=time.perf_counter() - started,
        )
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
