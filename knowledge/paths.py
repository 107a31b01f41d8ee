"""Project paths resolved from this file, so nothing depends on the current directory."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_DIR = PROJECT_ROOT / "data" / "knowledge"
TOPICS_FILE = KNOWLEDGE_DIR / "topics.yml"
LEXICON_FILE = KNOWLEDGE_DIR / "lexicon.yml"
MODEL = PROJECT_ROOT / "models" / "spine.tar.gz"  # what `make train` writes and everything serves
