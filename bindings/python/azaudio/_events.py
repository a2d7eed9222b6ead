"""Realtime events: EventType and the lazy RealtimeEvent (re-exported by azaudio.realtime and azaudio). Internal.

A RealtimeEvent reads each field from the library's event the first time it is asked for, and keeps it (as the
C++ wrapper's RealtimeEventView reads through the event without copying). Only the type is read at once. The
event's JSON is never copied unless asked for, and an AUDIO_DELTA's audio is copied once, when ``audio`` is read.

Lifetime of the C event behind it:

- pulled (azaudio_realtime_next_event): the Python event owns it and frees it when it is garbage (CPython frees it
  as soon as the last reference goes);
- callback (on_event): the C event is only valid while the callback runs. When the callback returns, an event the
  callback kept a reference to (in a list, a queue, another thread) first copies every field it has not read yet;
  an event nobody kept is just let go. Reads from another thread while the callback still runs are serialised
  with that copy by a lock, so they never touch a freed event.
"""

from __future__ import annotations

import ctypes
import json as _json
import threading
from typing import Any, Callable, Generic, Optional, TypeVar, overload

from . import _native as n
from ._event_types import TYPES, EventType
from ._event_types import event_type as _event_type
from ._fast import BRIDGE as _BRIDGE

__all__ = ["EventType", "RealtimeEvent"]

_C = n.event_lib  # the accessors, called without releasing the GIL

T = TypeVar("T")


# ---- field readers: each takes a live C event pointer ---------------------------------------------------------
#
# Reading a field is on the hot path of every event (a callback runs once per 20 ms audio frame per session), so the
# readers are the ctypes accessors themselves where the C result needs no conversion, and no reader allocates a
# ctypes object it can avoid.


def _decode(raw: Optional[bytes]) -> str:
    return raw.decode("utf-8", "replace") if raw else ""


# The audio accessor again, returning a char pointer: slicing it copies the bytes out in one step (string_at would be
# a second foreign call). A separate function object, so event_lib's declaration (checked against the header by the
# tests) is left as it is.
_audio_pointer = _C["azaudio_realtime_event_audio"]
_audio_pointer.restype = ctypes.POINTER(ctypes.c_char)
_audio_pointer.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_size_t)]
_size_t = ctypes.c_size_t


def _read_audio(event: int) -> bytes:
    size = _size_t()
    pointer = _audio_pointer(event, size)
    count = size.value
    return pointer[:count] if count else b""


# The compiled bridge's readers when it is there (one C call each, no ctypes conversions), else the ctypes ones.
_read_audio_fast: Callable[[int], Optional[bytes]] = _BRIDGE.event_audio if _BRIDGE is not None else _read_audio
_read_json: Callable[[int], Optional[bytes]] = (
    _BRIDGE.event_json if _BRIDGE is not None else _C.azaudio_realtime_event_json
)


def _read_audio_ms(event: int) -> Optional[int]:
    ms = int(_C.azaudio_realtime_event_audio_ms(event))
    return ms if ms >= 0 else None


def _read_close_code(event: int) -> Optional[int]:
    if int(_C.azaudio_realtime_event_type(event)) not in (n.AZAUDIO_EVENT_CLOSED, n.AZAUDIO_EVENT_RECONNECTING):
        return None
    return int(_C.azaudio_realtime_event_close_code(event))


def _read_speaker(event: int) -> str:
    if not n.has("azaudio_realtime_event_speaker"):
        return ""
    return _decode(_C.azaudio_realtime_event_speaker(event))


def _read_segment_times(event: int) -> Optional[tuple[float, float]]:
    if not n.has("azaudio_realtime_event_segment_times"):
        return None
    start, end = ctypes.c_double(), ctypes.c_double()
    if not _C.azaudio_realtime_event_segment_times(event, ctypes.byref(start), ctypes.byref(end)):
        return None
    return (start.value, end.value)


def _read_audio_format(event: int) -> Optional[tuple[int, int]]:
    if not n.has("azaudio_realtime_event_audio_format"):
        return None
    rate, channels = ctypes.c_int32(), ctypes.c_int32()
    if not _C.azaudio_realtime_event_audio_format(event, ctypes.byref(rate), ctypes.byref(channels)):
        return None
    return (rate.value, channels.value)


