"""Project paths resolved from this file, so nothing depends on the current directory."""

from pathlib import Path

# the project folder: the package is installed editable from it (make install)
PROJECT_ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE_DIR = PROJECT_ROOT / "data" / "knowledge"
TOPICS_FILE = KNOWLEDGE_DIR / "topics.yml"
LEXICON_FILE = KNOWLEDGE_DIR / "lexicon.yml"
MODEL = PROJECT_ROOT / "models" / "spine.tar.gz"  # what `make train` writes and everything serves
