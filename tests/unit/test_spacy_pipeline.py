"""The project's spaCy pipeline: lay words, entities and safety spans."""

from __future__ import annotations

from typing import Any

import pytest


def lemmas(nlp: Any, text: str) -> list[str]:
    return [token.lemma_ for token in nlp(text.lower())]


def entities(nlp: Any, text: str) -> list[tuple[str, str]]:
    return [(ent.label_, ent.ent_id_) for ent in nlp(text.lower()).ents]


def test_pipeline_is_built_from_the_lexicon(nlp: Any) -> None:
    assert nlp.pipe_names == [
        "sentencizer",
        "lemmatizer",
        "attribute_ruler",
        "entity_ruler",
        "span_ruler",
        "context_ruler",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("backbone", "spine"),
        ("tumor", "tumour"),
        ("tumors", "tumour"),
        ("metastasized", "metastasise"),
        ("chemo", "chemotherapy"),
        ("radiotherapy", "radiation"),
        ("kidney", "renal"),
        ("paralysed", "paraplegia"),
        ("legs", "leg"),
        ("mets", "metastasis"),
        ("sx", "symptom"),
        ("ddx", "differential"),
        ("gullet", "gastrointestinal"),
        ("ca", "cancer"),
        ("onc", "oncologist"),
        ("dxt", "radiation"),
        ("pmh", "history"),
        ("neoplasm", "cancer"),
        ("lytic", "destruction"),
        # vertebral levels of clinical notes are places in the spine
        ("T10", "spine"),
        ("L4/5", "spine"),
        ("c5/6", "spine"),
        ("T10,T11", "spine"),
        # ... but T1-T4 are also tumour stages, which the page never gives
        ("T3", "t3"),
    ],
)
def test_lay_words_get_the_pages_lemma(nlp: Any, text: str, expected: str) -> None:
    assert lemmas(nlp, text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("does kidney cancer spread to the spine", ("cancer_type", "renal cell carcinoma")),
        ("what has Cowden syndrome got to do with it", ("syndrome", "cowden syndrome")),
        ("is VHL linked", ("syndrome", "von hippel-lindau disease")),
        ("Rubinstein-Taybi syndrome?", ("syndrome", "rubinstein-taybi syndrome")),
        ("bowel cancer in the backbone", ("cancer_type", "bowel cancer")),
        ("gi cancer", ("cancer_type", "gastrointestinal cancer")),
        ("is numbness a symptom", ("symptom", "numbness")),
        ("why a CT scan", ("test", "ct scan")),
        ("needle biopsy", ("test", "needle biopsy")),
        ("tumour in the lower back", ("spine_region", "lumbar spine")),
        ("cancer of the gullet", ("cancer_type", "oesophageal cancer")),
        ("does colon cancer spread", ("cancer_type", "bowel cancer")),
        ("is blood cancer one of them", ("cancer_type", "blood cancer")),
        ("known NSCLC", ("cancer_type", "lung cancer")),
        ("hypernephroma", ("cancer_type", "renal cell carcinoma")),
        ("NHL in the spine", ("cancer_type", "lymphoma")),
        ("c/o LBP", ("symptom", "pain")),
        ("FNA of the lesion", ("test", "needle biopsy")),
    ],
)
def test_entities_get_canonical_ids(nlp: Any, text: str, expected: tuple[str, str]) -> None:
    assert expected in entities(nlp, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Knees buckled", ["knee", "buckle"]),
        ("FEET FELT NUMB", ["foot", "feel", "numb"]),
        ("Feel it", ["feel", "it"]),
    ],
)
def test_a_word_with_capitals_gets_its_lemma(nlp: Any, text: str, expected: list[str]) -> None:
    """The lookup table holds lower-case words; a sentence's first word or a shouted one
    must get the same lemma."""
    assert [token.lemma_ for token in nlp(text)] == expected


def test_red_flags_and_person_references_are_marked(nlp: Any) -> None:
    doc = nlp("my dad can't walk and lost control of his bladder")
    labels = [(span.label_, span.text) for span in doc.spans["safety"]]
    assert ("PERSON_REF", "my") in labels
    assert ("RED_FLAG", "ca n't walk") in labels or ("RED_FLAG", "can't walk") in labels
    assert any(label == "RED_FLAG" and "bladder" in text for label, text in labels)


def test_the_shorthand_ca_leaves_cant_alone(nlp: Any) -> None:
    """spaCy splits "can't" into "ca" + "n't"; only the shorthand "ca" means cancer."""
    assert lemmas(nlp, "known ca") == ["know", "cancer"]
    assert lemmas(nlp, "i can't walk")[1] == "ca"


def test_context_cues_are_marked(nlp: Any) -> None:
    doc = nlp("no leg weakness two years ago but now he can't walk")
    labels = {(span.label_, span.text) for span in doc.spans["context"]}
    assert ("NEGATED_FORWARD", "no") in labels
    assert ("HISTORICAL_BACKWARD", "years ago") in labels
    assert ("TERMINATE", "but") in labels


def test_every_lexicon_word_is_text(lexicon: Any) -> None:
    """YAML reads a bare no, off or yes as a boolean, which silently never matches; only
    spaCy's flag attributes (LIKE_NUM, IS_PUNCT …) may be true or false."""

    def strings(value: Any, key: str = "") -> bool:
        if isinstance(value, dict):
            return all(strings(v, k) for k, v in value.items())
        if isinstance(value, list):
            return all(strings(v, key) for v in value)
        return not isinstance(value, bool) or key.startswith(("IS_", "LIKE_"))

    assert strings(lexicon.red_flags)
    assert strings(lexicon.context.directed)
    assert strings([lexicon.lemma_synonyms, lexicon.entities, lexicon.person_references])
    assert strings([lexicon.symptom_words, lexicon.context.terminate, lexicon.context.general])
