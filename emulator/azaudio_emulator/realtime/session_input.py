"""The input audio buffer of a realtime session: ``input_audio_buffer.append`` / ``commit`` / ``clear``,
``output_audio_buffer.clear``, and the VAD's speech starts and stops.

The buffer holds 24 kHz PCM on the session's input timeline (every sample appended since the session began).
``commit`` needs at least 100 ms and commits the whole buffer; a VAD stop commits ``audio_start_ms`` to
``audio_end_ms`` and keeps what follows; while VAD is on and nobody speaks, only the last ``prefix_padding_ms`` + 5 s
is kept. A mixin of `RealtimeSession`, whose state it reads and changes.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from typing import TYPE_CHECKING, Any

from . import audio, client_events, sideband
from .conversation import Item
from .errors import RealtimeError
from .ids import new_id
from .transcription import start_hearing
from .vad import EnergyVad, VadEvent

if TYPE_CHECKING:
    from .config import SessionSettings
    from .faults import SessionFaults
    from .responses import Response

MAX_APPEND_BYTES = 15 * 1024 * 1024
MIN_COMMIT_MS = 100
IDLE_KEEP_MS = 5000


class InputBufferEvents:
    """The input buffer's client events and VAD turns, for `RealtimeSession`."""

    settings: SessionSettings
    buffer: bytearray
    buffer_start_sample: int
    total_samples: int
    _pcm_carry: bytes
    vad: EnergyVad | None
    speech_item_id: str | None
    speech_start_ms: int
    response: Response | None
    log_entry: dict
    conversation: Any
    sideband: Any
    idle_since_ms: int | None
    faults: SessionFaults
    closed: bool

    def timeline_ms(self) -> int:
        """Milliseconds of input audio appended since the session began."""
        return self.total_samples // 24

    def buffer_start_ms(self) -> int:
        return self.buffer_start_sample // 24

    async def _on_append(self, event: client_events.ParsedEvent) -> None:
        try:
            raw = base64.b64decode(event.get("audio"), validate=True)
        except (binascii.Error, ValueError):
            raise RealtimeError(
                "invalid_value", "Invalid 'audio': expected base64-encoded audio bytes.", "audio"
            ) from None
        if len(raw) > MAX_APPEND_BYTES:
            raise RealtimeError(
                "invalid_value",
                f"Invalid 'audio': {len(raw)} bytes is more than the maximum of {MAX_APPEND_BYTES} bytes per event.",
                "audio",
            )
        fmt = self.settings.input_format
        if fmt == "pcm16":
            raw = self._pcm_carry + raw
            even = len(raw) - (len(raw) % 2)
            self._pcm_carry = raw[even:]
            pcm = raw[:even]
        else:
            pcm = audio.decode_input(fmt, raw)
        received = self.log_entry["input"]
        if received["appends"] == 0:  # what a replay put in before the first audio (the control view shows it)
            received["items_before_audio"] = len(self.log_entry["items"])
        received["audio_bytes"] += len(raw)
        received["appends"] += 1
        await self.feed_pcm(pcm)

    async def feed_pcm(self, pcm: bytes) -> None:
        """Input audio (24 kHz PCM16) into the buffer and the VAD: the client's, or a sideband call's caller."""
        self.buffer.extend(pcm)
        self.total_samples += len(pcm) // 2
        if self.vad is not None:
            for vad_event in self.vad.feed(pcm, self.buffer_start_ms()):
                await self._on_vad(vad_event)
            if self.vad is not None and not self.vad.speaking:
                self._trim_idle()
        await sideband.check_idle(self)

    def _trim_idle(self) -> None:
        assert self.vad is not None
        keep = (self.vad.settings.prefix_padding_ms + IDLE_KEEP_MS) * 48
        if len(self.buffer) > keep:
            drop = len(self.buffer) - keep
            drop -= drop % 2
            del self.buffer[:drop]
            self.buffer_start_sample += drop // 2

    async def _on_vad(self, vad_event: VadEvent) -> None:
        td = self.settings.turn_detection or {}
        if vad_event.kind == "started":
            self.idle_since_ms = None
            self.speech_item_id = new_id("item")
            self.speech_start_ms = vad_event.ms
            await self.emit(
                "input_audio_buffer.speech_started", audio_start_ms=vad_event.ms, item_id=self.speech_item_id
            )
            active = self.response
            if td.get("interrupt_response", True) and active is not None and active.active and active.in_conversation:
                active.cancel("turn_detected")
            return
        item_id = self.speech_item_id or new_id("item")
        self.speech_item_id = None
        await self.emit("input_audio_buffer.speech_stopped", audio_end_ms=vad_event.ms, item_id=item_id)
        await self.commit_range(self.speech_start_ms, vad_event.ms, item_id)
        if td.get("create_response", True):
            active = self.response
            if active is not None and active.cancelled and active.task is not None:
                await asyncio.wait({active.task})
            if self.faults.reply_delay_seconds > 0:
                self.spawn(self._start_response_later(self.faults.reply_delay_seconds))
            elif self.response is None:
                self.start_response(self.settings)

    async def _start_response_later(self, seconds: float) -> None:
        """The ``slow_reply`` fault: the turn's reply starts `seconds` later, unless one is running by then."""
        await asyncio.sleep(seconds)
        if not self.closed and self.response is None:
            self.start_response(self.settings)

    async def commit_range(self, start_ms: int, end_ms: int, item_id: str) -> None:
        """Commit input `[start_ms, end_ms)` as a user audio item (committed, item created/done, hearing)."""
        start = min(len(self.buffer), max(0, (start_ms * 24 - self.buffer_start_sample) * 2))
        end = min(len(self.buffer), max(start, (end_ms * 24 - self.buffer_start_sample) * 2))
        pcm = bytes(self.buffer[start:end])
        del self.buffer[:end]
        self.buffer_start_sample += end // 2
        item = Item(
            id=item_id,
            type="message",
            role="user",
            content=[{"type": "input_audio", "transcript": None}],
            pcm=bytearray(pcm),
        )
        previous = self.conversation.insert(item)
        await self.emit("input_audio_buffer.committed", previous_item_id=previous, item_id=item_id)
        await self.emit("conversation.item.created", previous_item_id=previous, item=self.render(item))
        await self.emit("conversation.item.done", previous_item_id=previous, item=self.render(item))
        start_hearing(self, item, self.settings.transcription)

    async def _on_commit(self, event: client_events.ParsedEvent) -> None:
        buffered_ms = audio.pcm_ms(len(self.buffer))
        if buffered_ms < MIN_COMMIT_MS:
            raise RealtimeError(
                "input_audio_buffer_commit_empty",
                f"Error committing input audio buffer: buffer too small. Expected at least {MIN_COMMIT_MS}ms of "
                f"audio, but buffer only has {buffered_ms:.2f}ms of audio.",
            )
        item_id = self.speech_item_id or new_id("item")
        self.speech_item_id = None
        await self.commit_range(self.buffer_start_ms(), self.timeline_ms() + 1, item_id)
        self.buffer_start_sample = self.total_samples
        if self.vad is not None:
            self.vad.reset(self.timeline_ms())

    async def _on_clear(self, event: client_events.ParsedEvent) -> None:
        self.buffer.clear()
        self._pcm_carry = b""
        self.buffer_start_sample = self.total_samples
        self.speech_item_id = None
        if self.vad is not None:
            self.vad.reset(self.timeline_ms())
        await self.emit("input_audio_buffer.cleared")

    async def _on_output_clear(self, event: client_events.ParsedEvent) -> None:
        if self.sideband is not None:
            await sideband.clear_output(self)
            return
        raise RealtimeError(
            "invalid_value",
            "output_audio_buffer.clear is only supported for WebRTC connections; over a WebSocket the client "
            "owns playback (send response.cancel and conversation.item.truncate instead).",
            "type",
        )
