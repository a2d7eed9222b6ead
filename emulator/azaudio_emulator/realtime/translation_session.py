"""Realtime translation sessions: ``GET /openai/v1/realtime/translations?model=DEPLOYMENT`` (gpt-realtime-translate).

The wire (RealtimeTranslation* schemas): the client sends ``session.update {"session": {"audio": {"output":
{"language": "es"}, "input": {"transcription": {"model": ...} | null, "noise_reduction": {...} | null}}}}``,
``session.input_audio_buffer.append {audio}`` (base64 24 kHz pcm16, best in 200 ms chunks, silence included)
and ``session.close``; the server answers ``session.created`` / ``session.updated`` / ``session.closed``,
``session.input_transcript.delta`` (when input transcription is on), ``session.output_transcript.delta`` and
``session.output_audio.delta {delta, sample_rate, channels, format, elapsed_ms}``.

The emulator does not translate: it recognises each utterance (energy VAD), marks the text with the target
language (``[es] hello there``) and speaks that with its synthesiser. The Azure path of this route is
unverified (Azure documents none yet); the emulator serves OpenAI's.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import time
from typing import Any

from aiohttp import web

from .. import audio as rest_audio
from ..errors import ApiError, deployment_not_found
from ..handlers import context
from ..languages import LANGUAGES
from ..models import lookup_model
from .audio import pcm_ms
from .errors import RealtimeError
from .ids import new_id
from .json_session import JsonEventSession
from .transcription_session import NOISE_REDUCTION, TRANSCRIBING_FAMILIES
from .vad import EnergyVad, VadSettings

PATH = "/openai/v1/realtime/translations"
CHUNK_MS = 200
SESSION_SECONDS = 3600


class TranslationSession(JsonEventSession):
    """One translation session on an open WebSocket."""

    def __init__(self, ctx: Any, ws: web.WebSocketResponse, deployment: str) -> None:
        super().__init__(ws)
        self.ctx = ctx
        self.id = new_id("sess")
        self.deployment = deployment
        self.language: str | None = None
        self.transcription: dict | None = None
        self.noise_reduction: dict | None = None
        self.vad = EnergyVad(VadSettings(0.5, 300, 500))
        self.utterance = bytearray()
        self.position_ms = 0
        self.expires_at = int(time.time()) + SESSION_SECONDS

    def session_object(self) -> dict:
        return {
            "id": self.id,
            "type": "translation",
            "expires_at": self.expires_at,
            "model": self.deployment,
            "audio": {
                "input": {"transcription": self.transcription, "noise_reduction": self.noise_reduction},
                "output": {"language": self.language},
            },
        }

    async def handle(self, event: dict) -> bool:
        """Handle one client event; True once the session should end."""
        kind = event.get("type")
        if kind == "session.update":
            self.configure(event.get("session"))
            await self.emit("session.updated", session=self.session_object())
        elif kind == "session.input_audio_buffer.append":
            await self.append(event.get("audio"))
        elif kind == "session.close":
            if self.tasks:
                await asyncio.gather(*list(self.tasks), return_exceptions=True)
            await self.emit("session.closed")
            await self.ws.close(code=1000)
            return True
        else:
            raise RealtimeError("invalid_event", f"Unknown event type '{kind}' for a translation session.", "type")
        return False

    def configure(self, session: Any) -> None:
        if not isinstance(session, dict):
            raise RealtimeError("invalid_value", "Invalid 'session': expected an object.", "session")
        unknown = set(session) - {"audio", "model"}
        if unknown:
            name = sorted(unknown)[0]
            raise RealtimeError("unknown_parameter", f"Unknown parameter: 'session.{name}'.", f"session.{name}")
        audio = session.get("audio") or {}
        output = audio.get("output") or {}
        if "language" in output:
            if output["language"] not in LANGUAGES:
                raise RealtimeError(
                    "invalid_value",
                    "Invalid 'session.audio.output.language': expected an ISO-639-1 code such as 'es'.",
                    "session.audio.output.language",
                )
            self.language = output["language"]
        audio_input = audio.get("input") or {}
        if "transcription" in audio_input:
            value = audio_input["transcription"]
            if value is not None:
                model = value.get("model") if isinstance(value, dict) else None
                info = lookup_model(self.ctx.deployments.get(model or "", ""))
                if info is None or info.family not in TRANSCRIBING_FAMILIES:
                    raise RealtimeError(
                        "invalid_value",
                        f"The deployment '{model}' cannot transcribe audio.",
                        "session.audio.input.transcription.model",
                    )
            self.transcription = value
        if "noise_reduction" in audio_input:
            nr = audio_input["noise_reduction"]
            if nr is not None and (not isinstance(nr, dict) or nr.get("type") not in NOISE_REDUCTION):
                raise RealtimeError(
                    "invalid_value",
                    "Invalid 'session.audio.input.noise_reduction.type'.",
                    "session.audio.input.noise_reduction.type",
                )
            self.noise_reduction = nr

    async def append(self, data: Any) -> None:
        if self.language is None:
            raise RealtimeError(
                "invalid_value",
                "Set session.audio.output.language before sending audio.",
                "session.audio.output.language",
            )
        try:
            pcm = base64.b64decode(data if isinstance(data, str) else "", validate=True)
        except (binascii.Error, ValueError):
            raise RealtimeError("invalid_value", "Invalid 'audio': not valid base64.", "audio") from None
        if not pcm or len(pcm) % 2:
            raise RealtimeError("invalid_value", "Invalid 'audio': expected 24 kHz pcm16 bytes.", "audio")
        self.utterance += pcm
        self.position_ms += int(pcm_ms(len(pcm)))
        for change in self.vad.feed(pcm, 0):
            if change.kind == "stopped":
                spoken, self.utterance = bytes(self.utterance), bytearray()
                self.spawn(self.translate(spoken, self.position_ms))

    async def translate(self, pcm: bytes, elapsed_ms: int) -> None:
        loop = asyncio.get_running_loop()
        pcm16k = await loop.run_in_executor(None, rest_audio.resample, pcm, 24_000, 16_000)
        words = [w for w, _, _ in await loop.run_in_executor(None, self.ctx.stt.transcribe_pcm16_words, pcm16k, 16_000)]
        if not words:
            return
        if self.transcription is not None:
            for i, word in enumerate(words):
                await self.emit(
                    "session.input_transcript.delta", delta=(" " if i else "") + word, elapsed_ms=elapsed_ms
                )
        marked = [f"[{self.language}]", *words]
        for i, word in enumerate(marked):
            await self.emit("session.output_transcript.delta", delta=(" " if i else "") + word, elapsed_ms=elapsed_ms)
        speech = await loop.run_in_executor(None, self.ctx.tts.synthesize_pcm16, " ".join(words), "alloy")
        step = 24_000 * 2 * CHUNK_MS // 1000
        for offset in range(0, len(speech), step):
            await self.emit(
                "session.output_audio.delta",
                delta=base64.b64encode(speech[offset : offset + step]).decode(),
                sample_rate=24_000,
                channels=1,
                format="pcm16",
                elapsed_ms=elapsed_ms + offset * 1000 // (24_000 * 2),
            )


async def translations(request: web.Request) -> web.StreamResponse:
    """The route's handler (auth already checked by the pipeline)."""
    ctx = context(request)
    deployment = request.query.get("model")
    if not deployment:
        raise ApiError(400, "BadRequest", "Missing required query parameter 'model'.", gateway=True)
    model = ctx.deployments.get(deployment)
    if model is None:
        raise deployment_not_found()
    info = lookup_model(model)
    if info is None or info.family != "realtime-translate":
        raise ApiError(
            400,
            "OperationNotSupported",
            f"The deployment '{deployment}' (model '{model}') does not do realtime translation.",
        )
    ws = web.WebSocketResponse(protocols=("realtime",), autoping=True)
    if not ws.can_prepare(request).ok:
        raise ApiError(400, "BadRequest", "The translation endpoint needs a WebSocket upgrade request.", gateway=True)
    await ws.prepare(request)
    await TranslationSession(ctx, ws, deployment).run()
    return ws


def add_translation_route(app: web.Application) -> None:
    app.router.add_get(PATH, translations)
