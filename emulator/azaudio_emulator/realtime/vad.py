"""Energy-based voice activity detection for ``server_vad`` and ``semantic_vad``.

The detector looks at 10 ms frames of the 24 kHz input. A frame is *voiced*
when its RMS level is at least ``-60 + 50 * threshold`` dBFS (threshold 0.5 ->
-35 dBFS; 0.0 -> -60 dBFS; 1.0 -> -10 dBFS). Speech starts at the first of
`START_FRAMES` consecutive voiced frames, and stops once ``silence_duration_ms``
of unvoiced frames have followed the last voiced one.

Reported times are milliseconds on the session's input timeline (all audio
appended since the session began), as the service reports them:

* ``speech_started.audio_start_ms`` = start of speech minus ``prefix_padding_ms``
  (never earlier than the oldest audio still in the buffer, nor than the end of
  the previous speech);
* ``speech_stopped.audio_end_ms`` = end of the last voiced frame plus
  ``silence_duration_ms`` (the audio committed includes the trailing silence).

``semantic_vad`` behaves like ``server_vad`` at threshold 0.5 and 300 ms of
prefix padding, with a silence that depends on ``eagerness``: high 250 ms,
medium/auto 500 ms, low 1000 ms.
"""

from __future__ import annotations

from dataclasses import dataclass

from .audio import rms_dbfs

FRAME_MS = 10
FRAME_BYTES = 480  # 10 ms of 24 kHz s16le
START_FRAMES = 2

SEMANTIC_SILENCE_MS = {"high": 250, "medium": 500, "auto": 500, "low": 1000}


@dataclass(frozen=True)
class VadSettings:
    """The parameters the detector honours, resolved from either session shape."""

    threshold: float = 0.5
    prefix_padding_ms: int = 300
    silence_duration_ms: int = 500

    @property
    def level_dbfs(self) -> float:
        """The RMS level a frame needs to count as voiced."""
        return -60.0 + 50.0 * self.threshold

    @classmethod
    def from_turn_detection(cls, td: dict) -> "VadSettings":
        """Settings for a (validated, defaults-filled) turn_detection object."""
        if td.get("type") == "semantic_vad":
            eagerness = td.get("eagerness") or "auto"
            return cls(0.5, 300, SEMANTIC_SILENCE_MS.get(eagerness, 500))
        return cls(
            float(td.get("threshold", 0.5)),
            int(td.get("prefix_padding_ms", 300)),
            int(td.get("silence_duration_ms", 500)),
        )


@dataclass(frozen=True)
class VadEvent:
    """A change of state: ``kind`` is "started" or "stopped"; ``ms`` as documented above."""

    kind: str
    ms: int


class EnergyVad:
    """Feed 24 kHz PCM with `feed`; it returns the starts and stops it found."""

    def __init__(self, settings: VadSettings) -> None:
        self.settings = settings
        self._pending = b""
        self._position_ms = 0  # timeline position of the next frame to analyse
        self._speaking = False
        self._voiced_run = 0
        self._last_voiced_end_ms = 0
        self._floor_ms = 0  # no speech may start before the end of the last stop (or reset)

    @property
    def speaking(self) -> bool:
        """True between a start and its stop."""
        return self._speaking

    def reset(self, position_ms: int) -> None:
        """Forget state (after ``input_audio_buffer.clear`` or a commit); continue at `position_ms`."""
        self._pending = b""
        self._position_ms = position_ms
        self._floor_ms = position_ms
        self._speaking = False
        self._voiced_run = 0

    def feed(self, pcm: bytes, buffer_start_ms: int) -> list[VadEvent]:
        """Analyse appended audio; `buffer_start_ms` is the oldest audio still buffered."""
        data = self._pending + pcm
        events: list[VadEvent] = []
        offset = 0
        level = self.settings.level_dbfs
        while len(data) - offset >= FRAME_BYTES:
            frame = data[offset : offset + FRAME_BYTES]
            offset += FRAME_BYTES
            frame_start = self._position_ms
            self._position_ms += FRAME_MS
            voiced = rms_dbfs(frame) >= level
            if not self._speaking:
                self._voiced_run = self._voiced_run + 1 if voiced else 0
                if self._voiced_run >= START_FRAMES:
                    self._speaking = True
                    speech_start = frame_start - (START_FRAMES - 1) * FRAME_MS
                    start = max(buffer_start_ms, self._floor_ms, speech_start - self.settings.prefix_padding_ms, 0)
                    self._last_voiced_end_ms = self._position_ms
                    events.append(VadEvent("started", start))
            elif voiced:
                self._last_voiced_end_ms = self._position_ms
            elif self._position_ms - self._last_voiced_end_ms >= self.settings.silence_duration_ms:
                self._speaking = False
                self._voiced_run = 0
                self._floor_ms = self._position_ms
                events.append(VadEvent("stopped", self._position_ms))
        self._pending = data[offset:]
        return events
