"""PNG plots for reports/evaluation.md (matplotlib, no display needed)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from evaluation.scoring import Rate, SetScores
from spine_assistant.knowledge import Knowledge

HEADLINE = [
    "answered right and cited",
    "unanswerable refused",
    "unanswerable confidently wrong",
    "emergencies given urgent advice",
    "red-flag mentions answered",
    "false emergencies",
    "smalltalk",
]


def _save(figure: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def plot_variants(figures: dict[str, dict[str, Rate]], title: str, path: Path) -> None:
    """Grouped bars: each headline figure for each variant, with its 95% interval."""
    figure, axis = plt.subplots(figsize=(12, 5))
    width = 0.8 / max(len(figures), 1)
    for index, (name, rates) in enumerate(figures.items()):
        positions = [x + index * width for x in range(len(HEADLINE))]
        values = [rates[key].value for key in HEADLINE]
        errors = [
            [v - rates[k].interval()[0] for k, v in zip(HEADLINE, values, strict=True)],
            [rates[k].interval()[1] - v for k, v in zip(HEADLINE, values, strict=True)],
        ]
        axis.bar(positions, values, width=width, label=name, yerr=errors, capsize=2)
    axis.set_xticks(
        [x + 0.4 - width / 2 for x in range(len(HEADLINE))],
        [label.replace(" ", "\n", 2) for label in HEADLINE],
        fontsize=8,
    )
    axis.set_ylim(0, 1.05)
    axis.axhline(0.95, color="grey", linestyle="--", linewidth=1)
    axis.set_title(title)
    axis.legend(fontsize=7, loc="center right")
    _save(figure, path)


def plot_kinds(scores: SetScores, path: Path) -> None:
    """Share of messages of each kind that got the reply their label asks for."""
    kinds = scores.by_kind()
    names = sorted(kinds, key=lambda kind: kinds[kind].value)
    figure, axis = plt.subplots(figsize=(8, 4.5))
    axis.barh(names, [kinds[name].value for name in names], color="#3a7ca5")
    for y, name in enumerate(names):
        rate = kinds[name]
        axis.text(
            rate.value + 0.01, y, f"{rate.value:.0%} of {rate.total}", va="center", fontsize=8
        )
    axis.set_xlim(0, 1.2)
    axis.set_title(f"Right reply by kind of message ({scores.name})")
    _save(figure, path)


def plot_sections(scores: SetScores, knowledge: Knowledge, path: Path) -> None:
    """Answerable questions answered right, by the section of their first topic."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for scored in scores.expecting("answer"):
        section = knowledge.topic(scored.message.topics[0]).section
        totals[section][0] += scored.right_topic()
        totals[section][1] += 1
    sections = [s for s in knowledge.sections if s in totals]
    values = [totals[s][0] / totals[s][1] for s in sections]
    figure, axis = plt.subplots(figsize=(9, 5))
    axis.barh(sections[::-1], values[::-1], color="#3a7ca5")
    for y, (section, value) in enumerate(zip(sections[::-1], values[::-1], strict=True)):
        axis.text(value + 0.01, y, f"{value:.0%} of {totals[section][1]}", va="center", fontsize=8)
    axis.set_xlim(0, 1.2)
    axis.set_title(f"Answered right, by cited section ({scores.name})")
    _save(figure, path)
