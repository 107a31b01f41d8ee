"""Refuses a question the page does not answer, even when it looks like a topic.

Unanswerable questions are on-topic by design ("does proton therapy help spinal
mets?" is about treatment), so the classifier's confidence alone cannot catch them: a
real quote would then imply an answer the page does not give. This check looks at
what the question asks about: a specific word that neither the page, the curated
answers, the lexicon nor any answerable training example uses ("proton",
"pacemaker", "pancreatic") means the page does not cover it. Common English words
("worried", "mum") and typos of known words ("symptms") never count, nor do words
outside the question itself when the message says which part is the question.

It then asks question_kinds.py whether the question wants a kind of answer the topic
does not give (a figure, a duration, an abbreviation the page never spells
out). A faq_* prediction that fails either check becomes `out_of_scope` at full
confidence, with a `not_on_page` entity saying what the page does not do ("mention
“proton therapy”", "give figures for that") for the reply; the classifier's topics are
kept in `answerability.nearest_topics`.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
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

from spine_assistant.components.base import ProjectComponent
from spine_assistant.components.preamble_augmenter import is_preamble_copy
from spine_assistant.components.question_kinds import QuestionReader
from spine_assistant.components.questions import asking_sentences
from spine_assistant.components.spacy_pipeline import english_lookups
from spine_assistant.knowledge import load_knowledge, load_lexicon
from spine_assistant.knowledge.paths import KNOWLEDGE_DIR, PROJECT_ROOT
from spine_assistant.knowledge.topics import FAQ_INTENT_PREFIX

OUT_OF_SCOPE = "out_of_scope"
# a number with a short unit ("68yo", "72M", "3wks", "2nd", "x1yr" for a year): an age,
# a time or a count in a clinical note, not a subject the page might lack
NUMBER_WITH_UNIT = re.compile(r"x?\d+[a-z]{0,3}")
NOT_ON_PAGE_ENTITY = "not_on_page"
# a known word split by voice typing or a slip of the space bar into at most this many
SPLIT_PARTS = 3
VOCABULARY_FILE = "vocabulary.json"


def _words(doc: Any) -> set[str]:
    return {
        form
        for token in doc
        if token.lower_.isalnum() and not token.lower_.isdigit()
        for form in (token.lower_, token.lemma_)
    }


def _adjacent_swaps(word: str) -> list[str]:
    return [word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)]


def _common_english(log_probability: float) -> set[str]:
    """Lower-case words at least this frequent in general English (the word
    probabilities spacy-lookups-data ships for spaCy's English)."""
    table: dict[str, float] = english_lookups("lexeme_prob")
    return {
        word
        for word, value in table.items()
        if value >= log_probability and word.isalpha() and word.islower()
    }


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER],
    is_trainable=True,
    model_from="SharedSpacyNLP",
)
class AnswerabilityCheck(ProjectComponent):
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
        reader: QuestionReader | None = None,
    ) -> None:
        super().__init__(config, model_storage, resource)
        self._known = known or set()
        self._common = common or set()
        self._reader = reader or QuestionReader()
        self._known_by_length: dict[int, list[str]] = {}
        for word in self._known:
            self._known_by_length.setdefault(len(word), []).append(word)

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """The page, the answers and the lexicon are read from data/, not given by the
        graph: a changed file must retrain this check, not reuse Rasa's cache."""
        digest = hashlib.sha256(str(super().fingerprint_addon(config)).encode())
        for path in sorted((PROJECT_ROOT / "data" / "source").glob("*")) + sorted(
            KNOWLEDGE_DIR.glob("*.yml")
        ):
            digest.update(path.read_bytes())
        return digest.hexdigest()

    def train(self, training_data: TrainingData, model: SpacyModel) -> Resource:
        """What the page covers: its words, the curated answers, the lexicon, and every
        answerable training example, as words and lemmas of the pipeline that reads the
        messages (the graph's spaCy model, so the page is read as the messages are)."""
        known: set[str] = set()
        for example in training_data.intent_examples:
            doc = example.get(SPACY_DOCS[TEXT])
            answerable = str(example.get(INTENT, "")).startswith(FAQ_INTENT_PREFIX)
            if answerable and doc is not None and not is_preamble_copy(example):
                known |= _words(doc)
        knowledge = load_knowledge()
        texts = [knowledge.source_text()]
        for topic in knowledge.topics:
            texts += [topic.title, topic.answer] + [detail.answer for detail in topic.details]
        nlp = model.model
        known |= {word for doc in nlp.pipe(t.lower() for t in texts) for word in _words(doc)}
        known |= load_lexicon().words()
        reader = QuestionReader.build(
            knowledge, load_lexicon(), lambda text: [t.lower_ for t in nlp.make_doc(text)]
        )
        data = {
            "known": sorted(known),
            "common": sorted(_common_english(self._config["common_word_log_probability"])),
            "questions": reader.as_dict(),
        }
        assert self._storage and self._resource, "Rasa trains it through create()"
        with self._storage.write_to(self._resource) as folder:
            (folder / VOCABULARY_FILE).write_text(json.dumps(data), encoding="utf-8")
        return self._resource

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
        return cls(
            config,
            model_storage,
            resource,
            set(data["known"]),
            set(data["common"]),
            QuestionReader(**data["questions"]),
        )

    def _is_known(self, word: str) -> bool:
        if word in self._known:
            return True
        if len(word) < 5:
            return False
        if any(swapped in self._known for swapped in _adjacent_swaps(word)):
            return True  # "needel", "biospy": two letters typed the wrong way round
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
            word.isalnum()
            and not NUMBER_WITH_UNIT.fullmatch(word)
            and not token.like_num  # "twenty nineteen", typed by voice
            and len(word) > 2
            and word not in STOP_WORDS
            and word not in self._common
            and token.lemma_ not in self._known
            and not self._is_known(word)
            and not self._dropped_g(word)
            and not self._split_word(token)
        )

    def _split_word(self, token: Any) -> bool:
        """Part of a known word typed as two or three ("multi disciplinary", "key hole",
        "met a stasis" from voice typing)."""
        doc, i = token.doc, token.i
        for start in range(max(0, i - SPLIT_PARTS + 1), i + 1):
            for end in range(max(start + 2, i + 1), min(start + SPLIT_PARTS, len(doc)) + 1):
                if "".join(t.lower_ for t in doc[start:end]) in self._known:
                    return True
        return False

    def _dropped_g(self, word: str) -> bool:
        """Text-speak that drops the final g ("smokin", "anythin") of a common or known word."""
        full = f"{word}g"
        return word.endswith("in") and (full in self._common or self._is_known(full))

    def missing_terms(self, doc: Any, sentences: list[Any] | None = None) -> list[tuple[int, int]]:
        """Token ranges (start, end) of words the page does not cover in the asking
        `sentences` (default: found in `doc`), each widened to the nouns that finish the
        term ("proton" → "proton beam therapy")."""
        ranges: list[tuple[int, int]] = []
        for sentence in asking_sentences(doc) if sentences is None else sentences:
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

    @staticmethod
    def _topic_asked(message: Message) -> str | None:
        """The topic the classifier chose, or its best topic when it leaned to
        out_of_scope (then a reason found makes the refusal sure and says why)."""
        ranking = message.get(INTENT_RANKING_KEY, [])
        names = [str(entry.get(INTENT_NAME_KEY)) for entry in ranking]
        if not names or not (names[0].startswith(FAQ_INTENT_PREFIX) or names[0] == OUT_OF_SCOPE):
            return None
        return next((name for name in names if name.startswith(FAQ_INTENT_PREFIX)), None)

    def process(self, messages: list[Message], model: SpacyModel) -> list[Message]:
        """Reads the docs SpacyNLP left on each message; Rasa passes the spaCy model to
        every method of a component that takes it from SharedSpacyNLP."""
        for message in messages:
            intent = self._topic_asked(message)
            doc = message.get(SPACY_DOCS[TEXT])
            if intent is None or doc is None:
                continue
            text = message.get(TEXT) or ""
            asking = asking_sentences(doc)
            missing = self.missing_terms(doc, asking)
            reason = self._reader.refusal(asking, text, intent, message.get(ENTITIES, []))
            if reason:
                missing = [term for term in missing if not self._asks_only(doc, term)]
            if missing:
                start, end = (
                    doc[missing[0][0]].idx,
                    doc[missing[0][1] - 1].idx + len(doc[missing[0][1] - 1]),
                )
                self._refuse(message, f"mention “{text[start:end]}”", (start, end))
            elif reason:
                self._refuse(message, reason, (0, len(text)))
        return messages

    def _asks_only(self, doc: Any, term: tuple[int, int]) -> bool:
        """The unknown term is made only of words questions ask with (the question kinds'
        cues: the "expectancy" of "life expectancy"). When the question is refused anyway,
        what the page doesn't do says more than such a word."""
        return all(doc[i].lower_ in self._reader.cue_words for i in range(*term))

    def _refuse(self, message: Message, reason: str, where: tuple[int, int]) -> None:
        ranking = message.get(INTENT_RANKING_KEY, [])
        nearest = [e for e in ranking if str(e.get(INTENT_NAME_KEY)).startswith(FAQ_INTENT_PREFIX)]
        entity = {
            "entity": NOT_ON_PAGE_ENTITY,
            "value": reason,
            "start": where[0],
            "end": where[1],
            "extractor": self.__class__.__name__,
        }
        refusal = {INTENT_NAME_KEY: OUT_OF_SCOPE, "confidence": 1.0}
        others = [e for e in ranking if e not in nearest and e.get(INTENT_NAME_KEY) != OUT_OF_SCOPE]
        message.set(INTENT, refusal, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [refusal, *others], add_to_output=True)
        message.set(ENTITIES, [*message.get(ENTITIES, []), entity], add_to_output=True)
        message.set(
            "answerability",
            {"not_on_page": reason, "nearest_topics": nearest[:3]},
            add_to_output=True,
        )
