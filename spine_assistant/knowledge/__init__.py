"""The curated knowledge shared by the Rasa server (importer, NLU) and the action server."""

from spine_assistant.knowledge.lexicon import Lexicon, load_lexicon
from spine_assistant.knowledge.topics import (
    CITED_TOPIC_SLOT,
    Citation,
    Detail,
    Knowledge,
    Review,
    Topic,
    load_knowledge,
)

__all__ = [
    "CITED_TOPIC_SLOT",
    "Citation",
    "Detail",
    "Knowledge",
    "Lexicon",
    "Review",
    "Topic",
    "load_knowledge",
    "load_lexicon",
]
