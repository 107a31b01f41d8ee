"""The sparse featurizers count only the words of the sentences that ask."""

from __future__ import annotations

from typing import Any

from rasa.nlu.constants import SPACY_DOCS, TOKENS_NAMES
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from spine_assistant.components.asking_tokens import AskingTokens


def tokenised(nlp: Any, text: str, **data: Any) -> Message:
    message = Message(data={TEXT: text, **data})
    message.set(SPACY_DOCS[TEXT], nlp(text.lower()))
    SpacyTokenizer(SpacyTokenizer.get_default_config()).process([message])
    return message


def words(message: Message) -> list[str]:
    return [token.text for token in message.get(TOKENS_NAMES[TEXT])]


def test_a_story_before_the_question_is_not_counted(nlp: Any) -> None:
    message = tokenised(
        nlp, "I was incontinent with a urine infection, now sorted. Does breast cancer spread?"
    )
    AskingTokens({}).process([message])
    assert words(message) == ["does", "breast", "cancer", "spread", "?"]


def test_every_word_counts_when_no_sentence_or_every_sentence_asks(nlp: Any) -> None:
    for text in (
        "which cancers spread to the spine",
        "Mum has back pain. She had breast cancer.",
        "What is a biopsy? Does it hurt?",
    ):
        message = tokenised(nlp, text)
        before = words(message)
        AskingTokens({}).process([message])
        assert words(message) == before


def test_training_examples_are_read_the_same_way(nlp: Any) -> None:
    message = tokenised(
        nlp, "No numbness at all. What are the symptoms?", **{INTENT: "faq_symptoms"}
    )
    AskingTokens({}).process_training_data(TrainingData([message]))
    assert words(message) == ["what", "are", "the", "symptoms", "?"]
    assert message.get(TEXT) == "No numbness at all. What are the symptoms?"


def test_a_question_mark_outranks_an_opening_word(nlp: Any) -> None:
    message = tokenised(
        nlp, "Can still run, can still feel everything. Does lymphoma spread to the spine?"
    )
    AskingTokens({}).process([message])
    assert words(message) == ["does", "lymphoma", "spread", "to", "the", "spine", "?"]


def test_an_opening_word_with_a_negation_states_something(nlp: Any) -> None:
    message = tokenised(nlp, "Cannot walk far these days. What does keyhole surgery do")
    AskingTokens({}).process([message])
    assert words(message) == ["what", "does", "keyhole", "surgery", "do"]
