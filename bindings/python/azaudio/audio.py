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
import importlib
import os
import sys
from dataclasses import dataclass
from typing import Any, Iterator, Optional, Union

from . import _native as n
from ._owned import Owned
from .errors import ClosedError, InvalidArgumentError, check

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
WAV_HEADER_SIZE = n.AZAUDIO_WAV_HEADER_SIZE
WAV_SIZE_UNKNOWN = n.AZAUDIO_WAV_SIZE_UNKNOWN

_FORMAT_NAMES = {
    FORMAT_PCM16: "pcm16",
    FORMAT_ULAW: "ulaw",
    FORMAT_ALAW: "alaw",
    FORMAT_PCM8: "pcm8",
    FORMAT_PCM24: "pcm24",
    FORMAT_PCM32: "pcm32",
    FORMAT_FLOAT32: "float32",
    FORMAT_FLOAT64: "float64",
}

#: The numpy dtype of one sample of each format (24-bit PCM has none: its samples are 3 raw bytes).
_DTYPES = {FORMAT_PCM16: "<i2", FORMAT_PCM32: "<i4", FORMAT_FLOAT32: "<f4", FORMAT_FLOAT64: "<f8"}


def _dtype(format: int) -> str:
    """The dtype a numpy array given as samples of ``format`` is converted to (bytes for the byte formats)."""
    return _DTYPES.get(format, "uint8")


#: bytes, bytearray, memoryview, or a numpy array.
Buffer = Union[bytes, bytearray, memoryview, Any]

_P_INT16 = ctypes.POINTER(ctypes.c_int16)
_P_UINT8 = ctypes.POINTER(ctypes.c_uint8)


def _numpy() -> Any:
    """numpy if the program has imported it (an array can only come from a program that did)."""
    return sys.modules.get("numpy")


def _is_array(data: object) -> bool:
    np = _numpy()
    return np is not None and isinstance(data, np.ndarray)


class _Input:
    """A read-only view of caller data as a C pointer: ``address`` (int or None), ``size`` in bytes."""

    def __init__(self, data: Buffer, dtype: str = "uint8") -> None:
        self.keep: Any = data
        if _is_array(data):
            np = _numpy()
            array = np.ascontiguousarray(data, dtype=np.dtype(dtype))
            self.keep = array
            self.address: Optional[int] = int(array.ctypes.data) if array.size else None
            self.size = int(array.nbytes)
            return
        if isinstance(data, memoryview):
            if not data.contiguous or data.readonly:
                data = data.tobytes()
            else:
                data = data.cast("B")
        if isinstance(data, (bytearray, memoryview)):
            array_type = ctypes.c_char * len(data)
            view = array_type.from_buffer(data)
            self.keep = (data, view)
            self.address = ctypes.addressof(view) if len(data) else None
            self.size = len(data)
        elif isinstance(data, bytes):
            pointer = ctypes.c_char_p(data)
            self.keep = (data, pointer)
            self.address = ctypes.cast(pointer, ctypes.c_void_p).value if data else None
            self.size = len(data)
        else:
            raise TypeError(f"expected bytes, bytearray, memoryview or a numpy array, not {type(data).__name__}")

    def as_(self, pointer_type: Any) -> Any:
        return ctypes.cast(self.address, pointer_type) if self.address else None


def _pcm_input(pcm: Buffer) -> tuple[_Input, int]:
    view = _Input(pcm, "int16")
    if view.size % 2:
        raise InvalidArgumentError(
            n.AZAUDIO_ERR_INVALID_ARGUMENT, f"PCM16 audio must be whole 2-byte samples; got {view.size} bytes"
        )
    return view, view.size // 2


class _Output:
    """A buffer the library writes ``count`` items of ``dtype`` into; bytes or a numpy array afterwards."""

    def __init__(self, count: int, dtype: str, as_array: bool) -> None:
        self.count = count
        self.itemsize = 2 if dtype == "int16" else 1
        self.array: Any = None
        if as_array:
            np = _numpy()
            self.array = np.empty(count, dtype=np.dtype(dtype))
            self.address: Optional[int] = int(self.array.ctypes.data) if count else None
        else:
            self.buffer = ctypes.create_string_buffer(max(count * self.itemsize, 1))
            self.address = ctypes.addressof(self.buffer) if count else None

    def as_(self, pointer_type: Any) -> Any:
        return ctypes.cast(self.address, pointer_type) if self.address else None

    def result(self, written: Optional[int] = None) -> Any:
        used = self.count if written is None else written
        if self.array is not None:
            return self.array[:used].copy() if used != self.count else self.array
        return ctypes.string_at(self.buffer, used * self.itemsize) if used else b""


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


