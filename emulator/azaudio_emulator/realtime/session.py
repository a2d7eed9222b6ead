"""One realtime session: the state machine behind an upgraded WebSocket.

`RealtimeSession.run` sends ``session.created`` (PREVIEW also
``conversation.created``), then reads client events one at a time and handles
each (``_on_<type>``). Every problem with a client event becomes one ``error``
event that echoes its ``event_id``; the session never drops an event silently
and never dies of a bad one. Responses and input recognition run as their own
tasks and send their events concurrently with the handlers. The handlers of the
input buffer are in `session_input`, those of the conversation and responses in
`session_conversation` (mixins of `RealtimeSession`); this module keeps the
plumbing, the connection loop and ``session.update``.

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
import json
import logging
import socket
import struct
from typing import Any, Awaitable, Callable

from aiohttp import WSMsgType, web

from . import audio, client_events, config_ga, config_preview, sideband
from .config import SessionSettings
from .conversation import Conversation, Item, render_item
from .errors import RealtimeError, session_expired
from .faults import EXPIRED_REASON, SessionFaults
from .ids import new_id
from .protocol import Protocol, sends_event, wire_event_name
from .responses import Response
from .session_conversation import ConversationEvents
from .session_input import InputBufferEvents
from .vad import EnergyVad, VadSettings

log = logging.getLogger(__name__)

MALFORMED_FRAME = "this is not JSON {"


class RealtimeSession(InputBufferEvents, ConversationEvents):
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
        #: The deaf_barge_in fault struck: client frames are not read before this loop time.
        self.deaf_until = 0.0
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
                self._take_reply_reset()
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

    def _take_reply_reset(self) -> None:
        """A queued ``reply_reset`` fault arms this session's reset, counted from the delta just sent."""
        if self.faults.reset_after_audio_deltas is not None:
            return
        fault = self.ctx.faults.take("reply_reset", self.log_entry.get("path", ""))
        if fault is not None:
            deltas = int(fault.get("after_audio_deltas", 1))
            self.faults.reset_after_audio_deltas = self.audio_deltas_sent - 1 + max(1, deltas)

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
        if faults.deaf_after_audio_deltas is not None and self.audio_deltas_sent >= faults.deaf_after_audio_deltas:
            faults.deaf_after_audio_deltas = None
            self.deaf_until = asyncio.get_running_loop().time() + faults.deaf_seconds
            self.spawn(self._speech_while_deaf(faults.deaf_speech_after))
        if faults.close_code is not None and self.events_sent >= faults.close_after_events:
            code, reason = faults.close_code, faults.close_reason
            faults.close_code = None
            await self.close(code, reason)

    async def _while_deaf(self) -> None:
        """Waits out the deaf_barge_in fault's window; aiohttp meanwhile stops reading the socket once its buffer
        is full, so the client's writes back up."""
        deaf = self.deaf_until - asyncio.get_running_loop().time()
        if deaf > 0:
            await asyncio.sleep(deaf)

    async def _speech_while_deaf(self, after: float) -> None:
        """The deaf_barge_in fault's caller: speech starts while the client's frames go unread."""
        await asyncio.sleep(after)
        await self.emit("input_audio_buffer.speech_started", audio_start_ms=0, item_id=new_id("item"))

    def reset(self) -> None:
        """Reset the TCP connection (RST, no close frame): the tcp_reset fault."""
        if self.closed:
            return
        self.closed = True
        self.log_entry.setdefault("close", {})["fault"] = "tcp_reset"
        reset_transport(self.transport)

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
                await self._while_deaf()
                msg = await self.ws.receive()
                await self._while_deaf()  # a frame that arrived as the fault struck waits too
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


def reset_transport(transport: Any) -> None:
    """Reset a TCP connection (RST, no close frame): the tcp_reset fault of every session kind."""
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    transport.abort()
