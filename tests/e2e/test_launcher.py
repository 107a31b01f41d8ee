"""`make run` / `make serve` (spine_assistant/serving/launch.py) never leave servers
behind: SIGTERM (what a service manager sends) or SIGINT to the launcher stops everything
it started, and so does a server that cannot start (the web page's port already taken)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from spine_assistant.knowledge.paths import PROJECT_ROOT
from spine_assistant.serving.launch import ACTIONS_PORT
from spine_assistant.serving.processes import answers_http, free_port, wait_until_ready

pytestmark = [pytest.mark.model, pytest.mark.e2e]


def descendants(pid: int) -> set[int]:
    """Every process below `pid`, read from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    running = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            running.add(pid)
    return running


def launch(
    mode: str, workdir: Path, model: Path, shared_locks: bool = True, **env: str
) -> subprocess.Popen[str]:
    """The launcher with its own SQLite stores, so it never touches rasa.db; without
    `shared_locks` its endpoints have Rasa's default in-memory lock store."""
    if not _port_is_free(ACTIONS_PORT):
        pytest.fail(f"port {ACTIONS_PORT} (the action server's, as in endpoints.yml) is in use")
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        f"action_endpoint:\n  url: http://127.0.0.1:{ACTIONS_PORT}/webhook\n"
        "tracker_store:\n  type: spine_assistant.storage.sqlite_tracker_store.SQLiteTrackerStore\n"
        f"  db: {workdir / 'tracker.db'}\n"
        + (
            "lock_store:\n  type: spine_assistant.storage.sqlite_lock_store.SQLiteLockStore\n"
            f"  db: {workdir / 'locks.db'}\n"
            if shared_locks
            else ""
        ),
        encoding="utf-8",
    )
    variables = {"MODEL": str(model), "ENDPOINTS": str(endpoints), **env}
    return subprocess.Popen(
        [sys.executable, "-m", "spine_assistant.serving.launch", mode],
        cwd=PROJECT_ROOT,
        env={**os.environ, **variables},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def wait_until_serving(url: str, launcher: subprocess.Popen[Any]) -> None:
    try:
        wait_until_ready("the launcher's Rasa server", answers_http(url), launcher, None)
    except RuntimeError as failed:
        pytest.fail(f"{failed}\n{launcher.communicate()[0]}")


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_to_the_launcher_stops_every_server(
    trained_model: Path, tmp_path: Path, stop_signal: int
) -> None:
    rasa_port = free_port()
    launcher = launch(
        "serve", tmp_path, trained_model, RASA_PORT=str(rasa_port), RASA_PROCESSES="2"
    )
    try:
        wait_until_serving(f"http://127.0.0.1:{rasa_port}/", launcher)
        started = descendants(launcher.pid)
        assert len(started) >= 4, "the action server, two Rasa servers and the front"

        launcher.send_signal(stop_signal)
        launcher.wait(timeout=90)

        assert alive(started) == set()
        assert launcher.returncode == 0
        assert _port_is_free(rasa_port) and _port_is_free(ACTIONS_PORT)
    finally:
        if launcher.poll() is None:
            launcher.kill()


def test_a_server_that_cannot_start_stops_the_others(trained_model: Path, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        web_port = taken.getsockname()[1]
        launcher = launch(
            "web",
            tmp_path,
            trained_model,
            shared_locks=False,
            RASA_PORT=str(free_port()),
            WEB_PORT=str(web_port),
            RASA_PROCESSES="2",
        )
        started: set[int] = set()
        try:
            while launcher.poll() is None:  # descendants seen before the launcher gives up
                started |= descendants(launcher.pid)
                time.sleep(0.2)
            output = launcher.communicate(timeout=90)[0]
        finally:
            if launcher.poll() is None:
                launcher.kill()

    assert launcher.returncode != 0
    assert "no lock store shared by processes" in output, "so one Rasa process, not two"
    assert "the web page stopped" in output
    assert len(started) >= 3, "the action server, the Rasa server and the web page"
    assert alive(started) == set()
    assert _port_is_free(ACTIONS_PORT)
