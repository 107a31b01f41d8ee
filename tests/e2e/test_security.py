"""Security of the served assistant: the HTTP API needs the token (and is off without
one), only listed web origins get CORS, and the action server listens on loopback only.
The settings themselves are checked without servers in tests/unit/test_security_settings.py."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from spine_assistant.serving.isolated import RunningAssistant, running_assistant
from tests.e2e.conftest import ALLOWED_ORIGIN

pytestmark = pytest.mark.safety

API_ROUTES = [
    ("GET", "/status"),
    ("GET", "/domain"),
    ("GET", "/conversations/someone/tracker"),
    ("GET", "/conversations/someone/story"),
    ("POST", "/conversations/someone/messages"),
    ("POST", "/conversations/someone/tracker/events"),
    ("POST", "/conversations/someone/execute"),
    ("POST", "/model/parse"),
    ("PUT", "/model"),
]


@pytest.mark.model
@pytest.mark.e2e
@pytest.mark.parametrize(("method", "path"), API_ROUTES)
def test_the_http_api_refuses_calls_without_the_token(
    hardened_assistant: RunningAssistant, api_token: str, method: str, path: str
) -> None:
    for params in ({}, {"token": "wrong-token-0123456789"}, {"token": ""}):
        reply = requests.request(
            method, hardened_assistant.url + path, params=params, json={}, timeout=30
        )
        assert reply.status_code == 401, (method, path, params, reply.text)


@pytest.mark.model
@pytest.mark.e2e
def test_the_http_api_answers_with_the_token(
    hardened_assistant: RunningAssistant, api_token: str
) -> None:
    reply = requests.get(
        f"{hardened_assistant.url}/status", params={"token": api_token}, timeout=30
    )

    assert reply.status_code == 200
    assert "model_file" in reply.json()


@pytest.mark.model
@pytest.mark.e2e
def test_the_token_is_not_in_the_process_list(
    hardened_assistant: RunningAssistant, api_token: str
) -> None:
    command_line = Path(f"/proc/{hardened_assistant.rasa_pid}/cmdline").read_bytes()

    assert b"--enable-api" not in command_line
    assert api_token.encode() not in command_line


@pytest.fixture(scope="module")
def assistant_without_token(
    trained_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningAssistant]:
    with running_assistant(trained_model, tmp_path_factory.mktemp("no-token")) as running:
        yield running


@pytest.mark.model
@pytest.mark.e2e
def test_without_a_token_only_the_chat_webhooks_are_served(
    assistant_without_token: RunningAssistant,
) -> None:
    url = assistant_without_token.url
    for method, path in API_ROUTES:
        reply = requests.request(method, url + path, json={}, timeout=30)
        assert reply.status_code in (404, 405), (method, path, reply.status_code)
    chat = requests.post(
        assistant_without_token.webhook, json={"sender": "public", "message": "hi"}, timeout=60
    )
    assert chat.status_code == 200 and chat.json()


@pytest.mark.model
@pytest.mark.e2e
def test_cors_allows_the_listed_origin_only(hardened_assistant: RunningAssistant) -> None:
    def allowed_origin_header(origin: str) -> str | None:
        preflight = requests.options(
            hardened_assistant.webhook,
            headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
            timeout=30,
        )
        chat = requests.post(
            hardened_assistant.webhook,
            json={"sender": "cors", "message": "hi"},
            headers={"Origin": origin},
            timeout=60,
        )
        headers = {
            preflight.headers.get("Access-Control-Allow-Origin"),
            chat.headers.get("Access-Control-Allow-Origin"),
        }
        assert len(headers) == 1, headers
        return headers.pop()

    assert allowed_origin_header(ALLOWED_ORIGIN) == ALLOWED_ORIGIN
    assert allowed_origin_header("https://evil.example") is None


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on `port` (from /proc/net/tcp*)."""
    addresses = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, local_port = local.split(":")
            if state == "0A" and int(local_port, 16) == port:
                addresses.add(address)
    return addresses


LOOPBACK_V4 = "0100007F"  # 127.0.0.1 as /proc/net/tcp writes it


@pytest.mark.model
@pytest.mark.e2e
def test_the_action_server_listens_on_loopback_only(
    hardened_assistant: RunningAssistant,
) -> None:
    assert listening_addresses(hardened_assistant.actions_port) == {LOOPBACK_V4}

    outside = machine_addresses()
    for address in outside:
        with (
            pytest.raises(OSError),
            socket.create_connection((address, hardened_assistant.actions_port), timeout=5),
        ):
            pass


def machine_addresses() -> set[str]:
    """This machine's non-loopback IPv4 addresses (none on an isolated machine)."""
    try:
        output = subprocess.run(["hostname", "-I"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return set()
    return {address for address in output.stdout.split() if "." in address}
