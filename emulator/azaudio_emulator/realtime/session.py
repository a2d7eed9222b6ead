"""One realtime session: the state machine behind an upgraded WebSocket.

`RealtimeSession.run` sends ``session.created`` (PREVIEW also
``conversation.created``), then reads client events one at a time and handles
each (``_on_<type>``). Every problem with a client event becomes one ``error``
event that echoes its ``event_id``; the session never drops an event silently
and never dies of a bad one. Responses and input recognition run as their own
tasks and send their events concurrently with the handlers.

State kept here:

* the session object in the protocol's shape (`session_obj`) and its view
  (`settings`);
* the input audio buffer (24 kHz PCM) on the session's input timeline (every
  sample appended since the session began), the VAD, and the id of the user
  item the current speech will become;
* the conversation, the active response, and whether assistant audio has been
  sent (after that the voice cannot change);
* the session limit (``ctx.session_max_seconds`` or a ``session_expired`` fault):
  an ``error`` ``session_expired`` event, then close code 1001;
* faults taken at connect (see `faults`).

Input buffer rules: ``input_audio_buffer.commit`` needs at least 100 ms of audio
(``input_audio_buffer_commit_empty`` otherwise) and commits the whole buffer; a
VAD stop commits the speech from ``audio_start_ms`` to ``audio_end_ms`` and keeps
what follows. While VAD is on and nobody speaks, only the last
``prefix_padding_ms`` + 5 s of audio is kept. ``server_vad``/``semantic_vad``
commits create a response when ``create_response`` is true and no response is
running; a speech start cancels a running response (``turn_detected``) when
``interrupt_response`` is true. Only one response runs at a time.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import socket
import struct
from typing import Any, Awaitable, Callable

from aiohttp import WSMsgType, web

from . import audio, client_events, config_ga, config_preview, sideband
from .config import SessionSettings
from .conversation import Conversation, Item, item_from_client, render_item
from .errors import RealtimeError, not_found, session_expired
from .faults import EXPIRED_REASON, SessionFaults
from .ids import new_id
from .item_schemas import GA_ITEM, PREVIEW_ITEM
from .protocol import Protocol, sends_event, wire_event_name
from .responses import Response
from .schema import SchemaError
from .transcription import start_hearing
from .truncation import truncate
from .vad import EnergyVad, VadEvent, VadSettings

log = logging.getLogger(__name__)

MAX_APPEND_BYTES = 15 * 1024 * 1024
MIN_COMMIT_MS = 100
IDLE_KEEP_MS = 5000
MALFORMED_FRAME = "this is not JSON {"


class RealtimeSession:
    """The state of one WebSocket session (see the module doc)."""

    def __init__(
        self,
        ctx: Any,
        ws: web.WebSocketResponse,
        protocol: Protocol,
        deployment: str,
        model: str,
        faults: SessionFaults,
        log_entry: dict,
        call: sideband.SidebandCall | None = None,
    ) -> None:
        self.ctx = ctx
        self.ws = ws
        self.protocol = protocol
        self.deployment = deployment
        self.model = model
        self.faults = faults
        self.log_entry = log_entry
        self.shape = config_ga if protocol is Protocol.GA else config_preview
        self.max_seconds = faults.expire_after if faults.expire_after is not None else ctx.session_max_seconds
        self.session_obj: dict = self.shape.default_session(new_id("sess"), model, self.max_seconds)
        self.settings: SessionSettings = self.shape.settings(self.session_obj)
        self.conversation = Conversation()
        self.response: Response | None = None
        self.audio_was_sent = False
        self.buffer = bytearray()
        self.buffer_start_sample = 0
        self.total_samples = 0
        self._pcm_carry = b""
        self.vad: EnergyVad | None = None
        self.speech_item_id: str | None = None
        self.speech_start_ms = 0
        self.events_sent = 0
        self.audio_deltas_sent = 0
        self.closed = False
        #: Set by the handshake: the connection's transport (for the tcp_reset fault).
        self.transport: Any = None
        #: The half_open fault struck: nothing is read or written any more, and nothing is closed.
        self.half_open = False
        #: A sideband session's call (see `sideband`), else None.
        self.sideband = call
        #: Input timeline ms where the idle timeout started counting (after a response), else None.
        self.idle_since_ms: int | None = None
        log_entry.setdefault("items", [])
        log_entry.setdefault("input", {"audio_bytes": 0, "appends": 0})
        self._send_lock = asyncio.Lock()
        self._tasks: set[asyncio.Task] = set()
        self._requests_remaining = 1000
        self._tokens_remaining = 50_000
        self._reconfigure_vad()
        self._handlers: dict[str, Callable[[client_events.ParsedEvent], Awaitable[None]]] = {
            "session.update": self._on_session_update,
            "input_audio_buffer.append": self._on_append,
            "input_audio_buffer.commit": self._on_commit,
            "input_audio_buffer.clear": self._on_clear,
            "output_audio_buffer.clear": self._on_output_clear,
            "conversation.item.create": self._on_item_create,
            "conversation.item.retrieve": self._on_item_retrieve,
            "conversation.item.truncate": self._on_item_truncate,
            "conversation.item.delete": self._on_item_delete,
            "response.create": self._on_response_create,
            "response.cancel": self._on_response_cancel,
        }

    # ------------------------------------------------------------ plumbing

    def spawn(self, coro: Awaitable[Any]) -> asyncio.Task:
        """Run `coro` as a task the session cancels when it ends."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("realtime session task failed", exc_info=task.exception())

    def render(self, item: Item, with_audio: bool = False) -> dict:
        """An item's JSON in this session's protocol."""
        return render_item(
            item,
            self.protocol,
            input_format=self.settings.input_format,
            output_format=self.settings.output_format,
            with_audio=with_audio,
        )

    async def emit(self, name: str, /, **fields: Any) -> None:
        """Send one server event (named the PREVIEW way; renamed for GA; dropped if closed)."""
        if self.closed or not sends_event(self.protocol, name):
            return
        if not await sideband.before_emit(self, name, fields):
            return
        event = {"type": wire_event_name(self.protocol, name), "event_id": new_id("event"), **fields}
        async with self._send_lock:
            if self.closed:
                return
            try:
                await self.ws.send_str(json.dumps(event))
            except (ConnectionError, RuntimeError):
                self.closed = True
                return
            self.events_sent += 1
            if name == "response.audio.delta":
                self.audio_deltas_sent += 1
        await self._after_send()
        await sideband.after_emit(self, name, fields)

    async def send_raw_event(self, event: dict) -> None:
        """Send an event object as given (the control API's injection)."""
        await self._send_raw(json.dumps(event))

    async def _send_raw(self, text: str) -> None:
        async with self._send_lock:
            if not self.closed:
                try:
                    await self.ws.send_str(text)
                except (ConnectionError, RuntimeError):
                    self.closed = True

    async def _after_send(self) -> None:
        faults = self.faults
        if faults.malformed_after_events is not None and self.events_sent >= faults.malformed_after_events:
            faults.malformed_after_events = None
            await self._send_raw(MALFORMED_FRAME)
        if faults.reset_after_events is not None and self.events_sent >= faults.reset_after_events:
            faults.reset_after_events = None
            self.reset()
        if faults.reset_after_audio_deltas is not None and self.audio_deltas_sent >= faults.reset_after_audio_deltas:
            faults.reset_after_audio_deltas = None
            self.reset()
        if faults.half_open_after_events is not None and self.events_sent >= faults.half_open_after_events:
            faults.half_open_after_events = None
            self.half_open = True
            self.closed = True  # nothing more is sent; the read loop stops reading (see run)
            self.log_entry.setdefault("close", {})["fault"] = "half_open"
        if faults.close_code is not None and self.events_sent >= faults.close_after_events:
            code, reason = faults.close_code, faults.close_reason
            faults.close_code = None
            await self.close(code, reason)

    def reset(self) -> None:
        """Reset the TCP connection (RST, no close frame): the tcp_reset fault."""
        if self.closed:
            return
        self.closed = True
        self.log_entry.setdefault("close", {})["fault"] = "tcp_reset"
        transport = self.transport
        if transport is None:
            return
        sock = transport.get_extra_info("socket")
        if sock is not None:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
        transport.abort()

    async def close(self, code: int, reason: str) -> None:
        """Close the WebSocket with `code` (idempotent)."""
        if self.closed:
            return
        self.closed = True
        self.log_entry.setdefault("close", {})["code"] = code
        try:
            await self.ws.close(code=code, message=reason.encode()[:123])
        except Exception:  # noqa: BLE001 - the peer may already be gone
            pass

    async def error(self, exc: RealtimeError, client_event_id: Any) -> None:
        """Send one ``error`` event."""
        await self.emit("error", error=exc.payload(client_event_id))

    # ---------------------------------------------------------- lifecycle

    async def run(self) -> None:
        """Serve the session until the client or a fault or the limit closes it."""
        expiry = self.spawn(self._expire_later())
        try:
            if self.faults.close_code is not None and self.faults.close_after_events <= 0:
                await self._after_send()
            await self.emit("session.created", session=self.session_obj)
            await self.emit(
                "conversation.created", conversation={"id": self.conversation.id, "object": "realtime.conversation"}
            )
            if self.faults.slow_read_seconds > 0 and not self.closed:
                await asyncio.sleep(self.faults.slow_read_seconds)
            while not self.closed:
                msg = await self.ws.receive()
                if self.half_open:
                    break
                if msg.type == WSMsgType.TEXT:
                    await self.handle_text(msg.data)
                elif msg.type == WSMsgType.BINARY:
                    self._record("(binary)")
                    await self.error(
                        RealtimeError("invalid_event", "Binary frames are not supported; send JSON text frames."),
                        None,
                    )
                else:  # CLOSE, CLOSING, CLOSED, ERROR
                    break
            while self.half_open and self.transport is not None and not self.transport.is_closing():
                await asyncio.sleep(0.1)  # a dead peer: hold the connection open until the client gives up
        finally:
            self.closed = True
            expiry.cancel()
            for task in list(self._tasks):
                task.cancel()
            if self._tasks:
                await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _expire_later(self) -> None:
        await asyncio.sleep(max(0.0, self.max_seconds))
        if self.closed:
            return
        if self.response is not None and self.response.task is not None:
            self.response.task.cancel()
        await self.error(session_expired(self.max_seconds), None)
        await self.close(1001, EXPIRED_REASON)

    def _record(self, event_type: str) -> None:
        self.log_entry.setdefault("client_events", []).append(event_type)

    async def handle_text(self, text: str) -> None:
        """Parse and handle one client text frame; problems become error events."""
        try:
            event = client_events.parse(text)
        except client_events.EventRejected as exc:
            self._record(exc.event_type or "(invalid)")
            await self.error(exc, exc.event_id)
            return
        self._record(event.type)
        try:
            await self._handlers[event.type](event)
        except RealtimeError as exc:
            await self.error(exc, event.event_id)
        except Exception as exc:  # noqa: BLE001 - never let one event kill the session
            log.exception("realtime handler for %s failed", event.type)
            await self.error(
                RealtimeError("server_error", f"The emulator failed to handle the event: {exc}", None, "server_error"),
                event.event_id,
            )

    # -------------------------------------------------------- engine calls

    async def synthesize(self, text: str, voice: str, speed: float) -> bytes:
        """TTS off the event loop (unknown voices fall back to alloy)."""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(None, self.ctx.tts.synthesize_pcm16, text, voice, speed)
        except Exception:  # noqa: BLE001
            if voice == "alloy":
                raise
            return await loop.run_in_executor(None, self.ctx.tts.synthesize_pcm16, text, "alloy", speed)

    async def recognise(self, pcm: bytes) -> str:
        """STT off the event loop."""
        if not pcm:
            return ""
        loop = asyncio.get_running_loop()
        text = await loop.run_in_executor(None, self.ctx.stt.transcribe_pcm16, pcm, audio.ENGINE_RATE)
        return (text or "").strip()

    async def heard_texts(self, items: list[Item]) -> dict[str, str]:
        """What was heard in each user audio item of `items` (waits for recognition)."""
        heard: dict[str, str] = {}
        for item in items:
            if item.heard is not None:
                heard[item.id] = await asyncio.shield(item.heard)
        return heard

    def rate_limits_after(self, usage: dict) -> list[dict]:
        """The ``rate_limits`` list after a response with this usage."""
        self._requests_remaining = max(0, self._requests_remaining - 1)
        self._tokens_remaining = max(0, self._tokens_remaining - int(usage.get("total_tokens", 0)))
        return [
            {"name": "requests", "limit": 1000, "remaining": self._requests_remaining, "reset_seconds": 60.0},
            {"name": "tokens", "limit": 50_000, "remaining": self._tokens_remaining, "reset_seconds": 60.0},
        ]

    def response_finished(self, response: Response) -> None:
        """Called by a response when it has sent response.done."""
        if self.response is response:
            self.response = None
            self.idle_since_ms = self.timeline_ms()

    # ------------------------------------------------------- session.update

    def _reconfigure_vad(self) -> None:
        td = self.settings.turn_detection
        if td is None:
            self.vad = None
            self.speech_item_id = None
            return
        wanted = VadSettings.from_turn_detection(td)
        if self.vad is None or self.vad.settings != wanted:
            self.vad = EnergyVad(wanted)
            self.vad.reset(self.timeline_ms())
            self.speech_item_id = None

    async def _on_session_update(self, event: client_events.ParsedEvent) -> None:
        update = event.get("session")
        self.log_entry.setdefault("session_updates", []).append(update)
        self.shape.validate_update(update)
        model = update.get("model")
        if model is not None and model not in (self.deployment, self.model):
            raise RealtimeError(
                "invalid_value",
                f"Invalid value: '{model}'. This session serves deployment '{self.deployment}' (model "
                f"'{self.model}'); the model cannot be changed.",
                "session.model",
            )
        voice = self.shape.voice_of_update(update)
        if voice is not None and self.audio_was_sent and voice != self._current_voice():
            raise RealtimeError(
                "cannot_update_voice",
                "Cannot update a conversation's voice if assistant audio is present.",
                "session.voice" if self.protocol is Protocol.PREVIEW else "session.audio.output.voice",
            )
        self.session_obj = self.shape.apply_update(self.session_obj, update)
        self.settings = self.shape.settings(self.session_obj)
        self._reconfigure_vad()
        await self.emit("session.updated", session=self.session_obj)
        sideband.session_updated(self)

    def _current_voice(self) -> Any:
        if self.protocol is Protocol.GA:
            return self.session_obj["audio"]["output"]["voice"]
        return self.session_obj["voice"]

    # ------------------------------------------------------- input buffer

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
        self.log_entry["input"]["audio_bytes"] += len(raw)
        self.log_entry["input"]["appends"] += 1
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
            if self.response is None:
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

    # --------------------------------------------------------- conversation

    def _check_item_schema(self, raw: Any, path: str) -> None:
        schema = GA_ITEM if self.protocol is Protocol.GA else PREVIEW_ITEM
        try:
            schema.check(raw, path)
        except SchemaError as exc:
            raise RealtimeError.from_schema(exc) from None

    async def _on_item_create(self, event: client_events.ParsedEvent) -> None:
        raw = event.get("item")
        self._check_item_schema(raw, "item")
        item = item_from_client(raw, self.protocol, self.conversation, self.settings.input_format)
        previous = self.conversation.insert(item, event.get("previous_item_id"))
        self.log_entry["items"].append(_item_summary(raw, event.get("previous_item_id")))
        await self.emit("conversation.item.created", previous_item_id=previous, item=self.render(item))
        await self.emit("conversation.item.done", previous_item_id=previous, item=self.render(item))
        if item.audio_part_index() is not None and item.role == "user":
            start_hearing(self, item, None)

    async def _on_item_retrieve(self, event: client_events.ParsedEvent) -> None:
        item = self.conversation.require(event.get("item_id"), "retrieving")
        await self.emit("conversation.item.retrieved", item=self.render(item, with_audio=True))

    async def _on_item_truncate(self, event: client_events.ParsedEvent) -> None:
        item_id = event.get("item_id")
        content_index = event.get("content_index")
        audio_end_ms = event.get("audio_end_ms")
        truncate(self.conversation, item_id, content_index, audio_end_ms)
        await self.emit(
            "conversation.item.truncated", item_id=item_id, content_index=content_index, audio_end_ms=audio_end_ms
        )

    async def _on_item_delete(self, event: client_events.ParsedEvent) -> None:
        item_id = event.get("item_id")
        self.conversation.delete(item_id)
        await self.emit("conversation.item.deleted", item_id=item_id)

    # ------------------------------------------------------------ responses

    def start_response(
        self,
        settings: SessionSettings,
        conversation: str = "auto",
        metadata: Any = None,
        input_items: list[Item] | None = None,
    ) -> Response:
        response = Response(self, settings, conversation, metadata, input_items)
        self.response = response
        response.task = self.spawn(response.run())
        return response

    def _input_items(self, raw_items: list) -> list[Item]:
        items = []
        for index, raw in enumerate(raw_items):
            param = f"response.input[{index}]"
            if raw.get("type") == "item_reference":
                ref = raw.get("id")
                existing = self.conversation.get(ref) if isinstance(ref, str) else None
                if existing is None:
                    raise not_found("referencing", str(ref), f"{param}.id")
                items.append(existing)
                continue
            item = item_from_client(
                raw, self.protocol, self.conversation, self.settings.input_format, param, check_duplicate=False
            )
            if item.audio_part_index() is not None and item.role == "user":
                start_hearing(self, item, None)
            items.append(item)
        return items

    async def _on_response_create(self, event: client_events.ParsedEvent) -> None:
        params = event.get("response") or {}
        self.log_entry.setdefault("responses", []).append(params)
        self.shape.validate_response_params(params)
        active = self.response
        if active is not None and active.active:
            raise RealtimeError(
                "conversation_already_has_active_response",
                f"Conversation already has an active response in progress: {active.id}. Wait until the response "
                "is finished before creating a new one.",
            )
        settings = self.shape.response_overrides(self.settings, params)
        input_items = self._input_items(params["input"]) if "input" in params else None
        self.start_response(settings, params.get("conversation", "auto"), params.get("metadata"), input_items)

    async def _on_response_cancel(self, event: client_events.ParsedEvent) -> None:
        active = self.response
        wanted = event.get("response_id")
        if active is None or not active.active or active.cancelled or (wanted is not None and wanted != active.id):
            message = "Cancellation failed: no active response found."
            if wanted is not None and (active is None or wanted != active.id):
                message = f"Cancellation failed: no active response found with id '{wanted}'."
            raise RealtimeError("response_cancel_not_active", message, "response_id" if wanted else None)
        active.cancel("client_cancelled")


def _item_summary(raw: dict, previous_item_id: Any) -> dict:
    """What the control API shows of an item a client created (its text, not its audio)."""
    summary: dict[str, Any] = {"id": raw.get("id"), "type": raw.get("type"), "previous_item_id": previous_item_id}
    for key in ("role", "call_id", "name", "arguments", "output"):
        if key in raw:
            summary[key] = raw[key]
    parts = [part for part in raw.get("content") or [] if isinstance(part, dict)]
    images = [_image_summary(part.get("image_url")) for part in parts if part.get("type") == "input_image"]
    if images:
        summary["images"] = images
    texts = [part.get("text") or part.get("transcript") for part in parts]
    if any(texts):
        summary["text"] = " ".join(t for t in texts if t)
    return summary


def _image_summary(url: Any) -> dict:
    """An input_image part as the control API shows it: the data URL's MIME type and decoded size."""
    if not isinstance(url, str) or not url.startswith("data:") or ";base64," not in url:
        return {"url": str(url)[:100]}
    head, _, data = url.partition(";base64,")
    try:
        size = len(base64.b64decode(data, validate=True))
    except (binascii.Error, ValueError):
        size = -1
    return {"mime_type": head.removeprefix("data:"), "bytes": size}
