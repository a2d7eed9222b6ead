"""The audio kit: G.711 codecs, a resampler, WAV files and telephony frames, all computed by libazaudio.

Python 3.13 removed ``audioop``; this module covers its telephony uses (``lin2ulaw``, ``ulaw2lin``, ``lin2alaw``,
``alaw2lin``, ``ratecv``) with the library's bit-exact G.711 and its band-limited resampler, plus what ``wave``
does not read (mu-law, A-law and float WAVs, 24-bit and 32-bit PCM, WAVE_FORMAT_EXTENSIBLE, streaming files of
unknown size). :func:`read_wav_mono` turns any of them into mono PCM16 at the rate you need.

PCM16 audio is ``bytes`` of signed 16-bit little-endian samples (or, when numpy is installed, an ``int16`` array:
functions given an array return an array). G.711 audio is ``bytes`` of one code per sample (or a ``uint8`` array).
Invalid input raises the library's error (e.g. :class:`azaudio.InvalidArgumentError` with its message).

Example::

    from azaudio import audio
    wav = audio.read_wav("call.wav")                         # 8 kHz mu-law from a phone system
    pcm = audio.ulaw_decode(wav.data)                        # -> 16-bit PCM at 8 kHz
    with audio.Resampler(8000, 24000) as r:
        pcm24 = r.process(pcm) + r.flush()                   # -> 24 kHz for the realtime API
    audio.write_wav("call-24k.wav", pcm24, rate=24000)
    music = audio.read_wav_mono("song.wav", rate=24000)      # 44.1 kHz stereo float -> 24 kHz mono PCM16
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import Any, Iterator, Optional

from . import _native as n
from ._buffers import _P_INT16, _P_UINT8, _dtype, _Input, _is_array, _numpy, _Output, _pcm_input
from ._buffers import Buffer as Buffer  # bytes, bytearray, memoryview, or a numpy array
from ._owned import Owned
from ._wav import (
    WAV_HEADER_SIZE,
    WAV_SIZE_UNKNOWN,
    Wav,
    WavInfo,
    parse_wav,
    read_wav,
    read_wav_mono,
    to_mono_pcm16,
    wav_bytes,
    wav_header,
    write_wav,
)
from .errors import ClosedError, check

__all__ = [
    "FORMAT_PCM16",
    "FORMAT_ULAW",
    "FORMAT_ALAW",
    "FORMAT_PCM8",
    "FORMAT_PCM24",
    "FORMAT_PCM32",
    "FORMAT_FLOAT32",
    "FORMAT_FLOAT64",
    "WAV_HEADER_SIZE",
    "WAV_SIZE_UNKNOWN",
    "ulaw_encode",
    "ulaw_decode",
    "alaw_encode",
    "alaw_decode",
    "Resampler",
    "WavInfo",
    "Wav",
    "read_wav",
    "read_wav_mono",
    "to_mono_pcm16",
    "parse_wav",
    "write_wav",
    "wav_header",
    "wav_bytes",
    "frame_bytes",
    "Frame",
    "FrameCursor",
    "frames",
    "monotonic_us",
    "sleep_until_us",
]

FORMAT_PCM16 = n.AZAUDIO_FORMAT_PCM16
FORMAT_ULAW = n.AZAUDIO_FORMAT_ULAW
FORMAT_ALAW = n.AZAUDIO_FORMAT_ALAW
FORMAT_PCM8 = n.AZAUDIO_FORMAT_PCM8  # unsigned 8-bit PCM (128 is silence)
FORMAT_PCM24 = n.AZAUDIO_FORMAT_PCM24  # signed 24-bit PCM, 3 bytes little-endian
FORMAT_PCM32 = n.AZAUDIO_FORMAT_PCM32  # signed 32-bit PCM
FORMAT_FLOAT32 = n.AZAUDIO_FORMAT_FLOAT32  # IEEE float, -1.0 to 1.0
FORMAT_FLOAT64 = n.AZAUDIO_FORMAT_FLOAT64  # IEEE double, -1.0 to 1.0

# ---- G.711 ------------------------------------------------------------------------------------------------------


def _encode(function: Any, pcm: Buffer) -> Any:
    source, samples = _pcm_input(pcm)
    out = _Output(samples, "uint8", _is_array(pcm))
    check(function(source.as_(_P_INT16), samples, out.as_(_P_UINT8)))
    return out.result()


def _decode(function: Any, codes: Buffer) -> Any:
    source = _Input(codes, "uint8")
    out = _Output(source.size, "int16", _is_array(codes))
    check(function(source.as_(_P_UINT8), source.size, out.as_(_P_INT16)))
    return out.result()


def ulaw_encode(pcm: Buffer) -> Any:
    """PCM16 -> G.711 mu-law, one byte per sample (bit-exact with ITU-T G.191). Like audioop.lin2ulaw(pcm, 2)."""
    return _encode(n.lib.azaudio_g711_ulaw_encode, pcm)


def ulaw_decode(codes: Buffer) -> Any:
    """G.711 mu-law -> PCM16 (-32124..32124). Like audioop.ulaw2lin(codes, 2)."""
    return _decode(n.lib.azaudio_g711_ulaw_decode, codes)


def alaw_encode(pcm: Buffer) -> Any:
    """PCM16 -> G.711 A-law, one byte per sample (bit-exact with ITU-T G.191). Like audioop.lin2alaw(pcm, 2)."""
    return _encode(n.lib.azaudio_g711_alaw_encode, pcm)


def alaw_decode(codes: Buffer) -> Any:
    """G.711 A-law -> PCM16 (-32256..32256). Like audioop.alaw2lin(codes, 2)."""
    return _decode(n.lib.azaudio_g711_alaw_decode, codes)


# ---- resampler ----------------------------------------------------------------------------------------------------


class Resampler(Owned):
    """A streaming converter of mono PCM16 between any two rates from 8000 to 192000 Hz (azaudio_resampler).

    Feed chunks of any size to :meth:`process`; the output is identical to converting the whole signal at once.
    Output trails input by :attr:`latency` samples; :meth:`flush` at the end of the stream returns them and readies
    the resampler for a new stream. Not thread-safe: use one resampler from one thread at a time.
    """

    def __init__(self, in_rate: int, out_rate: int) -> None:
        handle = ctypes.c_void_p()
        check(n.lib.azaudio_resampler_create(in_rate, out_rate, ctypes.byref(handle)))
        self._handle: Optional[int] = handle.value
        self.in_rate = in_rate
        self.out_rate = out_rate

    def _live(self) -> int:
        if self._handle is None:
            raise ClosedError(n.AZAUDIO_ERR_CLOSED, "the resampler is closed")
        return self._handle

    @property
    def latency(self) -> int:
        """How many output samples the output trails the input by (0 for equal rates)."""
        return int(n.lib.azaudio_resampler_latency_samples(self._live()))

    def max_output(self, in_samples: int) -> int:
        """An output size in samples always enough for process() of ``in_samples`` samples."""
        return int(n.lib.azaudio_resampler_max_output(self._live(), in_samples))

    def process(self, pcm: Buffer) -> Any:
        """Consume ``pcm`` and return the output samples it completes (bytes, or an int16 array for an array)."""
        handle = self._live()
        source, samples = _pcm_input(pcm)
        out = _Output(self.max_output(samples), "int16", _is_array(pcm))
        written = ctypes.c_size_t()
        check(
            n.lib.azaudio_resampler_process(
                handle, source.as_(_P_INT16), samples, out.as_(_P_INT16), out.count, ctypes.byref(written)
            )
        )
        return out.result(written.value)

    def flush(self, *, as_array: bool = False) -> Any:
        """End the stream: return the held-back samples (as if silence followed) and reset for a new stream."""
        handle = self._live()
        out = _Output(self.max_output(0), "int16", as_array and _numpy() is not None)
        written = ctypes.c_size_t()
        check(n.lib.azaudio_resampler_flush(handle, out.as_(_P_INT16), out.count, ctypes.byref(written)))
        return out.result(written.value)

    def reset(self) -> None:
        """Drop held-back input and history without output."""
        check(n.lib.azaudio_resampler_reset(self._live()))

    def close(self) -> None:
        """Free the resampler (closing twice is allowed)."""
        handle, self._handle = self._handle, None
        if handle:
            n.lib.azaudio_resampler_destroy(handle)

    def __repr__(self) -> str:
        return f"<azaudio.audio.Resampler {self.in_rate} -> {self.out_rate} Hz>"


# ---- frames and pacing ------------------------------------------------------------------------------------------


def frame_bytes(format: int, rate: int, channels: int = 1, frame_ms: int = 20) -> int:
    """The size in bytes of one ``frame_ms`` frame (e.g. 160 for 20 ms of 8 kHz mu-law)."""
    size = ctypes.c_size_t()
    check(n.lib.azaudio_frame_bytes(format, rate, channels, frame_ms, ctypes.byref(size)))
    return size.value


@dataclass(frozen=True)
class Frame:
    """One frame: its start in microseconds from the first frame, and exactly frame_bytes() of audio."""

    timestamp_us: int
    data: bytes


class FrameCursor(Owned):
    """Cuts audio into fixed frames (azaudio_frame_cursor); a partial last frame is completed with silence.
    Iterate over it for :class:`Frame` objects; ``len()`` is the number of frames. Not thread-safe."""

    def __init__(self, data: Buffer, *, format: int, rate: int, channels: int = 1, frame_ms: int = 20) -> None:
        self._view = _Input(data, _dtype(format))
        handle = ctypes.c_void_p()
        check(
            n.lib.azaudio_frame_cursor_create(
                format, rate, channels, frame_ms, self._view.address, self._view.size, ctypes.byref(handle)
            )
        )
        self._handle: Optional[int] = handle.value

    def _live(self) -> int:
        if self._handle is None:
            raise ClosedError(n.AZAUDIO_ERR_CLOSED, "the frame cursor is closed")
        return self._handle

    def __len__(self) -> int:
        return int(n.lib.azaudio_frame_cursor_count(self._live()))

    def __iter__(self) -> Iterator[Frame]:
        return self

    def __next__(self) -> Frame:
        pointer, size, timestamp = ctypes.c_void_p(), ctypes.c_size_t(), ctypes.c_uint64()
        check(
            n.lib.azaudio_frame_cursor_next(
                self._live(), ctypes.byref(pointer), ctypes.byref(size), ctypes.byref(timestamp)
            )
        )
        if not pointer.value:
            raise StopIteration
        return Frame(int(timestamp.value), ctypes.string_at(pointer.value, size.value))

    def rewind(self) -> None:
        """Go back to the first frame."""
        check(n.lib.azaudio_frame_cursor_rewind(self._live()))

    def close(self) -> None:
        """Free the cursor."""
        handle, self._handle = self._handle, None
        if handle:
            n.lib.azaudio_frame_cursor_destroy(handle)


def frames(
    data: Buffer, *, format: int, rate: int, channels: int = 1, frame_ms: int = 20, paced: bool = False
) -> Iterator[Frame]:
    """Yield ``data`` in frames of ``frame_ms``. With ``paced=True`` each frame is yielded at its due time on the
    monotonic clock (start + timestamp), which keeps real-time rate however long the caller takes per frame."""
    with FrameCursor(data, format=format, rate=rate, channels=channels, frame_ms=frame_ms) as cursor:
        start = monotonic_us()
        for frame in cursor:
            if paced:
                sleep_until_us(start + frame.timestamp_us)
            yield frame


def monotonic_us() -> int:
    """Microseconds of CLOCK_MONOTONIC, the clock of sleep_until_us()."""
    return int(n.lib.azaudio_monotonic_us())


def sleep_until_us(deadline_us: int) -> None:
    """Sleep until monotonic_us() reaches ``deadline_us`` (returns at once if it has)."""
    n.lib.azaudio_sleep_until_us(max(0, deadline_us))
