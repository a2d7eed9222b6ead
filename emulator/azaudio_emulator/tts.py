"""Text to speech with espeak-ng.

Each of the service's voices maps to a distinct espeak-ng voice, variant and
pitch. espeak-ng's output is piped through ffmpeg, which applies the part of
the speed that espeak-ng's words-per-minute range cannot reach and resamples
to 24 kHz mono pcm16 (the service's native output).
"""

from __future__ import annotations

import functools
import subprocess
import unicodedata

from .audio import OUTPUT_RATE

#: Service voice -> (espeak-ng voice+variant, pitch 0-99).
VOICES: dict[str, tuple[str, int]] = {
    "alloy": ("en-us+f3", 55),
    "ash": ("en-us+m3", 40),
    "ballad": ("en-gb-x-rp+m2", 45),
    "coral": ("en-us+f2", 65),
    "echo": ("en-us+m1", 50),
    "fable": ("en-gb+m4", 55),
    "onyx": ("en-us+m7", 25),
    "nova": ("en-us+f4", 70),
    "sage": ("en-gb-scotland+f1", 60),
    "shimmer": ("en-us+f5", 80),
    "verse": ("en-029+m2", 45),
    "marin": ("en-us+f1", 60),
    "cedar": ("en-gb+m6", 35),
}

_BASE_WPM = 175
_MIN_WPM, _MAX_WPM = 80, 450


def _rates(speed: float) -> tuple[int, float]:
    """Split `speed` into espeak-ng words per minute and a residual ffmpeg tempo."""
    wpm = min(max(round(_BASE_WPM * speed), _MIN_WPM), _MAX_WPM)
    return wpm, _BASE_WPM * speed / wpm


class TTSEngine:
    """Synthesises speech; results are cached, the engine is thread-safe."""

    def synthesize_pcm16(self, text: str, voice: str, speed: float = 1.0) -> bytes:
        """Speak `text` with `voice` at `speed` (0.25-4.0): 24 kHz mono s16le.

        Blank (or unpronounceable) text gives 200 ms of silence. Raises ValueError for an unknown
        voice or a speed outside 0.25-4.0 (blocking; run it in an executor).
        """
        if voice not in VOICES:
            raise ValueError(f"unknown voice {voice!r}")
        if not 0.25 <= speed <= 4.0:
            raise ValueError(f"speed {speed} is outside 0.25-4.0")
        return _synthesize(text, voice, float(speed))


def _speakable(text: str) -> str:
    """`text` with control and format characters (which espeak-ng stops at) as spaces."""
    return "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text)


_SILENCE = bytes(OUTPUT_RATE * 2 // 5)


@functools.lru_cache(maxsize=128)
def _synthesize(text: str, voice: str, speed: float) -> bytes:
    text = _speakable(text)
    if not text.strip():
        return _SILENCE
    espeak_voice, pitch = VOICES[voice]
    wpm, tempo = _rates(speed)
    espeak = subprocess.Popen(
        ["espeak-ng", "-v", espeak_voice, "-p", str(pitch), "-s", str(wpm), "--stdout"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )
    ffmpeg = subprocess.Popen(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-i", "pipe:0",
         "-af", f"atempo={tempo:.4f},aresample={OUTPUT_RATE}", "-ac", "1", "-f", "s16le", "pipe:1"],
        stdin=espeak.stdout, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )
    espeak.stdout.close()
    espeak.stdin.write(text.encode())
    espeak.stdin.close()
    pcm, _ = ffmpeg.communicate()
    if espeak.wait() != 0 or ffmpeg.returncode != 0:
        raise RuntimeError("espeak-ng/ffmpeg failed to synthesise speech")
    return pcm or _SILENCE
