"""The lexicon in data/knowledge/lexicon.yml: lay synonyms, entity phrases, red flags."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.paths import LEXICON_FILE

TokenPattern = list[dict[str, Any]]


@dataclass(frozen=True)
class Lexicon:
    lemma_synonyms: dict[str, list[str]]
    entities: dict[str, dict[str, list[str]]]
    red_flags: dict[str, list[TokenPattern]]
    person_references: list[str]

    def entity_synonyms(self) -> dict[str, str]:
        """Phrase → canonical value, so Rasa's EntitySynonymMapper fills slots with the
        values that topic details match on."""
        return {
            phrase.lower(): canonical
            for values in self.entities.values()
            for canonical, phrases in values.items()
            for phrase in phrases
            if phrase.lower() != canonical
        }

    def canonical_values(self, label: str) -> list[str]:
        return list(self.entities.get(label, {}))


@cache
def load_lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Lexicon(
        lemma_synonyms=raw["lemma_synonyms"],
        entities=raw["entities"],
        red_flags=raw["red_flags"],
        person_references=raw["person_references"],
    )
