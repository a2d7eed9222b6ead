"""SIP calls answered by the service: the incoming-call webhook and the calls endpoints.

The emulator plays the service's side of a SIP call whose media it never
carries (as on Azure, the app only sees the webhook and the REST calls):

* ``POST /_emulator/calls`` (control API) makes an incoming call: JSON
  ``{"webhook_url": "http://127.0.0.1:PORT/path", "secret": "whsec_...",
  "sip_headers": [{"name", "value"}] (optional)}``. The emulator POSTs a
  ``realtime.call.incoming`` event (schema WebhookRealtimeCallIncoming) to the
  URL, signed the Standard Webhooks way (HMAC-SHA256 over
  ``{id}.{timestamp}.{body}`` with the base64 key after ``whsec_``; headers
  ``webhook-id``, ``webhook-timestamp``, ``webhook-signature: v1,<base64>``),
  and answers ``{"call_id", "webhook_status"}``. Only loopback URLs are
  accepted. ``"tamper": true`` changes the body after signing, ``"age_seconds"``
  backdates the timestamp (to test a receiver's checks).
* ``GET /_emulator/calls/{call_id}``: the call's state and what was done to it.
* ``POST /openai/v1/realtime/calls/{call_id}/accept`` (a
  RealtimeSessionCreateRequestGA: ``type`` "realtime", ``model`` a realtime
  deployment), ``/reject`` (optional ``{"status_code": 400-699}``, 603 when
  omitted), ``/refer`` (``{"target_uri": "tel:..."|"sip:..."}``), ``/hangup``.
  A call can be accepted or rejected while ringing, referred or hung up once
  accepted; anything else is 409, an unknown call 404.

The sideband realtime session (``/openai/v1/realtime?call_id=...``) of an
accepted call is served by the realtime routes (``realtime/sideband.py``): it
runs the accepted deployment, a scripted caller speaks into it
(``"caller": {"say": "...", "dtmf": "12#"}`` in ``POST /_emulator/calls``), and
``/hangup`` or ``/refer`` closes it with 1000.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import secrets
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from .body import read_json
from .errors import ApiError, invalid
from .handlers import context
from .models import lookup_model
from .validation import common

CALLS = web.AppKey("sip_calls", dict)

RINGING, ACCEPTED, REJECTED, REFERRED, ENDED = "ringing", "accepted", "rejected", "referred", "ended"


@dataclass
class Call:
    """One SIP call and what the application did to it."""

    call_id: str
    sip_headers: list[dict[str, str]]
    state: str = RINGING
    actions: list[dict[str, Any]] = field(default_factory=list)
    #: The scripted caller of its sideband sessions: {"say": text, "dtmf": keys}.
    caller: dict[str, str] = field(default_factory=dict)
    #: The deployment the call was accepted with.
    accepted_model: str | None = None
    #: Its sideband realtime sessions (closed when the call ends).
    sessions: list[Any] = field(default_factory=list)

    async def end_sessions(self) -> None:
        """The call left the service: close its sideband sessions (1000)."""
        for session in self.sessions:
            await session.close(1000, "the call ended")


def sign(secret: str, webhook_id: str, timestamp: str, body: bytes) -> str:
    """The ``webhook-signature`` value for a delivery (Standard Webhooks, v1)."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def _loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _bad(message: str) -> web.Response:
    return web.json_response({"error": message}, status=400)


async def create_call(request: web.Request) -> web.Response:
    """Control API: ring a call, delivering its signed webhook to the given loopback URL."""
    try:
        spec = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _bad("the body must be a JSON object")
    if not isinstance(spec, dict):
        return _bad("the body must be a JSON object")
    url, secret = spec.get("webhook_url"), spec.get("secret")
    if not isinstance(url, str) or not _loopback(url) or not url.startswith(("http://", "https://")):
        return _bad("webhook_url must be an http(s) URL on a loopback address")
    if not isinstance(secret, str) or not secret.startswith("whsec_"):
        return _bad("secret must be a whsec_... signing secret")
    try:
        base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except ValueError:
        return _bad("secret must be whsec_ followed by base64")
    headers = spec.get("sip_headers") or [
        {"name": "From", "value": '"Caller" <sip:+14155550100@pstn.example.com>'},
        {"name": "To", "value": "<sip:+18005550199@sip.example.com>"},
        {"name": "Call-ID", "value": secrets.token_hex(8)},
    ]
    caller = spec.get("caller") or {}
    if not isinstance(caller, dict) or not all(
        key in ("say", "dtmf") and isinstance(value, str) for key, value in caller.items()
    ):
        return _bad('caller must be {"say": text, "dtmf": keys}')
    call = Call("rtc_" + secrets.token_hex(12), headers, caller=caller)
    request.app[CALLS][call.call_id] = call
    event = {
        "object": "event",
        "id": "evt_" + secrets.token_hex(10),
        "type": "realtime.call.incoming",
        "created_at": int(time.time()),
        "data": {"call_id": call.call_id, "sip_headers": headers},
    }
    body = json.dumps(event).encode()
    timestamp = str(int(time.time()) - int(spec.get("age_seconds", 0)))
    signature = sign(secret, event["id"], timestamp, body)
    if spec.get("tamper"):
        body = body.replace(b"realtime.call.incoming", b"realtime.call.incomin\\u0067")
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
            async with session.post(
                url,
                data=body,
                headers={
                    "content-type": "application/json",
                    "webhook-id": event["id"],
                    "webhook-timestamp": timestamp,
                    "webhook-signature": signature,
                },
            ) as reply:
                status = reply.status
    except (aiohttp.ClientError, TimeoutError) as exc:
        return web.json_response({"call_id": call.call_id, "webhook_status": 0, "error": str(exc)}, status=502)
    return web.json_response({"call_id": call.call_id, "webhook_status": status}, status=201)


