"""Test helpers independent of the emulator's own code: speech made with
espeak-ng and ffmpeg directly, ffprobe to identify formats, SSE parsing."""

from __future__ import annotations

import json
import subprocess
import tempfile
from typing import Any

API_KEY = "test-key-123"

_FFMPEG_FORMATS = {
    "wav": ["-f", "wav"],
    "mp3": ["-f", "mp3"],
    "flac": ["-f", "flac"],
    "ogg": ["-c:a", "libopus", "-f", "ogg"],
    "webm": ["-c:a", "libopus", "-f", "webm"],
    "m4a": ["-c:a", "aac", "-f", "ipod"],
    "mp4": ["-c:a", "aac", "-f", "mp4"],
    "mpeg": ["-f", "mp3"],
    "mpga": ["-f", "mp3"],
}


def spoken(text: str, fmt: str) -> bytes:
    """`text` spoken by espeak-ng (a US English voice pocketsphinx recognises well), encoded as `fmt`."""
    wav = subprocess.run(
        ["espeak-ng", "-v", "en-us+m3", "-s", "160", "--stdout", text], capture_output=True, check=True
    ).stdout
    with tempfile.NamedTemporaryFile(suffix="." + fmt) as out:
        subprocess.run(
            [
                "ffmpeg",
                "-loglevel",
                "error",
                "-y",
                "-i",
                "pipe:0",
                "-ar",
                "16000",
                "-ac",
                "1",
                *_FFMPEG_FORMATS[fmt],
                out.name,
            ],
            input=wav,
            check=True,
        )
        return open(out.name, "rb").read()


def probe(data: bytes) -> dict[str, Any]:
    """What ffprobe makes of `data`: format name, codec, sample rate, duration."""
    with tempfile.NamedTemporaryFile() as f:
        f.write(data)
        f.flush()
        result = subprocess.run(
            [
                "ffprobe",
                "-v",
                "error",
                "-show_entries",
                "format=format_name,duration:stream=codec_name,sample_rate",
                "-of",
                "json",
                f.name,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    info = json.loads(result.stdout or "{}")
    stream = (info.get("streams") or [{}])[0]
    fmt = info.get("format", {})
    return {
        "format": fmt.get("format_name"),
        "codec": stream.get("codec_name"),
        "rate": int(stream.get("sample_rate", 0)),
        "duration": float(fmt.get("duration", 0)),
    }


def decoded_seconds(data: bytes) -> float:
    """How long `data` lasts once fully decoded by ffmpeg (fails if it cannot be decoded)."""
    with tempfile.NamedTemporaryFile() as f:
        f.write(data)
        f.flush()
        pcm = subprocess.run(
            ["ffmpeg", "-loglevel", "error", "-i", f.name, "-ac", "1", "-ar", "16000", "-f", "s16le", "pipe:1"],
            capture_output=True,
            check=True,
        ).stdout
    return len(pcm) / 32000


def sse_events(body: str) -> list[Any]:
    """The ``data:`` payloads of an SSE body, JSON-decoded ('[DONE]' kept as a string)."""
    events = []
    for block in body.split("\n\n"):
        for line in block.splitlines():
            if line.startswith("data: "):
                payload = line[len("data: ") :]
                events.append(payload if payload == "[DONE]" else json.loads(payload))
    return events
