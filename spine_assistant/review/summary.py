"""reports/review/review.md: the review's figures and its top rows, short enough to
paste into an e-mail or a ticket (the charts and every row are in review.html)."""

from __future__ import annotations

from spine_assistant.review.analysis import RATE_NAMES, Report
from spine_assistant.review.plots import RATE_LABELS

TOP_GROUPS = 20


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: Report) -> str:
    period = f"{report.period.since} to {report.period.until}"
    lines = [
        f"# Assistant review: {period}",
        "",
        f"Written {report.today}; identifiers masked.",
        "",
    ]
    if not report.turns:
        lines += [f"No conversations from {period}.", ""]
    else:
        rates = report.rates()
        lines += [
            f"- Conversations: {report.conversations}; turns: {len(report.turns)}",
            *(
                f"- {RATE_LABELS[name]}: {rates[name][0]} ({100 * rates[name][1]:.1f}%)"
                for name in RATE_NAMES
            ),
            "",
        ]
        mix = report.topic_mix().most_common(10)
        if mix:
            lines += ["## Most answered topics", ""]
            lines += [f"- {topic}: {count}" for topic, count in mix] + [""]
        feedback = report.feedback_by_topic()
        if feedback:
            lines += ["## Feedback", "", "| topic | helpful | not helpful |", "|---|---:|---:|"]
            lines += [
                f"| {_cell(topic)} | {votes['helpful']} | {votes['not_helpful']} |"
                for topic, votes in feedback.items()
            ] + [""]
        lines += [f"## To review: {len(report.groups)} groups", ""]
        if report.groups:
            lines += ["| count | example | why | guessed |", "|---:|---|---|---|"]
            for group in report.groups[:TOP_GROUPS]:
                why = ", ".join(sorted(group.counts("reasons")))
                example = _cell(group.examples(1)[0])
                lines.append(f"| {group.count} | {example} | {why} | {group.suggested or '–'} |")
            if len(report.groups) > TOP_GROUPS:
                lines.append(f"\n…and {len(report.groups) - TOP_GROUPS} more in review.html.")
            lines.append("")
    if report.stale is not None:
        lines += ["## Answers due for review (last reviewed over 12 months ago)", ""]
        lines += [f"- {s.topic}: {s.reviewed or 'never'}" for s in report.stale] or [
            "None: every topic was reviewed in the last 12 months."
        ]
        lines.append("")
    return "\n".join(lines)
