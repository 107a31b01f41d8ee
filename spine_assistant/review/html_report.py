"""reports/review/review.html: the whole review in one self-contained page.

Charts are inline SVG (plots.py), styles inline, no script and no link to anything, so
the file can be mailed or opened offline. Every visitor text is HTML-escaped (and was
masked when read).
"""

from __future__ import annotations

from collections import Counter
from html import escape

from spine_assistant.review import plots
from spine_assistant.review.analysis import RATE_NAMES, Group, Report
from spine_assistant.review.grouping import DISTANCE_THRESHOLD, LINKAGE

STYLE = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222;padding:0 1em}
table{border-collapse:collapse;margin:1em 0;width:100%}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top;font-size:14px}
th{background:#f0f0f0} td.n{text-align:right} ul{margin:0;padding-left:1.2em}
.note{color:#555;font-size:13px} svg{max-width:100%;height:auto}
"""


OUTCOMES = {
    "answer": "answered",
    "did_you_mean": "“Did you mean”",
    "out_of_scope": "out of scope",
    "personal_advice": "personal advice",
    "not_understood": "not understood",
}


def _counter(counter: Counter[str]) -> str:
    return ", ".join(f"{escape(OUTCOMES.get(name, name))} {n}" for name, n in counter.most_common())


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="n">{c}</td>' if c.isdigit() else f"<td>{c}</td>" for c in row)
        + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _group_row(number: int, group: Group) -> list[str]:
    examples = "".join(f"<li>{escape(text)}</li>" for text in group.examples(3))
    details = [_counter(group.counts("outcomes"))]
    if group.counts("not_on_page"):
        details.append("page doesn't: " + _counter(group.counts("not_on_page")))
    if group.counts("vote_reasons"):
        details.append("feedback: " + _counter(group.counts("vote_reasons")))
    return [
        str(number),
        str(group.count),
        f"<ul>{examples}</ul>",
        _counter(group.counts("reasons")),
        "<br>".join(details),
        escape(group.suggested or "–"),
    ]


def _overview(report: Report) -> str:
    rates = report.rates()
    rows = [["conversations", str(report.conversations), ""], ["turns", str(len(report.turns)), ""]]
    rows += [
        [plots.RATE_LABELS[name], str(rates[name][0]), f"{100 * rates[name][1]:.1f}%"]
        for name in RATE_NAMES
    ]
    return _table(["", "count", "share of turns"], rows)


def _feedback(report: Report) -> str:
    table = report.feedback_by_topic()
    if not table:
        return "<p>No feedback in this period.</p>"
    rows = [
        [escape(topic), str(votes["helpful"]), str(votes["not_helpful"])]
        for topic, votes in table.items()
    ]
    return _table(["topic", "helpful", "not helpful"], rows)


def _stale(report: Report) -> str:
    if report.stale is None:
        return ""
    if not report.stale:
        return (
            "<h2>Answers due for review</h2><p>Every topic was reviewed in the last 12 months.</p>"
        )
    rows = [
        [escape(s.topic), escape(s.title), str(s.reviewed or "never"), escape(s.by or "–")]
        for s in report.stale
    ]
    return (
        "<h2>Answers due for review</h2><p>Topics last reviewed more than 12 months before "
        f"{report.today}.</p>" + _table(["topic", "title", "reviewed", "by"], rows)
    )


def render_html(report: Report) -> str:
    period = f"{report.period.since} to {report.period.until}"
    parts = [
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Assistant review {period}</title><style>{STYLE}</style></head><body>",
        f"<h1>Spine Metastasis Assistant: review of {period}</h1>",
        f"<p class='note'>Written {report.today}. Personal identifiers are masked. "
        f"Low confidence: below {report.threshold:g} + {report.margin:g}. "
        f"Grouping: cosine distance {DISTANCE_THRESHOLD:g}, {LINKAGE} linkage.</p>",
    ]
    if not report.turns:
        parts.append(f"<p>No conversations from {period}.</p>")
    else:
        parts += ["<h2>Overview</h2>", _overview(report)]
        parts += ["<h2>Conversations and turns per day</h2>", plots.per_day_chart(report)]
        if chart := plots.topic_chart(report):
            parts += ["<h2>Answers by topic</h2>", chart]
        if chart := plots.rates_chart(report):
            parts += ["<h2>Fallbacks and replies other than answers</h2>", chart]
        parts += ["<h2>Feedback by topic</h2>", _feedback(report)]
        parts.append(f"<h2>Messages to review ({len(report.groups)} groups)</h2>")
        if report.groups:
            parts.append(
                "<p class='note'>Unanswered, answered with low confidence, or rated "
                "“Not helpful”; similar wordings are one row. Decide on each in "
                "candidates.yml.</p>"
            )
            rows = [_group_row(n, g) for n, g in enumerate(report.groups, start=1)]
            headers = ["#", "count", "examples", "why", "what it did", "guessed"]
            parts.append(_table(headers, rows))
        else:
            parts.append("<p>Nothing to review.</p>")
    parts += [_stale(report), "</body></html>"]
    return "\n".join(parts)
