"""The content owner's review (docs/review.md):

    python -m spine_assistant.review report [--since YYYY-MM-DD] [--until YYYY-MM-DD]
        the last 30 days by default; writes reports/review/{review.html,review.md,candidates.yml}
    python -m spine_assistant.review merge FILE
        adds the accepted candidates to data/nlu/review_accepted.yml

Both read the tracker store of endpoints.yml (or --endpoints FILE).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

DEFAULT_MARGIN = 0.1  # as spine_assistant.review.analysis, which imports Rasa


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m spine_assistant.review", description=__doc__)
    parser.add_argument("--endpoints", type=Path, default=Path("endpoints.yml"))
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="write the review of a period")
    report.add_argument("--since", type=_date, help="first day (default: 30 days before --until)")
    report.add_argument("--until", type=_date, help="last day, included (default: today)")
    report.add_argument("--today", type=_date, default=None, help=argparse.SUPPRESS)
    report.add_argument(
        "--margin",
        type=float,
        default=DEFAULT_MARGIN,
        help="answers below the fallback threshold + this are reviewed",
    )
    report.add_argument("--out", type=Path, default=None, help="folder (default reports/review)")
    merge = commands.add_parser("merge", help="merge decided candidates into the training data")
    merge.add_argument("file", type=Path)
    merge.add_argument("--out", type=Path, default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _report(arguments: argparse.Namespace) -> None:
    from spine_assistant.components.sentence_encoder import EncoderWeightsError
    from spine_assistant.privacy.conversations import UnsupportedTrackerStore, open_tracker_store
    from spine_assistant.review.analysis import Period
    from spine_assistant.review.grouping import project_grouper
    from spine_assistant.review.run import OUT_DIR, default_period, review, write_review

    today = arguments.today or dt.datetime.now(dt.timezone.utc).date()
    until = arguments.until or today
    period = Period(arguments.since, until) if arguments.since else default_period(until)
    if period.since > period.until:
        sys.exit(f"error: --since {period.since} is after --until {period.until}")
    try:
        store = open_tracker_store(arguments.endpoints)
    except UnsupportedTrackerStore as unsupported:
        sys.exit(f"error: {unsupported}")

    try:
        report = review(store, period, today, project_grouper, margin=arguments.margin)
    except EncoderWeightsError as missing:
        sys.exit(f"error: {missing}")
    written = write_review(report, arguments.out or OUT_DIR)
    print(
        f"Review of {period.since} to {period.until}: {report.conversations} conversations, "
        f"{len(report.turns)} turns, {len(report.groups)} groups to review."
    )
    for path in (written.html, written.markdown, written.candidates):
        print(f"  {path}")


def _merge(arguments: argparse.Namespace) -> None:
    from spine_assistant.review.leak_guard import question_set_guard
    from spine_assistant.review.merge import ACCEPTED_FILE, MergeRefused, describe, merge_candidates

    out_file = arguments.out or ACCEPTED_FILE
    if not arguments.file.is_file():
        sys.exit(f"error: {arguments.file} not found (run `make review` first)")
    try:
        result = merge_candidates(arguments.file, question_set_guard(), out_file=out_file)
    except MergeRefused as refused:
        sys.exit(f"error: {refused}")
    print("\n".join(describe(result, out_file)))
    if result.added_count:
        print("Retrain with `make train`, then check with `make evaluate`.")


def main(argv: Sequence[str] | None = None) -> None:
    arguments = _arguments(argv)
    if arguments.command == "report":
        _report(arguments)
    else:
        _merge(arguments)


if __name__ == "__main__":
    main()
