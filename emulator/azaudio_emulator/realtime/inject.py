"""A test tool: server events sent as given into the newest open realtime session.

``POST /_emulator/realtime/events {"events": [{...}, ...]}`` sends each object
as one text frame (an ``event_id`` is added when missing), in order, to the
newest open session; 409 when none is open. It lets a client's tests see
events the emulator does not produce itself (MCP tool events, for one); the
objects are not validated.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from .ids import new_id

#: Open sessions, oldest first (the handshake adds and removes them).
OPEN: list[Any] = []


async def inject_events(request: web.Request) -> web.Response:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return web.json_response({"error": "the body must be a JSON object"}, status=400)
    events = body.get("events") if isinstance(body, dict) else None
    if not isinstance(events, list) or not all(isinstance(e, dict) and isinstance(e.get("type"), str) for e in events):
        return web.json_response({"error": 'the body must be {"events": [{"type": ...}, ...]}'}, status=400)
    open_sessions = [s for s in OPEN if not s.closed]
    if not open_sessions:
        return web.json_response({"error": "no realtime session is open"}, status=409)
    session = open_sessions[-1]
    for event in events:
        await session.send_raw_event({"event_id": new_id("event"), **event})
    return web.json_response({"sent": len(events)})
