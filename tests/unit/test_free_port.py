"""Servers started for tests and benchmarks listen on ports no outgoing connection takes."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from spine_assistant.serving import processes
from spine_assistant.serving.processes import LOWEST_LISTENING_PORT, free_port


def test_free_ports_are_below_the_ephemeral_range_distinct_and_bindable() -> None:
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    ports = [free_port() for _ in range(20)]
    assert len(set(ports)) == len(ports)
    for port in ports:
        assert LOWEST_LISTENING_PORT <= port < low
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))


def test_a_taken_port_is_never_handed_out(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        choices = iter([port, port, LOWEST_LISTENING_PORT + 7])
        monkeypatch.setattr(processes.random, "randrange", lambda *_: next(choices))
        monkeypatch.setattr(processes, "_handed_out", set())
        assert free_port() == LOWEST_LISTENING_PORT + 7
