"""The knowledge file against the source page: nothing invented, nothing left out."""

from __future__ import annotations

import datetime
import hashlib
import re

import pytest
from rasa.shared.core.domain import Domain

from evaluation.question_sets import training_examples
from spine_assistant.knowledge import Knowledge, Lexicon, Review
from spine_assistant.knowledge.topics import ABBREVIATION_ENTITY, FAQ_INTENT_PREFIX

pytestmark = pytest.mark.safety

MIN_TRAINING_EXAMPLES = 20


def source_lines(knowledge: Knowledge) -> list[str]:
    return [line.strip() for line in knowledge.source_text().splitlines()]


def section_spans(knowledge: Knowledge) -> dict[str, tuple[int, int]]:
    """Character range of each section in the source: from its heading to the next one."""
    text = knowledge.source_text()
    starts = []
    for heading in knowledge.sections:
        match = re.search(rf"^{re.escape(heading)}\s*$", text, flags=re.MULTILINE)
        starts.append((match.start() if match else 0, heading))
    starts.sort()
    spans = {}
    for index, (start, heading) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(text)
        spans[heading] = (start, end)
    return spans


def all_quotes(knowledge: Knowledge) -> list[tuple[str, str, str]]:
    """(topic id, section, quote) for every topic and detail."""
    quotes = []
    for topic in knowledge.topics:
        quotes.append((topic.id, topic.section, topic.quote))
        quotes += [(topic.id, topic.section, detail.quote) for detail in topic.details]
    return quotes


def test_source_copy_is_unchanged(knowledge: Knowledge) -> None:
    digest = hashlib.sha256(knowledge.document_file.read_bytes()).hexdigest()
    assert digest == knowledge.document_sha256


def test_every_section_is_a_heading_of_the_page(knowledge: Knowledge) -> None:
    lines = source_lines(knowledge)
    title = knowledge.document_title
    assert lines[0].endswith(f"> {title}"), "the page title is the breadcrumb's last part"
    missing = [s for s in knowledge.sections if s != title and s not in lines]
    assert missing == []


def test_every_quote_is_verbatim_in_the_source(knowledge: Knowledge) -> None:
    text = knowledge.source_text()
    missing = [(topic, quote) for topic, _, quote in all_quotes(knowledge) if quote not in text]
    assert missing == []


def test_every_quote_sits_in_the_section_it_cites(knowledge: Knowledge) -> None:
    text = knowledge.source_text()
    spans = section_spans(knowledge)
    misplaced = []
    for topic_id, section, quote in all_quotes(knowledge):
        start, end = spans[section]
        if quote not in text[start:end]:
            misplaced.append((topic_id, section, quote))
    assert misplaced == []


def test_subsections_are_headings_inside_their_section(knowledge: Knowledge) -> None:
    text = knowledge.source_text()
    spans = section_spans(knowledge)
    for topic in knowledge.topics:
        if topic.subsection:
            start, end = spans[topic.section]
            assert f"\n{topic.subsection}\n" in text[start:end], topic.id


def test_every_section_is_covered_by_a_topic(knowledge: Knowledge) -> None:
    covered = {topic.section for topic in knowledge.topics}
    assert set(knowledge.sections) - covered == set()
    assert covered - set(knowledge.sections) == set(), "a topic cites an unknown section"


@pytest.mark.parametrize("field", ["id", "title", "section", "quote", "answer"])
def test_every_topic_has(field: str, knowledge: Knowledge) -> None:
    assert all(str(getattr(topic, field)).strip() for topic in knowledge.topics)


def test_topic_ids_and_titles_are_unique(knowledge: Knowledge) -> None:
    ids = [topic.id for topic in knowledge.topics]
    titles = [topic.title for topic in knowledge.topics]
    assert len(set(ids)) == len(ids)
    assert len(set(titles)) == len(titles)


