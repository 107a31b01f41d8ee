"""A word YAML reads as a boolean stops the lexicon from loading instead of vanishing."""

from __future__ import annotations

from pathlib import Path

import pytest

from spine_assistant.knowledge.lexicon import load_lexicon


def test_the_projects_lexicon_holds_only_words_in_its_lists() -> None:
    assert load_lexicon().red_flags


def test_a_bare_off_in_a_pattern_is_an_error(tmp_path: Path) -> None:
    lexicon = tmp_path / "lexicon.yml"
    lexicon.write_text(
        "red_flags:\n  cannot_walk:\n    - [{LEMMA: get}, {LOWER: {IN: [up, off, out]}}]\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"cannot_walk\[0\]\[1\]\.LOWER\.IN\[1\] is False"):
        load_lexicon(lexicon)


def test_true_stays_allowed_as_a_token_attribute(tmp_path: Path) -> None:
    lexicon = tmp_path / "lexicon.yml"
    lexicon.write_text("current: [[{LIKE_NUM: true}, {LOWER: ago}]]\n", encoding="utf-8")
    with pytest.raises(KeyError):  # gets past the check, then misses the other sections
        load_lexicon(lexicon)
