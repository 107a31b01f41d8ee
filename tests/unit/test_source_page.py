"""The rendered source page: every heading a citation can name has its anchor, found by
the one slug function, and the page keeps all of the source's words."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from spine_assistant.knowledge import Knowledge
from spine_assistant.website.anchors import anchor_map, section_anchor
from spine_assistant.website.source_page import render_source_page, write_source_page


@pytest.fixture(scope="module")
def page(knowledge: Knowledge) -> str:
    return render_source_page(knowledge)


def heading_ids(page: str) -> dict[str, str]:
    """Heading text → id, for every h1/h2/h3 with an id."""
    return {
        unescape(text): anchor
        for anchor, text in re.findall(r'<h[123] id="([^"]+)">([^<]+)</h[123]>', page)
    }


def test_every_cited_heading_has_its_anchor(knowledge: Knowledge, page: str) -> None:
    cited = {topic.section for topic in knowledge.topics} | {
        topic.subsection for topic in knowledge.topics if topic.subsection
    }
    ids = heading_ids(page)

    for heading in cited | set(knowledge.sections):
        assert ids.get(heading) == section_anchor(heading), heading


def test_anchors_are_unique_and_match_the_map_the_widget_bundles(
    knowledge: Knowledge, page: str, tmp_path: Path
) -> None:
    ids = list(heading_ids(page).values())
    assert len(ids) == len(set(ids))

    write_source_page(tmp_path)
    bundled = json.loads((tmp_path / "anchors.json").read_text(encoding="utf-8"))
    assert bundled == anchor_map(knowledge)
    assert set(bundled.values()) <= set(ids)


def test_every_quote_is_on_the_page_below_its_heading(knowledge: Knowledge, page: str) -> None:
    text = unescape(re.sub(r"<[^>]+>", " ", page))
    text = re.sub(r"\s+", " ", text)
    for topic in knowledge.topics:
        heading = topic.subsection or topic.section
        quote = re.sub(r"\s+", " ", topic.quote)
        assert quote in text, topic.id
        assert text.index(heading) < text.index(quote) or topic.section == knowledge.sections[0]


def test_all_source_words_are_kept_and_escaped(knowledge: Knowledge, page: str) -> None:
    source_words = re.findall(r"[A-Za-z0-9%]+", knowledge.source_text())
    page_words = re.findall(r"[A-Za-z0-9%]+", unescape(re.sub(r"<[^>]+>", " ", page)))
    missing = set(source_words) - set(page_words)
    assert not missing
    assert "<script" not in page


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("Spinal Metastases Symptoms", "spinal-metastases-symptoms"),
        ("Can spinal metastatic cancer be cured?", "can-spinal-metastatic-cancer-be-cured"),
        (
            "Complications related to the tumour, its metastases, or its recurrence",
            "complications-related-to-the-tumour-its-metastases-or-its-recurrence",
        ),
        ("Tumeur métastatique", "tumeur-metastatique"),
        ("???", "section"),
    ],
)
def test_section_anchor(heading: str, anchor: str) -> None:
    assert section_anchor(heading) == anchor
