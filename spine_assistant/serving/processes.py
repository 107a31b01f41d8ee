"""Starting, waiting for and stopping the project's processes, in one place: `make run`,
`make serve`, `make shell` and `make run-scaled`, the end-to-end tests and the benchmarks
all start the servers through here, with the commands built here.

A `ProcessGroup` stops everything it started when it exits, whatever the reason: the
body returned or failed, one server did not come up, or the launcher got SIGTERM or
SIGINT (`stop_on_signals`)."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

import requests
import yaml

from spine_assistant.knowledge.paths import PROJECT_ROOT

RASA = Path(sys.executable).parent / "rasa"
STARTUP_TIMEOUT_S = 300
STOP_TIMEOUT_S = 30
CREDENTIALS = PROJECT_ROOT / "credentials.yml"


def rasa_server_command(
    model: Path, endpoints: Path, port: int, interface: str | None = None
) -> list[str]:
    """The project's `rasa run` (spine_assistant/serving/rasa_server.py: API token and CORS from the
    environment), with the channels of credentials.yml."""
    command = [sys.executable, "-m", "spine_assistant.serving.rasa_server", "--model", str(model)]
    command += ["--endpoints", str(endpoints), "--credentials", str(CREDENTIALS)]
    if interface:
        command += ["--interface", interface]
    return [*command, "--port", str(port)]


def front_command(
    port: int, backend_ports: Sequence[int], interface: str | None = None
) -> list[str]:
    """The one public port in front of several Rasa servers (spine_assistant/serving/front.py)."""
    command = [sys.executable, "-m", "spine_assistant.serving.front", "--port", str(port)]
    if interface:
        command += ["--interface", interface]
    for backend_port in backend_ports:
        command += ["--backend", f"http://127.0.0.1:{backend_port}"]
    return command


MAX_DEFAULT_RASA_PROCESSES = 4  # each one holds the model: about 0.8 GB
SHARED_LOCK_STORES = (
    "spine_assistant.storage.sqlite_lock_store.SQLiteLockStore",
    "spine_assistant.storage.redis_lock_store.AtomicRedisLockStore",
    "redis",
)


def shares_locks(endpoints: Path) -> bool:
    """Whether the endpoints' lock store works across processes (in-memory, the default,
    does not)."""
    settings = yaml.safe_load(endpoints.read_text(encoding="utf-8")) or {}
    lock_store = settings.get("lock_store") or {}
    return lock_store.get("type") in SHARED_LOCK_STORES


def rasa_processes(environ: Mapping[str, str]) -> int:
    """RASA_PROCESSES, else one Rasa process per core the launcher may use (at most
    MAX_DEFAULT_RASA_PROCESSES)."""
    value = environ.get("RASA_PROCESSES", "")
    if value:
        if not value.isdigit() or int(value) < 1:
            raise ValueError(f"RASA_PROCESSES must be a whole number from 1, not {value!r}")
        return int(value)
    return max(1, min(len(os.sched_getaffinity(0)), MAX_DEFAULT_RASA_PROCESSES))


def one_blas_thread(env: Mapping[str, str]) -> dict[str, str]:
    """The environment for one of several Rasa processes: NumPy's BLAS on one thread, as
    the sentence encoder runs a message. A second thread per process would only compete
    with the other processes for the cores (docs/decisions.md)."""
    return {**env, "OPENBLAS_NUM_THREADS": "1"}


def action_server_command(port: int) -> list[str]:
    """The rasa-sdk action server on loopback (spine_assistant/serving/action_server.py)."""
    return [sys.executable, "-m", "spine_assistant.serving.action_server", "--port", str(port)]


# Ports below the kernel's ephemeral range (outgoing connections never take them)
EPHEMERAL_RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")
LOWEST_LISTENING_PORT = 10000
_handed_out: set[int] = set()


def free_port() -> int:
    """A free loopback port below the ephemeral range. A port the kernel picks (bind to 0)
    comes from the range that every outgoing connection also draws from, so another
    process could take it before the server binds it ("address already in use", seen once
    in the scale-out test on a clean clone, 2026-12-01)."""
    try:
        low = int(EPHEMERAL_RANGE_FILE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    highest = max(low, LOWEST_LISTENING_PORT + 1000)
    for _ in range(1000):
        port = random.randrange(LOWEST_LISTENING_PORT, highest)
        if port in _handed_out:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError("no free port below the ephemeral range")


def answers_http(url: str) -> Callable[[], object]:
    """A readiness check: `url` answers with a 2xx or 3xx status."""

    def check() -> object:
        response = requests.get(url, timeout=2)
        response.raise_for_status()
        return response

    return check


def wait_until_ready(
    what: str,
    ready: Callable[[], object],
    process: subprocess.Popen[Any],
    log: Path | None,
    timeout_s: float = STARTUP_TIMEOUT_S,
    not_yet: tuple[type[BaseException], ...] = (requests.RequestException,),
) -> None:
    """Returns once `ready()` stops raising one of `not_yet`; raises RuntimeError with the
    end of the log when the process exits first or the time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited early{_log_tail(log)}")
        try:
            ready()
            return
        except not_yet:
            time.sleep(0.2)
    raise RuntimeError(f"{what} not up after {timeout_s:.0f} s{_log_tail(log)}")


