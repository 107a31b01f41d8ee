"""Questions about something the page never mentions are refused, not half-answered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from spine_assistant.components.answerability import NOT_ON_PAGE_ENTITY, AnswerabilityCheck
from spine_assistant.components.question_kinds import QuestionReader
from tests.conftest import SPACY_PIPELINE
from tests.unit.classified import classified_message

pytestmark = pytest.mark.safety

KNOWN = {
    "treatment",
    "treat",
    "spine",
    "spinal",
    "metastasis",
    "cancer",
    "help",
    "radiation",
    "therapy",
    "symptom",
    "mri",
    "scan",
    "what",
    "pain",
}
COMMON = {"does", "help", "my", "mum", "worried", "really", "the", "is", "what", "are", "very"}


def parsed(nlp: Any, text: str, intent: str = "faq_treatment") -> Message:
    return classified_message(text, [(intent, 0.9), ("faq_study_sbrt", 0.05)], nlp(text.lower()))


@pytest.fixture
def check(tmp_path: Path) -> AnswerabilityCheck:
    storage = LocalModelStorage(tmp_path)
    return AnswerabilityCheck(
        AnswerabilityCheck.get_default_config(), storage, Resource("check"), KNOWN, COMMON
    )


def test_a_word_the_page_never_uses_is_refused_and_named(
    nlp: Any, check: AnswerabilityCheck
) -> None:
    message = parsed(nlp, "Does proton therapy help spinal metastasis?")
    check.process([message], SpacyModel(nlp, str(SPACY_PIPELINE)))
    assert message.get("intent") == {"name": "out_of_scope", "confidence": 1.0}
    [entity] = [e for e in message.get("entities") if e["entity"] == NOT_ON_PAGE_ENTITY]
    assert entity["value"] == "mention “proton therapy”"
    assert message.get("answerability")["nearest_topics"][0]["name"] == "faq_treatment"
    assert (entity["start"], entity["end"]) == (5, 19)
    assert all(not e["name"].startswith("faq_") for e in message.get("intent_ranking"))


@pytest.mark.parametrize(
    "text",
    [
        "what is the treatment for spinal metastasis?",
        "my mum is really worried, what is the treatment?",  # common words
        "what is the treatmnet for spinal metastasis",  # a typo of a known word
        "what is the treatment for spianl metastasis",  # two letters swapped
        "what is the treat ment for spinal metastasis",  # a known word typed as two
        "what is the treatment for spinal met a stasis",  # ... or three, by voice typing
        "My dad Bartholomew loves cycling. What is the treatment?",  # outside the question
        "72M, 68yo, 3wks: what is the treatment?",  # ages and times of clinical notes
        "pain x1yr, what is the treatment?",  # "for a year" in a note
        "since twenty nineteen, what is the treatment?",  # numbers typed by voice
    ],
)
def test_covered_questions_keep_their_answer(
    nlp: Any, check: AnswerabilityCheck, text: str
) -> None:
    message = parsed(nlp, text)
    check.process([message], SpacyModel(nlp, str(SPACY_PIPELINE)))
    assert message.get("intent")["name"] == "faq_treatment"


@pytest.mark.parametrize(("text", "kept"), [("smokin", True), ("vapin", False)])
def test_text_speak_without_its_final_g_is_the_word(
    nlp: Any, tmp_path: Path, text: str, kept: bool
) -> None:
    check = AnswerabilityCheck(
        AnswerabilityCheck.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("check"),
        KNOWN,
        COMMON | {"smoking"},
    )
    message = parsed(nlp, f"what is the treatment for {text}?")
    check.process([message], SpacyModel(nlp, str(SPACY_PIPELINE)))
    assert (message.get("intent")["name"] == "faq_treatment") is kept


@pytest.mark.parametrize(
    ("text", "said"),
    [
        # "expectancy" is known only as part of how a survival question asks
        ("what is the life expectancy with spinal metastasis?", "how long people live"),
        # a word the page never uses beside a kind the topic does not give: the word
        ("what is the life expectancy after proton therapy?", "mention “proton therapy”"),
    ],
)
def test_an_unknown_word_of_a_refused_kind_gives_the_kind(
    nlp: Any, tmp_path: Path, reader: QuestionReader, text: str, said: str
) -> None:
    check = AnswerabilityCheck(
        AnswerabilityCheck.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("check"),
        KNOWN | {"life", "with", "after"},
        COMMON,
        reader,
    )
    message = parsed(nlp, text, intent="faq_how_common")
    check.process([message], SpacyModel(nlp, str(SPACY_PIPELINE)))
    [entity] = [e for e in message.get("entities") if e["entity"] == NOT_ON_PAGE_ENTITY]
    assert said in entity["value"]


def test_only_factual_answers_are_checked(nlp: Any, check: AnswerabilityCheck) -> None:
    message = parsed(nlp, "should I take dexamethasone", intent="personal_advice")
    check.process([message], SpacyModel(nlp, str(SPACY_PIPELINE)))
    assert message.get("intent")["name"] == "personal_advice"


def test_the_vocabulary_is_learnt_from_the_page_and_answerable_examples(
    nlp: Any, tmp_path: Path
) -> None:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("check")
    config = AnswerabilityCheck.get_default_config()
    examples = []
    for text, intent in [
        ("is kyphoplasty a treatment", "out_of_scope"),
        ("what does zorbulation of the spine mean", "faq_definition"),
    ]:
        example = Message(data={TEXT: text, "intent": intent})
        example.set(SPACY_DOCS[TEXT], nlp(text))
        examples.append(example)
    AnswerabilityCheck.create(config, storage, resource, ExecutionContext({}, "1")).train(
        TrainingData(examples), SpacyModel(nlp, str(SPACY_PIPELINE))
    )
    loaded = AnswerabilityCheck.load(config, storage, resource, ExecutionContext({}, "1"))
    assert loaded.missing_terms(nlp("what does zorbulation mean?")) == []  # answerable example
    assert loaded.missing_terms(nlp("what is thoracic?")) == []  # the page's own word
    assert loaded.missing_terms(nlp("is kyphoplasty used?")) != []  # only an unanswerable example
    # how people frame a question, not what they ask about (lexicon asking_words)
    assert loaded.missing_terms(nlp("wat shud i look out for, is there a checklist?")) == []
    assert loaded.missing_terms(nlp("flashcards for my dissertation: symptoms?")) == []
    assert loaded.missing_terms(nlp("paramedic here: which symptoms matter?")) == []
    assert loaded.missing_terms(nlp("does prev breast ca count as a risk?")) == []
    assert loaded.missing_terms(nlp("how is it diagnosed if ye couldnae walk?")) == []
    assert loaded.missing_terms(nlp("teaching the hcas: which scan confirms or excludes it?")) == []
