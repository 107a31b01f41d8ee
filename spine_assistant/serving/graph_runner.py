"""Rasa's prediction graphs run node by node, without building a dask graph each time.

Rasa 3.6 runs every message's NLU graph and every prediction's policy graph with
`DaskGraphRunner`, which works out the graph's minimal schema, builds a dask task graph
and hands it to dask's synchronous scheduler on every run: about 1.6 ms of a 26 ms turn
in `make profile` (2026-11-30, 2 cores), time spent in dask and Rasa's graph plumbing,
not in any component. The schedule is the same every time, one node after another, so
`SequentialGraphRunner` works out the order once per set of targets and calls the same
`GraphNode`s with the same inputs: the same outputs, the same errors. `install()` makes
the Rasa server's process load its model with it (Rasa has no setting for the runner).
"""

from __future__ import annotations

from typing import Any

import rasa.core.processor
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner


class SequentialGraphRunner(DaskGraphRunner):
    """A DaskGraphRunner whose `run` calls the nodes itself, in a remembered order."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._orders: dict[tuple[str, ...], list[str]] = {}

    def run(
        self, inputs: dict[str, Any] | None = None, targets: list[str] | None = None
    ) -> dict[str, Any]:
        run_targets = targets if targets else self._graph_schema.target_names
        order = self._order(tuple(run_targets))
        # Rasa's own step: refuses an input named like a node of this run, and gives
        # each input as dask hands it to the nodes, (name, value)
        graph: dict[str, Any] = dict.fromkeys(order)
        self._add_inputs_to_graph(inputs, graph)
        given = {name: graph[name] for name in inputs or {}}
        outputs = dict(given)
        try:
            for name in order:
                if name in given:
                    continue  # an input replaces the node of that name, as in dask
                needs = self._graph_schema.nodes[name].needs.values()
                # a name with no node or input is passed as it is, as dask does
                outputs[name] = self._instantiated_nodes[name](
                    *(outputs.get(need, need) for need in needs)
                )
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error
        return dict(outputs[target] for target in run_targets)

    def _order(self, targets: tuple[str, ...]) -> list[str]:
        """The targets' nodes, each after the nodes it needs (Rasa's minimal schema)."""
        if targets not in self._orders:
            nodes = self._graph_schema.minimal_graph_schema(list(targets)).nodes
            order: list[str] = []

            def visit(name: str) -> None:
                if name in order or name not in nodes:
                    return
                for need in nodes[name].needs.values():
                    visit(need)
                order.append(name)

            for target in targets:
                visit(target)
            self._orders[targets] = order
        return self._orders[targets]


def install() -> None:
    rasa.core.processor.DaskGraphRunner = SequentialGraphRunner
