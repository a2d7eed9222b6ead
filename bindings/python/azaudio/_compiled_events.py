"""The compiled forms of the events' per-event Python (azaudio._cbridge, when it was built). Internal.

:func:`install` replaces, once, at import of azaudio.realtime:

- every field of :class:`RealtimeEvent` by a ``LazyField`` (the same reader, empty value and steps as
  ``_Field.__get__``), so reading a field runs no Python frame;
- a batch event's ``audio`` and ``json_bytes`` by a ``LazyField`` with the span's index (``_Span.__get__``);
- ``_OwnedEvent.__del__`` by a C method (a pulled event frees its C event without a Python frame or ctypes call).

Without the bridge nothing changes: the Python forms are the ctypes path, with the same behaviour.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from ._event_batch import _BatchEvent
from ._events import RealtimeEvent, _OwnedEvent

__all__ = ["install"]


def install(bridge: ModuleType) -> None:
    for name in RealtimeEvent._FIELDS:
        field: Any = RealtimeEvent.__dict__[name]
        compiled = bridge.LazyField(field.read, field.empty, field.__doc__ or "", field.decodes)
        compiled.__set_name__(RealtimeEvent, name)
        setattr(RealtimeEvent, name, compiled)
    for name, index in (("audio", 0), ("json_bytes", 2)):
        like: Any = RealtimeEvent.__dict__[name]
        span = bridge.LazyField(like.read, b"", like.__doc__ or "", False, index)
        span.__set_name__(_BatchEvent, name)
        setattr(_BatchEvent, name, span)
    _OwnedEvent.__del__ = bridge.owned_finalizer(_OwnedEvent)  # type: ignore[method-assign]
