"""The one slug function that turns a section heading into its anchor on the rendered
source page. The widget does not slug anything itself: it gets the heading → anchor map
that `website.source_page` writes with this function, so the two can never disagree.
"""

from __future__ import annotations

import re
import unicodedata

from spine_assistant.knowledge import Knowledge


def section_anchor(heading: str) -> str:
    """Lower-case ASCII words joined by hyphens: "Can spinal metastatic cancer be cured?"
    → "can-spinal-metastatic-cancer-be-cured"."""
    ascii_text = unicodedata.normalize("NFKD", heading).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "section"


def cited_headings(knowledge: Knowledge) -> tuple[list[str], list[str]]:
    """The page's section headings and the sub-headings that topics cite."""
    subsections = sorted({topic.subsection for topic in knowledge.topics if topic.subsection})
    return list(knowledge.sections), subsections


def anchor_map(knowledge: Knowledge) -> dict[str, str]:
    """Every heading a citation can name (section or subsection) → its anchor."""
    sections, subsections = cited_headings(knowledge)
    return {heading: section_anchor(heading) for heading in sections + subsections}
