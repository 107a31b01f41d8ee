"""A question that asks for a kind of answer its topic does not give (a figure, a
duration, whether people recover, what an abbreviation stands for) is refused with what
the page does not do; the kinds a topic does give pass."""

from __future__ import annotations

from typing import Any

import pytest

from spine_assistant.components.question_kinds import QuestionReader
from spine_assistant.components.questions import asking_sentences
from spine_assistant.knowledge import Knowledge, Lexicon

pytestmark = pytest.mark.safety


@pytest.fixture(scope="module")
def reader(knowledge: Knowledge, lexicon: Lexicon, nlp: Any) -> QuestionReader:
    return QuestionReader.build(
        knowledge, lexicon, lambda text: [t.lower_ for t in nlp.make_doc(text)]
    )


@pytest.mark.parametrize(
    ("text", "topic", "refusal"),
    [
        ("what percentage of prostate cancers spread to the spine?", "common_cancers", "figures"),
        ("how long does recovery from the biopsy take?", "biopsy", "how long"),
        ("can people walk again after cord compression?", "complications_neurological", "recover"),
        ("is the paralysis permanent?", "complications_neurological", "recover"),
        ("will the numbness come back after radiotherapy?", "complications_other", "recover"),
        ("what stage is cancer once it reaches the spine?", "definition", "stages"),
        ("what does mHNPC stand for?", "study_prostate_surgery", "stands for"),
        ("how do I join the SBRT study?", "study_sbrt", "where or how"),
        ("how do I book an appointment with the spine team?", "examination", "where or how"),
        ("does bladder control come back after surgery?", "complications_other", "recover"),
    ],
)
def test_a_kind_the_topic_does_not_give_is_refused(
    reader: QuestionReader, nlp: Any, knowledge: Knowledge, text: str, topic: str, refusal: str
) -> None:
    doc = nlp(text.lower())
    reason = reader.refusal(asking_sentences(doc), text, knowledge.topic(topic).intent, [])
    assert reason is not None and refusal in reason


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("does keyhole surgery help people recover from the operation faster?", "keyhole_surgery"),
        ("which cancers spread to the spine?", "common_cancers"),
        ("what are the goals of surgery?", "surgery_goals"),
        ("can it cause paralysis?", "complications_neurological"),
        # recurrence is a listed complication; a first appointment is not a booking
        ("can spinal metastases come back after surgery?", "complications_other"),
        ("could the tumour be coming back?", "complications_other"),
        ("what happens at the first appointment?", "examination"),
    ],
)
def test_what_the_topic_gives_is_not_refused(
    reader: QuestionReader, nlp: Any, knowledge: Knowledge, text: str, topic: str
) -> None:
    doc = nlp(text.lower())
    assert reader.refusal(asking_sentences(doc), text, knowledge.topic(topic).intent, []) is None
