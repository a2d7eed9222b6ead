"""Text to speech with flite (CMU's synthesiser), espeak-ng when flite is absent.

Each of the service's voices maps to one of flite's US/UK English voices (slt,
rms, awb, kal16) and a mean pitch, so the voices differ audibly while staying
voices pocketsphinx (the emulator's recogniser) hears almost word for word: the
demo's sentence comes back as "the quick brown fox jumped over the lazy dog".
flite's duration stretch gives the speed; ffmpeg applies what is left of it
outside flite's comfortable range and resamples to 24 kHz mono pcm16 (the
service's native output).

Without flite (``command -v flite`` fails) the same voices map to espeak-ng
voices, variants and pitches, as before flite was adopted; espeak-ng's speech is
harder for pocketsphinx, so recognised text is further from what was said.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import unicodedata

from .audio import OUTPUT_RATE

#: Service voice -> (flite voice, mean pitch in Hz).
FLITE_VOICES: dict[str, tuple[str, int]] = {
    "alloy": ("slt", 170),
    "ash": ("rms", 100),
    "ballad": ("awb", 120),
    "coral": ("slt", 190),
    "echo": ("rms", 115),
    "fable": ("awb", 135),
    "onyx": ("rms", 88),
    "nova": ("slt", 200),
    "sage": ("slt", 160),
    "shimmer": ("slt", 215),
    "verse": ("kal16", 110),
    "marin": ("slt", 180),
    "cedar": ("kal16", 95),
}

#: Service voice -> (espeak-ng voice+variant, pitch 0-99), the fallback.
ESPEAK_VOICES: dict[str, tuple[str, int]] = {
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

#: The voices the emulator knows (the service's).
VOICES = FLITE_VOICES

_BASE_WPM = 175
_MIN_WPM, _MAX_WPM = 80, 450
_MIN_STRETCH, _MAX_STRETCH = 0.5, 2.5


def engine_name() -> str:
    """ "flite" when the flite command is installed, else "espeak-ng" (checked on each call: cheap)."""
    return "flite" if shutil.which("flite") else "espeak-ng"


def _espeak_rates(speed: float) -> tuple[int, float]:
    """Split `speed` into espeak-ng words per minute and a residual ffmpeg tempo."""
    wpm = min(max(round(_BASE_WPM * speed), _MIN_WPM), _MAX_WPM)
    return wpm, _BASE_WPM * speed / wpm


def _flite_rates(speed: float) -> tuple[float, float]:
    """Split `speed` into a flite duration stretch and a residual ffmpeg tempo."""
    stretch = min(max(1 / speed, _MIN_STRETCH), _MAX_STRETCH)
    return stretch, stretch * speed


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
        return _synthesize(text, voice, float(speed), engine_name())


def _speakable(text: str) -> str:
    """`text` with control and format characters (which the synthesisers stop at) as spaces."""
    return "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text)


_SILENCE = bytes(OUTPUT_RATE * 2 // 5)


def _synthesizer(text: str, voice: str, speed: float, engine: str) -> tuple[list[str], bytes | None, float]:
    """The synthesiser's command line, what to write to its stdin (None: nothing), and the residual tempo."""
    if engine == "flite":
        name, pitch = FLITE_VOICES[voice]
        stretch, tempo = _flite_rates(speed)
        # -t takes the next argument as the text, whatever it starts with.
        return (
            [
                "flite",
                "-voice",
                name,
                "--setf",
                f"duration_stretch={stretch:.4f}",
                "--setf",
                f"int_f0_target_mean={pitch}",
                "-t",
                text,
                "-o",
                "/dev/stdout",
            ],
            None,
            tempo,
        )
    name, pitch = ESPEAK_VOICES[voice]
    wpm, tempo = _espeak_rates(speed)
    return (["espeak-ng", "-v", name, "-p", str(pitch), "-s", str(wpm), "--stdout"], text.encode(), tempo)


@functools.lru_cache(maxsize=128)
def _synthesize(text: str, voice: str, speed: float, engine: str) -> bytes:
    text = _speakable(text)
    if not text.strip():
        return _SILENCE
    command, stdin_text, tempo = _synthesizer(text, voice, speed, engine)
    synth = subprocess.Popen(
        command,
        stdin=subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    ffmpeg = subprocess.Popen(
        [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-nostdin",
            "-i",
            "pipe:0",
            "-af",
            f"atempo={tempo:.4f},aresample={OUTPUT_RATE}",
            "-ac",
            "1",
            "-f",
            "s16le",
            "pipe:1",
        ],
        stdin=synth.stdout,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert synth.stdout is not None
    synth.stdout.close()
    if stdin_text is not None:
        assert synth.stdin is not None
        synth.stdin.write(stdin_text)
        synth.stdin.close()
    pcm, _ = ffmpeg.communicate()
    if synth.wait() != 0 or ffmpeg.returncode != 0:
        raise RuntimeError(f"{command[0]}/ffmpeg failed to synthesise speech")
    return pcm or _SILENCE
