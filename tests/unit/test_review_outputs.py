"""What the review writes: identifiers masked in all three files, a self-contained page,
and the "answers due for review" section from topics.yml's optional `reviewed:` dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from spine_assistant.knowledge.paths import TOPICS_FILE
from spine_assistant.privacy.conversations import open_tracker_store
from spine_assistant.review.freshness import stale_topics
from spine_assistant.review.run import review, write_review
from tests.unit.test_review_report import (
    PERIOD,
    TODAY,
    Script,
    at,
    endpoints_for,
    one_group_per_wording,
    save,
)

IDENTIFIERS = {
    "jane.doe@example.com": "I'm jane.doe@example.com, can I drive after surgery",
    "07700 900123": "please call me on 07700 900123 about the scan",
    "943 476 5919": "my NHS number is 943 476 5919, when is my MRI",
    "12345678": "MRN 12345678 - is proton therapy offered",
    "12/03/1958": "born 12/03/1958, am I too old for surgery",
    "SW1A 1AA": "is there a clinic near SW1A 1AA",
    "RX1234567": "hospital number RX1234567",
}
REASON_IDENTIFIER = "john.smith@example.org"


@pytest.fixture
def written(tmp_path: Path) -> list[Path]:
    endpoints = endpoints_for(tmp_path)
    script = Script(at(3, 10))
    for text in IDENTIFIERS.values():
        script.refuse(text, "faq_treatment", reason=f"mention “{text[-12:]}”")
    answer = script.answer("what is the outlook, I'm 07700 900123", "cure", 0.95)
    script.vote(answer, "cure", "not_helpful", f"write to {REASON_IDENTIFIER}")
    save(endpoints, {"visitor": script})
    report = review(open_tracker_store(endpoints), PERIOD, TODAY, one_group_per_wording)
    files = write_review(report, tmp_path / "review")
    return [files.html, files.markdown, files.candidates]


def test_no_identifier_reaches_any_written_file(written: list[Path]) -> None:
    for path in written:
        text = path.read_text(encoding="utf-8")
        for identifier in [*IDENTIFIERS, REASON_IDENTIFIER]:
            assert identifier not in text, f"{identifier} in {path.name}"
    html = written[0].read_text(encoding="utf-8")
    assert "[email]" in html and "[phone]" in html and "[NHS number]" in html
    assert "[date]" in html and "[postcode]" in html and "[ID]" in html


def test_the_page_is_self_contained(written: list[Path]) -> None:
    html = written[0].read_text(encoding="utf-8")
    assert html.count("<svg") >= 2
    # namespace names (xmlns="http://www.w3.org/2000/svg") are names, not fetches
    for fetch in ('href="http', "href='http", "src=", "<script", "<link", "@import", "url(http"):
        assert fetch not in html


def test_candidates_list_every_group_undecided(written: list[Path]) -> None:
    candidates = yaml.safe_load(written[2].read_text(encoding="utf-8"))["groups"]
    assert len(candidates) == len(IDENTIFIERS) + 1
    assert {group["decision"] for group in candidates} == {"?"}
    assert candidates[0]["count"] == 1 and candidates[0]["examples"]


def topics_with_reviews(tmp_path: Path, reviews: dict[str, str | None]) -> Path:
    raw = yaml.safe_load(TOPICS_FILE.read_text(encoding="utf-8"))
    for topic in raw["topics"]:
        if topic["id"] in reviews:
            topic["reviewed"] = {"date": reviews[topic["id"]], "by": "clinical lead"}
        else:
            topic["reviewed"] = {"date": "2026-01-15", "by": "clinical lead"}
    path = tmp_path / "topics.yml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def test_topics_reviewed_over_a_year_ago_are_listed(tmp_path: Path) -> None:
    topics = topics_with_reviews(tmp_path, {"symptoms": "2025-03-09", "mri": "2025-03-10"})
    stale = stale_topics(dt.date(2026, 3, 10), topics)
    assert stale is not None
    assert [(s.topic, s.reviewed) for s in stale] == [("symptoms", dt.date(2025, 3, 9))]
    assert stale_topics(dt.date(2027, 1, 16), topics) is not None
    assert len(stale_topics(dt.date(2027, 1, 16), topics) or []) == len(
        yaml.safe_load(topics.read_text())["topics"]
    )


def test_without_review_dates_the_section_is_left_out(tmp_path: Path) -> None:
    plain = tmp_path / "topics.yml"
    raw = yaml.safe_load(TOPICS_FILE.read_text(encoding="utf-8"))
    for topic in raw["topics"]:
        topic.pop("reviewed", None)
    plain.write_text(yaml.safe_dump(raw), encoding="utf-8")
    assert stale_topics(TODAY, plain) is None


def test_the_report_shows_stale_topics(tmp_path: Path) -> None:
    endpoints = endpoints_for(tmp_path)
    topics = topics_with_reviews(tmp_path, {"cure": "2024-12-01"})
    report = review(
        open_tracker_store(endpoints), PERIOD, TODAY, one_group_per_wording, topics_file=topics
    )
    files = write_review(report, tmp_path / "review")
    html, markdown = files.html.read_text(), files.markdown.read_text()
    assert "Answers due for review" in html and "2024-12-01" in html
    assert "- cure: 2024-12-01" in markdown
