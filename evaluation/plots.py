"""PNG plots for reports/evaluation.md (matplotlib, no display needed)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from actions.fallback import SUGGESTION_THRESHOLD
from evaluation.heldout import FAQ_PREFIX, HeldoutScores
from knowledge import Knowledge

FIGURES: dict[str, Callable[[HeldoutScores], float]] = {
    "topic accuracy": lambda s: s.topic_accuracy,
    "out-of-scope caught": lambda s: s.caught_rate("out_of_scope"),
    "personal advice declined": lambda s: s.caught_rate("personal_advice"),
    "emergency recall": lambda s: s.emergency_recall,
}


def _save(figure: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def plot_variants(variants: list[Any], threshold: float, ambiguity: float, path: Path) -> None:
    figure, axis = plt.subplots(figsize=(10, 4.5))
    width = 0.8 / len(variants)
    for index, variant in enumerate(variants):
        scores = variant.scores.with_fallback(threshold, ambiguity)
        values = [measure(scores) for measure in FIGURES.values()]
        positions = [x + index * width for x in range(len(FIGURES))]
        axis.bar(positions, values, width=width, label=variant.name)
    axis.set_xticks([x + 0.4 - width / 2 for x in range(len(FIGURES))], list(FIGURES))
    axis.set_ylim(0, 1.05)
    axis.axhline(0.95, color="grey", linestyle="--", linewidth=1)
    axis.set_title(f"Held-out figures at fallback threshold {threshold}")
    axis.legend(fontsize=8, loc="lower left")
    _save(figure, path)


def plot_section_accuracy(scores: HeldoutScores, knowledge: Knowledge, path: Path) -> None:
    section_of = {topic.intent: topic.section for topic in knowledge.topics}
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for prediction in scores.answerable:
        section = section_of[prediction.expected]
        totals[section][0] += prediction.predicted == prediction.expected
        totals[section][1] += 1
    sections = [s for s in knowledge.sections if s in totals]
    values = [totals[s][0] / totals[s][1] for s in sections]
    figure, axis = plt.subplots(figsize=(9, 5))
    axis.barh(sections[::-1], values[::-1], color="#3a7ca5")
    for y, (section, value) in enumerate(zip(sections[::-1], values[::-1], strict=True)):
        axis.text(value + 0.01, y, f"{value:.0%} of {totals[section][1]}", va="center", fontsize=8)
    axis.set_xlim(0, 1.15)
    axis.set_title("Topic accuracy per cited section (held-out)")
    _save(figure, path)


def plot_confusion_matrix(scores: HeldoutScores, path: Path) -> None:
    expected = sorted({p.expected for p in scores.answerable})
    predicted_labels = expected + ["nlu_fallback", "other"]
    index = {label: i for i, label in enumerate(predicted_labels)}
    matrix = [[0] * len(predicted_labels) for _ in expected]
    for p in scores.answerable:
        column = index.get(p.predicted, index["other"])
        matrix[expected.index(p.expected)][column] += 1
    figure, axis = plt.subplots(figsize=(12, 10))
    axis.imshow(matrix, cmap="Blues")
    short = [label.removeprefix(FAQ_PREFIX) for label in predicted_labels]
    axis.set_xticks(range(len(short)), short, rotation=90, fontsize=7)
    axis.set_yticks(range(len(expected)), short[: len(expected)], fontsize=7)
    axis.set_xlabel("predicted")
    axis.set_ylabel("expected")
    for row_index, row in enumerate(matrix):
        for column_index, count in enumerate(row):
            if count and row_index != column_index:
                axis.text(
                    column_index, row_index, str(count), ha="center", va="center", color="red"
                )
    axis.set_title("Topic confusion matrix (held-out; red = errors)")
    _save(figure, path)


def plot_confidence_histogram(scores: HeldoutScores, threshold: float, path: Path) -> None:
    def top_confidence(ranking: list[dict[str, Any]]) -> float:
        raw = [entry for entry in ranking if entry.get("name") != "nlu_fallback"]
        return float(raw[0]["confidence"]) if raw else 0.0

    groups: dict[str, list[float]] = defaultdict(list)
    for p in scores.predictions:
        raw_top = next((e["name"] for e in p.ranking if e.get("name") != "nlu_fallback"), "")
        if p.expected.startswith(FAQ_PREFIX):
            key = "answerable, right topic" if raw_top == p.expected else "answerable, wrong topic"
        elif p.expected in {"out_of_scope", "personal_advice"} and raw_top.startswith(FAQ_PREFIX):
            key = "out of scope / personal advice, a topic on top"
        else:
            continue
        groups[key].append(top_confidence(p.ranking))
    figure, axis = plt.subplots(figsize=(9, 4.5))
    bins = [i / 20 for i in range(21)]
    axis.hist(list(groups.values()), bins=bins, label=list(groups), stacked=True)
    axis.axvline(threshold, color="black", linestyle="--", label=f"fallback threshold {threshold}")
    axis.axvline(
        SUGGESTION_THRESHOLD,
        color="grey",
        linestyle=":",
        label=f"'did you mean' lower bound {SUGGESTION_THRESHOLD}",
    )
    axis.set_xlabel("classifier confidence of the top intent")
    axis.set_ylabel("messages")
    axis.legend(fontsize=8)
    axis.set_title("Where the fallback thresholds sit (held-out)")
    _save(figure, path)
