"""Scores a trained model on the held-out NLU set, the way users experience it.

The set (tests/nlu/heldout.yml) was written separately from data/nlu/ and is never
trained on. Messages go through the full NLU pipeline, emergency detector and
fallback included, and are scored by what the user would get:
  topic accuracy   faq_* messages answered with exactly their topic
  out-of-scope     out_of_scope messages that get no factual answer
  personal advice  personal_advice messages that get no factual answer
  emergencies      emergency messages recognised as emergencies
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from knowledge.paths import PROJECT_ROOT

HELDOUT_FILE = PROJECT_ROOT / "tests" / "nlu" / "heldout.yml"
FAQ_PREFIX = "faq_"


def load_examples(path: Path) -> list[tuple[str, str]]:
    """(text, intent) pairs from a Rasa NLU YAML file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pairs = []
    for block in data.get("nlu", []):
        if "intent" not in block:
            continue
        for line in block["examples"].splitlines():
            text = line.strip()
            if text.startswith("- "):
                pairs.append((text[2:].strip(), block["intent"]))
    return pairs


@dataclass
class Prediction:
    text: str
    expected: str
    predicted: str
    confidence: float
    ranking: list[dict[str, Any]]

    @property
    def gets_factual_answer(self) -> bool:
        return self.predicted.startswith(FAQ_PREFIX)

    def with_fallback(self, threshold: float, ambiguity: float) -> Prediction:
        """What FallbackClassifier would have predicted with other thresholds."""
        raw = [entry for entry in self.ranking if entry.get("name") != "nlu_fallback"]
        if not raw:
            return self
        top = raw[0]
        second = raw[1]["confidence"] if len(raw) > 1 else 0.0
        unsure = top["confidence"] < threshold or top["confidence"] - second < ambiguity
        predicted = "nlu_fallback" if unsure and top["name"] != "emergency" else top["name"]
        return Prediction(self.text, self.expected, predicted, top["confidence"], self.ranking)


@dataclass
class HeldoutScores:
    predictions: list[Prediction] = field(default_factory=list)

    def _group(self, predicate: Any) -> list[Prediction]:
        return [p for p in self.predictions if predicate(p.expected)]

    @staticmethod
    def _rate(hits: int, total: int) -> float:
        return hits / total if total else 0.0

    @property
    def answerable(self) -> list[Prediction]:
        return self._group(lambda intent: intent.startswith(FAQ_PREFIX))

    @property
    def topic_accuracy(self) -> float:
        group = self.answerable
        return self._rate(sum(p.predicted == p.expected for p in group), len(group))

    @property
    def did_you_mean_rate(self) -> float:
        group = self.answerable
        return self._rate(sum(p.predicted == "nlu_fallback" for p in group), len(group))

    def caught_rate(self, intent: str) -> float:
        group = self._group(lambda expected: expected == intent)
        return self._rate(sum(not p.gets_factual_answer for p in group), len(group))

    @property
    def emergency_recall(self) -> float:
        group = self._group(lambda expected: expected == "emergency")
        return self._rate(sum(p.predicted == "emergency" for p in group), len(group))

    @property
    def false_emergencies(self) -> list[Prediction]:
        return [
            p for p in self.predictions if p.predicted == "emergency" and p.expected != "emergency"
        ]

    @property
    def smalltalk_accuracy(self) -> float:
        group = self._group(
            lambda intent: not intent.startswith(FAQ_PREFIX)
            and intent not in {"out_of_scope", "personal_advice", "emergency"}
        )
        return self._rate(sum(p.predicted == p.expected for p in group), len(group))

    def with_fallback(self, threshold: float, ambiguity: float) -> HeldoutScores:
        return HeldoutScores([p.with_fallback(threshold, ambiguity) for p in self.predictions])

    def errors(self) -> list[Prediction]:
        return [p for p in self.predictions if p.predicted != p.expected]

    def counts(self) -> Counter[str]:
        return Counter(p.expected for p in self.predictions)

    def summary(self) -> str:
        counts = self.counts()
        lines = [
            f"held-out messages: {len(self.predictions)} "
            f"({len(self.answerable)} answerable, {counts['out_of_scope']} out-of-scope, "
            f"{counts['personal_advice']} personal advice, {counts['emergency']} emergencies)",
            f"topic accuracy:            {self.topic_accuracy:.1%}",
            f"  sent to 'did you mean':  {self.did_you_mean_rate:.1%}",
            f"out-of-scope caught:       {self.caught_rate('out_of_scope'):.1%}",
            f"personal advice declined:  {self.caught_rate('personal_advice'):.1%}",
            f"emergency recall:          {self.emergency_recall:.1%}",
            f"false emergencies:         {len(self.false_emergencies)}",
            f"smalltalk accuracy:        {self.smalltalk_accuracy:.1%}",
        ]
        return "\n".join(lines)


def answered_topic(parsed: dict[str, Any]) -> dict[str, Any]:
    """With a retrieval intent (`faq/<id>`, `make evaluate`'s ResponseSelector variant),
    the user gets the selector's topic at the retrieval intent's confidence, which is
    the one the fallback sees: rename the intent to `faq_<id>` to score it the same."""
    intent = parsed.get("intent") or {}
    selected = (parsed.get("response_selector") or {}).get(intent.get("name"))
    if not selected:
        return parsed
    key = selected["response"]["intent_response_key"]
    topic_intent = key.replace("/", "_", 1)
    ranking = [
        {**entry, "name": topic_intent} if entry.get("name") == intent["name"] else entry
        for entry in parsed.get("intent_ranking") or []
    ]
    return {**parsed, "intent": {**intent, "name": topic_intent}, "intent_ranking": ranking}


async def _predict(agent: Any, examples: list[tuple[str, str]]) -> HeldoutScores:
    scores = HeldoutScores()
    for text, expected in examples:
        parsed = answered_topic(await agent.parse_message(text))
        intent = parsed.get("intent") or {}
        scores.predictions.append(
            Prediction(
                text=text,
                expected=expected,
                predicted=intent.get("name") or "",
                confidence=float(intent.get("confidence") or 0.0),
                ranking=parsed.get("intent_ranking") or [],
            )
        )
    return scores


def evaluate(model_path: Path, heldout: Path = HELDOUT_FILE) -> HeldoutScores:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # one debug line per message otherwise
    agent = Agent.load(str(model_path))
    return asyncio.run(_predict(agent, load_examples(heldout)))


def main() -> None:
    import sys

    model = Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT_ROOT / "models" / "spine.tar.gz"
    scores = evaluate(model)
    print(scores.summary())
    for p in scores.errors():
        print(f"  {p.expected:32} → {p.predicted:32} {p.confidence:.2f}  {p.text}")


if __name__ == "__main__":
    main()
