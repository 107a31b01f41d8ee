"""What the project's NLU components share: Rasa builds them from their config (its
GraphNode has already merged `get_default_config()` in) and, for a trainable one, the
model storage and resource it saves to and loads from."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from functools import cache
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message
from typing_extensions import Self

PACKAGE_DIR = Path(__file__).resolve().parents[1]
# the modules whose code decides what the NLU components learn
CODE_FOLDERS = ("components", "knowledge")


@cache
def code_fingerprint(package_dir: Path = PACKAGE_DIR) -> str:
    """One digest of the project's NLU code, as it is now."""
    digest = hashlib.sha256()
    for folder in CODE_FOLDERS:
        for path in sorted((package_dir / folder).glob("*.py")):
            digest.update(f"{folder}/{path.name}\n".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


class FingerprintsProjectCode:
    """Mixed into every component of the project, whatever Rasa class it builds on."""

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Rasa's training cache knows a component by its class and config, not by its
        code: a changed module must retrain what it feeds, not reuse an output the old
        code made (`make train` relies on this to skip --force)."""
        return code_fingerprint()


class ProjectComponent(FingerprintsProjectCode, GraphComponent):
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


def put_first(message: Message, routed: dict[str, Any], leave_out: Collection[str] = ()) -> None:
    """Makes `routed` the message's intent, ahead of the rest of the ranking less the
    intents it replaces (`leave_out`): what a router read in the message outranks what
    the classifier guessed, and the reply and "Did you mean" see the same order."""
    replaced = {routed[INTENT_NAME_KEY], *leave_out}
    others = [
        entry
        for entry in message.get(INTENT_RANKING_KEY, [])
        if entry.get(INTENT_NAME_KEY) not in replaced
    ]
    message.set(INTENT, routed, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [routed, *others], add_to_output=True)
