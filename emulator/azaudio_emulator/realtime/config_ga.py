"""The GA (nested) session: schema, defaults, updates and response overrides.

Written from ``RealtimeSessionCreateRequestGA`` / ``RealtimeSessionCreateResponseGA``,
``RealtimeAudioFormats``, ``RealtimeTurnDetection``, ``AudioTranscription`` and
``RealtimeResponseCreateParams`` in the current OpenAI spec, served by Azure at
``/openai/v1/realtime``. ``session.type`` is required and must be ``realtime``
(transcription-only sessions are not emulated). Preview keys such as
``modalities``, ``voice``, ``input_audio_format`` or ``temperature`` are unknown
parameters here.

Updates merge ``audio``, ``audio.input`` and ``audio.output`` key by key, so
``{"audio": {"output": {"voice": "marin"}}}`` leaves the formats alone; every
other present field replaces the old value.
"""

from __future__ import annotations

import time
from typing import Any

from .audio import format_from_ga, ga_format_object
from .config import DEFAULT_INSTRUCTIONS, GA_VOICES, SessionSettings, fill_turn_detection, with_overrides
from .errors import RealtimeError
from .item_schemas import FUNCTION_TOOL, GA_ITEM_OR_REFERENCE, METADATA
from .schema import Arr, Bool, Either, Int, Nullable, Num, Obj, SchemaError, Str, Tagged

FORMAT = Tagged(
    "type",
    {
        "audio/pcm": Obj({"type": Str(), "rate": Int(enum=(24000,))}, required=("type",)),
        "audio/pcmu": Obj({"type": Str()}, required=("type",)),
        "audio/pcma": Obj({"type": Str()}, required=("type",)),
    },
)

TURN_DETECTION = Tagged(
    "type",
    {
        "server_vad": Obj(
            {
                "type": Str(),
                "threshold": Num(minimum=0.0, maximum=1.0),
                "prefix_padding_ms": Int(minimum=0),
                "silence_duration_ms": Int(minimum=0),
                "create_response": Bool(),
                "interrupt_response": Bool(),
                "idle_timeout_ms": Nullable(Int(minimum=5000, maximum=30000)),
            }
        ),
        "semantic_vad": Obj(
            {
                "type": Str(),
                "eagerness": Str(enum=("low", "medium", "high", "auto")),
                "create_response": Bool(),
                "interrupt_response": Bool(),
            }
        ),
    },
)

TRANSCRIPTION = Obj(
    {
        "model": Str(),
        "language": Str(),
        "languages": Arr(Str(), min_items=1),
        "keywords": Arr(Str()),
        "prompt": Str(),
        "delay": Str(enum=("minimal", "low", "medium", "high", "xhigh")),
    }
)

VOICE = Either(
    (Str(enum=GA_VOICES), Obj({"id": Str()}, required=("id",))),
    "a string",
)

AUDIO_INPUT = Obj(
    {
        "format": FORMAT,
        "transcription": Nullable(TRANSCRIPTION),
        "noise_reduction": Nullable(Obj({"type": Str(enum=("near_field", "far_field"))})),
        "turn_detection": Nullable(TURN_DETECTION),
    }
)

AUDIO_OUTPUT = Obj({"format": FORMAT, "voice": VOICE, "speed": Num(minimum=0.25, maximum=1.5)})

TOOL_CHOICE = Either(
    (
        Str(enum=("none", "auto", "required")),
        Obj({"type": Str(enum=("function",)), "name": Str()}, required=("type", "name")),
    ),
    "a string",
)

MAX_TOKENS = Either((Int(minimum=1, maximum=4096), Str(enum=("inf",))), "an integer or 'inf'")

TRACING = Nullable(
    Either(
        (
            Str(enum=("auto",)),
            Obj({"workflow_name": Str(), "group_id": Str(), "metadata": Obj(open=True)}),
        ),
        "a string",
    )
)

TRUNCATION = Either(
    (
        Str(enum=("auto", "disabled")),
        Obj(
            {
                "type": Str(enum=("retention_ratio",)),
                "retention_ratio": Num(minimum=0.0, maximum=1.0),
                "token_limits": Obj({"post_instructions": Int(minimum=0)}),
            },
            required=("type", "retention_ratio"),
        ),
    ),
    "a string",
)

PROMPT = Nullable(Obj({"id": Str(), "version": Nullable(Str()), "variables": Obj(open=True)}, required=("id",)))


def _check_output_modalities(value: dict, path: str) -> None:
    modalities = value.get("output_modalities")
    if modalities is not None and len(set(modalities)) > 1:
        raise SchemaError(
            "invalid_value",
            f"Invalid '{path}.output_modalities': the model can respond with either 'text' or 'audio', "
            "not both at the same time.",
            f"{path}.output_modalities",
        )


def _check_session_type(value: dict, path: str) -> None:
    if value.get("type") == "transcription":
        raise SchemaError(
            "invalid_value",
            "Invalid value: 'transcription'. The emulator serves 'realtime' sessions only.",
            f"{path}.type",
        )
    _check_output_modalities(value, path)


