"""The curated knowledge shared by the Rasa server (importer, NLU) and the action server."""

from spine_assistant.knowledge.lexicon import Lexicon, load_lexicon
from spine_assistant.knowledge.topics import Citation, Detail, Knowledge, Topic, load_knowledge

__all__ = [
    "Citation",
    "Detail",
    "Knowledge",
    "Lexicon",
    "Topic",
    "load_knowledge",
    "load_lexicon",
]
