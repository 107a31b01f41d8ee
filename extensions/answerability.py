"""Refuses a question the page does not answer, even when it looks like a topic.

Unanswerable questions are on-topic by design ("does proton therapy help spinal
mets?" is about treatment), so the classifier's confidence alone cannot catch them: a
real quote would then imply an answer the page does not give. This check looks at
what the question asks about: a specific word that neither the page, the curated
answers, the lexicon nor any answerable training example uses ("proton",
"pacemaker", "pancreatic") means the page does not cover it. Common English words
("worried", "mum") and typos of known words ("symptms") never count, nor do words
outside the question itself when the message says which part is the question.

A faq_* prediction with such a word becomes `out_of_scope` at full confidence, with
the words as a `missing_term` entity so the reply can say what the page does not
cover; the classifier's topics are kept in `answerability.nearest_topics`.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.lang.en.stop_words import STOP_WORDS

from knowledge import load_knowledge, load_lexicon
from knowledge.paths import PROJECT_ROOT
from knowledge.topics import FAQ_INTENT_PREFIX

OUT_OF_SCOPE = "out_of_scope"
MISSING_TERM_ENTITY = "missing_term"
VOCABULARY_FILE = "vocabulary.json"
QUESTION_OPENERS = frozenset(
    "what is are can could does do how why which when will would should where who".split()
)


def _words(doc: Any) -> set[str]:
    return {form for token in doc if token.is_alpha for form in (token.lower_, token.lemma_)}


def _common_english(log_probability: float) -> set[str]:
    """Lower-case words at least this frequent in general English (the word
    probabilities spacy-lookups-data ships for spaCy's English)."""
    import spacy_lookups_data
    import srsly

    path = Path(str(spacy_lookups_data.en["lexeme_prob"]))
    table: dict[str, float] = srsly.read_gzip_json(path.with_name(f"{path.name}.gz"))
    return {
        word
        for word, value in table.items()
        if value >= log_probability and word.isalpha() and word.islower()
    }


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class AnswerabilityCheck(GraphComponent):
    @classmethod
    def required_components(cls) -> list[type]:
        return [SpacyNLP]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # words rarer than this in general English are specific enough to matter
            "common_word_log_probability": -12.0,
            # a word this close to a known one is a typo of it (difflib ratio)
            "typo_similarity": 0.85,
            # how many missing words the reply may name
            "max_named_terms": 1,
            # the project's spaCy pipeline, to read the page as the messages are read
            "spacy_pipeline": "build/spacy/en_spine_assistant",
            # nouns that finish a named term: "proton" → "proton beam therapy"
            "term_heads": [
                "cancer",
                "cancers",
                "tumour",
                "tumours",
                "tumor",
                "tumors",
                "therapy",
                "therapies",
                "treatment",
                "treatments",
                "scan",
                "scans",
                "surgery",
                "test",
                "tests",
                "syndrome",
                "disease",
                "rate",
                "rates",
                "trial",
                "trials",
                "study",
                "injection",
                "injections",
                "drug",
                "drugs",
                "medicine",
                "medication",
                "beam",
                "level",
                "levels",
                "score",
                "stage",
                "expectancy",
                "therapist",
            ],
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        known: set[str] | None = None,
        common: set[str] | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._known = known or set()
        self._common = common or set()
        self._known_by_length: dict[int, list[str]] = {}
        for word in self._known:
            self._known_by_length.setdefault(len(word), []).append(word)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> AnswerabilityCheck:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """What the page covers: its words, the curated answers, the lexicon, and every
        answerable training example, as words and lemmas of the project's pipeline."""
        known: set[str] = set()
        for example in training_data.intent_examples:
            doc = example.get(SPACY_DOCS[TEXT])
            if str(example.get(INTENT, "")).startswith(FAQ_INTENT_PREFIX) and doc is not None:
                known |= _words(doc)
        knowledge = load_knowledge()
        texts = [knowledge.source_text()]
        for topic in knowledge.topics:
            texts += [topic.title, topic.answer] + [detail.answer for detail in topic.details]
        known |= self._words_of(texts)
        known |= load_lexicon().words()
        common = _common_english(self._config["common_word_log_probability"])
        with self._storage.write_to(self._resource) as folder:
            (folder / VOCABULARY_FILE).write_text(
                json.dumps({"known": sorted(known), "common": sorted(common)}), encoding="utf-8"
            )
        return self._resource

    def _words_of(self, texts: list[str]) -> set[str]:
        import spacy

        nlp = spacy.load(PROJECT_ROOT / self._config["spacy_pipeline"])
        return {word for doc in nlp.pipe(text.lower() for text in texts) for word in _words(doc)}

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> AnswerabilityCheck:
        try:
            with model_storage.read_from(resource) as folder:
                data = json.loads((folder / VOCABULARY_FILE).read_text(encoding="utf-8"))
        except ValueError:
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, set(data["known"]), set(data["common"]))

    def _is_known(self, word: str) -> bool:
        if word in self._known:
            return True
        if len(word) < 5:
            return False
        candidates = [
            known
            for length in range(len(word) - 2, len(word) + 3)
            for known in self._known_by_length.get(length, [])
        ]
        return bool(
            difflib.get_close_matches(word, candidates, n=1, cutoff=self._config["typo_similarity"])
        )

    def _is_missing(self, token: Any) -> bool:
        word = token.lower_
        return (
            token.is_alpha
            and len(word) > 2
            and word not in STOP_WORDS
            and word not in self._common
            and token.lemma_ not in self._known
            and not self._is_known(word)
        )

    @staticmethod
    def _question_part(doc: Any) -> list[Any]:
        """The sentences that ask something, or the whole message if none says so."""
        asking = [
            sentence
            for sentence in doc.sents
            if sentence.text.rstrip().endswith("?")
            or next((t.lower_ for t in sentence if t.is_alpha), "") in QUESTION_OPENERS
        ]
        return asking or list(doc.sents)

    def missing_terms(self, doc: Any) -> list[tuple[int, int]]:
        """Token ranges (start, end) of words the page does not cover, each widened to
        the nouns that finish the term ("proton" → "proton beam therapy")."""
        ranges: list[tuple[int, int]] = []
        for sentence in self._question_part(doc):
            for token in sentence:
                if not self._is_missing(token):
                    continue
                if ranges and token.i < ranges[-1][1]:
                    continue
                start, end = token.i, token.i + 1
                while end < sentence.end and end - start < 3 and self._finishes_term(doc[end]):
                    end += 1
                ranges.append((start, end))
        return ranges

    def _finishes_term(self, token: Any) -> bool:
        return token.lower_ in self._config["term_heads"] or self._is_missing(token)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY) or ""
            doc = message.get(SPACY_DOCS[TEXT])
            if not intent.startswith(FAQ_INTENT_PREFIX) or doc is None:
                continue
            missing = self.missing_terms(doc)
            if missing:
                self._refuse(message, doc, missing)
        return messages

    def _refuse(self, message: Message, doc: Any, missing: list[tuple[int, int]]) -> None:
        ranking = message.get(INTENT_RANKING_KEY, [])
        nearest = [e for e in ranking if str(e.get(INTENT_NAME_KEY)).startswith(FAQ_INTENT_PREFIX)]
        text = message.get(TEXT) or ""
        entities = list(message.get(ENTITIES, []))
        for start, end in missing[: self._config["max_named_terms"]]:
            span = doc[start:end]
            # SpacyNLP saw the lower-cased text; offsets are the same in the original
            entities.append(
                {
                    "entity": MISSING_TERM_ENTITY,
                    "value": text[span.start_char : span.end_char],
                    "start": span.start_char,
                    "end": span.end_char,
                    "extractor": self.__class__.__name__,
                }
            )
        refusal = {INTENT_NAME_KEY: OUT_OF_SCOPE, "confidence": 1.0}
        others = [e for e in ranking if e not in nearest and e.get(INTENT_NAME_KEY) != OUT_OF_SCOPE]
        message.set(INTENT, refusal, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [refusal, *others], add_to_output=True)
        message.set(ENTITIES, entities, add_to_output=True)
        message.set(
            "answerability",
            {
                "missing": [doc[start:end].text for start, end in missing],
                "nearest_topics": nearest[:3],
            },
            add_to_output=True,
        )
