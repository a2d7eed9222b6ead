"""Transcription-only and translation realtime sessions: the session-kind fields of azaudio_realtime_options.
Internal: used by :meth:`azaudio.Client.transcription_session` and :meth:`azaudio.Client.translation_session`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from . import _native as n
from .errors import InvalidArgumentError

#: noise_reduction= values ("off" is sent as null; None leaves the service's default).
NOISE_REDUCTION: dict[Optional[str], int] = {
    None: n.AZAUDIO_NOISE_REDUCTION_DEFAULT,
    "near_field": n.AZAUDIO_NOISE_REDUCTION_NEAR_FIELD,
    "far_field": n.AZAUDIO_NOISE_REDUCTION_FAR_FIELD,
    "off": n.AZAUDIO_NOISE_REDUCTION_OFF,
}
#: transcription delay= values (gpt-realtime-whisper only).
DELAYS = ("minimal", "low", "medium", "high", "xhigh")


@dataclass(frozen=True)
class SessionKind:
    """What a session is for, beyond the conversation fields: see azaudio_realtime_options.session_kind."""

    kind: int
    prompt: Optional[str] = None
    delay: Optional[str] = None
    noise_reduction: Optional[str] = None
    logprobs: bool = False
    language: Optional[str] = None
    path: Optional[str] = None

    def apply(self, struct: Any, keep: Any) -> None:
        """Fill the struct's session-kind fields; ``keep`` keeps the encoded strings alive."""
        if self.noise_reduction not in NOISE_REDUCTION:
            raise InvalidArgumentError(
                n.AZAUDIO_ERR_INVALID_ARGUMENT,
                f"noise_reduction is {self.noise_reduction!r}; use one of {[k for k in NOISE_REDUCTION if k]} or None",
            )
        n.require("azaudio_realtime_event_speaker")  # a library that knows session kinds
        struct.session_kind = self.kind
        struct.transcription_prompt = keep(self.prompt)
        struct.transcription_delay = keep(self.delay)
        struct.noise_reduction = NOISE_REDUCTION[self.noise_reduction]
        struct.transcription_logprobs = 1 if self.logprobs else 0
        struct.translation_language = keep(self.language)
        struct.translation_path = keep(self.path)