def _log_tail(log: Path | None) -> str:
    if log is None or not log.exists():
        return ""
    return f" (log: {log}):\n{log.read_text(errors='replace')[-3000:]}"


def wait_for_first_exit(
    processes: Mapping[str, subprocess.Popen[bytes]], interval_s: float = 0.5
) -> list[str]:
    """Blocks until one of the processes exits; returns the names of those that have."""
    while not (exited := [name for name, p in processes.items() if p.poll() is not None]):
        time.sleep(interval_s)
    return exited


def stop(process: subprocess.Popen[bytes], stop_signal: int = signal.SIGTERM) -> None:
    """Asks the process to stop, and kills it when it has not after STOP_TIMEOUT_S."""
    if process.poll() is None:
        process.send_signal(stop_signal)
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class ProcessGroup:
    """Named processes started in order and stopped in reverse order on exit."""

    def __init__(self, logs: Path | None = None, env: Mapping[str, str] | None = None) -> None:
        self.logs = logs
        self.env = dict(env) if env is not None else None
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.logs_by_name: dict[str, Path | None] = {}
        self._stop_signals: dict[str, int] = {}
        self._how_started: dict[str, Callable[[], subprocess.Popen[bytes]]] = {}

    def start(
        self,
        name: str,
        command: Sequence[str],
        env: Mapping[str, str] | None = None,
        stop_signal: int = signal.SIGTERM,
        log: Path | None = None,
        **popen: Any,
    ) -> subprocess.Popen[bytes]:
        """Starts `command` from the project folder, its output appended to `log`, else
        to LOGS/NAME.log, else (a group without a log folder) to this terminal."""
        log = log or (self.logs / f"{name}.log" if self.logs else None)
        environment = dict(env) if env is not None else self.env
        if log is None:
            process = subprocess.Popen(list(command), cwd=PROJECT_ROOT, env=environment, **popen)
        else:
            with log.open("ab") as output:
                process = subprocess.Popen(
                    list(command),
                    cwd=PROJECT_ROOT,
                    env=environment,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    **popen,
                )
        self.processes[name] = process
        self.logs_by_name[name] = log
        self._stop_signals[name] = stop_signal
        self._how_started[name] = partial(self.start, name, command, env, stop_signal, log, **popen)
        return process

    def restart(self, name: str) -> subprocess.Popen[bytes]:
        """Starts `name` again as it was first started (command, environment, log); the
        caller has stopped or killed it."""
        return self._how_started[name]()

    def wait_for_http(self, name: str, url: str) -> None:
        wait_until_ready(
            f"the {name}", answers_http(url), self.processes[name], self.logs_by_name[name]
        )

    def stop(self, name: str) -> None:
        stop(self.processes[name], self._stop_signals[name])

    def stop_all(self) -> None:
        for name in reversed(list(self.processes)):
            self.stop(name)

    def __enter__(self) -> ProcessGroup:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop_all()


def start_rasa_servers(
    group: ProcessGroup,
    model: Path,
    endpoints: Path,
    port: int,
    names: Sequence[str],
    env: Mapping[str, str],
    interface: str | None = None,
    log: Path | None = None,
) -> list[int]:
    """One Rasa server per name: a single one on `port` (and `interface`), or several on
    loopback ports, one BLAS thread each, behind the front (front.py) on `port`. Returns
    the Rasa servers' own ports once every server answers."""
    if len(names) == 1:
        ports = [port]
        group.start(names[0], rasa_server_command(model, endpoints, port, interface), env, log=log)
    else:
        ports = [free_port() for _ in names]
        for name, own_port in zip(names, ports, strict=True):
            command = rasa_server_command(model, endpoints, own_port, interface="127.0.0.1")
            group.start(name, command, one_blas_thread(env), log=log)
    for name, own_port in zip(names, ports, strict=True):
        group.wait_for_http(name, f"http://127.0.0.1:{own_port}/")
    if len(names) > 1:
        group.start("front", front_command(port, ports, interface), env, log=log)
        group.wait_for_http("front", f"http://127.0.0.1:{port}/")
    return ports


class Stopped(KeyboardInterrupt):
    """SIGTERM (what a service manager sends) or SIGINT reached the launcher."""


def stop_on_signals() -> None:
    """SIGTERM and SIGINT raise `Stopped` in the main thread, so the `with` blocks that
    started processes stop them; also when the launcher was started with SIGINT ignored."""

    def raise_stopped(signal_number: int, frame: FrameType | None) -> None:
        raise Stopped(signal.Signals(signal_number).name)

    signal.signal(signal.SIGTERM, raise_stopped)
    signal.signal(signal.SIGINT, raise_stopped)
