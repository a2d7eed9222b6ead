"""What a session is configured to do, independent of the protocol's shape.

Each protocol keeps its session as the JSON object it echoes in
``session.created`` / ``session.updated`` (flat for PREVIEW, nested for GA; see
`config_preview` and `config_ga`). `SessionSettings` is the common view the rest
of the package reads: formats, voice, modalities, turn detection, transcription,
tools. `ResponseSettings` is that view with one ``response.create``'s overrides
applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

#: Voices the PREVIEW protocol accepts (2025-04-29 spec, ``VoiceIdsShared``).
PREVIEW_VOICES = ("alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer", "verse")
#: Voices the GA protocol accepts (current spec, ``VoiceIdsShared``).
GA_VOICES = ("alloy", "ash", "ballad", "coral", "echo", "sage", "shimmer", "verse", "marin", "cedar")

#: The default instructions shown in ``session.created`` (the emulator ignores instructions).
DEFAULT_INSTRUCTIONS = (
    "You are the azaudio emulator's stand-in for a realtime model. Replies are "
    "deterministic: 'You said: <what you said>.'"
)

SERVER_VAD_DEFAULTS = {
    "threshold": 0.5,
    "prefix_padding_ms": 300,
    "silence_duration_ms": 500,
    "create_response": True,
    "interrupt_response": True,
}
SEMANTIC_VAD_DEFAULTS = {"eagerness": "auto", "create_response": True, "interrupt_response": True}


@dataclass(frozen=True)
class SessionSettings:
    """The effective configuration of a session, read by the state machine."""

    modalities: tuple[str, ...]
    instructions: str
    voice: str
    speech_speed: float
    input_format: str
    output_format: str
    transcription: dict | None
    turn_detection: dict | None
    tools: list = field(default_factory=list)
    tool_choice: Any = "auto"
    max_output_tokens: Any = "inf"

    @property
    def speaks(self) -> bool:
        """Responses carry audio (plus its transcript) rather than text only."""
        return "audio" in self.modalities


@dataclass(frozen=True)
class ResponseSettings:
    """One response's configuration: session settings plus ``response.create`` overrides."""

    settings: SessionSettings
    conversation: str = "auto"
    metadata: Any = None
    input_items: list | None = None

    @property
    def speaks(self) -> bool:
        return self.settings.speaks


def with_overrides(settings: SessionSettings, **changes: Any) -> SessionSettings:
    """A copy of `settings` with some fields replaced (None values are ignored)."""
    return replace(settings, **{k: v for k, v in changes.items() if v is not None})


def fill_turn_detection(td: dict | None, with_idle_timeout: bool) -> dict | None:
    """A turn_detection object as the service echoes it: its variant's fields, defaults filled."""
    if td is None:
        return None
    kind = td.get("type", "server_vad")
    if kind == "semantic_vad":
        filled = {"type": "semantic_vad", **SEMANTIC_VAD_DEFAULTS}
        for key in SEMANTIC_VAD_DEFAULTS:
            if key in td:
                filled[key] = td[key]
        return filled
    filled = {"type": "server_vad", **SERVER_VAD_DEFAULTS}
    for key in SERVER_VAD_DEFAULTS:
        if key in td:
            filled[key] = td[key]
    if with_idle_timeout:
        filled["idle_timeout_ms"] = td.get("idle_timeout_ms")
    return filled