def _read_rate_limits(event: int) -> dict[str, tuple[int, int, float]]:
    if not n.has("azaudio_realtime_event_rate_limit"):
        return {}
    found = {}
    for name in ("requests", "tokens"):
        limit, remaining, reset = ctypes.c_int64(), ctypes.c_int64(), ctypes.c_double()
        if _C.azaudio_realtime_event_rate_limit(
            event, name.encode(), ctypes.byref(limit), ctypes.byref(remaining), ctypes.byref(reset)
        ):
            found[name] = (limit.value, remaining.value, reset.value)
    return found


def _read_silent_range(event: int) -> Optional[tuple[int, int]]:
    if not n.has("azaudio_realtime_event_audio_range"):
        return None
    start, end = ctypes.c_int64(), ctypes.c_int64()
    if not _C.azaudio_realtime_event_audio_range(event, ctypes.byref(start), ctypes.byref(end)):
        return None
    return (start.value, end.value)


def _read_received_at(event: int) -> Optional[int]:
    if not n.has("azaudio_realtime_event_received_at"):
        return None
    value = int(_C.azaudio_realtime_event_received_at(event))
    return None if value < 0 else value


def _read_out_of_band(event: int) -> bool:
    return n.has("azaudio_realtime_event_out_of_band") and bool(_C.azaudio_realtime_event_out_of_band(event))


_MISSING: Any = object()


class _Field(Generic[T]):
    """A field of RealtimeEvent: read from the C event on first access, then kept in the event's values. ``read``
    takes the C event and returns the value, or None for ``empty`` (so a ctypes accessor whose result needs no
    conversion is its own reader, without a Python frame in between)."""

    decodes = False  # _Text: the reader gives bytes, the field is their text

    def __init__(self, read: Callable[[int], Optional[T]], empty: T, doc: str) -> None:
        self.read = read
        self.empty = empty
        self.name = ""
        self.__doc__ = doc

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def fetch(self, event: int) -> T:
        """The field's value from the live C event ``event``."""
        value = self.read(event)
        return self.empty if value is None else value

    @overload
    def __get__(self, event: None, owner: type) -> "_Field[T]": ...

    @overload
    def __get__(self, event: "RealtimeEvent", owner: type) -> T: ...

    def __get__(self, event: Optional["RealtimeEvent"], owner: type) -> Any:
        if event is None:
            return self
        values = event._values
        value: Any = values.get(self.name, _MISSING)
        if value is not _MISSING:
            return value
        lock = event._lock
        if lock is None or event._reader == _get_ident():  # the callback's own thread: no detach can overlap
            pointer = event._event
            value = self.read(pointer) if pointer else None
        else:
            with lock:
                if self.name in values:  # copied by the detach that held the lock
                    return values[self.name]
                pointer = event._event
                value = self.read(pointer) if pointer else None
        if value is None:
            value = self.empty
        elif self.decodes:
            value = value.decode("utf-8", "replace")
        values[self.name] = value
        return value


class _Text(_Field[str]):
    """A string field: ``read`` is the ctypes accessor; its bytes are decoded as UTF-8 (invalid bytes replaced)."""

    decodes = True

    def __init__(self, accessor: Callable[[int], Optional[bytes]], doc: str) -> None:
        super().__init__(accessor, "", doc)  # type: ignore[arg-type]  # bytes, decoded by __get__ and fetch

    def fetch(self, event: int) -> str:
        raw: Optional[bytes] = self.read(event)  # type: ignore[assignment]
        return raw.decode("utf-8", "replace") if raw else ""


