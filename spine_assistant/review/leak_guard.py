"""Keeps the test and validation questions out of what `make review-merge` adds.

A visitor may type a question that is also in the blind test set or the validation
set (or one that nearly is); training on it would make `make evaluate` score its own
training data. The project's leak checker (evaluation/leaks.py, the one
tests/unit/test_question_sets.py uses) and the question sets it protects
(evaluation/question_sets.py) live in the `evaluation` package of the project folder,
which is not installed with spine_assistant: merging writes into that folder's data/
anyway, so it runs there (`make review-merge`; `python -m` puts the folder on the path),
and the import is kept behind this one function.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

Guard = Callable[[Sequence[str]], set[str]]


def question_set_guard() -> Guard:
    """A function from candidate texts to those that copy, or nearly copy, a message
    of the blind test set or the validation set."""
    from evaluation.leaks import find_leaks
    from evaluation.question_sets import blind_test_set, validation_set

    protected = [message.text for message in (*blind_test_set(), *validation_set())]

    def leaking(candidates: Sequence[str]) -> set[str]:
        return {leak.protected for leak in find_leaks(list(candidates), protected)}

    return leaking
