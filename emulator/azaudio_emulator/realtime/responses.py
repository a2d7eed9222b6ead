"""One model response: its events, its pacing, its cancellation.

A `Response` runs as its own task. For a spoken reply it sends, in order::

    response.created
    response.output_item.added          (assistant message, in_progress)
    conversation.item.created           (GA: conversation.item.added)
    response.content_part.added         (part {"type": "audio", "transcript": ""})
    response.audio_transcript.delta  \\  interleaved: the transcript deltas due
    response.audio.delta             /   by each audio chunk precede the chunk
    response.audio.done
    response.audio_transcript.done
    response.content_part.done
    response.output_item.done
    conversation.item.done              (GA only)
    response.done
    rate_limits.updated

A text-only reply has ``response.text.delta`` (one per word) / ``response.text.done``
and a ``{"type": "text"}`` part instead; a function call has
``response.function_call_arguments.delta`` (two halves) / ``.done`` and no part
events. The GA protocol renames the audio/transcript/text events (see
`protocol`). Items of ``conversation: "none"`` responses are not added to the
conversation and produce no conversation.item.* events.

Audio is cut into 100 ms chunks in the response's output format and paced at
``ctx.speed`` times real time from the response's first chunk; text words are
paced at 40 ms each, also divided by ``ctx.speed``.

`cancel(reason)` is cooperative: the task stops at its next chunk, still sends
the ``.done`` events (with what was sent so far, the item ``incomplete``) and
ends with ``response.done`` ``status: "cancelled"``, ``status_details.reason``
``client_cancelled`` or ``turn_detected``.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import math
from typing import TYPE_CHECKING, Any

from . import audio
from .config import SessionSettings
from .conversation import Item
from .ids import new_id
from .protocol import Protocol
from .replies import FunctionCall, SpokenReply, decide

if TYPE_CHECKING:  # pragma: no cover
    from .session import RealtimeSession

log = logging.getLogger(__name__)

CHUNK_MS = 100
TEXT_WORD_MS = 40


def _text_tokens(text: str) -> int:
    return math.ceil(len(text) / 4) if text else 0


class Response:
    """A response being generated for one session."""

    def __init__(
        self,
        session: "RealtimeSession",
        settings: SessionSettings,
        conversation: str = "auto",
        metadata: Any = None,
        input_items: list[Item] | None = None,
    ) -> None:
        self.session = session
        self.settings = settings
        self.conversation = conversation
        self.metadata = metadata
        self.input_items = input_items
        self.id = new_id("resp")
        self.status = "in_progress"
        self.status_details: dict | None = None
        self.output: list[Item] = []
        self.usage: dict | None = None
        self.task: asyncio.Task | None = None
        self._cancel = asyncio.Event()
        self._cancel_reason = "client_cancelled"
        self._truncated = False
        self._context: list[Item] = []
        self._output_text = ""

    # ------------------------------------------------------------------ state

    @property
    def active(self) -> bool:
        """Still generating (cancel may have been asked for but not yet honoured)."""
        return self.status == "in_progress"

    @property
    def cancelled(self) -> bool:
        """Whether cancel() was called."""
        return self._cancel.is_set()

    def cancel(self, reason: str) -> None:
        """Ask the response to stop (``client_cancelled`` or ``turn_detected``)."""
        if not self._cancel.is_set():
            self._cancel_reason = reason
            self._cancel.set()

    async def _pause(self, seconds: float) -> None:
        """Sleep, waking early on cancel; always yields to the event loop."""
        if seconds <= 0 or self._cancel.is_set():
            await asyncio.sleep(0)
            return
        try:
            await asyncio.wait_for(self._cancel.wait(), timeout=seconds)
        except asyncio.TimeoutError:
            pass

    async def _until_cancelled(self, awaitable: Any) -> Any:
        """Await `awaitable` unless cancel comes first (then return None)."""
        task = asyncio.ensure_future(awaitable)
        cancel_wait = asyncio.ensure_future(self._cancel.wait())
        try:
            done, _ = await asyncio.wait({task, cancel_wait}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            cancel_wait.cancel()
        if task in done:
            return task.result()
        task.cancel()  # an executor job runs on, but its result is dropped
        task.add_done_callback(lambda t: t.exception() if not t.cancelled() else None)
        return None

    # --------------------------------------------------------------- rendering

    @property
    def in_conversation(self) -> bool:
        return self.conversation != "none"

    def _answered_item(self) -> str | None:
        """The id of the user message the response follows (the last one before its output), for the control view."""
        first_output = self.output[0].id if self.output else None
        answered = None
        for item in self.session.conversation.items:
            if item.id == first_output:
                break
            if item.type == "message" and item.role == "user":
                answered = item.id
        return answered

    def resource(self) -> dict:
        """The response object in the session's protocol."""
        session = self.session
        settings = self.settings
        data: dict[str, Any] = {
            "id": self.id,
            "object": "realtime.response",
            "status": self.status,
            "status_details": self.status_details,
            "output": [session.render(item) for item in self.output],
            "conversation_id": session.conversation.id if self.in_conversation else None,
            "usage": self.usage,
            "metadata": self.metadata,
        }
        if session.protocol is Protocol.GA:
            data["output_modalities"] = list(settings.modalities)
            data["max_output_tokens"] = settings.max_output_tokens
            data["audio"] = {
                "output": {"format": audio.ga_format_object(settings.output_format), "voice": settings.voice}
            }
        else:
            data["modalities"] = list(settings.modalities)
            data["voice"] = settings.voice
            data["output_audio_format"] = settings.output_format
            data["temperature"] = session.session_obj.get("temperature", 0.8)
            data["max_output_tokens"] = settings.max_output_tokens
        return data

    # --------------------------------------------------------------- the run

    async def run(self) -> None:
        """Generate the whole response; never raises (a failure ends it ``failed``)."""
        try:
            await self._run()
        except asyncio.CancelledError:
            self.status = "cancelled"
            raise
        except Exception as exc:  # noqa: BLE001 - a response must end with response.done
            log.exception("realtime response %s failed", self.id)
            self.status = "failed"
            self.status_details = {
                "type": "failed",
                "error": {"type": "server_error", "code": "emulator_error", "message": str(exc)},
            }
            await self._send_done()
        finally:
            self.session.response_finished(self)

    async def _run(self) -> None:
        session = self.session
        await session.emit("response.created", response=self.resource())
        self._context = list(self.input_items) if self.input_items is not None else list(session.conversation.items)
        heard = await self._until_cancelled(session.heard_texts(self._context))
        if heard is None and self.cancelled:
            await self._finish()
            return
        plan = decide(
            self._context, heard or {}, self.settings.tools, self.settings.tool_choice, self.settings.max_output_tokens
        )
        if isinstance(plan, FunctionCall):
            await self._function_call(plan)
        else:
            await self._message(plan)
        await self._finish()

    async def _add_item(self, item: Item) -> int:
        session = self.session
        output_index = len(self.output)
        self.output.append(item)
        previous = session.conversation.insert(item) if self.in_conversation else None
        await session.emit(
            "response.output_item.added", response_id=self.id, output_index=output_index, item=session.render(item)
        )
        if self.in_conversation:
            item.previous_id = previous
            await session.emit("conversation.item.created", previous_item_id=previous, item=session.render(item))
        return output_index

    async def _close_item(self, item: Item, output_index: int) -> None:
        session = self.session
        item.status = "incomplete" if self.cancelled else "completed"
        await session.emit(
            "response.output_item.done", response_id=self.id, output_index=output_index, item=session.render(item)
        )
        if self.in_conversation:
            await session.emit("conversation.item.done", previous_item_id=item.previous_id, item=session.render(item))

    async def _message(self, plan: SpokenReply) -> None:
        session = self.session
        self._truncated = plan.truncated
        item = Item(id=new_id("item"), type="message", role="assistant", status="in_progress")
        output_index = await self._add_item(item)
        ids = {"response_id": self.id, "item_id": item.id, "output_index": output_index, "content_index": 0}
        speaks = self.settings.speaks
        part = {"type": "audio", "transcript": ""} if speaks else {"type": "text", "text": ""}
        item.content.append(part)
        await session.emit("response.content_part.added", **ids, part=dict(part))
        if speaks:
            await self._speak(plan.text, item, part, ids)
            await session.emit("response.audio.done", **ids)
            await session.emit("response.audio_transcript.done", **ids, transcript=part["transcript"])
        else:
            await self._write(plan.text, part, ids)
            await session.emit("response.text.done", **ids, text=part["text"])
        self._output_text = part.get("transcript", part.get("text", ""))
        await session.emit("response.content_part.done", **ids, part=dict(part))
        await self._close_item(item, output_index)

    async def _speak(self, text: str, item: Item, part: dict, ids: dict) -> None:
        session = self.session
        fmt = self.settings.output_format
        pcm = await self._until_cancelled(session.synthesize(text, self.settings.voice, self.settings.speech_speed))
        words = text.split(" ")
        if pcm is None:
            return
        loop = asyncio.get_running_loop()
        wire = await loop.run_in_executor(None, audio.encode_output, fmt, pcm)  # G.711 filtering is CPU work
        chunk_bytes = audio.FORMATS[fmt].bytes_per_ms * CHUNK_MS
        pcm_chunk = 48 * CHUNK_MS
        chunks = max(1, math.ceil(len(wire) / chunk_bytes))
        speed = max(session.ctx.speed, 1e-6)
        started = loop.time()
        sent_words = 0
        for index in range(chunks):
            if self.cancelled:
                break
            due = math.ceil((index + 1) * len(words) / chunks)
            while sent_words < due:
                delta = words[sent_words] + ("" if sent_words == len(words) - 1 else " ")
                part["transcript"] += delta
                sent_words += 1
                await session.emit("response.audio_transcript.delta", **ids, delta=delta)
            chunk = wire[index * chunk_bytes : (index + 1) * chunk_bytes]
            if not chunk:
                continue
            await session.emit("response.audio.delta", **ids, delta=base64.b64encode(chunk).decode())
            session.audio_was_sent = True
            item.pcm.extend(pcm[index * pcm_chunk : (index + 1) * pcm_chunk])
            item.audio_sent_ms += audio.duration_ms(fmt, len(chunk))
            await self._pause(started + item.audio_sent_ms / 1000.0 / speed - loop.time())

    async def _write(self, text: str, part: dict, ids: dict) -> None:
        session = self.session
        words = text.split(" ")
        for index, word in enumerate(words):
            if self.cancelled:
                break
            delta = word + ("" if index == len(words) - 1 else " ")
            part["text"] += delta
            await session.emit("response.text.delta", **ids, delta=delta)
            await self._pause(TEXT_WORD_MS / 1000.0 / max(session.ctx.speed, 1e-6))

    async def _function_call(self, plan: FunctionCall) -> None:
        session = self.session
        item = Item(
            id=new_id("item"),
            type="function_call",
            status="in_progress",
            call_id=new_id("call"),
            name=plan.name,
            arguments="",
        )
        output_index = await self._add_item(item)
        ids = {"response_id": self.id, "item_id": item.id, "output_index": output_index, "call_id": item.call_id}
        half = max(1, len(plan.arguments) // 2)
        for delta in (plan.arguments[:half], plan.arguments[half:]):
            if self.cancelled or not delta:
                continue
            item.arguments = (item.arguments or "") + delta
            await session.emit("response.function_call_arguments.delta", **ids, delta=delta)
            await self._pause(TEXT_WORD_MS / 1000.0 / max(session.ctx.speed, 1e-6))
        await session.emit("response.function_call_arguments.done", **ids, name=item.name, arguments=item.arguments)
        await self._close_item(item, output_index)

    # ---------------------------------------------------------------- the end

    def _compute_usage(self) -> dict:
        instructions = _text_tokens(self.settings.instructions)
        text_in = instructions + sum(_text_tokens(i.text()) for i in self._context)
        audio_in = sum(int(audio.pcm_ms(len(i.pcm)) // 100) for i in self._context)
        text_out = _text_tokens(self._output_text) + sum(_text_tokens(i.arguments or "") for i in self.output)
        audio_out = sum(int(i.audio_sent_ms // 50) for i in self.output)
        details_in: dict[str, Any] = {"cached_tokens": 0, "text_tokens": text_in, "audio_tokens": audio_in}
        if self.session.protocol is Protocol.GA:
            details_in["image_tokens"] = 0
            details_in["cached_tokens_details"] = {"text_tokens": 0, "audio_tokens": 0, "image_tokens": 0}
        else:
            details_in["cached_tokens_details"] = {"text_tokens": 0, "audio_tokens": 0}
        return {
            "total_tokens": text_in + audio_in + text_out + audio_out,
            "input_tokens": text_in + audio_in,
            "output_tokens": text_out + audio_out,
            "input_token_details": details_in,
            "output_token_details": {"text_tokens": text_out, "audio_tokens": audio_out},
        }

    async def _finish(self) -> None:
        if self.cancelled:
            self.status = "cancelled"
            self.status_details = {"type": "cancelled", "reason": self._cancel_reason}
        elif self._truncated:
            self.status = "incomplete"
            self.status_details = {"type": "incomplete", "reason": "max_output_tokens"}
        else:
            self.status = "completed"
            self.status_details = None
        await self._send_done()

    async def _send_done(self) -> None:
        self.usage = self._compute_usage()
        await self.session.emit("response.done", response=self.resource())
        if not self.session.closed:  # (the client got it: a reset connection's responses never ended for it)
            self.session.log_entry.setdefault("responses", []).append(
                {"id": self.id, "status": self.status, "answers": self._answered_item()}
            )
        await self.session.emit("rate_limits.updated", rate_limits=self.session.rate_limits_after(self.usage))
