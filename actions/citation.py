"""The full citation of the last answer, for "source?" / "where does that come from?".

The Rasa server has already named the section (`utter_source_faq_<id>`, so the reply
keeps it while the action server is down); this action adds what a reader needs to
check the answer: the page's words verbatim, a link to that section of the rendered
source page (SOURCE_PAGE_URL) and when the answer was last reviewed.
"""

from __future__ import annotations

import os
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from spine_assistant.knowledge import CITED_TOPIC_SLOT, Citation, Knowledge, load_knowledge
from spine_assistant.website.anchors import section_anchor

DEFAULT_SOURCE_PAGE_URL = "http://localhost:8000/source.html"


def section_link(citation: Citation, page_url: str) -> str:
    """The rendered source page, opened at the cited (sub)section."""
    return f"{page_url}#{section_anchor(citation.subsection or citation.section)}"


def full_citation(
    knowledge: Knowledge, slots: dict[str, Any], page_url: str
) -> tuple[str, dict[str, Any]] | None:
    """The text and metadata of the last answer's citation (the detail that was
    answered, if any), or None before the first answer."""
    topic_id = slots.get(CITED_TOPIC_SLOT)
    if not topic_id:
        return None
    topic = knowledge.topic(str(topic_id))
    citation = knowledge.citation(topic, topic.detail_for(slots))
    link = section_link(citation, page_url)
    lines = [f"The page says: “{citation.quote}”", f"Read it on the page: {link}"]
    if citation.last_reviewed:
        lines.append(f"Last reviewed: {citation.last_reviewed}")
    return "\n".join(lines), {"citation": {**citation.as_payload(), "link": link}}


class ActionCiteSource(Action):
    def name(self) -> str:
        return "action_cite_source"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        page_url = os.environ.get("SOURCE_PAGE_URL") or DEFAULT_SOURCE_PAGE_URL
        cited = full_citation(load_knowledge(), tracker.current_slot_values(), page_url)
        if cited is None:
            dispatcher.utter_message(response="utter_nothing_to_cite")
            return []
        text, metadata = cited
        dispatcher.utter_message(text=text, metadata=metadata)
        return []
