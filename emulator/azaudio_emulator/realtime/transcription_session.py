"""Transcription-only realtime sessions: ``GET /openai/v1/realtime?intent=transcription`` (no model).

The session is configured with ``session.update {"session": {"type": "transcription", "audio": {"input":
{"format", "transcription": {"model": DEPLOYMENT, "language", "prompt", "delay"}, "noise_reduction",
"turn_detection"}}, "include": [...]}}`` (RealtimeTranscriptionSessionCreateRequestGA). Audio arrives with
``input_audio_buffer.append``; each utterance (cut by the energy VAD, or by ``input_audio_buffer.commit`` when
``turn_detection`` is null) becomes an item whose speech is recognised with the emulator's recogniser and sent as
``conversation.item.input_audio_transcription.delta`` (one per word), ``.segment`` (diarizing models, with the
speaker told apart by pitch) and ``.completed``. There are no responses: ``response.create`` is an error.
``gpt-realtime-whisper`` and ``gpt-live-transcribe`` transcribe continuously: they want ``turn_detection: null``
and still cut at pauses. ``delay`` is only for ``gpt-realtime-whisper``. Noise reduction is validated, not applied.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
from typing import Any

from aiohttp import web

from .. import diarize
from ..models import lookup_model
from ..stt import Recognition, Word
from .audio import decode_input, format_from_ga, ga_format_object, pcm_ms
from .errors import RealtimeError
from .ids import new_id
from .json_session import JsonEventSession
from .session import reset_transport
from .vad import EnergyVad, VadSettings

log = logging.getLogger(__name__)

TRANSCRIBING_FAMILIES = (
    "whisper",
    "gpt-4o-transcribe",
    "gpt-4o-transcribe-diarize",
    "gpt-transcribe",
    "realtime-transcribe",
)
DELAYS = ("minimal", "low", "medium", "high", "xhigh")
NOISE_REDUCTION = ("near_field", "far_field")
INCLUDE = ("item.input_audio_transcription.logprobs",)
DEFAULT_TURN_DETECTION = {"type": "server_vad", "threshold": 0.5, "prefix_padding_ms": 300, "silence_duration_ms": 500}


def _bad(message: str, param: str) -> RealtimeError:
    return RealtimeError("invalid_value", message, param)


class TranscriptionSession(JsonEventSession):
    """One transcription-only session on an open WebSocket."""

    def __init__(
        self, ctx: Any, ws: web.WebSocketResponse, entry: dict, faults: Any = None, transport: Any = None
    ) -> None:
        super().__init__(ws, entry["client_events"])
        self.ctx = ctx
        self.entry = entry
        #: The connection's faults (only ``tcp_reset`` with ``after_events`` applies here) and its transport.
        self.faults = faults
        self.transport = transport
        self.events_sent = 0
        self.format = "pcm16"
        self.transcription: dict | None = None
        self.noise_reduction: dict | None = None
        self.turn_detection: dict | None = dict(DEFAULT_TURN_DETECTION)
        self.include: list[str] = []
        self.vad = EnergyVad(VadSettings.from_turn_detection(self.turn_detection))
        self.buffer = bytearray()  # 24 kHz pcm16 not yet committed
        self.position_ms = 0  # input timeline: audio appended so far
        self.buffer_start_ms = 0
        self.item_id = new_id("item")
        self.previous_item: str | None = None
        self.id = new_id("sess")
        entry["input"]["session_id"] = self.id

    async def emit(self, type_: str, **fields: Any) -> None:
        """As JsonEventSession.emit; the tcp_reset fault's ``after_events`` counts what was sent."""
        await super().emit(type_, **fields)
        self.events_sent += 1
        after = self.faults.reset_after_events if self.faults is not None else None
        if after is not None and self.events_sent >= after and not self.ws.closed:
            self.faults.reset_after_events = None
            self.entry["close"]["fault"] = "tcp_reset"
            reset_transport(self.transport)

    def session_object(self) -> dict:
        return {
            "type": "transcription",
            "id": self.id,
            "object": "realtime.transcription_session",
            "audio": {
                "input": {
                    "format": ga_format_object(self.format),
                    "transcription": self.transcription,
                    "noise_reduction": self.noise_reduction,
                    "turn_detection": self.turn_detection,
                }
            },
            "include": self.include,
        }

    async def handle(self, event: dict) -> bool:
        kind = event.get("type")
        if kind == "session.update":
            self.configure(event.get("session"))
            await self.emit("session.updated", session=self.session_object())
        elif kind == "input_audio_buffer.append":
            await self.append(event.get("audio"))
        elif kind == "input_audio_buffer.commit":
            if not self.buffer:
                raise RealtimeError("input_audio_buffer_commit_empty", "The input audio buffer is empty.")
            await self.commit()
        elif kind == "input_audio_buffer.clear":
            self.buffer.clear()
            self.buffer_start_ms = self.position_ms
            self.vad.reset(self.position_ms)
            await self.emit("input_audio_buffer.cleared")
        elif kind in ("response.create", "response.cancel", "conversation.item.create"):
            raise RealtimeError(
                "invalid_event",
                f"'{kind}' is not available in a transcription session: it produces no responses.",
                "type",
            )
        else:
            raise RealtimeError("invalid_event", f"Unknown or unsupported event type '{kind}'.", "type")
        return False

    def configure(self, session: Any) -> None:
        """Validate and apply a transcription session.update."""
        if not isinstance(session, dict):
            raise _bad("Invalid 'session': expected an object.", "session")
        if session.get("type") != "transcription":
            raise _bad(
                f"Invalid 'session.type': '{session.get('type')}'. This is a transcription session "
                "(intent=transcription): the type must be 'transcription'.",
                "session.type",
            )
        unknown = set(session) - {"type", "audio", "include"}
        if unknown:
            raise RealtimeError(
                "unknown_parameter",
                f"Unknown parameter: 'session.{sorted(unknown)[0]}'.",
                f"session.{sorted(unknown)[0]}",
            )
        audio_input = (session.get("audio") or {}).get("input") or {}
        if not isinstance(audio_input, dict):
            raise _bad("Invalid 'session.audio.input': expected an object.", "session.audio.input")
        if "format" in audio_input:
            try:
                self.format = format_from_ga(audio_input["format"])
            except (KeyError, TypeError, ValueError):
                raise _bad("Invalid 'session.audio.input.format'.", "session.audio.input.format") from None
        if "noise_reduction" in audio_input:
            nr = audio_input["noise_reduction"]
            if nr is not None and (not isinstance(nr, dict) or nr.get("type") not in NOISE_REDUCTION):
                raise _bad(
                    'Invalid \'session.audio.input.noise_reduction\': null or {"type": "near_field" | "far_field"}.',
                    "session.audio.input.noise_reduction.type",
                )
            self.noise_reduction = nr
        if "transcription" in audio_input:
            self.transcription = self._transcription(audio_input["transcription"])
        if "turn_detection" in audio_input:
            td = audio_input["turn_detection"]
            if td is not None and (not isinstance(td, dict) or td.get("type") not in ("server_vad", "semantic_vad")):
                raise _bad(
                    "Invalid 'session.audio.input.turn_detection.type'.", "session.audio.input.turn_detection.type"
                )
            self.turn_detection = None if td is None else {**DEFAULT_TURN_DETECTION, **td}
        family = self._family()
        if family == "realtime-transcribe" and self.turn_detection is not None:
            raise _bad(
                f"The model '{self.transcription['model']}' transcribes continuously: set "
                "'session.audio.input.turn_detection' to null.",
                "session.audio.input.turn_detection",
            )
        include = session.get("include", self.include)
        if not isinstance(include, list) or any(i not in INCLUDE for i in include):
            raise _bad(f"Invalid 'session.include': supported values are {list(INCLUDE)}.", "session.include")
        self.include = include
        settings = self.turn_detection or DEFAULT_TURN_DETECTION
        self.vad = EnergyVad(VadSettings.from_turn_detection(settings))
        self.vad.reset(self.position_ms)

    def _family(self) -> str | None:
        if not self.transcription:
            return None
        info = lookup_model(self.ctx.deployments.get(self.transcription["model"], ""))
        return info.family if info else None

    def _transcription(self, value: Any) -> dict | None:
        param = "session.audio.input.transcription"
        if value is None:
            return None
        if not isinstance(value, dict):
            raise _bad(f"Invalid '{param}': expected an object or null.", param)
        model = value.get("model")
        if not isinstance(model, str) or model not in self.ctx.deployments:
            raise RealtimeError(
                "deployment_not_found",
                f"The transcription model '{model}' is not a deployment of this resource.",
                f"{param}.model",
            )
        info = lookup_model(self.ctx.deployments[model])
        if info is None or info.family not in TRANSCRIBING_FAMILIES:
            raise _bad(f"The deployment '{model}' cannot transcribe audio.", f"{param}.model")
        if "delay" in value:
            if value["delay"] not in DELAYS:
                raise _bad(f"Invalid '{param}.delay': supported values are {list(DELAYS)}.", f"{param}.delay")
            if info.name != "gpt-realtime-whisper":
                raise _bad(f"'{param}.delay' is only supported with gpt-realtime-whisper.", f"{param}.delay")
        for name in ("language", "prompt"):
            if name in value and not isinstance(value[name], str):
                raise _bad(f"Invalid '{param}.{name}': expected a string.", f"{param}.{name}")
        return dict(value)

    async def append(self, audio: Any) -> None:
        if not isinstance(audio, str):
            raise _bad("Invalid 'audio': expected base64 audio.", "audio")
        try:
            pcm = decode_input(self.format, base64.b64decode(audio, validate=True))
        except (binascii.Error, ValueError):
            raise _bad("Invalid 'audio': not valid base64.", "audio") from None
        self.entry["input"]["audio_bytes"] += len(base64.b64decode(audio))  # (as sent, for the control API)
        self.entry["input"]["appends"] += 1
        self.buffer += pcm
        self.position_ms += int(pcm_ms(len(pcm)))
        for change in self.vad.feed(pcm, self.buffer_start_ms):
            if change.kind == "started":
                await self.emit("input_audio_buffer.speech_started", audio_start_ms=change.ms, item_id=self.item_id)
            else:
                await self.emit("input_audio_buffer.speech_stopped", audio_end_ms=change.ms, item_id=self.item_id)
                await self.commit()

    async def commit(self) -> None:
        """Close the current item with the buffered audio and transcribe it."""
        pcm = bytes(self.buffer)
        self.buffer.clear()
        self.buffer_start_ms = self.position_ms
        item_id, self.item_id = self.item_id, new_id("item")
        await self.emit("input_audio_buffer.committed", item_id=item_id, previous_item_id=self.previous_item)
        await self.emit(
            "conversation.item.added",
            previous_item_id=self.previous_item,
            item={
                "id": item_id,
                "type": "message",
                "object": "realtime.item",
                "role": "user",
                "status": "completed",
                "content": [{"type": "input_audio", "transcript": None}],
            },
        )
        self.previous_item = item_id
        if self.transcription is not None:
            self.spawn(self._transcribe(item_id, pcm))

    async def _transcribe(self, item_id: str, pcm: bytes) -> None:
        loop = asyncio.get_running_loop()
        pcm16k = await loop.run_in_executor(None, _to_16k, pcm)
        words16 = await loop.run_in_executor(None, self.ctx.stt.transcribe_pcm16_words, pcm16k, diarize.RATE)
        recognition = Recognition(
            tuple(Word(w, start, end, 1.0) for w, start, end in words16), pcm_ms(len(pcm)) / 1000.0
        )
        words = [w.word for w in recognition.words]
        for i, word in enumerate(words):
            event: dict[str, Any] = {
                "item_id": item_id,
                "content_index": 0,
                "delta": word if i == len(words) - 1 else word + " ",
            }
            if self.include:
                event["logprobs"] = [{"token": word, "logprob": -0.1, "bytes": list(word.encode())}]
            await self.emit("conversation.item.input_audio_transcription.delta", **event)
        if self._family() == "gpt-4o-transcribe-diarize":
            segments = await loop.run_in_executor(None, diarize.diarize, pcm16k, recognition, None)
            for n, s in enumerate(segments):
                await self.emit(
                    "conversation.item.input_audio_transcription.segment",
                    item_id=item_id,
                    content_index=0,
                    id=f"seg_{n + 1:03d}",
                    speaker=s.speaker,
                    start=round(s.start, 2),
                    end=round(s.end, 2),
                    text=s.text,
                )
        seconds = pcm_ms(len(pcm)) / 1000.0
        await self.emit(
            "conversation.item.input_audio_transcription.completed",
            item_id=item_id,
            content_index=0,
            transcript=recognition.text,
            usage={"type": "duration", "seconds": round(seconds, 3)},
        )


def _to_16k(pcm24k: bytes) -> bytes:
    from .. import audio

    return audio.resample(pcm24k, 24_000, diarize.RATE)


def is_transcription_request(request: web.Request) -> bool:
    """A GA realtime URL asking for a transcription session (``intent=transcription`` and no model)."""
    return request.query.get("intent") == "transcription" and "model" not in request.query
