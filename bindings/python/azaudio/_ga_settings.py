"""Typed GA settings of conversation sessions, out-of-band responses, image items and sideband calls: the fields
azaudio_realtime_options gained for the 2026 service, and the session calls that go with them. Used by
:meth:`azaudio.Client.realtime` (``ga=GASettings(...)``, ``call_id=``) and :class:`azaudio.RealtimeSession`
(``request_response``, ``send_image``, ``clear_output_audio``). Every value is checked by the library, before
anything is sent; a bad one raises :class:`azaudio.InvalidArgumentError` with the library's message."""

from __future__ import annotations

import ctypes
import json
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence, Union

from . import _native as n
from ._session_kinds import NOISE_REDUCTION
from .errors import InvalidArgumentError

#: truncation= values.
TRUNCATION: dict[Optional[str], int] = {
    None: n.AZAUDIO_TRUNCATION_DEFAULT,
    "auto": n.AZAUDIO_TRUNCATION_AUTO,
    "disabled": n.AZAUDIO_TRUNCATION_DISABLED,
    "retention_ratio": n.AZAUDIO_TRUNCATION_RETENTION_RATIO,
}


def _invalid(message: str) -> InvalidArgumentError:
    return InvalidArgumentError(n.AZAUDIO_ERR_INVALID_ARGUMENT, message)


def _pick(table: Mapping[Optional[str], int], value: Optional[str], what: str) -> int:
    if value not in table:
        raise _invalid(f"{what} is {value!r}; use one of {[k for k in table if k]} or None")
    return table[value]


@dataclass(frozen=True)
class GASettings:
    """Settings of a GA conversation session (see azaudio_realtime_options in azaudio.h); None: not sent.

    ``noise_reduction``: "near_field", "far_field" or "off"; ``idle_timeout_ms``: 5000..30000 (server VAD; fires
    INPUT_TIMEOUT_TRIGGERED); ``reasoning_effort``: "minimal" ... "xhigh"; ``truncation``: "auto", "disabled" or
    "retention_ratio" (with ``retention_ratio`` 0..1 and optionally ``post_instructions_tokens``);
    ``speed``: 0.25..1.5; ``logprobs``: input transcription log probabilities (needs transcription_deployment);
    ``parallel_tool_calls``. A custom voice id ("voice_...") goes in ``voice=`` of :meth:`Client.realtime`."""

    noise_reduction: Optional[str] = None
    idle_timeout_ms: Optional[int] = None
    reasoning_effort: Optional[str] = None
    truncation: Optional[str] = None
    retention_ratio: Optional[float] = None
    post_instructions_tokens: Optional[int] = None
    speed: Optional[float] = None
    logprobs: bool = False
    parallel_tool_calls: Optional[bool] = None

    def apply(self, struct: Any, keep: Any) -> None:
        """Fill the struct's GA fields; ``keep`` keeps the encoded strings alive."""
        n.require("azaudio_realtime_event_out_of_band")  # a library that knows these fields
        struct.noise_reduction = _pick(NOISE_REDUCTION, self.noise_reduction, "noise_reduction")
        struct.transcription_logprobs = 1 if self.logprobs else 0
        if self.idle_timeout_ms is not None:
            struct.idle_timeout_ms = int(self.idle_timeout_ms)
        struct.reasoning_effort = keep(self.reasoning_effort)
        struct.truncation = _pick(TRUNCATION, self.truncation, "truncation")
        if self.retention_ratio is not None:
            struct.truncation_retention_ratio = float(self.retention_ratio)
        if self.post_instructions_tokens is not None:
            struct.truncation_post_instructions_tokens = int(self.post_instructions_tokens)
        if self.speed is not None:
            struct.output_speed = float(self.speed)
        if self.parallel_tool_calls is not None:
            struct.parallel_tool_calls = 1 if self.parallel_tool_calls else 0


def apply_call_id(struct: Any, call_id: Optional[str], keep: Any) -> None:
    """A sideband session of a SIP call (azaudio_realtime_options.call_id)."""
    if call_id is None:
        return
    n.require("azaudio_realtime_clear_output_audio")
    struct.call_id = keep(call_id)
    struct.barge_in = 0


def _json(value: Union[Mapping[str, Any], Sequence[Any], str, None]) -> Optional[bytes]:
    if value is None:
        return None
    return n.encode(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))


def request_response(
    handle: int,
    *,
    out_of_band: bool = False,
    instructions: Optional[str] = None,
    text_only: Optional[bool] = None,
    max_output_tokens: Union[int, str, None] = None,
    metadata: Union[Mapping[str, str], str, None] = None,
    input: Union[Sequence[Mapping[str, Any]], str, None] = None,
) -> int:
    """azaudio_realtime_create_response_with_options; returns the result code."""
    o = n.azaudio_realtime_response_options()
    n.init_struct(o)
    o.out_of_band = 1 if out_of_band else 0
    kept = [n.encode(instructions), _json(metadata), _json(input)]
    o.instructions, o.metadata_json, o.input_json = kept
    if text_only is not None:
        o.modality = n.AZAUDIO_RESPONSE_MODALITY_TEXT if text_only else n.AZAUDIO_RESPONSE_MODALITY_AUDIO
    if max_output_tokens == "inf":
        o.max_output_tokens = n.AZAUDIO_MAX_OUTPUT_TOKENS_INF
    elif max_output_tokens is not None:
        if isinstance(max_output_tokens, bool) or not isinstance(max_output_tokens, int):
            raise _invalid(f"max_output_tokens is {max_output_tokens!r}; use 1..4096 or 'inf'")
        o.max_output_tokens = max(min(max_output_tokens, 2**31 - 1), -(2**31))
    return int(n.lib.azaudio_realtime_create_response_with_options(handle, ctypes.byref(o)))


def send_image(handle: int, image: bytes, mime_type: str, text: Optional[str], detail: Optional[str]) -> int:
    """azaudio_realtime_send_image; returns the result code."""
    data = bytes(image)
    return int(
        n.lib.azaudio_realtime_send_image(
            handle, data, len(data), n.encode(mime_type), n.encode(text), n.encode(detail)
        )
    )
