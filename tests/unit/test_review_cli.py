"""`python -m spine_assistant.review` as `make review` and `make review-merge` run it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from spine_assistant.knowledge.paths import PROJECT_ROOT
from tests.unit.test_review_report import endpoints_for, save, seeded_conversations


def run_review(
    *arguments: str, check: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spine_assistant.review", *arguments],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=check,
    )


def test_report_then_merge(tmp_path: Path) -> None:
    endpoints = endpoints_for(tmp_path)
    save(endpoints, seeded_conversations())
    out = tmp_path / "review"

    done = run_review(
        "--endpoints", str(endpoints), "report",
        "--since", "2026-03-02", "--until", "2026-03-06", "--today", "2026-03-10",
        "--out", str(out),
    )  # fmt: skip

    assert "4 conversations, 12 turns" in done.stdout
    markdown = (out / "review.md").read_text(encoding="utf-8")
    assert "Assistant review: 2026-03-02 to 2026-03-06" in markdown
    assert "does proton therapy help" in (out / "review.html").read_text(encoding="utf-8")
    candidates = out / "candidates.yml"
    raw = yaml.safe_load(candidates.read_text(encoding="utf-8"))
    texts = [text for group in raw["groups"] for text in group["examples"]]
    assert "can I drive after spinal surgery" in texts and "scan or surgery" in texts

    for group in raw["groups"]:
        group["decision"] = (
            "faq_no_such_topic" if "scan or surgery" in group["examples"] else "drop"
        )
    candidates.write_text(yaml.safe_dump(raw), encoding="utf-8")
    accepted = tmp_path / "accepted.yml"
    refused = run_review("merge", str(candidates), "--out", str(accepted), check=False)
    assert refused.returncode != 0
    assert "unknown decisions" in refused.stderr and "'faq_no_such_topic'" in refused.stderr
    assert not accepted.exists()


def test_an_empty_store_gives_a_short_report(tmp_path: Path) -> None:
    out = tmp_path / "review"
    done = run_review(
        "--endpoints", str(endpoints_for(tmp_path)), "report", "--until", "2026-03-06",
        "--out", str(out),
    )  # fmt: skip
    assert "Review of 2026-02-05 to 2026-03-06: 0 conversations" in done.stdout
    assert "No conversations" in (out / "review.md").read_text(encoding="utf-8")
