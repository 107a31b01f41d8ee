"""spaCy's span ruler, running a token pattern only on a text that has its first word.

spaCy's Matcher tries every token pattern at every token: with the lexicon's few
hundred red-flag and context patterns that was the largest cost of the spaCy
pipeline (about 0.5 ms of every message, and 9-11 s of every training, docs/decisions.md).
Most patterns must start with one of a few words ("can't", "legs", "bladder"), so
each pattern here is keyed by the words its first token accepts; a text is matched
only against the patterns whose key it holds (with one Matcher for each key), and
against the patterns with no such key. The spans found are those spaCy's ruler finds.

Registered with spaCy as the factory `gated_span_ruler` (pyproject.toml entry point),
so `spacy.load` finds it wherever the pipeline is loaded.
"""

# no `from __future__ import annotations`: spaCy reads the factory's argument types at
# run time to check its config
from collections.abc import Callable, Iterable
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline.span_ruler import SpanRuler
from spacy.tokens import Doc, Span

# token attributes whose value a key can be read from, and how to read it off a token
KEY_ATTRIBUTES: dict[str, Callable[[Any], str]] = {
    "LOWER": lambda token: token.lower_,
    "LEMMA": lambda token: token.lemma_,
    "NORM": lambda token: token.norm_,
    "ORTH": lambda token: token.text,
    "TEXT": lambda token: token.text,
}
# operators under which a pattern's token must be there
REQUIRED = {None, "1", "+"}

Key = frozenset[tuple[str, str]]


def first_words(pattern: list[dict[str, Any]]) -> Key | None:
    """The (attribute, value) pairs one of which the pattern's first token must have,
    when that token is certain to be there and is given by such values; else None."""
    if not pattern:
        return None
    first = {str(name).upper(): value for name, value in pattern[0].items()}
    if first.pop("OP", None) not in REQUIRED:
        return None
    keyed = [(name, value) for name, value in first.items() if name in KEY_ATTRIBUTES]
    if not keyed:
        return None
    name, value = keyed[0]  # any one of its conditions must hold
    if isinstance(value, str):
        return frozenset({(name, value)})
    if isinstance(value, dict) and set(value) == {"IN"}:
        return frozenset((name, str(word)) for word in value["IN"])
    return None


class GatedSpanRuler(SpanRuler):
    def clear(self) -> None:
        super().clear()
        self._unkeyed = Matcher(self.nlp.vocab, validate=self.validate)
        self._keyed: dict[Key, Matcher] = {}
        self._keys_by_word: dict[tuple[str, str], list[Key]] = {}

    def add_patterns(self, patterns: Iterable[dict[str, Any]]) -> None:
        patterns = list(patterns)  # from_disk hands over a generator, read once
        super().add_patterns(patterns)
        for entry in patterns:
            pattern = entry["pattern"]
            if not isinstance(pattern, list):
                continue
            label = repr((str(entry["label"]), str(entry.get("id", ""))))
            key = first_words(pattern)
            if key is None:
                self._unkeyed.add(label, [pattern])
                continue
            if key not in self._keyed:
                self._keyed[key] = Matcher(self.nlp.vocab, validate=self.validate)
                for word in key:
                    self._keys_by_word.setdefault(word, []).append(key)
            self._keyed[key].add(label, [pattern])

    def remove(self, label: str) -> None:
        raise NotImplementedError("rebuild the pipeline (make spacy) to take patterns out")

    def remove_by_id(self, pattern_id: str) -> None:
        raise NotImplementedError("rebuild the pipeline (make spacy) to take patterns out")

    def _matchers_for(self, doc: Doc) -> Iterable[Matcher]:
        words = {(name, read(token)) for token in doc for name, read in KEY_ATTRIBUTES.items()}
        keys = {key for word in words for key in self._keys_by_word.get(word, ())}
        return [self._unkeyed, *(self._keyed[key] for key in keys)]

    def match(self, doc: Doc) -> list[Span]:
        self._require_patterns()
        matches = [m for matcher in self._matchers_for(doc) for m in matcher(doc)]
        matches += list(self.phrase_matcher(doc))
        found = {
            Span(
                doc,
                start,
                end,
                label=self._match_label_id_map[match_id]["label"],
                span_id=self._match_label_id_map[match_id]["id"],
            )
            for match_id, start, end in matches
            if start != end
        }
        return sorted(found)  # type: ignore[type-var]  # spans order themselves, as in spaCy


@Language.factory(
    "gated_span_ruler",
    assigns=["doc.spans"],
    default_config={
        "spans_key": "ruler",
        "spans_filter": None,
        "annotate_ents": False,
        "ents_filter": {"@misc": "spacy.first_longest_spans_filter.v1"},
        "phrase_matcher_attr": None,
        "validate": False,
        "overwrite": True,
        "scorer": {
            "@scorers": "spacy.overlapping_labeled_spans_scorer.v1",
            "spans_key": "ruler",
        },
    },
)
def make_gated_span_ruler(
    nlp: Language,
    name: str,
    spans_key: str | None,
    spans_filter: Callable[[Iterable[Span], Iterable[Span]], Iterable[Span]] | None,
    annotate_ents: bool,
    ents_filter: Callable[[Iterable[Span], Iterable[Span]], Iterable[Span]],
    phrase_matcher_attr: int | str | None,
    validate: bool,
    overwrite: bool,
    scorer: Callable[..., Any] | None,
) -> GatedSpanRuler:
    return GatedSpanRuler(
        nlp,
        name,
        spans_key=spans_key,
        spans_filter=spans_filter,
        annotate_ents=annotate_ents,
        ents_filter=ents_filter,
        phrase_matcher_attr=phrase_matcher_attr,
        validate=validate,
        overwrite=overwrite,
        scorer=scorer,
    )
