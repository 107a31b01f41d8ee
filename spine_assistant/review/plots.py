"""The report's charts as inline SVG, so review.html is one file that needs no network.

matplotlib writes them as SVG with text drawn as paths (no fonts
needed by the reader) and the SVG ids are fixed by a hash salt, so the same data gives
the same file. The charts show only counts and topic names, never a visitor's words.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

from spine_assistant.review.analysis import RATE_NAMES, Report

NO_METADATA = {"Creator": None, "Date": None, "Format": None, "Type": None}
RATE_LABELS = {
    "fallback": "fallback (unsure)",
    "did_you_mean": '"Did you mean"',
    "out_of_scope": "out of scope",
    "personal_advice": "personal advice",
    "emergency": "emergency",
}


def _svg(figure: plt.Figure) -> str:
    buffer = io.StringIO()
    with plt.rc_context({"svg.hashsalt": "spine-review", "svg.fonttype": "path"}):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata=NO_METADATA)
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def per_day_chart(report: Report) -> str:
    rows = report.per_day()
    days = [day.strftime("%d %b") for day, _, _ in rows]
    figure, axes = plt.subplots(figsize=(8, 3))
    positions = range(len(rows))
    axes.bar(positions, [turns for _, _, turns in rows], color="#9ecae1", label="turns")
    axes.plot(
        positions, [c for _, c, _ in rows], color="#08519c", marker="o", label="conversations"
    )
    step = max(1, len(rows) // 12)
    axes.set_xticks(list(positions)[::step], days[::step], rotation=45, ha="right", fontsize=8)
    axes.set_ylabel("per day")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(loc="upper left", fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure)


def _horizontal_bars(
    labels: Sequence[str], values: Sequence[float], xlabel: str, counts: bool = False
) -> str:
    figure, axes = plt.subplots(figsize=(8, 0.35 * len(labels) + 0.8))
    axes.barh(range(len(labels)), values, color="#3182bd")
    if counts:
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_yticks(range(len(labels)), labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel(xlabel)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure)


def topic_chart(report: Report) -> str | None:
    mix = report.topic_mix().most_common()
    if not mix:
        return None
    return _horizontal_bars(
        [topic for topic, _ in mix], [n for _, n in mix], "answers", counts=True
    )


def rates_chart(report: Report) -> str | None:
    if not report.turns:
        return None
    rates = report.rates()
    return _horizontal_bars(
        [RATE_LABELS[name] for name in RATE_NAMES],
        [100 * rates[name][1] for name in RATE_NAMES],
        "% of turns",
    )
