"""Pulled events in batches: one azaudio_realtime_take_events call takes every waiting event of a session with its
type, audio and JSON addresses, so an event costs no accessor call for them. Internal.

A batch event (:class:`_BatchEvent`) is a pulled :class:`RealtimeEvent`: it owns its C event and frees it when it is
garbage. Its ``audio`` and ``json_bytes`` are still copied only when first read, from the addresses its record gave
(one copy, no foreign call through the library); every other field is read from the C event as for any event.
"""

from __future__ import annotations

import ctypes
import struct
import threading
from typing import Any, Optional, overload

from . import _native as n
from ._event_types import TYPES
from ._event_types import event_type as _event_type
from ._events import _MISSING, RealtimeEvent, _Field, _OwnedEvent
from ._fast import BRIDGE

__all__ = ["EventBatches", "has_batches"]

_string_at = ctypes.string_at
_RECORD = n.azaudio_realtime_event_record
_RECORD_SIZE = ctypes.sizeof(_RECORD)
# The record as the struct module reads it (native sizes and alignment, as the C compiler lays it out): event, type,
# audio, audio_size, json, json_size. One unpack per record instead of six ctypes field reads.
_CODES = "PiPNPN"
_UNPACK = struct.Struct("@" + _CODES)
_OFFSETS = [struct.calcsize("@" + _CODES[: k + 1]) - struct.calcsize("@" + c) for k, c in enumerate(_CODES)]
_UNPACKS = _UNPACK.size == _RECORD_SIZE and [getattr(_RECORD, f[0]).offset for f in _RECORD._fields_] == _OFFSETS


def has_batches() -> bool:
    """Whether the loaded library has azaudio_realtime_take_events."""
    return n.has("azaudio_realtime_take_events")


class _Span(_Field[bytes]):
    """``audio`` / ``json_bytes`` of a batch event: copied on first access from the address and size its record
    gave (``_spans[index]``, ``_spans[index + 1]``), which live as long as the C event the Python event owns."""

    def __init__(self, index: int, like: _Field[bytes]) -> None:
        super().__init__(like.read, b"", like.__doc__ or "")
        self.index = index

    @overload
    def __get__(self, event: None, owner: type) -> "_Span": ...

    @overload
    def __get__(self, event: RealtimeEvent, owner: type) -> bytes: ...

    def __get__(self, event: Optional[RealtimeEvent], owner: type) -> Any:
        if event is None:
            return self
        values = event._values
        value = values.get(self.name, _MISSING)
        if value is _MISSING:
            spans: tuple[int, int, int, int] = event._spans  # type: ignore[attr-defined]
            size = spans[self.index + 1]
            value = _string_at(spans[self.index], size) if size and event._event else b""
            values[self.name] = value
        return value


class _BatchEvent(_OwnedEvent):
    """An event taken by azaudio_realtime_take_events (see the module documentation)."""

    __slots__ = ("_spans",)

    _spans: tuple[int, int, int, int]  # audio address, audio size, JSON address, JSON size

    audio = _Span(0, RealtimeEvent.audio)
    json_bytes = _Span(2, RealtimeEvent.json_bytes)


class EventBatches:
    """A session's record buffer for azaudio_realtime_take_events. Takes from several threads are serialised by a
    lock, so two of them never fill the same records."""

    def __init__(self, capacity: int = 64) -> None:
        self.capacity = capacity
        self._lock = threading.Lock()
        self._records = (_RECORD * capacity)()
        self._view = memoryview(self._records).cast("B")
        self._count = ctypes.c_size_t()
        self._count_ref = ctypes.byref(self._count)
        self._address = ctypes.addressof(self._records)

    def take(self, handle: int, timeout_ms: int) -> tuple[int, list[RealtimeEvent]]:
        """(azaudio_result, the events taken, in order): every waiting event up to the capacity, waiting up to
        ``timeout_ms`` for the first (0: not at all)."""
        with self._lock:
            if _take_compiled is not None:  # the same take and wrap in one C call (azaudio._cbridge)
                result: tuple[int, list[RealtimeEvent]] = _take_compiled(
                    handle, self._address, _RECORD_SIZE, self.capacity, timeout_ms, _BatchEvent, TYPES, _event_type
                )
                return result
            code: int = _take_events(handle, self._records, _RECORD_SIZE, self.capacity, self._count_ref, timeout_ms)
            count = self._count.value
            if not count:
                return code, []
            return code, self._wrap(count)

    def _wrap(self, count: int) -> list[RealtimeEvent]:
        """The first ``count`` records as events (under the lock, before another take refills them)."""
        taken: list[RealtimeEvent] = []
        append = taken.append
        new = object.__new__
        types = TYPES
        if _UNPACKS:
            rows: Any = _UNPACK.iter_unpack(self._view[: count * _RECORD_SIZE])
        else:  # a layout the struct module does not describe: read the fields through ctypes
            records = self._records
            rows = (
                (r.event, r.type, r.audio, r.audio_size, r.json, r.json_size)
                for r in (records[i] for i in range(count))
            )
        for event, kind, audio, audio_size, json, json_size in rows:
            wrapped = new(_BatchEvent)
            wrapped._event = event
            wrapped._lock = None
            wrapped._values = {}
            wrapped._spans = (audio or 0, audio_size, json or 0, json_size)
            member = types.get(kind)
            wrapped.type = member if member is not None else _event_type(kind)
            append(wrapped)
        return taken


_take_events = n.lib.azaudio_realtime_take_events
# With the compiled bridge (and a record laid out as it was compiled), take() is one C call per batch.
_take_compiled = (
    BRIDGE.take_events
    if BRIDGE is not None and has_batches() and BRIDGE.record_size() == _RECORD_SIZE and _UNPACKS
    else None
)
