"""Rasa's lookup of an event's class by its type name, searched once per name.

Rasa 3.6 turns each stored event back into an object by walking every subclass of
`Event` (with `inspect.isabstract` on each) until one has the event's `type_name`. The
SQL tracker store does that for every event of the recent turns on every message: for a
tracker of 56 events, about half the time it takes to load it (2026-11-30, 2 cores;
docs/decisions.md). Rasa has no setting for it, so `install()` replaces
`Event.resolve_by_type` in the Rasa server's process with Rasa's own lookup, whose
class is remembered per type name once found. A name without a class gets Rasa's own
answer each time (`None` for the old "topic" events, the default, or Rasa's ValueError).
"""

from __future__ import annotations

from rasa.shared.core.events import Event

_rasas = Event.__dict__["resolve_by_type"].__func__  # Rasa's lookup, before install()
_found: dict[str, type[Event]] = {}


def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    cls = _found.get(type_name)
    if cls is None:
        cls = _rasas(type_name, default)
        if cls is not None and cls.type_name == type_name:  # a class found, not the default
            _found[type_name] = cls
    return cls


def install() -> None:
    Event.resolve_by_type = staticmethod(resolve_by_type)