# ---- WAV ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WavInfo:
    """A WAV file's format and where its samples are: ``format`` is FORMAT_PCM16, FORMAT_ULAW, FORMAT_ALAW,
    FORMAT_PCM8, FORMAT_PCM24, FORMAT_PCM32, FORMAT_FLOAT32 or FORMAT_FLOAT64."""

    format: int
    rate: int
    channels: int
    bits_per_sample: int
    block_align: int
    frames: int
    data_offset: int
    data_size: int

    @property
    def format_name(self) -> str:
        """ "pcm16", "ulaw", "alaw", "pcm8", "pcm24", "pcm32", "float32" or "float64"."""
        return _FORMAT_NAMES.get(self.format, str(self.format))

    @property
    def duration(self) -> float:
        """Seconds of audio."""
        return self.frames / self.rate if self.rate else 0.0

    @staticmethod
    def _from(info: Any) -> "WavInfo":
        return WavInfo(
            format=int(info.format),
            rate=int(info.sample_rate),
            channels=int(info.channels),
            bits_per_sample=int(info.bits_per_sample),
            block_align=int(info.block_align),
            frames=int(info.frame_count),
            data_offset=int(info.data_offset),
            data_size=int(info.data_size),
        )


@dataclass(frozen=True)
class Wav(WavInfo):
    """A WAV file read whole: its format (see :class:`WavInfo`) and ``data``, the interleaved samples as stored
    (little-endian PCM or float, or G.711 codes)."""

    data: bytes = b""

    def samples(self) -> Any:
        """The samples as a numpy array (int16 for PCM16, int32 for 24/32-bit PCM, float32/float64 for float,
        uint8 for 8-bit PCM and G.711 codes), shaped (frames,) for mono and (frames, channels) otherwise. Needs
        numpy."""
        np: Any = importlib.import_module("numpy")  # optional dependency
        if self.format == FORMAT_PCM24:
            raw = np.frombuffer(self.data, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
            array = (raw[:, 0] << 8 | raw[:, 1] << 16 | raw[:, 2] << 24) >> 8
        else:
            array = np.frombuffer(self.data, dtype=np.dtype(_dtype(self.format)))
        return array if self.channels == 1 else array.reshape(-1, self.channels)

    def write(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Write this audio as a WAV file."""
        write_wav(path, self.data, rate=self.rate, channels=self.channels, format=self.format)


def _wav_info_struct(format: int, rate: int, channels: int) -> Any:
    info = n.azaudio_wav_info()
    check(n.init_struct(info))
    info.format = format
    info.sample_rate = rate
    info.channels = channels
    return info


def _open_wav(source: Union[str, "os.PathLike[str]", bytes, bytearray, memoryview]) -> int:
    """An azaudio_audio_buffer handle for a WAV file (a path) or image (bytes); the caller destroys it."""
    handle = ctypes.c_void_p()
    if isinstance(source, (str, os.PathLike)):
        check(n.lib.azaudio_wav_read_file(n.encode_path(source), ctypes.byref(handle)))
    else:
        view = _Input(source)
        check(n.lib.azaudio_wav_read_memory(view.address, view.size, ctypes.byref(handle)))
    return int(handle.value or 0)


def _wav_from_buffer(handle: int) -> Wav:
    """A :class:`Wav` copied out of an azaudio_audio_buffer, which is destroyed."""
    try:
        info = n.azaudio_wav_info()
        check(n.lib.azaudio_audio_buffer_info(handle, ctypes.byref(info)))
        size = n.lib.azaudio_audio_buffer_size(handle)
        data = ctypes.string_at(n.lib.azaudio_audio_buffer_data(handle), size) if size else b""
        base = WavInfo._from(info)
        return Wav(**{**base.__dict__, "data": data})
    finally:
        n.lib.azaudio_audio_buffer_destroy(handle)


def read_wav(source: Union[str, "os.PathLike[str]", bytes, bytearray, memoryview]) -> Wav:
    """Read a WAV file (a path) or a WAV image (bytes): PCM (8, 16, 24, 32-bit), IEEE float (32, 64-bit), mu-law
    or A-law, plain or WAVE_FORMAT_EXTENSIBLE, any rate and channels; ``data`` holds the samples as stored.

    Raises ProtocolError for a malformed file, UnsupportedError for another encoding (ADPCM, 12-bit PCM...),
    NotFoundError / FileIOError when the file cannot be found or read; the message says what was wrong."""
    return _wav_from_buffer(_open_wav(source))


def read_wav_mono(
    source: Union[str, "os.PathLike[str]", bytes, bytearray, memoryview], *, rate: Optional[int] = None
) -> Wav:
    """Read any WAV the library reads (see read_wav()) as mono PCM16 at ``rate`` Hz (None: the file's own rate):
    channels averaged, then resampled by the library (azaudio_audio_buffer_to_mono_pcm16). Raises as read_wav(),
    and UnsupportedError when resampling is needed and a rate is outside 8000..192000 Hz."""
    if rate is not None and not 0 < rate <= 0xFFFFFFFF:
        raise InvalidArgumentError(n.AZAUDIO_ERR_INVALID_ARGUMENT, f"rate {rate} is out of range")
    n.require("azaudio_audio_buffer_to_mono_pcm16")
    handle = _open_wav(source)
    mono = ctypes.c_void_p()
    try:
        check(n.lib.azaudio_audio_buffer_to_mono_pcm16(handle, rate or 0, ctypes.byref(mono)))
    finally:
        n.lib.azaudio_audio_buffer_destroy(handle)
    return _wav_from_buffer(int(mono.value or 0))


def to_mono_pcm16(data: Buffer, *, format: int, channels: int = 1) -> Any:
    """Interleaved samples of any format and channel count -> mono PCM16, channels averaged
    (azaudio_audio_to_mono_pcm16): bytes, or an int16 array when ``data`` is a numpy array. A partial last frame
    is left out."""
    n.require("azaudio_audio_to_mono_pcm16")
    if not 0 < channels <= 65535:
        raise InvalidArgumentError(n.AZAUDIO_ERR_INVALID_ARGUMENT, f"channels is {channels}; use 1 to 65535")
    width = {FORMAT_PCM16: 2, FORMAT_PCM24: 3, FORMAT_PCM32: 4, FORMAT_FLOAT32: 4, FORMAT_FLOAT64: 8}.get(format, 1)
    source = _Input(data, _dtype(format))
    frames = source.size // (width * channels)
    out = _Output(frames, "int16", _is_array(data))
    check(n.lib.azaudio_audio_to_mono_pcm16(format, channels, source.address, frames, out.as_(_P_INT16)))
    return out.result()


def parse_wav(data: Union[bytes, bytearray, memoryview]) -> WavInfo:
    """Parse a WAV image without copying its samples: the format and where the samples are
    (``data[info.data_offset : info.data_offset + info.data_size]``). Errors as read_wav()."""
    view = _Input(data)
    info = n.azaudio_wav_info()
    check(n.lib.azaudio_wav_parse(view.address, view.size, ctypes.byref(info)))
    return WavInfo._from(info)


def wav_header(*, rate: int, data_size: int, channels: int = 1, format: int = FORMAT_PCM16) -> bytes:
    """The canonical 44-byte WAV header for ``data_size`` bytes of samples (WAV_SIZE_UNKNOWN for a stream whose
    length is not known yet). For streaming writers: write it, append samples, rewrite it with the final size."""
    info = _wav_info_struct(format, rate, channels)
    out = (ctypes.c_uint8 * WAV_HEADER_SIZE)()
    if not 0 <= data_size <= 0xFFFFFFFF:
        raise InvalidArgumentError(n.AZAUDIO_ERR_INVALID_ARGUMENT, f"data_size {data_size} does not fit in 32 bits")
    check(n.lib.azaudio_wav_header(ctypes.byref(info), data_size, out, WAV_HEADER_SIZE))
    return bytes(out)


def wav_bytes(data: Buffer, *, rate: int, channels: int = 1, format: int = FORMAT_PCM16) -> bytes:
    """A whole WAV image: wav_header() followed by the samples (and the pad byte odd sizes need)."""
    view = _Input(data, _dtype(format))
    samples = ctypes.string_at(view.address, view.size) if view.address else b""
    header = wav_header(rate=rate, data_size=view.size, channels=channels, format=format)
    return header + samples + (b"\0" if view.size % 2 else b"")


def write_wav(
    path: Union[str, "os.PathLike[str]"],
    data: Buffer,
    *,
    rate: int,
    channels: int = 1,
    format: int = FORMAT_PCM16,
) -> None:
    """Create or replace a WAV file holding ``data`` (interleaved samples; little-endian PCM16 or G.711 codes).
    Raises InvalidArgumentError (e.g. data that is not a whole number of frames), NotFoundError (a directory on
    the path does not exist) or FileIOError."""
    view = _Input(data, _dtype(format))
    info = _wav_info_struct(format, rate, channels)
    check(n.lib.azaudio_wav_write_file(n.encode_path(path), ctypes.byref(info), view.address, view.size))


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
