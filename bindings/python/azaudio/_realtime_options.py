"""azaudio_realtime_options from the keyword arguments of Client.realtime and the other session openers: the
named choices, the range checks and the strings kept alive for the C struct. Internal."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Mapping, Optional, Sequence, Union

from . import _ga_settings
from . import _native as n
from ._options import RealtimeSettings
from .errors import InvalidArgumentError

if TYPE_CHECKING:
    from ._session_kinds import SessionKind

#: protocol= values.
PROTOCOLS = {"ga": n.AZAUDIO_REALTIME_GA, "preview": n.AZAUDIO_REALTIME_PREVIEW}
#: input_format= / output_format= values (the names the service uses), with the audio kit's FORMAT_* numbers.
AUDIO_FORMATS = {
    "pcm16": n.AZAUDIO_FORMAT_PCM16,
    "g711_ulaw": n.AZAUDIO_FORMAT_ULAW,
    "g711_alaw": n.AZAUDIO_FORMAT_ALAW,
}
#: turn_detection= values (None: no detection, call commit() and create_response() yourself).
TURN_DETECTION: dict[Optional[str], int] = {
    "server_vad": n.AZAUDIO_TURN_SERVER_VAD,
    "semantic_vad": n.AZAUDIO_TURN_SEMANTIC_VAD,
    None: n.AZAUDIO_TURN_NONE,
}

INT32_MAX = 2**31 - 1
_UINT32_MAX = 2**32 - 1

#: Integer fields copied as given after a range check (a key left out or None keeps the library's default).
_UINT32_FIELDS = (
    "max_send_queue_bytes",
    "max_event_queue",
    "caller_input_rate",
    "caller_output_rate",
    # calls that last
    "keepalive_ms",
    "liveness_timeout_ms",
    "reconnect_max_attempts",
    "reconnect_max_total_ms",
    "reconnect_backoff_ms",
    "history_max_items",
    "history_max_chars",
    "renewal_margin_ms",
    "session_max_ms",
)
_INT32_FIELDS = ("vad_prefix_padding_ms", "vad_silence_duration_ms", "max_output_tokens")
_FLAG_FIELDS = ("vad_create_response", "vad_interrupt_response")  # None: not sent
_STRING_FIELDS = {  # keyword -> C field
    "api_version": "api_version",
    "instructions": "instructions",
    "voice": "voice",
    "transcription_deployment": "input_transcription_deployment",
    "transcription_language": "input_transcription_language",
    "semantic_vad_eagerness": "semantic_vad_eagerness",
    "tool_choice": "tool_choice",
}


def invalid(message: str) -> InvalidArgumentError:
    return InvalidArgumentError(n.AZAUDIO_ERR_INVALID_ARGUMENT, message)


def choice(table: Mapping[Any, int], value: Any, what: str) -> int:
    """A named choice (case-insensitive), or the header's number for it."""
    if isinstance(value, str) and value.lower() in table:
        return table[value.lower()]
    if value is None and None in table:
        return table[None]
    if isinstance(value, int) and not isinstance(value, bool) and value in table.values():
        return value
    names = ", ".join(repr(k) for k in table)
    raise invalid(f"{what} is {value!r}; use one of {names}")


def json_object(value: Union[Mapping[str, Any], Sequence[Any], str, None]) -> Optional[bytes]:
    """A dict (or JSON text) as the C string argument; None stays NULL."""
    if value is None:
        return None
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return n.encode(text)


def integer(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise invalid(f"{name} is {value!r}; it must be an integer from {low} to {high}")
    return value


class RealtimeStruct:
    """Builds azaudio_realtime_options from realtime()'s keyword arguments (defaults applied here) and keeps the
    strings it points to alive. ``kind``: a transcription or translation session (azaudio._session_kinds)."""

    def __init__(self, settings: RealtimeSettings, kind: Optional["SessionKind"] = None) -> None:
        kw: Mapping[str, Any] = settings
        self.struct = n.azaudio_realtime_options()
        n.init_struct(self.struct)
        self._keep: list[Optional[bytes]] = []
        o = self.struct
        o.deployment = self._string(kw.get("deployment"))
        o.protocol = choice(PROTOCOLS, kw.get("protocol", "ga"), "protocol")
        for name, field in _STRING_FIELDS.items():
            setattr(o, field, self._string(kw.get(name)))
        o.input_audio_format = choice(AUDIO_FORMATS, kw.get("input_format", "pcm16"), "input_format")
        o.output_audio_format = choice(AUDIO_FORMATS, kw.get("output_format", "pcm16"), "output_format")
        o.turn_detection = choice(TURN_DETECTION, kw.get("turn_detection", "server_vad"), "turn_detection")
        for name in ("vad_threshold", "temperature"):
            if kw.get(name) is not None:
                setattr(o, name, float(kw[name]))
        for name in _INT32_FIELDS:
            if kw.get(name) is not None:
                setattr(o, name, integer(kw[name], name, 0, INT32_MAX))
        for name in _UINT32_FIELDS:
            if kw.get(name) is not None:
                setattr(o, name, integer(kw[name], name, 0, _UINT32_MAX))
        for name in _FLAG_FIELDS:
            if kw.get(name) is not None:
                setattr(o, name, 1 if kw[name] else 0)
        tools = kw.get("tools")
        if tools is not None:
            if isinstance(tools, (Mapping, bytes)) or not isinstance(tools, (str, Sequence)):
                raise invalid("tools must be a list of tool definitions (dicts) or a JSON array")
            o.tools_json = self._keep_bytes(json_object(tools if isinstance(tools, str) else list(tools)))
        o.text_only = 1 if kw.get("text_only", False) else 0
        if kw.get("connect_timeout") is not None:
            seconds = float(kw["connect_timeout"])
            if not 0 <= seconds * 1000 <= _UINT32_MAX:
                raise invalid(f"connect_timeout is {seconds}; it must be >= 0 seconds")
            o.connect_timeout_ms = int(round(seconds * 1000))
        for side in ("input", "output"):
            fmt = kw.get(f"caller_{side}_format")
            if fmt is not None:
                setattr(o, f"caller_{side}_format", choice(AUDIO_FORMATS, fmt, f"caller_{side}_format"))
        o.barge_in = 1 if kw.get("barge_in", True) else 0
        coalesce = kw.get("input_audio_coalesce_ms", 0)
        o.input_audio_coalesce_ms = integer(coalesce, "input_audio_coalesce_ms", 0, _UINT32_MAX)
        o.reask_interrupted_response = 1 if kw.get("reask_interrupted_response", False) else 0
        if kind is not None:
            kind.apply(o, self._string)
        if kw.get("ga") is not None:  # typed GA settings (azaudio._ga_settings)
            kw["ga"].apply(o, self._string)
        _ga_settings.apply_call_id(o, kw.get("call_id"), self._string)

    def _keep_bytes(self, value: Optional[bytes]) -> Optional[bytes]:
        self._keep.append(value)
        return value

    def _string(self, value: Optional[str]) -> Optional[bytes]:
        if value is not None and not isinstance(value, str):
            raise invalid(f"expected a string, not {type(value).__name__}: {value!r}")
        return self._keep_bytes(n.encode(value))
