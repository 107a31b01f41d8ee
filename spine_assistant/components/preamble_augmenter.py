"""Teaches the classifier that a preamble does not change the question.

People often write what they do not have, what is over, or who they are before they
ask ("No leg weakness, no bladder problems. Which scan finds it?"). The training
questions rarely do, so the preamble's words (weakness, bladder, catheter) pulled such
messages to `emergency`, `out_of_scope` or the symptoms topic. At training time only,
this copies a share of the questions with a sentence from data/knowledge/preambles.yml
in front (or, less often, after) and the same intent; at run time it does nothing.
Copies are marked, so the answerability check does not learn the preambles' words as
words the page covers.
"""

from __future__ import annotations

import hashlib
import random
from pathlib import Path
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.io import read_yaml_file

from spine_assistant.components.base import ProjectComponent
from spine_assistant.knowledge.paths import KNOWLEDGE_DIR, PROJECT_ROOT
from spine_assistant.knowledge.topics import FAQ_INTENT_PREFIX

PREAMBLES_FILE = KNOWLEDGE_DIR / "preambles.yml"
# set on every copy: the components that learn from the question's own words skip them
AUGMENTED_KEY = "preamble_copy"


def is_preamble_copy(message: Message) -> bool:
    return bool(message.get(AUGMENTED_KEY))


def load_preambles(path: Path = PREAMBLES_FILE) -> list[str]:
    """Every preamble, whatever its kind (the kinds only keep the file readable)."""
    kinds = read_yaml_file(path)
    if not isinstance(kinds, dict) or not all(isinstance(v, list) for v in kinds.values()):
        raise ValueError(f"{path} must map each kind of preamble to a list of sentences")
    return [str(sentence).strip() for sentences in kinds.values() for sentence in sentences]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class PreambleAugmenter(ProjectComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "preambles_file": str(PREAMBLES_FILE.relative_to(PROJECT_ROOT)),
            # share of the questions copied with a preamble (0.5 did worse: decisions.md)
            "share": 0.25,
            # of those, the share with the sentence after the question ("…? No numbness.")
            "share_after": 0.3,
            # only questions of at most this many words: long ones have their own context
            "max_words": 25,
            "intents": ["out_of_scope", "personal_advice"],
            "random_seed": 42,
        }

    @classmethod
    def _path(cls, config: dict[str, Any]) -> Path:
        path = Path(config.get("preambles_file", cls.get_default_config()["preambles_file"]))
        return path if path.is_absolute() else PROJECT_ROOT / path

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """The preambles are read from a file, not given by the graph: a changed file
        must retrain what follows, not reuse Rasa's cache."""
        digest = hashlib.sha256(str(super().fingerprint_addon(config)).encode())
        digest.update(cls._path(config).read_bytes())
        return digest.hexdigest()

    def _augments(self, example: Message) -> bool:
        intent = str(example.get(INTENT) or "")
        text = str(example.get(TEXT) or "")
        return (
            intent.startswith(FAQ_INTENT_PREFIX) or intent in self._config["intents"]
        ) and 0 < len(text.split()) <= self._config["max_words"]

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        preambles = load_preambles(self._path(self._config))
        copies = []
        for example in training_data.intent_examples:
            if not self._augments(example):
                continue
            question = str(example.get(TEXT))
            # seeded by the question itself, so a line added elsewhere changes no other copy
            chooser = random.Random(f"{self._config['random_seed']}:{question}")
            if chooser.random() >= self._config["share"]:
                continue
            preamble = chooser.choice(preambles)
            if chooser.random() < self._config["share_after"]:
                ending = "" if question.rstrip()[-1:] in ".?!" else "?"
                text = f"{question.rstrip()}{ending} {preamble}"
            else:
                text = f"{preamble} {question[:1].upper()}{question[1:]}"
            copies.append(
                Message(
                    data={
                        TEXT: text,
                        INTENT: example.get(INTENT),
                        AUGMENTED_KEY: True,
                    }
                )
            )
        # Rasa's `merge` deep-copies every example (0.8 s of a training); the examples
        # pass on as they are, as every other step of the pipeline passes them on
        return TrainingData(
            training_data.training_examples + copies,
            training_data.entity_synonyms,
            training_data.regex_features,
            training_data.lookup_tables,
            training_data.responses,
        )

    def process(self, messages: list[Message]) -> list[Message]:
        return messages
