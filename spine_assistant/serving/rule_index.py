"""RulePolicy tries only the rules that can fit the conversation's last state.

At every prediction, Rasa 3.6's RulePolicy checks each of its rules (220 here) against
the conversation's last state, then the survivors against the states before it: about
4.8 ms of a 22.8 ms turn in `make profile` (2026-12-01, 2 cores), most of it on rules that
ask for another intent or follow another action. A rule's last state names the action
it follows and, most often, the intent it answers, and Rasa's check fails whenever the
conversation's differ. So the rules are grouped once by those two values, and
`_get_possible_keys` runs Rasa's own check (`_is_rule_applicable`) only on the rules of
the groups that fit: the same keys as Rasa's. A rule that names neither, or starts a
conversation (no previous action: Rasa then ignores the intent), is in every group.
`install()` makes the Rasa server's process use it (Rasa has no setting for it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET, USER
from rasa.shared.nlu.constants import ACTION_NAME, INTENT

_rasas = RulePolicy._get_possible_keys  # Rasa's own, before install()
ANY = None  # a rule that fits any value of the action or intent
Group = tuple[str | None, str | None]  # (the action followed, the intent answered)


def _required(sub_state: Mapping[str, Any], key: str) -> str | None:
    value = sub_state.get(key)
    return value if isinstance(value, str) and value != SHOULD_NOT_BE_SET else ANY


def group_of(rule_states: list[dict[str, Any]]) -> Group:
    """The action and intent the rule's last state requires (ANY where it does not)."""
    if not rule_states or not rule_states[-1].get(PREVIOUS_ACTION):
        return ANY, ANY  # empty, or a conversation starter: Rasa skips the other checks
    last = rule_states[-1]
    return _required(last[PREVIOUS_ACTION], ACTION_NAME), _required(last.get(USER, {}), INTENT)


class RuleIndex:
    """The keys of one lookup, grouped by `group_of`."""

    def __init__(self, lookup: Mapping[str, str]) -> None:
        self.size = len(lookup)
        self.groups: dict[Group, list[str]] = {}
        for key in lookup:
            group = group_of(RulePolicy._rule_key_to_state(key))
            self.groups.setdefault(group, []).append(key)

    def candidates(self, state: Mapping[str, Any]) -> list[str]:
        action = state.get(PREVIOUS_ACTION, {}).get(ACTION_NAME)
        intent = state.get(USER, {}).get(INTENT)
        fitting = {(action, intent), (action, ANY), (ANY, intent), (ANY, ANY)}
        return [key for group in fitting for key in self.groups.get(group, ())]


def _index_for(policy: RulePolicy, lookup: dict[str, str]) -> RuleIndex:
    """One index per lookup dict of the policy, built again if the dict has grown."""
    indexes: dict[int, tuple[dict[str, str], RuleIndex]] = policy.__dict__.setdefault(
        "_rule_indexes", {}
    )
    kept = indexes.get(id(lookup))
    if kept is None or kept[0] is not lookup or kept[1].size != len(lookup):
        kept = (lookup, RuleIndex(lookup))
        indexes[id(lookup)] = kept
    return kept[1]


def get_possible_keys(
    policy: RulePolicy, lookup: dict[str, str], states: list[dict[str, Any]]
) -> set[str]:
    if not states:
        return _rasas(policy, lookup, states)
    last = states[-1]
    possible = {
        key
        for key in _index_for(policy, lookup).candidates(last)
        if policy._is_rule_applicable(key, 0, last)
    }
    for turn, state in enumerate(reversed(states[:-1]), start=1):
        possible = {key for key in possible if policy._is_rule_applicable(key, turn, state)}
    return possible


def install() -> None:
    RulePolicy._get_possible_keys = get_possible_keys