SESSION = Obj(
    {
        "type": Str(enum=("realtime", "transcription")),
        "output_modalities": Arr(Str(enum=("text", "audio"))),
        "model": Str(),
        "instructions": Str(),
        "audio": Obj({"input": AUDIO_INPUT, "output": AUDIO_OUTPUT}),
        "include": Nullable(Arr(Str(enum=("item.input_audio_transcription.logprobs",)))),
        "tracing": TRACING,
        "tools": Arr(FUNCTION_TOOL),
        "tool_choice": TOOL_CHOICE,
        "parallel_tool_calls": Bool(),
        "reasoning": Obj({"effort": Str(enum=("minimal", "low", "medium", "high", "xhigh"))}),
        "max_output_tokens": MAX_TOKENS,
        "truncation": TRUNCATION,
        "prompt": PROMPT,
    },
    required=("type",),
    check_extra=_check_session_type,
)

RESPONSE_PARAMS = Obj(
    {
        "output_modalities": Arr(Str(enum=("text", "audio"))),
        "instructions": Str(),
        "audio": Obj({"output": Obj({"format": FORMAT, "voice": VOICE})}),
        "tools": Arr(FUNCTION_TOOL),
        "tool_choice": TOOL_CHOICE,
        "parallel_tool_calls": Bool(),
        "reasoning": Obj({"effort": Str(enum=("minimal", "low", "medium", "high", "xhigh"))}),
        "max_output_tokens": MAX_TOKENS,
        "conversation": Str(enum=("auto", "none")),
        "metadata": Nullable(METADATA),
        "prompt": PROMPT,
        "input": Arr(GA_ITEM_OR_REFERENCE),
    },
    check_extra=_check_output_modalities,
)


def default_session(session_id: str, model: str, max_seconds: float) -> dict:
    """The session object sent in ``session.created``."""
    return {
        "type": "realtime",
        "object": "realtime.session",
        "id": session_id,
        "model": model,
        "output_modalities": ["audio"],
        "instructions": DEFAULT_INSTRUCTIONS,
        "tools": [],
        "tool_choice": "auto",
        "max_output_tokens": "inf",
        "tracing": None,
        "truncation": "auto",
        "prompt": None,
        "expires_at": int(time.time() + max_seconds),
        "audio": {
            "input": {
                "format": {"type": "audio/pcm", "rate": 24000},
                "transcription": None,
                "noise_reduction": None,
                "turn_detection": {
                    "type": "server_vad",
                    "threshold": 0.5,
                    "prefix_padding_ms": 300,
                    "silence_duration_ms": 200,
                    "idle_timeout_ms": None,
                    "create_response": True,
                    "interrupt_response": True,
                },
            },
            "output": {"format": {"type": "audio/pcm", "rate": 24000}, "voice": "alloy", "speed": 1.0},
        },
        "include": None,
    }


def validate_update(update: Any) -> None:
    """Raise RealtimeError for the first problem in a ``session.update``'s ``session``."""
    RealtimeError.check(SESSION, update, "session")


def _normalise_format(fmt: dict) -> dict:
    return ga_format_object(format_from_ga(fmt))


def apply_update(session: dict, update: dict) -> dict:
    """The new session: ``audio`` merged per direction, other present fields replaced."""
    new = dict(session)
    for key, value in update.items():
        if key != "audio":
            new[key] = value
            continue
        audio = {"input": dict(session["audio"]["input"]), "output": dict(session["audio"]["output"])}
        for direction in ("input", "output"):
            for sub, sub_value in value.get(direction, {}).items():
                if sub == "format":
                    sub_value = _normalise_format(sub_value)
                elif sub == "turn_detection":
                    sub_value = fill_turn_detection(sub_value, with_idle_timeout=True)
                audio[direction][sub] = sub_value
        new["audio"] = audio
    return new


def _voice_name(voice: Any) -> str:
    return voice if isinstance(voice, str) else "alloy"


def settings(session: dict) -> SessionSettings:
    """The protocol-independent view of a GA session object."""
    audio_in = session["audio"]["input"]
    audio_out = session["audio"]["output"]
    return SessionSettings(
        modalities=tuple(session["output_modalities"]),
        instructions=session["instructions"],
        voice=_voice_name(audio_out["voice"]),
        speech_speed=float(audio_out.get("speed", 1.0)),
        input_format=format_from_ga(audio_in["format"]),
        output_format=format_from_ga(audio_out["format"]),
        transcription=audio_in["transcription"],
        turn_detection=audio_in["turn_detection"],
        tools=list(session["tools"]),
        tool_choice=session["tool_choice"],
        max_output_tokens=session["max_output_tokens"],
    )


def validate_response_params(params: Any) -> None:
    """Raise RealtimeError for the first problem in ``response.create``'s ``response``."""
    RealtimeError.check(RESPONSE_PARAMS, params, "response")


def response_overrides(base: SessionSettings, params: dict) -> SessionSettings:
    """`base` with a validated ``response`` object's overrides applied."""
    modalities = params.get("output_modalities")
    output = params.get("audio", {}).get("output", {})
    fmt = output.get("format")
    voice = output.get("voice")
    return with_overrides(
        base,
        modalities=tuple(modalities) if modalities is not None else None,
        instructions=params.get("instructions"),
        voice=_voice_name(voice) if voice is not None else None,
        output_format=format_from_ga(fmt) if fmt is not None else None,
        tools=params.get("tools"),
        tool_choice=params.get("tool_choice"),
        max_output_tokens=params.get("max_output_tokens"),
    )


def voice_of_update(update: dict) -> Any:
    """The voice a ``session.update`` asks for, if any."""
    return update.get("audio", {}).get("output", {}).get("voice")
