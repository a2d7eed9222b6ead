"""Harness for the realtime tests: fake engines, a served emulator, a small client.

The realtime tests run the REST half's real application (`create_app`) on a
free port of 127.0.0.1 inside the test's own event loop, with fake speech
engines and a high `speed` so that they are fast and deterministic:

* `FakeTTS` "speaks" each word as a 120 ms 440 Hz tone burst followed by 40 ms
  of silence (loud enough for the VAD), and records what it was asked to say;
* `FakeSTT` "hears" `FakeSTT.text` in any audio louder than -45 dBFS, and ""
  in silence.

`RealtimeClient` wraps an aiohttp WebSocket: `send` a client event, `next`
server event, `until` a given type (keeping what came before). This file holds
no tests itself.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import math
import struct
from typing import Any, AsyncIterator

import aiohttp
from aiohttp import web
from azaudio_emulator.app import create_app
from azaudio_emulator.context import EmulatorContext
from azaudio_emulator.faults import FaultQueue
from azaudio_emulator.models import DEFAULT_DEPLOYMENTS
from azaudio_emulator.realtime.audio import rms_dbfs
from azaudio_emulator.requestlog import RequestLog

KEY = "realtime-test-key"
PREVIEW_VERSION = "2025-04-01-preview"
RATE = 24_000


# ------------------------------------------------------------------ audio


def tone(ms: float, freq: float = 440.0, amplitude: int = 8000, rate: int = RATE) -> bytes:
    """A sine tone as s16le PCM."""
    count = int(rate * ms / 1000)
    return struct.pack(f"<{count}h", *(int(amplitude * math.sin(2 * math.pi * freq * n / rate)) for n in range(count)))


def silence(ms: float, rate: int = RATE) -> bytes:
    """Digital silence as s16le PCM."""
    return bytes(2 * int(rate * ms / 1000))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.b64decode(text)


# ---------------------------------------------------------------- engines


class FakeTTS:
    """Each word -> 120 ms tone + 40 ms silence (24 kHz s16le)."""

    WORD_MS = 160

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, float]] = []

    def synthesize_pcm16(self, text: str, voice: str, speed: float = 1.0) -> bytes:
        self.calls.append((text, voice, speed))
        words = text.split() or [""]
        return b"".join(tone(120) + silence(40) for _ in words)


class FakeSTT:
    """Hears `text` in any non-silent audio."""

    def __init__(self, text: str = "hello emulator") -> None:
        self.text = text
        self.calls = 0

    def transcribe_pcm16(self, pcm: bytes, rate: int) -> str:
        self.calls += 1
        return self.text if pcm and rms_dbfs(pcm) > -45 else ""

    def transcribe_pcm16_words(self, pcm: bytes, rate: int) -> list[tuple[str, float, float]]:
        return [(w, 0.0, 0.0) for w in self.transcribe_pcm16(pcm, rate).split()]


def make_ctx(**overrides: Any) -> EmulatorContext:
    """A context with fake engines, speed 1000 and every default deployment (plus a few)."""
    fields: dict[str, Any] = {
        "api_key": KEY,
        "deployments": dict(
            DEFAULT_DEPLOYMENTS, **{"my-realtime": "gpt-4o-mini-realtime-preview", "my-whisper": "whisper-1"}
        ),
        "speed": 1000.0,
        "session_max_seconds": 60.0,
        "tts": FakeTTS(),
        "stt": FakeSTT(),
        "faults": FaultQueue(),
        "log": RequestLog(),
    }
    fields.update(overrides)
    return EmulatorContext(**fields)


@contextlib.asynccontextmanager
async def served(ctx: EmulatorContext) -> AsyncIterator[str]:
    """Serve the real app for `ctx` on a free port; yields its http:// base URL."""
    runner = web.AppRunner(create_app(ctx), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def realtime_path(protocol: str, deployment: str | None = None) -> str:
    """The realtime URL path+query for a protocol ("preview" or "ga")."""
    if protocol == "ga":
        return f"/openai/v1/realtime?model={deployment or 'gpt-realtime'}"
    return f"/openai/realtime?api-version={PREVIEW_VERSION}&deployment={deployment or 'gpt-4o-realtime-preview'}"


# ----------------------------------------------------------------- client


class RealtimeClient:
    """A thin scripted realtime client over an aiohttp WebSocket."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, protocol: str) -> None:
        self.ws = ws
        self.protocol = protocol
        self.received: list[dict] = []
        self._counter = 0

    async def send(self, type_: str, **fields: Any) -> str:
        """Send a client event with a fresh event_id; returns the id."""
        self._counter += 1
        event_id = f"evt_test_{self._counter}"
        await self.ws.send_str(json.dumps({"type": type_, "event_id": event_id, **fields}))
        return event_id

    async def send_raw(self, text: str) -> None:
        await self.ws.send_str(text)

    async def next(self, timeout: float = 10.0) -> dict:
        """The next server event (fails on close or a non-JSON frame)."""
        msg = await self.ws.receive(timeout=timeout)
        if msg.type != aiohttp.WSMsgType.TEXT:
            raise AssertionError(f"expected a text frame, got {msg.type} {msg.data!r} {msg.extra!r}")
        event = json.loads(msg.data)
        self.received.append(event)
        return event

    async def until(self, type_: str, timeout: float = 10.0) -> list[dict]:
        """Events up to and including the first of `type_`."""
        events = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = await self.next(max(0.01, deadline - loop.time()))
            events.append(event)
            if event["type"] == type_:
                return events

    async def expect(self, type_: str, timeout: float = 10.0) -> dict:
        """Skip to the first event of `type_` and return it."""
        return (await self.until(type_, timeout))[-1]

    async def append(self, pcm: bytes, chunk_ms: int = 100, rate: int = RATE, width: int = 2) -> None:
        """Send `pcm` in appends of `chunk_ms`."""
        step = rate * width * chunk_ms // 1000
        for offset in range(0, len(pcm), step):
            await self.send("input_audio_buffer.append", audio=b64(pcm[offset : offset + step]))

    async def quiet(self, seconds: float = 0.2) -> list[dict]:
        """Whatever arrives within `seconds` (expects no close)."""
        events = []
        with contextlib.suppress(asyncio.TimeoutError):
            while True:
                events.append(await self.next(seconds))
        return events


@contextlib.asynccontextmanager
async def connect(
    base: str,
    protocol: str = "preview",
    deployment: str | None = None,
    headers: dict | None = None,
    path: str | None = None,
    skip_greeting: bool = True,
) -> AsyncIterator[RealtimeClient]:
    """Open a realtime session; by default consumes session.created (and conversation.created)."""
    url = base + (path or realtime_path(protocol, deployment))
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(
            url, headers=headers if headers is not None else {"api-key": KEY}, max_msg_size=0
        ) as ws:
            client = RealtimeClient(ws, protocol)
            if skip_greeting:
                await client.expect("session.created")
                if protocol == "preview":
                    await client.expect("conversation.created")
            yield client


def run(coro: Any, timeout: float = 60.0) -> Any:
    """Run an async test body with an overall timeout."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


def types(events: list[dict]) -> list[str]:
    return [e["type"] for e in events]


GA_NAMES = {
    "audio_delta": "response.output_audio.delta",
    "audio_done": "response.output_audio.done",
    "transcript_delta": "response.output_audio_transcript.delta",
    "transcript_done": "response.output_audio_transcript.done",
    "text_delta": "response.output_text.delta",
    "text_done": "response.output_text.done",
    "item_created": "conversation.item.added",
}
PREVIEW_NAMES = {
    "audio_delta": "response.audio.delta",
    "audio_done": "response.audio.done",
    "transcript_delta": "response.audio_transcript.delta",
    "transcript_done": "response.audio_transcript.done",
    "text_delta": "response.text.delta",
    "text_done": "response.text.done",
    "item_created": "conversation.item.created",
}


def names(protocol: str) -> dict[str, str]:
    """Wire event names of a protocol, by role."""
    return GA_NAMES if protocol == "ga" else PREVIEW_NAMES


def session_update(
    protocol: str,
    *,
    input_format: str | None = None,
    output_format: str | None = None,
    turn_detection: Any = "keep",
    transcription: Any = "keep",
    text_only: bool = False,
    voice: str | None = None,
    tools: list | None = None,
    tool_choice: Any = None,
) -> dict:
    """A session.update ``session`` object in the protocol's shape."""
    ga_formats = {
        "pcm16": {"type": "audio/pcm", "rate": 24000},
        "g711_ulaw": {"type": "audio/pcmu"},
        "g711_alaw": {"type": "audio/pcma"},
    }
    if protocol == "ga":
        session: dict[str, Any] = {"type": "realtime"}
        audio_in: dict[str, Any] = {}
        audio_out: dict[str, Any] = {}
        if input_format:
            audio_in["format"] = ga_formats[input_format]
        if output_format:
            audio_out["format"] = ga_formats[output_format]
        if turn_detection != "keep":
            audio_in["turn_detection"] = turn_detection
        if transcription != "keep":
            audio_in["transcription"] = transcription
        if voice:
            audio_out["voice"] = voice
        if audio_in or audio_out:
            session["audio"] = {k: v for k, v in (("input", audio_in), ("output", audio_out)) if v}
        if text_only:
            session["output_modalities"] = ["text"]
    else:
        session = {}
        if input_format:
            session["input_audio_format"] = input_format
        if output_format:
            session["output_audio_format"] = output_format
        if turn_detection != "keep":
            session["turn_detection"] = turn_detection
        if transcription != "keep":
            session["input_audio_transcription"] = transcription
        if voice:
            session["voice"] = voice
        if text_only:
            session["modalities"] = ["text"]
    if tools is not None:
        session["tools"] = tools
    if tool_choice is not None:
        session["tool_choice"] = tool_choice
    return session
