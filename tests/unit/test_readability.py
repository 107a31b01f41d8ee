"""The answers are plain enough for a 12-year-old (NHS reading age 9-11): the
Flesch-Kincaid gate of spine_assistant/knowledge/readability.py, and proof that it
can fail and only forgives the names the page lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from spine_assistant.knowledge import Knowledge, Lexicon
from spine_assistant.knowledge.readability import (
    MAX_GRADE,
    MAX_SENTENCE_WORDS,
    Score,
    grade,
    long_sentences,
    mask_names,
    median_grade,
    page_names,
    problems,
    score_answers,
    score_responses,
    worst,
)

# the page's own sentence, far above a 12-year-old's reading level
HARD = (
    "Complications that result from the treatment options performed on the patient may be "
    "linked to the body structures sacrificed during the surgical resection process to "
    "attain clear margins, structures in the path of radiation therapy, or the systemic "
    "effects of chemotherapy."
)

pytestmark = pytest.mark.safety


def failure_message(found: list[str], scores: list[Score]) -> str:
    return "\n".join(
        ["Rewrite these in plainer words:", *found, "", "Hardest texts (grade):", *worst(scores)]
    )


def test_topic_answers_are_plain(knowledge: Knowledge) -> None:
    scores = score_answers(knowledge)
    found = problems(scores)
    assert not found, failure_message(found, scores)


def test_domain_responses_are_plain() -> None:
    # no median rule: greetings and notices are few and must name the page and the clinician
    scores = score_responses()
    found = problems(scores, max_median=None)
    assert scores
    assert not found, failure_message(found, scores)


def test_every_answer_is_scored(knowledge: Knowledge) -> None:
    expected = sum(1 + len(topic.details) for topic in knowledge.topics)
    assert len(score_answers(knowledge)) == expected


def test_a_hard_sentence_fails_the_gate() -> None:
    assert grade(HARD) > MAX_GRADE
    assert long_sentences(HARD) == [HARD]
    score = Score("example", HARD, grade(HARD), tuple(long_sentences(HARD)))
    found = problems([score])
    assert any(line.startswith("median grade") for line in found)
    assert any(line.startswith("grade") and "example" in line for line in found)
    assert any(line.startswith(f"sentence over {MAX_SENTENCE_WORDS} words") for line in found)


def test_listed_names_score_as_one_short_word() -> None:
    for name in ("Li-Fraumeni syndrome", "renal cell carcinoma", "Von Hippel-Lindau disease"):
        sentence = f"People with {name} may get this kind of tumour."
        assert mask_names(sentence) == "People with X may get this kind of tumour."
        assert grade(sentence) == grade("People with X may get this kind of tumour.")
    study = "A pilot study is testing stereotactic body radiation therapy (SBRT)."
    assert grade(study) == grade("A pilot study is testing X (X).")


def test_unlisted_words_still_count() -> None:
    # a hard word that is no name the page lists is scored as it is
    assert grade("People with disseminated malignancy may get this kind of tumour.") > grade(
        "People with X may get this kind of tumour."
    )
    # symptoms are ordinary words an answer must keep plain, not names
    assert "numbness" not in page_names()


def test_a_long_name_counts_as_one_word_in_a_sentence() -> None:
    padding = " ".join(["word"] * (MAX_SENTENCE_WORDS - 2))
    assert not long_sentences(f"{padding} metastatic epidural spinal cord compression.")
    assert long_sentences(f"{padding} extra words here.")


def test_the_names_come_from_the_data(knowledge: Knowledge, lexicon: Lexicon) -> None:
    names = set(page_names(knowledge, lexicon))
    details = [detail for topic in knowledge.topics for detail in topic.details]
    assert {detail.value.lower() for detail in details if detail.entity != "symptom"} <= names
    for label in ("cancer_type", "syndrome", "test", "spine_region"):
        for canonical, phrases in lexicon.entity_phrases()[label].items():
            assert {canonical.lower(), *(phrase.lower() for phrase in phrases)} <= names


def test_placeholders_read_as_one_word() -> None:
    assert mask_names("Call {emergency_number} now.") == "Call X now."


def test_median_of_the_answers_is_reported(knowledge: Knowledge) -> None:
    assert 0 < median_grade(score_answers(knowledge)) <= 6


def test_scoring_reads_the_domain_file(tmp_path: Path) -> None:
    domain = tmp_path / "domain.yml"
    domain.write_text(f"responses:\n  utter_hard:\n    - text: {HARD}\n", encoding="utf-8")
    (score,) = score_responses(domain)
    assert score.where == "domain utter_hard"
    assert problems([score], max_median=None)
