"""Audio formats: decoding uploads to PCM and encoding PCM to response formats.

All conversions go through ffmpeg. The emulator's internal audio is mono 16-bit
signed little-endian PCM ("pcm16"): 24 kHz for speech output, 16 kHz for
recognition.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import struct
import subprocess
import tempfile
from collections.abc import AsyncIterator

OUTPUT_RATE = 24_000

#: Upload extensions the transcription and translation routes accept.
INPUT_EXTENSIONS = ("flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "ogg", "wav", "webm")

#: Speech response formats: ffmpeg output arguments (None: written by the emulator itself).
_ENCODERS: dict[str, list[str] | None] = {
    "mp3": ["-c:a", "libmp3lame", "-b:a", "48k", "-f", "mp3"],
    "opus": ["-c:a", "libopus", "-b:a", "32k", "-f", "ogg"],
    "aac": ["-c:a", "aac", "-b:a", "48k", "-f", "adts"],
    "flac": ["-c:a", "flac", "-f", "flac"],
    "wav": None,
    "pcm": None,
}
SPEECH_FORMATS = tuple(_ENCODERS)

CONTENT_TYPES = {
    "mp3": "audio/mpeg",
    "opus": "audio/ogg",
    "aac": "audio/aac",
    "flac": "audio/flac",
    "wav": "audio/wav",
    "pcm": "audio/pcm",
}

#: Bytes per chunk when the emulator slices audio itself (100 ms of 24 kHz pcm16).
CHUNK_BYTES = OUTPUT_RATE * 2 // 10


class AudioDecodeError(Exception):
    """ffmpeg could not decode the input."""


def duration_seconds(pcm: bytes, rate: int) -> float:
    """Length of mono pcm16 audio in seconds."""
    return len(pcm) / (2 * rate)


def wav_header(data_bytes: int, rate: int = OUTPUT_RATE) -> bytes:
    """A 44-byte RIFF/WAVE header for mono pcm16 with exact sizes."""
    return struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + data_bytes,
        b"WAVE",
        b"fmt ",
        16,
        1,
        1,
        rate,
        rate * 2,
        2,
        16,
        b"data",
        data_bytes,
    )


def _ffmpeg(*args: str) -> list[str]:
    return ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", *args]


def decode_file(data: bytes, extension: str, rate: int = 16_000) -> bytes:
    """Decode an uploaded audio file to mono pcm16 at `rate` (blocking).

    The bytes go through a temporary file so containers that need seeking
    (mp4/m4a) decode. Raises AudioDecodeError when ffmpeg fails.
    """
    with tempfile.NamedTemporaryFile(suffix="." + extension) as f:
        f.write(data)
        f.flush()
        result = subprocess.run(
            _ffmpeg("-i", f.name, "-vn", "-ac", "1", "-ar", str(rate), "-f", "s16le", "pipe:1"),
            capture_output=True,
            check=False,
        )
    if result.returncode != 0:
        raise AudioDecodeError(result.stderr.decode(errors="replace").strip()[-300:])
    return result.stdout


def decode_file_native(data: bytes, extension: str) -> tuple[bytes, int]:
    """Decode an uploaded audio file to mono pcm16 at its own sample rate (blocking): the samples and the rate.

    Raises AudioDecodeError when ffmpeg fails.
    """
    with tempfile.NamedTemporaryFile(suffix="." + extension) as f:
        f.write(data)
        f.flush()
        result = subprocess.run(
            _ffmpeg(
                "-i", f.name, "-vn", "-ac", "1", "-c:a", "pcm_s16le", "-fflags", "+bitexact", "-f", "wav", "pipe:1"
            ),
            capture_output=True,
            check=False,
        )
    if result.returncode != 0:
        raise AudioDecodeError(result.stderr.decode(errors="replace").strip()[-300:])
    return _wav_samples(result.stdout)


def declared_seconds(data: bytes, extension: str) -> float | None:
    """How long a WAV or FLAC upload says it is, from its header alone (None for other formats, or when the header
    does not say)."""
    try:
        if extension == "flac" and data[:4] == b"fLaC" and data[4] & 0x7F == 0:  # STREAMINFO comes first
            fields = int.from_bytes(data[18:26], "big")
            rate, frames = fields >> 44, fields & ((1 << 36) - 1)
            return frames / rate if rate and frames else None
        if extension == "wav" and data[:4] == b"RIFF" and data[8:12] == b"WAVE":
            at, byte_rate = 12, 0
            while at + 8 <= len(data):
                tag, size = data[at : at + 4], struct.unpack_from("<I", data, at + 4)[0]
                if tag == b"fmt ":
                    byte_rate = struct.unpack_from("<I", data, at + 16)[0]
                elif tag == b"data":
                    return size / byte_rate if byte_rate and 0 < size < 0xFFFFFFFF else None
                at += 8 + size + (size & 1)
    except (IndexError, struct.error):
        pass
    return None


def _wav_samples(wav: bytes) -> tuple[bytes, int]:
    """The samples and rate of a pcm16 WAV that ffmpeg wrote to a pipe (its chunk sizes may be placeholders)."""
    at, rate = 12, 0
    while at + 8 <= len(wav):
        tag, size = wav[at : at + 4], struct.unpack_from("<I", wav, at + 4)[0]
        if tag == b"data":
            return wav[at + 8 :], rate
        if tag == b"fmt ":
            rate = struct.unpack_from("<I", wav, at + 12)[0]
        at += 8 + size + (size & 1)
    raise AudioDecodeError("ffmpeg wrote no audio")


def resample(pcm: bytes, from_rate: int, to_rate: int) -> bytes:
    """Resample mono pcm16 (blocking)."""
    if from_rate == to_rate or not pcm:
        return pcm
    result = subprocess.run(
        _ffmpeg(
            "-f",
            "s16le",
            "-ar",
            str(from_rate),
            "-ac",
            "1",
            "-i",
            "pipe:0",
            "-ar",
            str(to_rate),
            "-f",
            "s16le",
            "pipe:1",
        ),
        input=pcm,
        capture_output=True,
        check=True,
    )
    return result.stdout


def _slices(data: bytes, size: int = CHUNK_BYTES) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)] or [b""]


async def encode_stream(pcm: bytes, fmt: str) -> AsyncIterator[bytes]:
    """Yield 24 kHz pcm16 encoded as `fmt`, chunk by chunk as the encoder produces it.

    ``pcm`` is sent raw and ``wav`` gets an exact header; both are sliced into
    100 ms chunks. The other formats stream out of an ffmpeg process, which
    is killed if the consumer stops early.
    """
    encoder = _ENCODERS[fmt]
    if encoder is None:
        if fmt == "wav":
            yield wav_header(len(pcm))
        for chunk in _slices(pcm):
            yield chunk
        return
    process = await asyncio.create_subprocess_exec(
        *_ffmpeg("-f", "s16le", "-ar", str(OUTPUT_RATE), "-ac", "1", "-i", "pipe:0", *encoder, "pipe:1"),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )

    async def feed() -> None:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            process.stdin.write(pcm)
            await process.stdin.drain()
        process.stdin.close()

    feeder = asyncio.create_task(feed())
    try:
        while chunk := await process.stdout.read(16_384):
            yield chunk
        await feeder
        if await process.wait() != 0:
            raise RuntimeError(f"ffmpeg failed to encode {fmt}")
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        feeder.cancel()


async def encode(pcm: bytes, fmt: str) -> bytes:
    """Encode 24 kHz pcm16 as `fmt` in one piece."""
    return b"".join([chunk async for chunk in encode_stream(pcm, fmt)])


def extension_of(filename: str) -> str:
    """The lower-case extension of `filename` without the dot ('' when none)."""
    base = os.path.basename(filename)
    stem, dot, ext = base.rpartition(".")
    return ext.lower() if dot and stem else ""
