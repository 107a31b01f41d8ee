"""The event class lookup installed in the Rasa server: Rasa's own answer for every name."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.core.events import ActionExecuted, Event, UserUttered
from rasa.shared.utils.common import all_subclasses

from spine_assistant.serving import event_types

RASA = Event.__dict__["resolve_by_type"].__func__


def answer(resolve: Any, *arguments: Any) -> Any:
    try:
        return resolve(*arguments)
    except ValueError as error:
        return str(error)


@pytest.mark.parametrize("type_name", sorted({cls.type_name for cls in all_subclasses(Event)}))
def test_each_event_type_gets_rasas_class_searched_or_remembered(type_name: str) -> None:
    expected = RASA(type_name)
    assert expected is not None
    assert event_types.resolve_by_type(type_name) is expected
    assert event_types.resolve_by_type(type_name) is expected  # now from memory


@pytest.mark.parametrize(
    "arguments",
    [("topic",), ("no_such_event",), ("no_such_event", UserUttered), ("topic", UserUttered)],
)
def test_names_rasa_does_not_know_get_rasas_answer(arguments: tuple[Any, ...]) -> None:
    assert answer(event_types.resolve_by_type, *arguments) == answer(RASA, *arguments)
    assert answer(event_types.resolve_by_type, *arguments) == answer(RASA, *arguments)


def test_stored_events_come_back_as_rasa_builds_them(monkeypatch: pytest.MonkeyPatch) -> None:
    stored = [
        UserUttered("hi", {"name": "greet", "confidence": 1.0}).as_dict(),
        ActionExecuted("utter_greet").as_dict(),
        {"event": "slot", "name": "cited_topic", "value": "causes"},
    ]
    by_rasa = [Event.from_parameters(event) for event in stored]
    monkeypatch.setattr(Event, "resolve_by_type", Event.__dict__["resolve_by_type"])
    event_types.install()
    assert Event.resolve_by_type is event_types.resolve_by_type
    assert [Event.from_parameters(event) for event in stored] == by_rasa
