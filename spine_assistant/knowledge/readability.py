"""How easy the answers are to read: Flesch-Kincaid grade and sentence length.

The clinic wants every answer readable by a 12-year-old (NHS reading age 9-11), so
tests/unit/test_readability.py gates the answers in data/knowledge/topics.yml (and
the responses in domain.yml) on the limits below.

A name the page itself lists ("renal cell carcinoma", "Rubinstein-Taybi syndrome")
cannot be made plainer without losing what the patient asked about, so it does not
count against an answer: it is scored as the one-syllable word "X". The names come
from the project's own data (the lexicon's entity phrases and the details' values),
plus the short list below of names the page uses that the lexicon has no entity for.

The grade is textstat 0.7.3's Flesch-Kincaid formula without its rounding of the
intermediate averages (which moves a grade by up to 0.6).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from textstat.textstat import textstatistics

from spine_assistant.knowledge.lexicon import Lexicon, load_lexicon
from spine_assistant.knowledge.paths import PROJECT_ROOT
from spine_assistant.knowledge.topics import ABBREVIATION_ENTITY, Knowledge, load_knowledge

MAX_MEDIAN_GRADE = 6.0
MAX_GRADE = 8.0
MAX_SENTENCE_WORDS = 20
NAME_STANDIN = "X"
DOMAIN_FILE = PROJECT_ROOT / "domain.yml"

# Entity labels (lexicon entities, topic details) whose phrases are names of things the
# page lists. Not "symptom": pain, numbness, weakness are ordinary words an answer must
# keep plain.
NAME_LABELS = ("cancer_type", "syndrome", "test", "spine_region", ABBREVIATION_ENTITY)

# Names the page uses that no lexicon entity covers, and where on the page they are.
EXTRA_NAMES = (
    # Clinical trials or research: the SBRT pilot study
    "stereotactic body radiation therapy",
    "3D conformal radiotherapy",
    "metastatic epidural spinal cord compression",
    # What is the differential diagnosis of metastatic spinal tumour?
    "plasmacytoma",
    "sarcoma",
    "tuberculosis",
)

# domain.yml slot placeholders ("{emergency_number}") are read as one short word
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
# a sentence ends at . ! or ? followed by a space or the end of the text
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _textstat() -> textstatistics:
    """A private textstat instance, so turning rounding off touches no one else's."""
    stats = textstatistics()
    stats.set_rounding(False)
    return stats


_STATS = _textstat()


@dataclass(frozen=True)
class Score:
    """One scored text: where it is, its grade and its sentences over the limit."""

    where: str  # "topic mri", "topic biopsy › needle biopsy", "domain utter_greet"
    text: str
    grade: float
    long_sentences: tuple[str, ...]


def page_names(knowledge: Knowledge | None = None, lexicon: Lexicon | None = None) -> list[str]:
    """The names that do not count against an answer, longest first (so "renal cell
    carcinoma" is replaced before "carcinoma" could be)."""
    knowledge = knowledge or load_knowledge()
    lexicon = lexicon or load_lexicon()
    names = set(EXTRA_NAMES)
    for label, values in lexicon.entity_phrases().items():
        if label in NAME_LABELS:
            for canonical, phrases in values.items():
                names.update([canonical, *phrases])
    names.update(
        detail.value
        for topic in knowledge.topics
        for detail in topic.details
        if detail.entity in NAME_LABELS
    )
    return sorted({name.lower() for name in names}, key=lambda name: (-len(name), name))


@cache
def _default_names() -> tuple[str, ...]:
    return tuple(page_names())


@cache
def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    if not names:
        return None
    alternatives = "|".join(re.escape(name) for name in names)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", flags=re.IGNORECASE)


def mask_names(text: str, names: Iterable[str] | None = None) -> str:
    """The text with every listed name (default: page_names()) and every slot
    placeholder read as "X"."""
    pattern = _names_pattern(_default_names() if names is None else tuple(names))
    text = _PLACEHOLDER.sub(NAME_STANDIN, text)
    return pattern.sub(NAME_STANDIN, text) if pattern else text


def grade(text: str, names: Iterable[str] | None = None) -> float:
    """Flesch-Kincaid grade of the text with the listed names masked."""
    return float(_STATS.flesch_kincaid_grade(mask_names(text, names)))


def sentences(text: str) -> list[str]:
    return [part for part in _SENTENCE_END.split(" ".join(text.split())) if part]


def word_count(text: str) -> int:
    """Words as textstat counts them (a hyphenated word is one)."""
    return int(_STATS.lexicon_count(text))


def long_sentences(
    text: str, names: Iterable[str] | None = None, limit: int = MAX_SENTENCE_WORDS
) -> list[str]:
    """Sentences longer than `limit` words, a listed name counting as one word."""
    names = None if names is None else tuple(names)
    return [
        sentence for sentence in sentences(text) if word_count(mask_names(sentence, names)) > limit
    ]


def _score(where: str, text: str, names: tuple[str, ...]) -> Score:
    return Score(where, text, grade(text, names), tuple(long_sentences(text, names)))


def score_answers(knowledge: Knowledge | None = None) -> list[Score]:
    """Every topic answer and detail answer in data/knowledge/topics.yml."""
    knowledge = knowledge or load_knowledge()
    names = tuple(page_names(knowledge))
    scores = []
    for topic in knowledge.topics:
        scores.append(_score(f"topic {topic.id}", topic.answer, names))
        for detail in topic.details:
            scores.append(_score(f"topic {topic.id} › {detail.value}", detail.answer, names))
    return scores


def score_responses(domain_file: Path = DOMAIN_FILE) -> list[Score]:
    """Every text of every response in domain.yml (a response may have variants)."""
    domain: dict[str, Any] = yaml.safe_load(domain_file.read_text(encoding="utf-8"))
    names = _default_names()
    scores = []
    for name, variants in domain.get("responses", {}).items():
        for index, variant in enumerate(variants):
            if "text" in variant:
                where = f"domain {name}" + (f" #{index + 1}" if len(variants) > 1 else "")
                scores.append(_score(where, variant["text"], names))
    return scores


def median_grade(scores: Iterable[Score]) -> float:
    return float(statistics.median(score.grade for score in scores))


def problems(
    scores: list[Score], max_grade: float = MAX_GRADE, max_median: float | None = MAX_MEDIAN_GRADE
) -> list[str]:
    """What breaks the limits, worst first, written for a failing test's message."""
    found = []
    if max_median is not None and scores and median_grade(scores) > max_median:
        found.append(f"median grade {median_grade(scores):.1f} > {max_median}")
    for score in sorted(scores, key=lambda score: -score.grade):
        if score.grade > max_grade:
            found.append(f"grade {score.grade:.1f} > {max_grade}: {score.where}: {score.text}")
    for score in scores:
        for sentence in score.long_sentences:
            found.append(f"sentence over {MAX_SENTENCE_WORDS} words: {score.where}: {sentence}")
    return found


def worst(scores: list[Score], count: int = 10) -> list[str]:
    """The hardest answers with their grades, to show what to rewrite first."""
    ranked = sorted(scores, key=lambda score: -score.grade)[:count]
    return [f"{score.grade:5.1f}  {score.where}: {score.text}" for score in ranked]
