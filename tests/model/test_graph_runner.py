"""The Rasa server's graph runner (spine_assistant/serving/graph_runner.py) gives Rasa's
own DaskGraphRunner's outputs and replies, and its errors; its rule lookup
(spine_assistant/serving/rule_index.py) finds the rules Rasa's finds."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
import rasa.core.processor
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

from evaluation.question_sets import validation_set
from spine_assistant.serving import graph_runner, rule_index
from spine_assistant.serving.graph_runner import SequentialGraphRunner

CONVERSATION = [
    "hello",
    "does kidney cancer spread to the spine?",
    "source?",
    "no leg weakness, just wondering how it is diagnosed",
    "my dad suddenly can't walk and has lost bladder control",
    "should I stop my chemo?",
    "what is the cure rate for stage 4?",
    "thanks",
]


def agent_with(runner: type[DaskGraphRunner], model: Path, monkeypatch: Any) -> Agent:
    monkeypatch.setattr(rasa.core.processor, "DaskGraphRunner", runner)
    agent = Agent.load(str(model))
    assert type(agent.processor.graph_runner) is runner
    return agent


async def replies(agent: Agent) -> list[list[dict[str, Any]]]:
    said = []
    for message in CONVERSATION:
        output = CollectingOutputChannel()
        await agent.handle_message(UserMessage(message, output, "visitor"))
        said.append(output.messages)
    return said


async def test_messages_and_conversations_get_rasas_outputs(
    trained_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # custom actions fail here (no action server) the same way for both runners
    logging.getLogger("rasa.core.processor").setLevel(logging.CRITICAL)
    rasas = agent_with(DaskGraphRunner, trained_model, monkeypatch)
    ours = agent_with(SequentialGraphRunner, trained_model, monkeypatch)
    for message in [m.text for m in validation_set()][:150] + CONVERSATION:
        assert await ours.parse_message(message) == await rasas.parse_message(message)
    assert await replies(ours) == await replies(rasas)


def test_an_input_named_like_a_node_is_refused_as_rasa_refuses_it(
    trained_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = agent_with(SequentialGraphRunner, trained_model, monkeypatch).processor.graph_runner
    node = next(iter(runner._graph_schema.nodes))
    with pytest.raises(GraphRunError, match="clashes with a node name"):
        runner.run(inputs={"__message__": node}, targets=[node])


def test_install_makes_rasa_load_models_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rasa.core.processor, "DaskGraphRunner", DaskGraphRunner)
    graph_runner.install()
    assert rasa.core.processor.DaskGraphRunner is SequentialGraphRunner


async def test_rules_looked_up_by_index_are_rasas_along_a_conversation(
    trained_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """spine_assistant/serving/rule_index.py on the model's own rules and real states."""
    logging.getLogger("rasa.core.processor").setLevel(logging.CRITICAL)
    compared = []

    def both(policy: RulePolicy, lookup: dict[str, str], states: list[Any]) -> set[str]:
        found = rule_index.get_possible_keys(policy, lookup, states)
        assert found == rule_index._rasas(policy, lookup, states)
        compared.append(len(found))
        return found

    monkeypatch.setattr(RulePolicy, "_get_possible_keys", both)
    await replies(Agent.load(str(trained_model)))
    assert len(compared) >= len(CONVERSATION) and any(compared)
