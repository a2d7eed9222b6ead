"""SIP calls answered by the service: verify the ``realtime.call.incoming`` webhook, read the call, and answer it.

>>> azaudio.verify_webhook(secret, headers, body)          # raises AuthenticationError when forged or replayed
>>> call = azaudio.IncomingCall.parse(body)
>>> client.accept_call(call.call_id, deployment="gpt-realtime", instructions="...", voice="marin")
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Mapping, Optional, Union

from . import _native as n
from ._calls import run
from ._options import CallAcceptOptions, Unpack, check_keywords
from .errors import last_error

if TYPE_CHECKING:
    from .client import Client

__all__ = ["IncomingCall", "verify_webhook", "accept_call", "reject_call", "refer_call", "hangup_call"]

Body = Union[bytes, bytearray, memoryview]


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return ""


def verify_webhook(
    secret: str, headers: Mapping[str, str], body: Body, *, now: Optional[int] = None, tolerance: Optional[int] = None
) -> None:
    """Check a webhook delivery (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature headers over
    the raw body, HMAC-SHA256 keyed with the ``whsec_`` secret, timestamps within ``tolerance`` seconds, 300 by
    default). Raises AuthenticationError for a forged, tampered or replayed delivery, InvalidArgumentError for
    malformed headers or secret."""
    n.require("azaudio_webhook_verify")
    data = bytes(body)
    code = n.lib.azaudio_webhook_verify(
        n.encode(secret),
        n.encode(_header(headers, "webhook-id")),
        n.encode(_header(headers, "webhook-timestamp")),
        n.encode(_header(headers, "webhook-signature")),
        data,
        len(data),
        now or 0,
        tolerance or 0,
    )
    if code != n.AZAUDIO_OK:
        raise last_error(code)


@dataclass(frozen=True)
class IncomingCall:
    """A ``realtime.call.incoming`` webhook: the call id and the SIP INVITE's headers (name, value) in order."""

    call_id: str
    sip_headers: list[tuple[str, str]] = field(default_factory=list)

    def header(self, name: str) -> Optional[str]:
        """The first SIP header called ``name`` (case-insensitive), or None."""
        return next((v for k, v in self.sip_headers if k.lower() == name.lower()), None)

    @staticmethod
    def parse(body: Body) -> "IncomingCall":
        """Read a (verified) webhook body; raises ProtocolError when it is not such an event."""
        n.require("azaudio_incoming_call_parse")
        data = bytes(body)
        out = ctypes.c_void_p()
        code = n.lib.azaudio_incoming_call_parse(data, len(data), ctypes.byref(out))
        if code != n.AZAUDIO_OK:
            raise last_error(code)
        try:
            headers = []
            name, value = ctypes.c_char_p(), ctypes.c_char_p()
            for i in range(n.lib.azaudio_incoming_call_sip_header_count(out)):
                n.lib.azaudio_incoming_call_sip_header(out, i, ctypes.byref(name), ctypes.byref(value))
                headers.append((n.text(name.value), n.text(value.value)))
            return IncomingCall(n.text(n.lib.azaudio_incoming_call_id(out)), headers)
        finally:
            n.lib.azaudio_incoming_call_free(out)


def accept_call(client: "Client", call_id: str, **options: Unpack[CallAcceptOptions]) -> None:
    """Accept a call with a realtime session: ``deployment`` answers (with optional ``instructions`` and
    ``voice``, a name or a custom "voice_..." id), or ``session_json`` is the whole session object."""
    handle = client._live()
    n.require("azaudio_call_accept")
    check_keywords("accept_call", options, CallAcceptOptions)
    strings = [n.encode(call_id)] + [
        n.encode(value)
        for value in (
            options.get("deployment"),
            options.get("instructions"),
            options.get("voice"),
            options.get("session_json"),
        )
    ]

    def body(token: object) -> None:
        c = n.azaudio_call_accept_options()
        n.init_struct(c)
        c.deployment, c.instructions, c.voice, c.session_json = strings[1:]
        client._call_options(c, token, options)
        client._finish(n.lib.azaudio_call_accept(handle, strings[0], ctypes.byref(c)))

    run(body)


def _simple(client: "Client", name: str, *args: object) -> None:
    handle = client._live()
    n.require(name)

    def body(_token: object) -> None:
        client._finish(getattr(n.lib, name)(handle, *args))

    run(body, cancel_on_interrupt=False)


def reject_call(client: "Client", call_id: str, status_code: int = 0) -> None:
    """Reject a ringing call with a SIP status (400-699, e.g. 486); 0: the service's default (603)."""
    _simple(client, "azaudio_call_reject", n.encode(call_id), status_code)


def refer_call(client: "Client", call_id: str, target_uri: str) -> None:
    """Transfer an accepted call with SIP REFER to a tel:, sip: or sips: URI."""
    _simple(client, "azaudio_call_refer", n.encode(call_id), n.encode(target_uri))


def hangup_call(client: "Client", call_id: str) -> None:
    """End a call."""
    _simple(client, "azaudio_call_hangup", n.encode(call_id))
