"""Rules for ``/audio/speech``.

From CreateSpeechRequest (OpenAI spec; ``additionalProperties: false``) and
createSpeechRequest (Azure preview spec), plus the per-model rules the spec
states in prose: ``instructions`` and ``stream_format: sse`` do not work with
tts/tts-hd; ballad, verse, marin and cedar are gpt-4o-mini-tts voices.
The body is JSON (what Azure's examples send); multipart/form-data, which
Azure's spec names, is accepted too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..audio import SPEECH_FORMATS
from ..errors import invalid
from ..models import ModelInfo
from . import common

FIELDS = ("model", "input", "voice", "response_format", "speed", "instructions", "stream_format")
VOICES = (
    "alloy",
    "ash",
    "ballad",
    "coral",
    "echo",
    "fable",
    "onyx",
    "nova",
    "sage",
    "shimmer",
    "verse",
    "marin",
    "cedar",
)
TTS_VOICES = ("alloy", "ash", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer")
MAX_INPUT = 4096


@dataclass(frozen=True)
class SpeechRequest:
    """A validated speech request."""

    input: str
    voice: str
    response_format: str
    speed: float
    stream_format: str
    instructions: str | None


def parse_speech(fields: dict[str, Any], model: ModelInfo, form: bool = False) -> SpeechRequest:
    """Validate speech `fields` (from JSON, or strings from a form) for `model`."""
    common.reject_unknown(fields, FIELDS)
    for required in ("input", "voice"):
        if required not in fields:
            raise common.missing(required)
    text = common.string("input", fields["input"], MAX_INPUT)
    if isinstance(fields["voice"], dict):
        raise invalid("Invalid value for 'voice': custom voices are not available.", "voice")
    voice = common.choice("voice", fields["voice"], VOICES)
    classic = model.family == "tts"
    if classic and voice not in TTS_VOICES:
        raise invalid(
            f"Voice '{voice}' is not supported with model '{model.name}'. "
            f"Supported voices are: {', '.join(TTS_VOICES)}.",
            "voice",
            "unsupported_value",
        )
    response_format = common.choice("response_format", fields.get("response_format", "mp3"), SPEECH_FORMATS)
    speed = common.number("speed", fields.get("speed", 1.0), 0.25, 4.0, form=form)
    instructions = fields.get("instructions")
    if instructions is not None:
        instructions = common.string("instructions", instructions, MAX_INPUT)
        if classic:
            raise invalid(
                f"'instructions' is not supported with model '{model.name}'.", "instructions", "unsupported_value"
            )
    stream_format = common.choice("stream_format", fields.get("stream_format", "audio"), ("sse", "audio"))
    if classic and stream_format == "sse":
        raise invalid(
            f"stream_format 'sse' is not supported with model '{model.name}'.", "stream_format", "unsupported_value"
        )
    return SpeechRequest(text, voice, response_format, float(speed), stream_format, instructions)
