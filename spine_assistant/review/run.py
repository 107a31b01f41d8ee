"""One review, from the store to the three files in reports/review/."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from rasa.core.tracker_store import SQLTrackerStore

from spine_assistant.knowledge.paths import PROJECT_ROOT, TOPICS_FILE
from spine_assistant.review.analysis import (
    DEFAULT_MARGIN,
    Grouper,
    Period,
    Report,
    build_report,
    fallback_threshold,
)
from spine_assistant.review.candidates import candidates_yaml
from spine_assistant.review.freshness import stale_topics
from spine_assistant.review.html_report import render_html
from spine_assistant.review.store import read_conversations
from spine_assistant.review.summary import render_markdown

OUT_DIR = PROJECT_ROOT / "reports" / "review"
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Written:
    html: Path
    markdown: Path
    candidates: Path


def default_period(today: dt.date, days: int = DEFAULT_DAYS) -> Period:
    """The last `days` days, today included."""
    return Period(today - dt.timedelta(days=days - 1), today)


def review(
    store: SQLTrackerStore,
    period: Period,
    today: dt.date,
    grouper: Grouper,
    margin: float = DEFAULT_MARGIN,
    config: Path = PROJECT_ROOT / "config.yml",
    topics_file: Path = TOPICS_FILE,
) -> Report:
    conversations = read_conversations(store, period.start, period.end)
    return build_report(
        conversations,
        period,
        today,
        grouper,
        threshold=fallback_threshold(config),
        margin=margin,
        stale=stale_topics(today, topics_file),
    )


def write_review(report: Report, out_dir: Path = OUT_DIR) -> Written:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = Written(out_dir / "review.html", out_dir / "review.md", out_dir / "candidates.yml")
    written.html.write_text(render_html(report), encoding="utf-8")
    written.markdown.write_text(render_markdown(report), encoding="utf-8")
    written.candidates.write_text(candidates_yaml(report, written.candidates), encoding="utf-8")
    return written