async def get_call(request: web.Request) -> web.Response:
    """Control API: a call's state and the actions taken on it."""
    call = request.app[CALLS].get(request.match_info["call_id"])
    if call is None:
        return web.json_response({"error": "no such call"}, status=404)
    return web.json_response({"call_id": call.call_id, "state": call.state, "actions": call.actions})


def _call(request: web.Request) -> Call:
    call = request.app[CALLS].get(request.match_info["call_id"])
    if call is None:
        raise ApiError(404, "call_not_found", f"No call found with id '{request.match_info['call_id']}'.", "call_id")
    return call


def _conflict(call: Call, action: str) -> ApiError:
    return ApiError(409, "invalid_call_state", f"Cannot {action} call '{call.call_id}': it is {call.state}.")


def _transition(call: Call, verb: str, allowed: tuple[str, ...], to: str, action: dict[str, Any]) -> web.Response:
    """Moves a call from one of the `allowed` states to `to` and records the action; 409 from any other state."""
    if call.state not in allowed:
        raise _conflict(call, verb)
    call.state = to
    call.actions.append(action)
    return web.Response(status=200)


async def _json_body(request: web.Request, required: bool) -> dict[str, Any]:
    if not required and not request.can_read_body:
        return {}
    return await read_json(request)


async def accept(request: web.Request) -> web.Response:
    """Accept a ringing call with a GA session configuration."""
    call = _call(request)
    body = await _json_body(request, True)
    kind = body.get("type", "realtime")
    if kind != "realtime":
        raise invalid(f"Invalid value: '{kind}'. Supported values are: 'realtime'.", "type")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise common.missing("model")
    deployment = context(request).deployments.get(model)
    info = lookup_model(deployment) if deployment else None
    if info is None or info.family != "realtime":
        raise invalid(f"The model '{model}' is not a realtime deployment of this resource.", "model")
    for name in ("instructions",):
        if name in body:
            common.string(name, body[name])
    response = _transition(call, "accept", (RINGING,), ACCEPTED, {"action": "accept", "session": body})
    call.accepted_model = model
    return response


async def reject(request: web.Request) -> web.Response:
    """Reject a ringing call with a SIP status (603 by default)."""
    call = _call(request)
    body = await _json_body(request, False)
    common.reject_unknown(body, ("status_code",))
    status = body.get("status_code", 603)
    if not isinstance(status, int) or isinstance(status, bool) or not 400 <= status <= 699:
        raise invalid("Invalid 'status_code': expected a SIP error status from 400 to 699.", "status_code")
    return _transition(call, "reject", (RINGING,), REJECTED, {"action": "reject", "status_code": status})


async def refer(request: web.Request) -> web.Response:
    """Transfer an accepted call (SIP REFER)."""
    call = _call(request)
    body = await _json_body(request, True)
    common.reject_unknown(body, ("target_uri",))
    if "target_uri" not in body:
        raise common.missing("target_uri")
    target = common.string("target_uri", body["target_uri"])
    if not target.lower().startswith(("tel:", "sip:", "sips:")):
        raise invalid("Invalid 'target_uri': expected a tel:, sip: or sips: URI.", "target_uri")
    response = _transition(call, "refer", (ACCEPTED,), REFERRED, {"action": "refer", "target_uri": target})
    await call.end_sessions()
    return response


async def hangup(request: web.Request) -> web.Response:
    """End an accepted (or referred) call."""
    call = _call(request)
    response = _transition(call, "hang up", (ACCEPTED, REFERRED), ENDED, {"action": "hangup"})
    await call.end_sessions()
    return response


def add_call_routes(app: web.Application) -> None:
    """Register the calls endpoints and their control API."""
    app[CALLS] = {}
    app.router.add_post("/_emulator/calls", create_call)
    app.router.add_get("/_emulator/calls/{call_id}", get_call)
    for name, handler in (("accept", accept), ("reject", reject), ("refer", refer), ("hangup", hangup)):
        app.router.add_post(f"/openai/v1/realtime/calls/{{call_id}}/{name}", handler)
