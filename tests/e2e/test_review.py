"""make review on what a real assistant stored: visitors chat over REST, then the review
command reads that server's tracker store (while it runs) and lists what it could not
answer, with identifiers masked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import requests
import yaml

from spine_assistant.serving.isolated import running_assistant
from tests.unit.test_review_cli import run_review

pytestmark = [pytest.mark.model, pytest.mark.e2e]

UNANSWERABLE = "does proton therapy help spinal metastases?"  # answerability refuses it
CHATS = {
    "visitor-a": ["hello", "what are the symptoms", UNANSWERABLE],
    "visitor-b": [
        "will it rain tomorrow in London?",
        "my NHS number is 943 476 5919, can I drive after spine surgery?",
        "/faq_treatment",
    ],
}


def test_review_of_a_running_assistant(trained_model: Path, tmp_path: Path) -> None:
    workdir = tmp_path / "assistant"
    workdir.mkdir()
    with running_assistant(trained_model, workdir) as assistant:
        for sender, messages in CHATS.items():
            for message in messages:
                reply = requests.post(
                    assistant.webhook, json={"sender": sender, "message": message}, timeout=120
                )
                assert reply.status_code == 200 and reply.json()
        assert assistant.workdir is not None
        today = dt.datetime.now(dt.timezone.utc).date().isoformat()
        out = tmp_path / "review"
        done = run_review(
            "--endpoints", str(assistant.workdir / "endpoints.yml"), "report",
            "--since", today, "--until", today, "--out", str(out),
        )  # fmt: skip

    assert "2 conversations, 6 turns" in done.stdout
    groups = yaml.safe_load((out / "candidates.yml").read_text(encoding="utf-8"))["groups"]
    reviewed = {text for group in groups for text in group["examples"]}
    assert UNANSWERABLE in reviewed
    assert "will it rain tomorrow in London?" in reviewed
    assert not {"hello", "what are the symptoms", "/faq_treatment"} & reviewed
    for path in out.iterdir():
        text = path.read_text(encoding="utf-8")
        assert "943 476 5919" not in text, path.name
    assert "proton therapy" in (out / "review.html").read_text(encoding="utf-8")
