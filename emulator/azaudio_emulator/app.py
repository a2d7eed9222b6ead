"""The aiohttp application: routes, and the pipeline every Azure REST request
goes through.

Pipeline (for every path under ``/openai/`` except the realtime WebSocket
routes, which check for themselves): API key, ``status`` and
``delay_first_byte`` faults, the handler, errors rendered in Azure's shape,
body faults on non-streamed answers, and a request log entry.
"""

from __future__ import annotations

import asyncio
import http
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from . import auth, errors
from .context import EmulatorContext
from .control import add_control_routes
from .handlers import CONTEXT, LOG_EXTRA
from .handlers.audio_text import transcriptions, translations
from .handlers.chat import AUDIO_STORE, AudioStore, chat_completions
from .handlers.speech import speech
from .headers import RATE_COUNTER, RateCounter, add_azure_headers, request_id
from .realtime import add_realtime_routes
from .realtime.translation_session import add_translation_route
from .sip_calls import add_call_routes
from .streaming import FAULTS_APPLIED, ConnectionCut, cut, note_fault

log = logging.getLogger("azaudio_emulator")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_OPERATIONS: dict[str, Handler] = {
    "audio/transcriptions": transcriptions,
    "audio/translations": translations,
    "audio/speech": speech,
    "chat/completions": chat_completions,
}

_DEFAULT_FAULT_MESSAGES = {
    429: "Requests to the Azure OpenAI API have exceeded the call rate limit of your current pricing tier. "
    "Please retry after the time given in the retry-after header.",
    500: "The server had an error while processing your request. Sorry about that!",
    503: "The service is temporarily unable to process your request. Please try again later.",
}


def _status_fault_response(fault: dict[str, Any]) -> web.Response:
    """The answer for a queued ``status`` fault, with the retry headers asked for."""
    status = fault.get("status", 429)
    headers = {}
    for param, header in (
        ("retry_after", "retry-after"),
        ("retry_after_ms", "retry-after-ms"),
        ("x_ms_retry_after_ms", "x-ms-retry-after-ms"),
    ):
        if param in fault:
            headers[header] = f"{fault[param]:g}"
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    message = fault.get("message", _DEFAULT_FAULT_MESSAGES.get(status, phrase))
    error = errors.ApiError(status, str(fault.get("code", status)), message, headers=headers, gateway=True)
    return error.response()


async def _apply_body_faults(request: web.Request, ctx: EmulatorContext, response: web.Response) -> web.StreamResponse:
    """Apply ``malformed_json`` and ``cut_mid_body`` to a non-streamed answer."""
    body = response.body if isinstance(response.body, bytes) else b""
    if response.content_type == "application/json" and ctx.faults.take("malformed_json", request.path):
        note_fault(request, "malformed_json")
        response.body = body = body[: len(body) // 2]
    if body and ctx.faults.take("cut_mid_body", request.path):
        partial = web.StreamResponse(status=response.status, headers=response.headers)
        partial.content_length = len(body)
        await partial.prepare(request)
        await cut(request, partial, body)
        return partial
    return response


async def _run(request: web.Request, handler: Handler, ctx: EmulatorContext) -> web.StreamResponse:
    if not auth.is_authorised(request, ctx.api_key):
        return auth.unauthorised().response()
    fault = ctx.faults.take("status", request.path)
    if fault:
        note_fault(request, "status")
        return _status_fault_response(fault)
    fault = ctx.faults.take("fake_answer", request.path)
    if fault:
        note_fault(request, "fake_answer")
        return web.Response(
            status=fault.get("status", 200),
            body=fault.get("body", "").encode(),
            headers={"Content-Type": fault.get("content_type", "text/html; charset=utf-8")},
        )
    fault = ctx.faults.take("redirect", request.path)
    if fault:
        note_fault(request, "redirect")
        return web.Response(
            status=fault.get("status", 302),
            headers={"Location": fault.get("location", "https://login.example.net/portal")},
        )
    fault = ctx.faults.take("delay_first_byte", request.path)
    if fault:
        note_fault(request, "delay_first_byte")
        await asyncio.sleep(fault.get("seconds", 1))
    try:
        response = await handler(request)
    except errors.ApiError as exc:
        response = exc.response()
    except ConnectionCut as exc:
        return exc.response
    except ConnectionError:
        raise
    except Exception:
        log.exception("unexpected failure handling %s", request.path)
        response = errors.internal_error().response()
    if isinstance(response, web.Response) and not response.prepared:
        return await _apply_body_faults(request, ctx, response)
    return response


@web.middleware
async def azure_pipeline(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Run Azure REST requests through the pipeline and log them."""
    if not request.path.startswith("/openai/") or auth.is_realtime_path(request.path):
        return await handler(request)
    ctx = request.app[CONTEXT]
    entry: dict[str, Any] = {
        "request_id": request_id(request),
        "method": request.method,
        "path": request.path,
        "query": dict(request.query),
        "headers": dict(request.headers),
    }
    status: Any = "disconnected"
    try:
        response = await _run(request, handler, ctx)
        status = response.status
        return response
    except ConnectionError:
        # The client went away. aiohttp drops quietly a response it cannot
        # send, whereas an exception from here would be logged as an error.
        return web.Response(status=499)
    finally:
        ctx.log.record(
            {**entry, **request.get(LOG_EXTRA, {}), "status": status, "faults": request.get(FAULTS_APPLIED, [])}
        )


async def _not_found(request: web.Request) -> web.Response:
    return errors.resource_not_found().response()


def create_app(ctx: EmulatorContext) -> web.Application:
    """The emulator application: Azure REST routes (both URL families), the
    realtime routes, and the control API."""
    app = web.Application(middlewares=[azure_pipeline])
    app[CONTEXT] = ctx
    app[AUDIO_STORE] = AudioStore()
    app[RATE_COUNTER] = RateCounter()
    app.on_response_prepare.append(add_azure_headers)
    for operation, handler in _OPERATIONS.items():
        app.router.add_post(f"/openai/deployments/{{deployment}}/{operation}", handler)
        app.router.add_post(f"/openai/v1/{operation}", handler)
    add_control_routes(app)
    add_realtime_routes(app, ctx)
    add_call_routes(app)
    add_translation_route(app)
    app.router.add_route("*", "/openai/{tail:.*}", _not_found)
    return app
