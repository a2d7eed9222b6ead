"""Streamed response bodies: chunked binary audio and server-sent events.

Both apply the body faults at the moment they can happen: ``cut_mid_body``
(the connection is dropped after part of the first chunk), and for SSE
``malformed_json`` (the first event's JSON is broken) and ``truncate_sse``
(the stream ends cleanly, without its final events).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web

from .context import EmulatorContext

FAULTS_APPLIED = web.RequestKey("faults_applied", list)


class ConnectionCut(Exception):
    """Raised after a ``cut_mid_body`` fault dropped the connection."""

    def __init__(self, response: web.StreamResponse) -> None:
        super().__init__("connection cut by fault injection")
        self.response = response


def note_fault(request: web.Request, kind: str) -> None:
    """Record in the request log entry that a fault was applied."""
    request.setdefault(FAULTS_APPLIED, []).append(kind)


async def cut(request: web.Request, response: web.StreamResponse, data: bytes) -> None:
    """Send the first half of `data` on the prepared `response`, then drop the connection."""
    note_fault(request, "cut_mid_body")
    await response.write(data[: max(1, len(data) // 2)])
    if request.transport is not None:
        request.transport.close()


class BodyStream:
    """A chunked response whose chunks are written as they are produced."""

    def __init__(self, request: web.Request, ctx: EmulatorContext, content_type: str) -> None:
        self.request = request
        self.ctx = ctx
        self.response = web.StreamResponse(headers={"Content-Type": content_type})
        self.response.enable_chunked_encoding()
        self._started = False
        self._trickle: dict[str, Any] | None = None

    async def write(self, data: bytes) -> None:
        """Send `data` as the next chunk (the first call sends the headers)."""
        if not self._started:
            self._started = True
            await self.response.prepare(self.request)
            if self.ctx.faults.take("cut_mid_body", self.request.path):
                await cut(self.request, self.response, data)
                raise ConnectionCut(self.response)
            stall = self.ctx.faults.take("stall_body", self.request.path)
            if stall:
                note_fault(self.request, "stall_body")
                await self.response.write(data[: stall.get("after_bytes", 1)])
                await asyncio.sleep(stall.get("seconds", 3600))
                raise ConnectionCut(self.response)
            self._trickle = self.ctx.faults.take("trickle_body", self.request.path)
            if self._trickle:
                note_fault(self.request, "trickle_body")
        if self._trickle:
            step = max(1, self._trickle.get("chunk_bytes", 1))
            for i in range(0, len(data), step):
                await self.response.write(data[i : i + step])
                await asyncio.sleep(self._trickle.get("interval_seconds", 1))
            return
        await self.response.write(data)

    async def finish(self) -> web.StreamResponse:
        """End the body; return the response for the handler to return."""
        if not self._started:
            await self.write(b"")
        await self.response.write_eof()
        return self.response


class SSEStream(BodyStream):
    """A ``text/event-stream`` body of ``data: <json>`` events."""

    def __init__(self, request: web.Request, ctx: EmulatorContext) -> None:
        super().__init__(request, ctx, "text/event-stream")
        self.response.headers["Cache-Control"] = "no-cache"
        self._sent_any = False

    async def send(self, event: dict[str, Any]) -> None:
        """Send one event."""
        data = json.dumps(event)
        if not self._sent_any:
            self._sent_any = True
            if self.ctx.faults.take("malformed_json", self.request.path):
                note_fault(self.request, "malformed_json")
                data = data[: len(data) // 2]
        await self.write(f"data: {data}\n\n".encode())

    async def close(self, *final_events: dict[str, Any], done_marker: bool = False) -> web.StreamResponse:
        """Send the final events (and ``data: [DONE]``), then end the body.

        A ``truncate_sse`` fault ends the body without them.
        """
        if self.ctx.faults.take("truncate_sse", self.request.path):
            note_fault(self.request, "truncate_sse")
        else:
            for event in final_events:
                await self.send(event)
            if done_marker:
                await self.write(b"data: [DONE]\n\n")
        return await self.finish()
