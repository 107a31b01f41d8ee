"""Training copies some questions with a preamble in front and the same intent; run time
is untouched; the answerability check does not learn the preambles' words; a message
that asks without a question mark still has its asking sentence found."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from spine_assistant.components.answerability import VOCABULARY_FILE, AnswerabilityCheck
from spine_assistant.components.preamble_augmenter import (
    PreambleAugmenter,
    is_preamble_copy,
    load_preambles,
)
from spine_assistant.components.questions import asking_sentences
from tests.conftest import SPACY_PIPELINE

QUESTIONS = [(f"which scan finds spinal tumours number {i}?", "faq_mri") for i in range(40)] + [
    (f"does proton therapy help, case {i}?", "out_of_scope") for i in range(40)
]


def augmented(config: dict[str, Any], examples: list[tuple[str, str]]) -> TrainingData:
    data = TrainingData([Message(data={TEXT: text, INTENT: intent}) for text, intent in examples])
    return PreambleAugmenter(config).process_training_data(data)


def copies(data: TrainingData) -> list[Message]:
    return [m for m in data.training_examples if is_preamble_copy(m)]


def test_a_share_of_the_questions_is_copied_with_a_preamble_and_the_same_intent() -> None:
    data = augmented({"share": 0.5}, QUESTIONS)
    preambles = load_preambles()
    made = copies(data)
    assert 20 <= len(made) <= 60
    originals = dict(QUESTIONS)
    placed = {"before": 0, "after": 0}
    for copy in made:
        text = copy.get(TEXT)
        preamble = next(p for p in preambles if text.startswith(p) or text.endswith(p))
        if text.startswith(preamble):
            placed["before"] += 1
            question = text[len(preamble) + 1 :]
            question = question[0].lower() + question[1:]
        else:
            placed["after"] += 1
            question = text[: -len(preamble) - 1]
        assert originals[question] == copy.get(INTENT)
    assert placed["before"] > placed["after"] > 0
    assert len(data.training_examples) == len(QUESTIONS) + len(made)


def test_the_questions_pass_on_themselves_with_the_rest_of_the_data() -> None:
    """Not deep copies (as Rasa's `merge` makes, 0.8 s of a training), and the data's
    synonyms, regexes, lookup tables and responses kept."""
    questions = [Message(data={TEXT: text, INTENT: intent}) for text, intent in QUESTIONS]
    data = TrainingData(
        questions,
        entity_synonyms={"mets": "metastases"},
        regex_features=[{"name": "level", "pattern": "[TL][0-9]+"}],
        lookup_tables=[{"name": "cancer", "elements": ["lung", "breast"]}],
        responses={"utter_x/y": [{"text": "z"}]},
    )
    result = PreambleAugmenter({}).process_training_data(data)
    assert result.training_examples[: len(questions)] == questions
    assert all(a is b for a, b in zip(result.training_examples, questions, strict=False))
    assert result.entity_synonyms == data.entity_synonyms
    assert result.regex_features == data.regex_features
    assert result.lookup_tables == data.lookup_tables
    assert result.responses == data.responses


def test_only_short_questions_of_the_listed_intents_are_copied() -> None:
    long_question = " ".join(["word"] * 30) + "?"
    data = augmented(
        {"share": 1.0},
        [("hello there", "greet"), ("my legs gave way", "emergency"), (long_question, "faq_mri")],
    )
    assert copies(data) == []


def test_the_same_data_gives_the_same_copies_and_a_new_line_changes_no_other() -> None:
    first = [m.get(TEXT) for m in copies(augmented({}, QUESTIONS))]
    assert first == [m.get(TEXT) for m in copies(augmented({}, QUESTIONS))]
    again = [
        m.get(TEXT) for m in copies(augmented({}, [("what is a biopsy", "faq_biopsy")] + QUESTIONS))
    ]
    assert set(first) <= set(again)


def test_run_time_messages_pass_unchanged() -> None:
    message = Message(data={TEXT: "No leg weakness. Which scan is best?"})
    assert PreambleAugmenter({}).process([message]) == [message]
    assert message.get(TEXT) == "No leg weakness. Which scan is best?"


def test_a_changed_preamble_file_changes_the_fingerprint(tmp_path: Path) -> None:
    path = tmp_path / "preambles.yml"
    path.write_text("kind:\n  - No numbness.\n", encoding="utf-8")
    before = PreambleAugmenter.fingerprint_addon({"preambles_file": str(path)})
    path.write_text("kind:\n  - No weakness.\n", encoding="utf-8")
    assert PreambleAugmenter.fingerprint_addon({"preambles_file": str(path)}) != before


def test_a_malformed_preamble_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "preambles.yml"
    path.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(ValueError, match="kind of preamble"):
        load_preambles(path)


def test_answerability_does_not_learn_the_preambles_words(nlp: Any, tmp_path: Path) -> None:
    original = Message(data={TEXT: "which scan finds it?", INTENT: "faq_mri"})
    copy = Message(
        data={
            TEXT: "He works in a bakery. Which scan finds it?",
            INTENT: "faq_mri",
            "preamble_copy": True,
        }
    )
    for message in (original, copy):
        message.set(SPACY_DOCS[TEXT], nlp(message.get(TEXT).lower()))
    storage = LocalModelStorage(tmp_path)
    resource = Resource("check")
    check = AnswerabilityCheck(AnswerabilityCheck.get_default_config(), storage, resource)
    check.train(TrainingData([original, copy]), SpacyModel(nlp, str(SPACY_PIPELINE)))
    with storage.read_from(resource) as folder:
        known = (folder / VOCABULARY_FILE).read_text(encoding="utf-8")
    assert '"scan"' in known and '"bakery"' not in known


@pytest.mark.parametrize(
    ("text", "asking"),
    [
        (
            "No tingling, no falls. Just asking which scan is best.",
            "just asking which scan is best.",
        ),
        ("Neuro obs normal. Pt asking re: prevention.", "pt asking re: prevention."),
        (
            "Mum is well. I would like to know what a biopsy is.",
            "i would like to know what a biopsy is.",
        ),
        ("Mum is well. What is a biopsy? I'm asking for her.", "what is a biopsy?"),
    ],
)
def test_a_sentence_that_asks_without_a_question_mark_is_the_asking_one(
    nlp: Any, text: str, asking: str
) -> None:
    found = asking_sentences(nlp(text.lower()))
    assert [s.text for s in found] == [asking]
