"""RulePolicy's rules looked up by index (spine_assistant/serving/rule_index.py) give the
keys Rasa's own scan gives, for every kind of rule and conversation state."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path
from typing import Any

import pytest
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import SHOULD_NOT_BE_SET

from spine_assistant.serving import rule_index

ACTIONS = ["action_listen", "utter_greet", "action_answer", None]
INTENTS = ["greet", "faq_mri", "out_of_scope", SHOULD_NOT_BE_SET, None]


def state(action: str | None, intent: str | None, slot: bool = False) -> dict[str, Any]:
    """A rule or conversation state; None leaves the part out."""
    found: dict[str, Any] = {}
    if action is not None:
        found["prev_action"] = {"action_name": action}
    if intent is not None:
        found["user"] = {"intent": intent}
    if slot:
        found["slots"] = {"asked_source": (1.0,)}
    return found


@pytest.fixture
def policy(tmp_path: Path) -> RulePolicy:
    return RulePolicy.create(
        RulePolicy.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("rules"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def rules() -> dict[str, str]:
    """Rules of one and two states over every action and intent, with and without a
    slot, starters (no previous action), an action given as text, and an empty rule."""
    states = [state(a, i, s) for a, i, s in itertools.product(ACTIONS, INTENTS, [False, True])]
    states.append({"prev_action": {"action_text": "hello"}, "user": {"intent": "greet"}})
    keys = [[s] for s in states] + [[a, b] for a, b in itertools.product(states[::3], states[::4])]
    keys.append([])
    return {json.dumps(key, sort_keys=True): "utter_answer" for key in keys}


def conversations() -> list[list[dict[str, Any]]]:
    random.seed(7)
    states = [state(a, i, s) for a, i, s in itertools.product(ACTIONS, INTENTS[:3], [False, True])]
    return [random.sample(states, k=random.randint(0, 3)) for _ in range(300)]


def test_the_index_finds_the_keys_rasas_scan_finds(policy: RulePolicy) -> None:
    lookup = rules()
    found_some = 0
    for states in conversations():
        expected = rule_index._rasas(policy, lookup, states)
        assert rule_index.get_possible_keys(policy, lookup, states) == expected
        found_some += bool(expected) and len(expected) < len(lookup)
    assert found_some > 50  # the check is not vacuous: most states fit some rules only


def test_the_index_is_rebuilt_when_the_lookup_grows(policy: RulePolicy) -> None:
    lookup = rules()
    last = [state("action_listen", "thank")]  # an intent no rule answers yet
    before = rule_index.get_possible_keys(policy, lookup, last)
    added = json.dumps(last, sort_keys=True)
    lookup[added] = "utter_welcome"
    after = rule_index.get_possible_keys(policy, lookup, last)
    assert added in after and after - before == {added}
    assert after == rule_index._rasas(policy, lookup, last)


def test_install_makes_rasas_rule_policy_use_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RulePolicy, "_get_possible_keys", rule_index._rasas)
    rule_index.install()
    assert RulePolicy._get_possible_keys is rule_index.get_possible_keys
