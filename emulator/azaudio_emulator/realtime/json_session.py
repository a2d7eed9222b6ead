"""The loop the small realtime session kinds (transcription, translation) share: JSON events in, JSON events
out, a refused event answered with an ``error`` event, background tasks cancelled at the end."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import WSMsgType, web

from .errors import RealtimeError
from .ids import new_id


class JsonEventSession:
    """Subclasses give ``session_object()`` and ``handle(event)`` (True ends the session)."""

    def __init__(self, ws: web.WebSocketResponse, client_events: list | None = None) -> None:
        self.ws = ws
        self.client_events = client_events
        self.tasks: set[asyncio.Task] = set()

    def session_object(self) -> dict:
        raise NotImplementedError

    async def handle(self, event: dict) -> bool:
        raise NotImplementedError

    async def emit(self, type_: str, **fields: Any) -> None:
        """Send one server event with a fresh event_id (nothing once the socket closed)."""
        if self.ws.closed:
            return
        try:
            await self.ws.send_str(json.dumps({"type": type_, "event_id": new_id("event"), **fields}))
        except ConnectionResetError:  # the client went away while a background task still had events to send
            pass

    def spawn(self, coro: Any) -> None:
        """Run `coro` in the background until it ends or the session does."""
        task = asyncio.get_running_loop().create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def run(self) -> None:
        """Announce the session, then serve client events until the client closes or `handle` ends it."""
        await self.emit("session.created", session=self.session_object())
        try:
            while not self.ws.closed:
                msg = await self.ws.receive()
                if msg.type != WSMsgType.TEXT:
                    break
                try:
                    event = json.loads(msg.data)
                    if not isinstance(event, dict):
                        raise ValueError
                except ValueError:
                    await self.emit(
                        "error", error=RealtimeError("invalid_json", "The event is not a JSON object.").payload(None)
                    )
                    continue
                if self.client_events is not None:
                    self.client_events.append(str(event.get("type")))
                try:
                    if await self.handle(event):
                        break
                except RealtimeError as exc:
                    await self.emit("error", error=exc.payload(event.get("event_id")))
        finally:
            for task in list(self.tasks):
                task.cancel()
