"""What the project's NLU components share: Rasa builds them from their config (its
GraphNode has already merged `get_default_config()` in) and, for a trainable one, the
model storage and resource it saves to and loads from."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from typing_extensions import Self


class ProjectComponent(GraphComponent):
    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage | None = None,
        resource: Resource | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Self:
        return cls(config, model_storage, resource)
