"""The control API under ``/_emulator/`` (never under the Azure routes).

GET    /_emulator/health     {"status": "ok", "version": ...}
POST   /_emulator/faults     queue a fault (JSON: kind, match, count, params)
GET    /_emulator/faults     the faults still queued
DELETE /_emulator/faults     clear the queue
GET    /_emulator/requests   what was received (?path=<substring> filters)
DELETE /_emulator/requests   clear the log
POST   /_emulator/calls      ring a SIP call: a signed webhook to a loopback URL (see sip_calls)
GET    /_emulator/calls/ID   a call's state and the actions taken on it
GET    /_emulator/realtime/sessions  per realtime session: id, items the client created (text, ids,
                                     previous_item_id), input audio bytes and appends, how many items
                                     came before the first audio, the responses that ended (id, status,
                                     the user item each answers), close
POST   /_emulator/realtime/events    send server events as given into the newest open realtime session (tests)
"""

from __future__ import annotations

import json

from aiohttp import web

from . import __version__
from .faults import FaultSpecError
from .handlers import context


async def health(request: web.Request) -> web.Response:
    """Liveness and version."""
    return web.json_response({"status": "ok", "version": __version__})


async def add_fault(request: web.Request) -> web.Response:
    """Queue a fault; 400 with ``{"error": ...}`` when it is malformed."""
    try:
        fault = context(request).faults.add(await request.json())
    except (json.JSONDecodeError, UnicodeDecodeError):
        return web.json_response({"error": "the body must be a JSON object"}, status=400)
    except FaultSpecError as exc:
        return web.json_response({"error": str(exc)}, status=400)
    return web.json_response(fault, status=201)


async def list_faults(request: web.Request) -> web.Response:
    """The faults still queued."""
    return web.json_response({"faults": context(request).faults.pending()})


async def clear_faults(request: web.Request) -> web.Response:
    """Drop every queued fault."""
    context(request).faults.clear()
    return web.Response(status=204)


async def list_requests(request: web.Request) -> web.Response:
    """The request log, oldest first."""
    entries = context(request).log.entries(request.query.get("path", ""))
    return web.json_response({"requests": entries})


async def clear_requests(request: web.Request) -> web.Response:
    """Forget the request log."""
    context(request).log.clear()
    return web.Response(status=204)


async def realtime_sessions(request: web.Request) -> web.Response:
    """Each realtime session, oldest first: what the client put into it (items, input audio)."""
    sessions = []
    for entry in context(request).log.entries("realtime"):
        if entry.get("kind") != "realtime" or entry.get("status") != 101:
            continue
        received = entry.get("input", {})
        sessions.append(
            {
                "session_id": received.get("session_id"),
                "path": entry.get("path"),
                "items": entry.get("items", []),
                "audio_bytes": received.get("audio_bytes", 0),
                "appends": received.get("appends", 0),
                # How many of `items` came before the first input audio (null: no audio came).
                "items_before_audio": received.get("items_before_audio"),
                "client_events": len(entry.get("client_events", [])),
                "responses": entry.get("responses", []),
                "close": entry.get("close", {}),
            }
        )
    return web.json_response({"sessions": sessions})


def add_control_routes(app: web.Application) -> None:
    """Register the control API."""
    app.router.add_get("/_emulator/health", health)
    app.router.add_post("/_emulator/faults", add_fault)
    app.router.add_get("/_emulator/faults", list_faults)
    app.router.add_delete("/_emulator/faults", clear_faults)
    app.router.add_get("/_emulator/requests", list_requests)
    app.router.add_delete("/_emulator/requests", clear_requests)
    app.router.add_get("/_emulator/realtime/sessions", realtime_sessions)