class RealtimeEvent:
    """One event of a session. Fields are read from the library's event on first access and kept; the event stays
    valid after the session is destroyed and, in callback mode, after the callback returned.

    Fields the event does not have are ``""`` (strings), ``b""`` (audio) or ``None`` (numbers):

    - ``type``: an :class:`EventType`; ``name``: the wire type, e.g. ``"response.output_audio.delta"``
      (``"closed"`` for CLOSED);
    - ``text``: a delta, transcript, text, function arguments, or an error / close / cancel message;
    - ``audio``: AUDIO_DELTA's decoded audio in the session's output format (copied once, on first access);
    - ``item_id``, ``response_id``; ``call_id`` and ``function_name`` (FUNCTION_CALL); ``status`` (RESPONSE_DONE:
      completed, cancelled, failed or incomplete); ``error_code`` (ERROR, INPUT_TRANSCRIPTION_FAILED);
    - ``audio_ms``: SPEECH_STARTED / SPEECH_STOPPED / ITEM_TRUNCATED position in ms; ``close_code``: CLOSED's
      WebSocket close code (1000 normal, 1001 going away / session expired, 1006 connection lost...), and
      RECONNECTING's (why the lost connection ended);
    - ``usage`` (RESPONSE_DONE, parsed), ``json`` (the whole event as received, parsed), ``json_text`` (its text)
      and ``json_bytes`` (its bytes): the event's JSON is only copied when one of these is asked for.

    ``RealtimeEvent(type=..., name=..., text=...)`` builds one by hand (for tests of code that consumes events).
    """

    __slots__ = ("type", "_event", "_lock", "_reader", "_values", "__weakref__")

    type: EventType

    name = _Text(_C.azaudio_realtime_event_name, 'The wire type ("closed" for CLOSED).')
    text = _Text(
        _C.azaudio_realtime_event_text,
        "A delta, transcript, text, function arguments, or an error / close / cancel message.",
    )
    audio = _Field(_read_audio_fast, b"", "AUDIO_DELTA: the decoded audio in the session's output format.")
    item_id = _Text(_C.azaudio_realtime_event_item_id, "The item the event is about.")
    response_id = _Text(_C.azaudio_realtime_event_response_id, "The response it belongs to.")
    call_id = _Text(_C.azaudio_realtime_event_call_id, "FUNCTION_CALL: the id to answer.")
    function_name = _Text(_C.azaudio_realtime_event_function_name, "FUNCTION_CALL: the function.")
    status = _Text(_C.azaudio_realtime_event_status, "RESPONSE_DONE: completed, cancelled, failed or incomplete.")
    error_code = _Text(
        _C.azaudio_realtime_event_error_code,
        "ERROR, INPUT_TRANSCRIPTION_FAILED: the service's error code.",
    )
    audio_ms: "_Field[Optional[int]]" = _Field(
        _read_audio_ms, None, "A position in ms (speech started/stopped, item truncated), or None."
    )
    close_code: "_Field[Optional[int]]" = _Field(
        _read_close_code, None, "CLOSED, RECONNECTING: the WebSocket close code."
    )
    usage_json = _Text(_C.azaudio_realtime_event_usage_json, "RESPONSE_DONE: the usage as JSON.")
    speaker = _Field(_read_speaker, "", 'INPUT_TRANSCRIPTION_SEGMENT: the speaker label ("" when none).')
    segment_times: "_Field[Optional[tuple[float, float]]]" = _Field(
        _read_segment_times, None, "INPUT_TRANSCRIPTION_SEGMENT: (start, end) in seconds of the input."
    )
    audio_format: "_Field[Optional[tuple[int, int]]]" = _Field(
        _read_audio_format, None, "TRANSLATION_AUDIO_DELTA: (sample_rate, channels) of its PCM16 audio."
    )
    json_bytes = _Field(_read_json, b"", 'The event\'s JSON as received, as bytes (b"" if it has none).')
    rate_limits: "_Field[dict[str, tuple[int, int, float]]]" = _Field(
        _read_rate_limits, {}, "RATE_LIMITS_UPDATED: {name: (limit, remaining, reset_seconds)} for requests, tokens."
    )
    silent_range: "_Field[Optional[tuple[int, int]]]" = _Field(
        _read_silent_range, None, "INPUT_TIMEOUT_TRIGGERED: (audio_start_ms, audio_end_ms) of the silence."
    )
    received_at: "_Field[Optional[int]]" = _Field(
        _read_received_at, None, "DTMF: when the service received the key (unix seconds); text is the key."
    )
    out_of_band: "_Field[bool]" = _Field(
        _read_out_of_band, False, 'True for the events of an out-of-band response ("conversation":"none").'
    )

    _FIELDS = (
        "name",
        "text",
        "audio",
        "item_id",
        "response_id",
        "call_id",
        "function_name",
        "status",
        "error_code",
        "audio_ms",
        "close_code",
        "usage_json",
        "json_bytes",
        "speaker",
        "segment_times",
        "audio_format",
        "rate_limits",
        "silent_range",
        "received_at",
        "out_of_band",
    )

    def __init__(
        self,
        type: EventType,
        name: str = "",
        text: str = "",
        audio: bytes = b"",
        item_id: str = "",
        response_id: str = "",
        call_id: str = "",
        function_name: str = "",
        status: str = "",
        error_code: str = "",
        audio_ms: Optional[int] = None,
        close_code: Optional[int] = None,
        usage_json: str = "",
        json_bytes: bytes = b"",
        speaker: str = "",
        segment_times: Optional[tuple[float, float]] = None,
        audio_format: Optional[tuple[int, int]] = None,
    ) -> None:
        self.type = _event_type(int(type))
        self._event: Optional[int] = None
        self._lock: Optional[threading.Lock] = None
        self._reader = 0  # callback events: the thread running the callback, which reads without the lock
        self._values: dict[str, Any] = {
            "name": name,
            "text": text,
            "audio": audio,
            "item_id": item_id,
            "response_id": response_id,
            "call_id": call_id,
            "function_name": function_name,
            "status": status,
            "error_code": error_code,
            "audio_ms": audio_ms,
            "close_code": close_code,
            "usage_json": usage_json,
            "json_bytes": json_bytes,
            "speaker": speaker,
            "segment_times": segment_times,
            "audio_format": audio_format,
        }

    # ---- made by the session ------------------------------------------------------------------------------------

    @classmethod
    def _pulled(cls, event: int) -> "RealtimeEvent":
        """Take ownership of an event from azaudio_realtime_next_event / poll_event (freed with the object)."""
        self = _new(_OwnedEvent)
        self._event = event
        self._lock = None
        self._values = {}
        kind = _type_of(event)
        member = TYPES.get(kind)
        self.type = member if member is not None else _event_type(kind)
        return self

    @classmethod
    def _borrowed(cls, event: int, lock: threading.Lock) -> "RealtimeEvent":
        """Wrap a callback's event (valid until the callback returns); call _detach() before returning to C."""
        self = _new(RealtimeEvent)
        self._event = event
        self._lock = lock
        self._reader = threading.get_ident()
        self._values = {}
        self.type = _event_type(_type_of(event))
        return self

    def _detach(self, kept: bool) -> None:
        """The callback returned: copy what was not read yet if someone ``kept`` the event, then let go of it."""
        lock = self._lock
        if lock is None:
            return
        with lock:
            event, self._event = self._event, None
            if kept and event:
                values = self._values
                for name in self._FIELDS:
                    if name not in values:
                        field: _Field[Any] = getattr(RealtimeEvent, name)
                        values[name] = field.fetch(event)
        self._lock = None

    # ---- derived --------------------------------------------------------------------------------------------------

    @property
    def json_text(self) -> str:
        """The event's JSON text as received ("" for events the library made without one)."""
        return self.json_bytes.decode("utf-8", "replace")

    @property
    def json(self) -> Any:
        """The event as received, parsed (a dict); None if it has no JSON text."""
        raw = self.json_bytes
        return _json.loads(raw) if raw else None

    @property
    def usage(self) -> Optional[dict[str, Any]]:
        """RESPONSE_DONE: the usage object (tokens), parsed; None for other events."""
        raw = self.usage_json
        if not raw:
            return None
        parsed = _json.loads(raw)
        return parsed if isinstance(parsed, dict) else None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RealtimeEvent):
            return NotImplemented
        return self.type == other.type and all(getattr(self, k) == getattr(other, k) for k in self._FIELDS)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = [f"type={self.type.name}", f"name={self.name!r}"]
        for key in (
            "text",
            "item_id",
            "response_id",
            "call_id",
            "function_name",
            "status",
            "error_code",
            "audio_ms",
            "close_code",
        ):
            value = getattr(self, key)
            if value not in ("", None):
                shown.append(f"{key}={value!r}" if key != "text" or len(value) <= 80 else f"text={value[:77]!r}...")
        if self.audio:
            shown.append(f"audio=<{len(self.audio)} bytes>")
        return f"RealtimeEvent({', '.join(shown)})"


class _OwnedEvent(RealtimeEvent):
    """A pulled event: owns its C event and frees it when it is garbage. (Callback events, which are only borrowed,
    are plain RealtimeEvents: they need no finaliser, so dropping one runs no Python code.)"""

    __slots__ = ()

    def __del__(self) -> None:
        event = self._event
        if event and self._lock is None:
            self._event = None
            try:
                _free(event)
            except Exception:  # noqa: BLE001 - interpreter shutdown
                pass


_new = object.__new__
_get_ident = threading.get_ident
_type_of = _C.azaudio_realtime_event_type
_free = _C.azaudio_realtime_event_free
