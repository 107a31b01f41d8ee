"""Rasa's lookup of an event's class by its type name, searched once per name.

Rasa 3.6 turns each stored event back into an object by walking every subclass of
`Event` (with `inspect.isabstract` on each) until one has the event's `type_name`. The
SQL tracker store does that for every event of the recent turns on every message: for a
tracker of 56 events, about half the time it takes to load it (2026-11-30, 2 cores;
docs/decisions.md). Rasa has no setting for it, so `install()` replaces
`Event.resolve_by_type` in the Rasa server's process with the same search, remembered
per type name once it has found a class. A name it does not find is searched again each
time and gets Rasa's own answer (`None` for the old "topic" events, the default, or
Rasa's ValueError).
"""

from __future__ import annotations

from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

_found: dict[str, type[Event]] = {}


def _search(type_name: str) -> type[Event] | None:
    """The first non-abstract subclass with this type name, in Rasa's order."""
    for cls in all_subclasses(Event):
        if cls.type_name == type_name:
            return cls
    return None


def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    cls = _found.get(type_name)
    if cls is None:
        cls = _search(type_name)
        if cls is not None:
            _found[type_name] = cls
    if cls is not None:
        return cls
    if type_name == "topic":
        return None  # Rasa's backwards compatibility with old TopicSet events
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


def install() -> None:
    Event.resolve_by_type = staticmethod(resolve_by_type)