def test_answers_are_short(knowledge: Knowledge) -> None:
    answers = [topic.answer for topic in knowledge.topics]
    answers += [detail.answer for topic in knowledge.topics for detail in topic.details]
    for answer in answers:
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", answer.strip()) if s]
        assert 1 <= len(sentences) <= 4, answer


def test_details_match_lexicon_values_and_domain_slots(
    knowledge: Knowledge, lexicon: Lexicon, project_domain: Domain
) -> None:
    slots = {slot.name for slot in project_domain.slots}
    for topic in knowledge.topics:
        for detail in topic.details:
            assert detail.entity in project_domain.entities, (topic.id, detail.entity)
            assert detail.entity in slots, (topic.id, detail.entity)
            if detail.entity == ABBREVIATION_ENTITY:
                continue  # set by the expansion router, from these details themselves
            assert detail.value in lexicon.entities.get(detail.entity, {}), (topic.id, detail)


def test_a_topic_with_details_has_one_for_each_thing_its_quote_names(
    knowledge: Knowledge, lexicon: Lexicon
) -> None:
    """The detail router moves a question away from a topic that lists things of a kind
    but not the one named, so a listed thing without a detail sends its question astray
    ("does past prostate cancer raise the risk?" went to the common cancers)."""
    detailed = {(d.entity, d.value) for topic in knowledge.topics for d in topic.details}
    for topic in knowledge.topics:
        kinds = {detail.entity for detail in topic.details} - {ABBREVIATION_ENTITY}
        covered = {(detail.entity, detail.value) for detail in topic.details}
        quote = topic.quote.lower()
        for kind in kinds:
            for value, phrases in lexicon.entities.get(kind, {}).items():
                if (kind, value) in covered or (kind, value) not in detailed:
                    continue  # kept, or nowhere else to go
                named = any(re.search(rf"\b{re.escape(p.lower())}\b", quote) for p in phrases)
                assert not named, (topic.id, value)


def test_featured_topics_exist(knowledge: Knowledge) -> None:
    ids = {topic.id for topic in knowledge.topics}
    assert set(knowledge.featured) <= ids


def test_every_topic_has_training_examples(knowledge: Knowledge) -> None:
    counts: dict[str, int] = {}
    for _, intent in training_examples():
        counts[intent] = counts.get(intent, 0) + 1
    thin = {t.intent: counts.get(t.intent, 0) for t in knowledge.topics}
    assert {i: n for i, n in thin.items() if n < MIN_TRAINING_EXAMPLES} == {}
    faq_intents = {i for i in counts if i.startswith(FAQ_INTENT_PREFIX)}
    assert faq_intents - set(thin) == set(), "training data for an intent with no topic"


def test_every_topic_records_its_last_review_by_a_role(knowledge: Knowledge) -> None:
    """The date shows with every citation; a date in the future would be a typo (this
    can never start failing as time passes)."""
    today = datetime.date.today()
    for topic in knowledge.topics:
        assert topic.reviewed is not None, f"{topic.id}: add reviewed: {{date, by}}"
        assert topic.reviewed.on <= today, f"{topic.id}: review date in the future"
        assert topic.reviewed.by.strip(), f"{topic.id}: say which role reviewed it"
        assert knowledge.citation(topic).last_reviewed == topic.reviewed.month


@pytest.mark.parametrize(
    "reviewed, today, stale",
    [
        ("2025-11-28", "2026-11-28", False),
        ("2025-11-28", "2026-11-29", True),
        ("2025-11-30", "2026-12-01", True),
        ("2026-01-31", "2026-11-28", False),
        ("2024-02-29", "2025-03-01", True),
    ],
)
def test_a_review_is_due_after_twelve_months(reviewed: str, today: str, stale: bool) -> None:
    review = Review(on=datetime.date.fromisoformat(reviewed), by="content owner")
    assert review.is_older_than(12, datetime.date.fromisoformat(today)) is stale
    assert Review(on=datetime.date(2026, 11, 3), by="x").month == "November 2026"
