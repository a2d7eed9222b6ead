"""The PREVIEW (flat) session: schema, defaults, updates and response overrides.

Written from ``RealtimeSessionCreateRequest`` / ``RealtimeSession`` and
``RealtimeResponseCreateParams`` in the 2025-04-29 OpenAI spec (the protocol
Azure's ``api-version=...-preview`` realtime endpoints speak) and Azure's
2025-04-01-preview ``RealtimeSessionCreateRequest`` (where ``model`` is the
deployment name). Any other key, GA ones such as ``type``, ``audio`` or
``output_modalities`` included, is an unknown parameter.
"""

from __future__ import annotations

import time
from typing import Any

from .config import (
    DEFAULT_INSTRUCTIONS,
    PREVIEW_VOICES,
    SessionSettings,
    fill_turn_detection,
    with_overrides,
)
from .errors import RealtimeError
from .item_schemas import FUNCTION_TOOL, METADATA, PREVIEW_ITEM_WITH_REFERENCE
from .schema import Arr, Bool, Either, Int, Nullable, Num, Obj, SchemaError, Str

AUDIO_FORMATS = ("pcm16", "g711_ulaw", "g711_alaw")

TURN_DETECTION = Obj(
    {
        "type": Str(enum=("server_vad", "semantic_vad")),
        "eagerness": Str(enum=("low", "medium", "high", "auto")),
        "threshold": Num(minimum=0.0, maximum=1.0),
        "prefix_padding_ms": Int(minimum=0),
        "silence_duration_ms": Int(minimum=0),
        "create_response": Bool(),
        "interrupt_response": Bool(),
    }
)

TRANSCRIPTION = Obj({"model": Str(), "language": Str(), "prompt": Str()})

TOOL_CHOICE = Either(
    (Str(), Obj({"type": Str(enum=("function",)), "name": Str()}, required=("type", "name"))),
    "a string",
)

MAX_TOKENS = Either((Int(minimum=1, maximum=4096), Str(enum=("inf",))), "an integer or 'inf'")


def _check_modalities(session: dict, path: str) -> None:
    modalities = session.get("modalities")
    if modalities is not None and sorted(set(modalities)) not in (["text"], ["audio", "text"]):
        raise SchemaError(
            "invalid_value",
            f"Invalid modalities: {modalities!r}. Supported combinations are: ['text'] and ['audio', 'text'].",
            f"{path}.modalities",
        )


SESSION = Obj(
    {
        "modalities": Arr(Str(enum=("text", "audio"))),
        "model": Str(),
        "instructions": Str(),
        "voice": Str(enum=PREVIEW_VOICES),
        "input_audio_format": Str(enum=AUDIO_FORMATS),
        "output_audio_format": Str(enum=AUDIO_FORMATS),
        "input_audio_transcription": Nullable(TRANSCRIPTION),
        "turn_detection": Nullable(TURN_DETECTION),
        "input_audio_noise_reduction": Nullable(Obj({"type": Str(enum=("near_field", "far_field"))})),
        "tools": Arr(FUNCTION_TOOL),
        "tool_choice": TOOL_CHOICE,
        "temperature": Num(minimum=0.6, maximum=1.2),
        "max_response_output_tokens": MAX_TOKENS,
    },
    check_extra=_check_modalities,
)

RESPONSE_PARAMS = Obj(
    {
        "modalities": Arr(Str(enum=("text", "audio"))),
        "instructions": Str(),
        "voice": Str(enum=PREVIEW_VOICES),
        "output_audio_format": Str(enum=AUDIO_FORMATS),
        "tools": Arr(FUNCTION_TOOL),
        "tool_choice": TOOL_CHOICE,
        "temperature": Num(minimum=0.6, maximum=1.2),
        "max_response_output_tokens": MAX_TOKENS,
        "conversation": Str(enum=("auto", "none")),
        "metadata": Nullable(METADATA),
        "input": Arr(PREVIEW_ITEM_WITH_REFERENCE),
    },
    check_extra=_check_modalities,
)


def default_session(session_id: str, model: str, max_seconds: float) -> dict:
    """The session object sent in ``session.created``."""
    return {
        "id": session_id,
        "object": "realtime.session",
        "model": model,
        "expires_at": int(time.time() + max_seconds),
        "modalities": ["text", "audio"],
        "instructions": DEFAULT_INSTRUCTIONS,
        "voice": "alloy",
        "input_audio_format": "pcm16",
        "output_audio_format": "pcm16",
        "input_audio_transcription": None,
        "turn_detection": {
            "type": "server_vad",
            "threshold": 0.5,
            "prefix_padding_ms": 300,
            "silence_duration_ms": 200,
            "create_response": True,
            "interrupt_response": True,
        },
        "input_audio_noise_reduction": None,
        "tools": [],
        "tool_choice": "auto",
        "temperature": 0.8,
        "max_response_output_tokens": "inf",
    }


def validate_update(update: Any) -> None:
    """Raise RealtimeError for the first problem in a ``session.update``'s ``session``."""
    RealtimeError.check(SESSION, update, "session")


def apply_update(session: dict, update: dict) -> dict:
    """The new session: present fields replace old ones (turn_detection gets its defaults)."""
    new = dict(session)
    for key, value in update.items():
        if key == "turn_detection":
            value = fill_turn_detection(value, with_idle_timeout=False)
        elif key == "input_audio_transcription" and value is not None:
            value = {"model": "whisper-1", **value}
        new[key] = value
    return new


def settings(session: dict) -> SessionSettings:
    """The protocol-independent view of a preview session object."""
    return SessionSettings(
        modalities=tuple(session["modalities"]),
        instructions=session["instructions"],
        voice=session["voice"],
        speech_speed=1.0,
        input_format=session["input_audio_format"],
        output_format=session["output_audio_format"],
        transcription=session["input_audio_transcription"],
        turn_detection=session["turn_detection"],
        tools=list(session["tools"]),
        tool_choice=session["tool_choice"],
        max_output_tokens=session["max_response_output_tokens"],
    )


def validate_response_params(params: Any) -> None:
    """Raise RealtimeError for the first problem in ``response.create``'s ``response``."""
    RealtimeError.check(RESPONSE_PARAMS, params, "response")


def response_overrides(base: SessionSettings, params: dict) -> SessionSettings:
    """`base` with a validated ``response`` object's overrides applied."""
    modalities = params.get("modalities")
    return with_overrides(
        base,
        modalities=tuple(modalities) if modalities is not None else None,
        instructions=params.get("instructions"),
        voice=params.get("voice"),
        output_format=params.get("output_audio_format"),
        tools=params.get("tools"),
        tool_choice=params.get("tool_choice"),
        max_output_tokens=params.get("max_response_output_tokens"),
    )


def voice_of_update(update: dict) -> str | None:
    """The voice a ``session.update`` asks for, if any."""
    return update.get("voice")
