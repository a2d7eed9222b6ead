"""Realtime audio formats: conversion to and from the engines' 24 kHz PCM.

The session's formats are named the preview way internally:

=============  ======================  ===========  =================
name           GA format object        sample rate  bytes per ms
=============  ======================  ===========  =================
``pcm16``      ``audio/pcm`` (24000)   24,000 Hz    48 (s16le mono)
``g711_ulaw``  ``audio/pcmu``          8,000 Hz     8
``g711_alaw``  ``audio/pcma``          8,000 Hz     8
=============  ======================  ===========  =================

Everything inside the session (the input buffer, VAD, recognition, the TTS
output) is 24 kHz signed 16-bit little-endian mono. G.711 input is decoded and
upsampled 1:3 by linear interpolation; output is low-pass filtered (a short
windowed-sinc FIR at 3.4 kHz) and decimated 3:1 before encoding.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass

from . import g711

ENGINE_RATE = 24_000


@dataclass(frozen=True)
class AudioFormat:
    """One wire format: its preview name, sample rate and G.711 law (if any)."""

    name: str
    rate: int
    law: str | None

    @property
    def bytes_per_ms(self) -> int:
        """Bytes of this format per millisecond of audio."""
        per_sample = 1 if self.law else 2
        return self.rate * per_sample // 1000


FORMATS: dict[str, AudioFormat] = {
    "pcm16": AudioFormat("pcm16", ENGINE_RATE, None),
    "g711_ulaw": AudioFormat("g711_ulaw", 8_000, "ulaw"),
    "g711_alaw": AudioFormat("g711_alaw", 8_000, "alaw"),
}

#: GA format ``type`` -> preview format name.
GA_FORMAT_NAMES = {"audio/pcm": "pcm16", "audio/pcmu": "g711_ulaw", "audio/pcma": "g711_alaw"}


def ga_format_object(name: str) -> dict:
    """The GA ``format`` object for a preview format name."""
    if name == "pcm16":
        return {"type": "audio/pcm", "rate": ENGINE_RATE}
    return {"type": "audio/pcmu" if name == "g711_ulaw" else "audio/pcma"}


def format_from_ga(obj: dict) -> str:
    """The preview format name for a (validated) GA ``format`` object."""
    return GA_FORMAT_NAMES[obj["type"]]


def upsample_3x(pcm8k: bytes) -> bytes:
    """8 kHz -> 24 kHz by linear interpolation (two new samples between each pair)."""
    src = g711.pcm16_samples(pcm8k)
    if not src:
        return b""
    out = array("h", bytes(2 * 3 * len(src)))
    last = src[-1]
    for i, a in enumerate(src):
        b = src[i + 1] if i + 1 < len(src) else last
        j = 3 * i
        out[j] = a
        out[j + 1] = (2 * a + b) // 3
        out[j + 2] = (a + 2 * b) // 3
    return g711.pcm16_bytes(out)


def _lowpass_taps(count: int = 15, cutoff_hz: float = 3400.0, rate: int = ENGINE_RATE) -> list[float]:
    """Hamming-windowed sinc low-pass taps, normalised to unit DC gain."""
    mid = (count - 1) / 2
    fc = cutoff_hz / rate
    taps = []
    for n in range(count):
        x = n - mid
        sinc = 2 * fc if x == 0 else math.sin(2 * math.pi * fc * x) / (math.pi * x)
        window = 0.54 - 0.46 * math.cos(2 * math.pi * n / (count - 1))
        taps.append(sinc * window)
    total = sum(taps)
    return [t / total for t in taps]


_TAPS = _lowpass_taps()


def downsample_3x(pcm24k: bytes) -> bytes:
    """24 kHz -> 8 kHz: low-pass FIR, then keep every third sample."""
    src = g711.pcm16_samples(pcm24k)
    n = len(src)
    half = len(_TAPS) // 2
    out = array("h")
    taps = _TAPS
    for centre in range(0, n, 3):
        acc = 0.0
        for k, tap in enumerate(taps):
            idx = centre + k - half
            if 0 <= idx < n:
                acc += tap * src[idx]
        value = int(round(acc))
        out.append(32767 if value > 32767 else (-32768 if value < -32768 else value))
    return g711.pcm16_bytes(out)


def decode_input(fmt: str, data: bytes) -> bytes:
    """Wire bytes in format `fmt` -> 24 kHz s16le PCM."""
    spec = FORMATS[fmt]
    if spec.law is None:
        return data
    return upsample_3x(g711.decode(data, spec.law))


def encode_output(fmt: str, pcm24k: bytes) -> bytes:
    """24 kHz s16le PCM -> wire bytes in format `fmt`."""
    spec = FORMATS[fmt]
    if spec.law is None:
        return pcm24k
    return g711.encode(downsample_3x(pcm24k), spec.law)


def duration_ms(fmt: str, nbytes: int) -> float:
    """Milliseconds of audio in `nbytes` of format `fmt`."""
    return nbytes / FORMATS[fmt].bytes_per_ms


def pcm_ms(nbytes: int) -> float:
    """Milliseconds of audio in `nbytes` of 24 kHz s16le PCM."""
    return nbytes / 48.0


def pcm_bytes_for_ms(ms: float) -> int:
    """Byte offset of `ms` milliseconds into 24 kHz s16le PCM (sample aligned)."""
    return max(0, int(round(ms * 24))) * 2


def rms_dbfs(pcm24k: bytes) -> float:
    """RMS level of a PCM buffer in dBFS (-inf for silence)."""
    samples = g711.pcm16_samples(pcm24k)
    if not samples:
        return float("-inf")
    power = sum(s * s for s in samples) / len(samples)
    if power <= 0:
        return float("-inf")
    return 10 * math.log10(power / (32768.0 * 32768.0))
