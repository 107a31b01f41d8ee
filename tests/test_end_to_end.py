"""The real thing over HTTP: Rasa server + action server on free loopback ports.

Uses the trained model (make test trains it when data changed) and a SQLite tracker
store in a temporary folder, exactly as `make serve` runs, only on other ports.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from knowledge import load_knowledge
from tests.conftest import PROJECT_ROOT

pytestmark = [pytest.mark.model, pytest.mark.e2e]

RASA = Path(sys.executable).parent / "rasa"
STARTUP_TIMEOUT_S = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{url} exited early:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    pytest.fail(f"{url} not up after {STARTUP_TIMEOUT_S}s:\n{log.read_text()[-3000:]}")


@dataclass
class Assistant:
    url: str
    tracker_db: Path

    def say(self, sender: str, message: str) -> list[dict[str, Any]]:
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        return list(response.json())


@pytest.fixture(scope="module")
def assistant(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    workdir = tmp_path_factory.mktemp("e2e")
    actions_port, rasa_port = free_port(), free_port()
    tracker_db = workdir / "tracker.db"
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        f"action_endpoint:\n  url: http://127.0.0.1:{actions_port}/webhook\n"
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {tracker_db}\n",
        encoding="utf-8",
    )
    commands = {
        "actions": [str(RASA), "run", "actions", "--port", str(actions_port)],
        "rasa": [
            str(RASA),
            "run",
            "--model",
            str(trained_model),
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
    processes = {}
    try:
        for name, command in commands.items():
            log = workdir / f"{name}.log"
            processes[name] = subprocess.Popen(
                command, cwd=PROJECT_ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT
            )
        wait_until_up(
            f"http://127.0.0.1:{actions_port}/health", processes["actions"], workdir / "actions.log"
        )
        wait_until_up(f"http://127.0.0.1:{rasa_port}/", processes["rasa"], workdir / "rasa.log")
        yield Assistant(url=f"http://127.0.0.1:{rasa_port}", tracker_db=tracker_db)
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def texts(replies: list[dict[str, Any]]) -> list[str]:
    return [reply["text"] for reply in replies if "text" in reply]


def test_first_message_is_the_notice_then_the_cited_answer(assistant: Assistant) -> None:
    knowledge = load_knowledge()
    replies = assistant.say("e2e-answer", "does kidney cancer spread to the spine?")

    said = texts(replies)
    assert "not medical advice" in said[0]
    assert "Renal cell carcinoma" in said[1]
    assert said[2].startswith("Source: Metastatic Spinal Tumour")
    [citation] = [reply["custom"]["citation"] for reply in replies if "custom" in reply]
    assert citation["section"] == "Causes of Metastatic Spine Tumours"
    assert citation["quote"] in knowledge.source_text()


def test_source_question_repeats_the_quote(assistant: Assistant) -> None:
    assistant.say("e2e-source", "what are the goals of surgery?")
    replies = assistant.say("e2e-source", "where does that come from?")

    quote = load_knowledge().topic("surgery_goals").quote
    assert quote in texts(replies)[0]


def test_unrelated_question_goes_to_the_clinician(assistant: Assistant) -> None:
    assistant.say("e2e-oos", "hello")
    replies = assistant.say("e2e-oos", "can you recommend a good pizza place nearby?")

    said = " ".join(texts(replies))
    assert "contact your clinician" in said
    assert not any("custom" in reply for reply in replies), "no citation for a non-answer"


def test_emergency_gets_urgent_advice_before_anything_else(assistant: Assistant) -> None:
    assistant.say("e2e-emergency", "hi")
    replies = assistant.say(
        "e2e-emergency", "my dad suddenly can't walk, and what is an MRI scan for?"
    )

    said = texts(replies)
    assert "emergency" in said[0].lower()
    assert "call your local emergency number" in said[0]
    assert not any(text.startswith("Source:") for text in said)


@pytest.mark.parametrize(
    "message",
    ["", "   ", "😀😀😀", "asdf qwer zxcv", "¿Qué es un tumor espinal?", "spine " * 400],
    ids=["empty", "whitespace", "emoji", "gibberish", "spanish", "long"],
)
def test_odd_input_gets_a_polite_reply(assistant: Assistant, message: str) -> None:
    replies = assistant.say(f"e2e-odd-{len(message)}-{message[:3]}", message)

    assert texts(replies), "some reply"
    assert "Traceback" not in json.dumps(replies)
    assert assistant.say("e2e-after-odd", "what is the differential diagnosis?")


def test_conversations_are_stored_in_sqlite(assistant: Assistant) -> None:
    assistant.say("e2e-stored", "how common is it?")

    with sqlite3.connect(assistant.tracker_db) as db:
        rows = db.execute(
            "SELECT type_name FROM events WHERE sender_id = ? ORDER BY id", ("e2e-stored",)
        ).fetchall()
    types = [row[0] for row in rows]
    assert "user" in types
    assert "bot" in types
