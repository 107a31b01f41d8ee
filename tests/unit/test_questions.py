"""Which sentences of a message ask: the story before a question is left out, unless
the question only points back at it."""

from __future__ import annotations

from typing import Any

import pytest

from spine_assistant.components.questions import asking_sentences, opens_like_question


def asking(nlp: Any, text: str) -> list[str]:
    return [sentence.text for sentence in asking_sentences(nlp(text.lower()))]


def test_a_story_before_a_question_is_left_out(nlp: Any) -> None:
    text = "My dad had surgery last year. Does lymphoma spread to the spine?"
    assert asking(nlp, text) == ["does lymphoma spread to the spine?"]


@pytest.mark.parametrize(
    "text",
    [
        "My friend says spinal tumours always make you incontinent. Is that true?",
        "A rumour says there's a study on surgery for cord compression. Is this real?",
        "The consultant called retention a red flag. Is that on your page?",
    ],
)
def test_a_short_question_pointing_back_brings_its_sentence(nlp: Any, text: str) -> None:
    story, question = list(nlp(text.lower()).sents)
    assert asking(nlp, text) == [story.text, question.text]


def test_a_longer_question_with_that_stands_alone(nlp: Any) -> None:
    text = "Mum had breast cancer. Is that a cancer that often spreads to the spine?"
    assert asking(nlp, text) == ["is that a cancer that often spreads to the spine?"]


def test_one_sentence_is_the_whole_message(nlp: Any) -> None:
    assert asking(nlp, "is that true?") == ["is that true?"]


@pytest.mark.parametrize(
    "text",
    [
        "Cannot walk since this morning.",
        "Can barely make it to the door.",
        "Can only move my toes.",
        "Could hardly stand up today.",
    ],
)
def test_a_question_word_before_an_adverb_of_a_statement_opens_no_question(
    nlp: Any, text: str
) -> None:
    assert not opens_like_question(next(nlp(text.lower()).sents))


def test_a_question_word_still_opens_a_question(nlp: Any) -> None:
    assert opens_like_question(next(nlp("can surgery help").sents))
