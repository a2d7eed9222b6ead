"""WAV files: reading any ordinary WAV (PCM 8/16/24/32-bit, float, G.711, WAVE_FORMAT_EXTENSIBLE), writing, headers
and the down-mix to mono PCM16. Internal: the public names are in :mod:`azaudio.audio`."""

from __future__ import annotations

import ctypes
import importlib
import os
from dataclasses import dataclass
from typing import Any, Optional, Union

from . import _native as n
from ._buffers import _P_INT16, Buffer, _dtype, _Input, _is_array, _Output
from .errors import InvalidArgumentError, check

FORMAT_PCM16 = n.AZAUDIO_FORMAT_PCM16
FORMAT_PCM24 = n.AZAUDIO_FORMAT_PCM24
FORMAT_PCM32 = n.AZAUDIO_FORMAT_PCM32
FORMAT_FLOAT32 = n.AZAUDIO_FORMAT_FLOAT32
FORMAT_FLOAT64 = n.AZAUDIO_FORMAT_FLOAT64
WAV_HEADER_SIZE = n.AZAUDIO_WAV_HEADER_SIZE
WAV_SIZE_UNKNOWN = n.AZAUDIO_WAV_SIZE_UNKNOWN

_FORMAT_NAMES = {
    n.AZAUDIO_FORMAT_PCM16: "pcm16",
    n.AZAUDIO_FORMAT_ULAW: "ulaw",
    n.AZAUDIO_FORMAT_ALAW: "alaw",
    n.AZAUDIO_FORMAT_PCM8: "pcm8",
    n.AZAUDIO_FORMAT_PCM24: "pcm24",
    n.AZAUDIO_FORMAT_PCM32: "pcm32",
    n.AZAUDIO_FORMAT_FLOAT32: "float32",
    n.AZAUDIO_FORMAT_FLOAT64: "float64",
}


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
