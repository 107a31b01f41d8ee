"""Build the project's own spaCy pipeline from data/knowledge/lexicon.yml.

English model packages cannot be downloaded here, so the pipeline is a blank English
tokenizer plus components whose data ship with the project or with spacy-lookups-data:
  sentencizer (sentence ends, the scope of context cues)
  → lemmatizer (lookup tables) → attribute_ruler (lay synonyms as lemmas)
  → entity_ruler (cancer types, syndromes, symptoms, tests, spine regions)
  → span_ruler (red flags of spinal cord compression and person references,
    in doc.spans["safety"]) → span_ruler "context_ruler" (negation, past, hypothetical,
    learning and terminating cues, in doc.spans["context"]); both read by
    spine_assistant/components/emergency_detector.py, and both spaCy's span ruler with
    each token pattern tried only where its first word is (gated_span_ruler.py).

Usage: python -m spine_assistant.components.spacy_pipeline [OUTPUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, cast

import spacy
from spacy.language import Language
from spacy.pipeline import AttributeRuler, EntityRuler, Lemmatizer

from spine_assistant.components.gated_span_ruler import GatedSpanRuler
from spine_assistant.knowledge import load_lexicon
from spine_assistant.knowledge.lexicon import (
    CONTEXT_SPANS_KEY,
    PERSON_LABEL,
    RED_FLAG_LABEL,
    SAFETY_SPANS_KEY,
    SYMPTOM_LABEL,
    Lexicon,
)
from spine_assistant.knowledge.paths import PROJECT_ROOT

DEFAULT_OUTPUT = PROJECT_ROOT / "build" / "spacy" / "en_spine_assistant"


def as_phrases(nlp: Language, pattern: Any) -> list[Any]:
    """A one-token pattern on LOWER ([{"LOWER": "mum"}], [{"LOWER": {"IN": [...]}}]) as
    the words it matches, for the ruler's phrase matcher; any other pattern as it is.
    The token matcher tries every pattern at every token (0.5 ms a message, most of
    spaCy's time in training); the phrase matcher looks words up, and the ruler returns
    the same sorted spans from either. A word the tokenizer splits, or with a capital,
    stays a token pattern: it matches no token, as before."""
    if not (isinstance(pattern, list) and len(pattern) == 1 and set(pattern[0]) == {"LOWER"}):
        return [pattern]
    value = pattern[0]["LOWER"]
    words = [value] if isinstance(value, str) else value.get("IN") if set(value) == {"IN"} else None
    if not words:
        return [pattern]
    return [
        word if word == word.lower() and len(nlp.make_doc(word)) == 1 else [{"LOWER": word}]
        for word in words
    ]


def english_lookups(table: str) -> dict[str, Any]:
    """One of the English tables spacy-lookups-data ships (gzipped next to the path
    its registry gives)."""
    import spacy_lookups_data
    import srsly

    path = Path(str(spacy_lookups_data.en[table]))
    return cast(dict[str, Any], srsly.read_gzip_json(path.with_name(f"{path.name}.gz")))


def add_capitalised_lemmas(nlp: Language) -> None:
    """The lookup lemmatizer looks a word up as it is written, and its table holds only
    lower-case words: "Legs buckled on the stairs" kept the lemma "Legs", so a red flag
    or cue written with a lemma missed any word that opens a sentence or is shouted
    ("LEGS GONE WEAK"). The table learns each word and lemma with a capital and in
    capitals too."""
    lemmas: dict[str, str] = english_lookups("lemma_lookup")
    table = cast(Lemmatizer, nlp.get_pipe("lemmatizer")).lookups.get_table("lemma_lookup")
    pairs = list(lemmas.items()) + [(lemma, lemma) for lemma in set(lemmas.values())]
    for word, lemma in pairs:
        for written in (word[:1].upper() + word[1:], word.upper()):
            if written != word and written not in table:
                table.set(written, lemma)


def build(lexicon: Lexicon) -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    attribute_ruler = cast(AttributeRuler, nlp.add_pipe("attribute_ruler"))
    entity_ruler = cast(
        EntityRuler, nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    )
    span_ruler = cast(
        GatedSpanRuler,
        nlp.add_pipe(
            "gated_span_ruler",
            name="span_ruler",
            config={"spans_key": SAFETY_SPANS_KEY, "phrase_matcher_attr": "LOWER"},
        ),
    )
    context_ruler = cast(
        GatedSpanRuler,
        nlp.add_pipe(
            "gated_span_ruler",
            name="context_ruler",
            config={"spans_key": CONTEXT_SPANS_KEY, "phrase_matcher_attr": "LOWER"},
        ),
    )
    nlp.initialize()  # loads the lookup tables; the rulers are filled afterwards
    add_capitalised_lemmas(nlp)

    # NORM, not LOWER: the tokenizer splits "can't" into "ca" (norm "can") + "n't", so
    # the shorthand "ca" (cancer) must not rewrite it. The page's word becomes the norm
    # too, which the sentence encoder reads ("sx of spinal mets" → "symptom of spine
    # metastasis").
    for lemma, variants in lexicon.lemma_synonyms.items():
        attribute_ruler.add(
            patterns=[[{"NORM": variant.lower()}] for variant in variants],
            attrs={"LEMMA": lemma, "NORM": lemma},
        )
    for lemma, expressions in lexicon.lemma_patterns.items():
        attribute_ruler.add(
            patterns=[[{"LOWER": {"REGEX": expression}}] for expression in expressions],
            attrs={"LEMMA": lemma, "NORM": lemma},
        )
    entity_ruler.add_patterns(
        [
            {"label": label, "pattern": phrase.lower(), "id": canonical}
            for label, values in lexicon.entity_phrases().items()
            for canonical, phrases in values.items()
            for phrase in phrases
        ]
    )
    safety_patterns: list[dict[str, Any]] = [
        {"label": RED_FLAG_LABEL, "pattern": phrase_or_pattern, "id": category}
        for category, patterns in lexicon.red_flags.items()
        for pattern in patterns
        for phrase_or_pattern in as_phrases(nlp, pattern)
    ]
    safety_patterns += [
        {"label": label, "pattern": phrase_or_pattern}
        for label, words in (
            (PERSON_LABEL, lexicon.person_references),
            (SYMPTOM_LABEL, lexicon.symptom_words),
        )
        for word in words
        for phrase_or_pattern in as_phrases(nlp, [{"LOWER": word}])
    ]
    span_ruler.add_patterns(safety_patterns)
    context_ruler.add_patterns(
        [
            {"label": label, "pattern": cue.lower() if isinstance(cue, str) else cue}
            for label, cue in lexicon.context.labelled_phrases()
        ]
    )
    nlp.meta.update(
        {
            "name": "spine_assistant",
            "version": "1.0.0",
            "description": "Blank English, lookup lemmas and the lexicon's rulers",
        }
    )
    return nlp


def main() -> None:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT
    nlp = build(load_lexicon())
    output.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)
    print(f"spaCy pipeline {nlp.pipe_names} written to {output}")


if __name__ == "__main__":
    main()
