"""The two realtime routes: HTTP checks before the WebSocket upgrade, then the session.

``GET /openai/realtime?api-version=V&deployment=D`` speaks the PREVIEW protocol
(whatever model D is, as on Azure); ``GET /openai/v1/realtime?model=D`` speaks
GA. Before upgrading, in this order (each failure is an ordinary HTTP answer
with Azure's JSON error body, never a WebSocket):

1. a queued ``handshake_status`` fault: its status and body;
2. v1 only: an ``api-version`` query parameter -> 401, as Azure answers it;
3. the key (``api-key`` header, ``Authorization: Bearer``, or ``?api-key=``) -> 401;
4. preview only: ``api-version`` missing -> 404 "Resource not found", unknown
   -> 400 "API version not supported", older than 2024-10-01-preview -> 400;
5. the deployment (``deployment=`` / ``model=``): missing -> 400, unknown -> 404
   ``DeploymentNotFound``, not a realtime model -> 400 ``OperationNotSupported``;
6. not a WebSocket upgrade request -> 400.

The upgrade answer carries Azure's headers (``apim-request-id`` ...) like every
``/openai/`` answer, and selects the ``realtime`` subprotocol if the client offers
it. Each session is logged in ``ctx.log`` as ``{"kind": "realtime", "path",
"protocol", "deployment", "query", "headers", "client_events": [...types...],
"close": {"code": ...}}``; the event list grows while the session runs, and
``close`` is filled in when it ends.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from .. import apiversions, errors
from ..auth import unauthorised
from ..models import lookup_model
from ..sip_calls import ACCEPTED, CALLS, Call
from . import inject
from .faults import SessionFaults, handshake_refusal
from .protocol import Protocol
from .session import RealtimeSession
from .sideband import DEFAULT_SAY, SidebandCall
from .transcription_session import TranscriptionSession, is_transcription_request

log = logging.getLogger(__name__)

#: Largest client frame accepted: a 15 MiB append is ~21 MB of base64.
MAX_FRAME_BYTES = 32 * 1024 * 1024


def _error(exc: errors.ApiError) -> web.Response:
    return exc.response()


def _missing(name: str) -> errors.ApiError:
    return errors.ApiError(400, "BadRequest", f"Missing required query parameter '{name}'.", gateway=True)


class RealtimeRoutes:
    """The handlers of both realtime routes, bound to one EmulatorContext."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx

    async def preview(self, request: web.Request) -> web.StreamResponse:
        """``/openai/realtime``: the PREVIEW protocol."""
        return await self._serve(request, Protocol.PREVIEW)

    async def ga(self, request: web.Request) -> web.StreamResponse:
        """``/openai/v1/realtime``: the GA protocol."""
        return await self._serve(request, Protocol.GA)

    def _check(self, request: web.Request, protocol: Protocol) -> tuple[str, str] | web.Response:
        """(deployment, model) when the handshake may proceed, else the HTTP answer."""
        ctx = self.ctx
        fault = ctx.faults.take("handshake_status", request.path)
        if fault is not None:
            status, code, message, headers = handshake_refusal(fault)
            return _error(errors.ApiError(status, code, message, headers=headers, gateway=True))
        query = request.query
        if protocol is Protocol.GA and "api-version" in query:
            return unauthorised().response()
        denied = ctx.check_auth(request)
        if denied is not None:
            return denied
        try:
            if protocol is Protocol.PREVIEW:
                version = apiversions.check(query, v1=False)
            else:
                version = None
        except errors.ApiError as exc:
            return _error(exc)
        if protocol is Protocol.GA and is_transcription_request(request):
            return "", ""  # a transcription session: its deployment comes with session.update
        if protocol is Protocol.GA and "call_id" in query:
            return self._check_sideband(request)
        key = "deployment" if protocol is Protocol.PREVIEW else "model"
        deployment = query.get(key)
        if not deployment:
            return _error(_missing(key))
        model = ctx.deployments.get(deployment)
        if model is None:
            return _error(errors.deployment_not_found())
        info = lookup_model(model)
        if info is None or info.family != "realtime":
            return _error(errors.operation_not_supported("realtime", model))
        try:
            apiversions.check_model(version, info, model)
        except errors.ApiError as exc:
            return _error(exc)
        return deployment, model

    def _check_sideband(self, request: web.Request) -> tuple[str, str] | web.Response:
        """A sideband session: the call must exist and be accepted; it runs the call's deployment."""
        call = _call_of(request)
        if call is None:
            return _error(
                errors.ApiError(404, "call_not_found", f"No call found with id '{request.query['call_id']}'.")
            )
        if call.state != ACCEPTED:
            return _error(
                errors.ApiError(
                    409, "invalid_call_state", f"Call '{call.call_id}' is {call.state}: accept it before attaching."
                )
            )
        deployment = call.accepted_model or ""
        return deployment, self.ctx.deployments.get(deployment, deployment)

    def _log_entry(self, request: web.Request, protocol: Protocol, status: int) -> dict[str, Any]:
        query = request.query
        return {
            "kind": "realtime",
            "method": request.method,
            "path": request.path,
            "protocol": protocol.value,
            "deployment": query.get("deployment" if protocol is Protocol.PREVIEW else "model"),
            "query": dict(query),
            "headers": dict(request.headers),
            "status": status,
            "client_events": [],
            "close": {},
            "items": [],
            "session_updates": [],
            "response_requests": [],
            "responses": [],
            "input": {"audio_bytes": 0, "appends": 0},
        }

    async def _serve(self, request: web.Request, protocol: Protocol) -> web.StreamResponse:
        ctx = self.ctx
        checked = self._check(request, protocol)
        ws = web.WebSocketResponse(protocols=("realtime",), max_msg_size=MAX_FRAME_BYTES, autoping=True)
        if not isinstance(checked, web.StreamResponse) and not ws.can_prepare(request).ok:
            checked = _error(
                errors.ApiError(
                    400, "BadRequest", "The realtime endpoint needs a WebSocket upgrade request.", gateway=True
                )
            )
        if isinstance(checked, web.StreamResponse):
            ctx.log.record(self._log_entry(request, protocol, checked.status))
            return checked
        deployment, model = checked
        faults = SessionFaults.take(ctx.faults, request.path)
        entry = self._log_entry(request, protocol, 101)
        # RequestLog.record copies the entry shallowly: the list and the dict stay shared and fill in live.
        ctx.log.record(entry)
        await ws.prepare(request)
        if not deployment:
            try:
                await TranscriptionSession(ctx, ws, entry, faults, request.transport).run()
            finally:
                if not ws.closed:
                    await ws.close()
                entry["close"].setdefault("code", ws.close_code)
            return ws
        call = _call_of(request) if protocol is Protocol.GA else None
        sideband = SidebandCall(call.call_id, **call.caller) if call is not None else None
        session = RealtimeSession(ctx, ws, protocol, deployment, model, faults, entry, sideband)
        if call is not None:
            call.sessions.append(session)
        inject.OPEN.append(session)
        session.transport = request.transport
        entry["input"]["session_id"] = session.session_obj.get("id")
        try:
            await session.run()
        except Exception:  # noqa: BLE001 - log, then close below
            log.exception("realtime session on %s failed", request.path)
        finally:
            if not ws.closed:
                await ws.close()
            entry["close"].setdefault("code", ws.close_code)
            inject.OPEN.remove(session)
        return ws


def add_realtime_routes(app: web.Application, ctx: Any) -> None:
    """Register ``GET /openai/realtime`` and ``GET /openai/v1/realtime`` on `app`."""
    routes = RealtimeRoutes(ctx)
    app.router.add_get("/openai/realtime", routes.preview)
    app.router.add_get("/openai/v1/realtime", routes.ga)
    app.router.add_post("/_emulator/realtime/events", inject.inject_events)


def _call_of(request: web.Request) -> Call | None:
    """The SIP call a sideband request names (``?call_id=``), if it exists."""
    call_id = request.query.get("call_id")
    if not call_id:
        return None
    return request.app[CALLS].get(call_id)


__all__ = ["DEFAULT_SAY", "RealtimeRoutes", "add_realtime_routes"]
