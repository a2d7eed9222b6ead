"""Audio helpers for the gateway tests: caller speech as a mu-law WAV (the emulator's own voice, so its
recogniser can hear it), and recognising what the gateway sent back. Run with the emulator's venv python."""

from __future__ import annotations

import struct

from azaudio_emulator import tts
from azaudio_emulator.realtime import audio as rt_audio
from azaudio_emulator.realtime import g711
from azaudio_emulator.stt import STTEngine

RATE = 8000


def speech_ulaw(text: str, lead_ms: int = 300, tail_ms: int = 1200) -> bytes:
    """`text` spoken at 8 kHz mu-law, with silence before and after (so the service's VAD sees the turn end)."""
    pcm24 = tts.TTSEngine().synthesize_pcm16(text, "alloy", 1.0)  # the emulator's synthesiser, as its TTS route uses it
    ulaw = rt_audio.encode_output("g711_ulaw", pcm24)
    return b"\xff" * (lead_ms * 8) + ulaw + b"\xff" * (tail_ms * 8)


def write_ulaw_wav(path: str, ulaw: bytes) -> None:
    """A WAVE_FORMAT_MULAW (7) file, 8 kHz mono, as SIPp's rtp_stream reads it. SIPp 3.6 sends the whole file,
    header included, in 160-byte frames and wraps a last partial frame around to the file's start: the audio is
    padded with silence so that the file is whole frames (else the last frame carries header bytes, a loud click
    the service's VAD takes for speech)."""
    fmt = struct.pack("<HHIIHHH", 7, 1, RATE, RATE, 1, 8, 0)
    header = 12 + 8 + len(fmt) + 8
    ulaw += b"\xff" * (-(header + len(ulaw)) % 160)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(ulaw)) + ulaw
    with open(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", len(body)) + body)


def ulaw_to_pcm8k(ulaw: bytes) -> bytes:
    return g711.decode(ulaw, "ulaw")


_recognizer: STTEngine | None = None


def recognise_ulaw(ulaw: bytes) -> str:
    """What the emulator's recogniser hears in 8 kHz mu-law audio."""
    global _recognizer
    if _recognizer is None:
        _recognizer = STTEngine()
    pcm24 = rt_audio.upsample_3x(g711.decode(ulaw, "ulaw"))
    return _recognizer.transcribe_pcm16(pcm24, 24000)


def rms_dbfs_ulaw(ulaw: bytes) -> float:
    return rt_audio.rms_dbfs(rt_audio.upsample_3x(g711.decode(ulaw, "ulaw")))
