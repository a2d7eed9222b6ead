"""SIP calls through the binding: the emulator rings a call with a signed webhook to a receiver here."""

from __future__ import annotations

import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import azaudio
import pytest
from conftest import Emulator

pytestmark = pytest.mark.usefixtures("rest")

SECRET = "whsec_ZW11bGF0b3ItdGVzdC1zZWNyZXQtMzItYnl0ZXMhISE="


def _control(emulator: Emulator, method: str, path: str, body: "dict[str, Any] | None" = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        emulator.endpoint + path, data=data, method=method, headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())


def _ring(emulator: Emulator, **extra: Any) -> tuple[dict[str, str], bytes]:
    """Ring a call; return the webhook's headers and body as a receiver got them."""
    got: dict[str, Any] = {}

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            got["headers"] = dict(self.headers.items())
            got["body"] = self.rfile.read(int(self.headers["content-length"]))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    _control(
        emulator,
        "POST",
        "/_emulator/calls",
        {"webhook_url": f"http://127.0.0.1:{server.server_address[1]}/hook", "secret": SECRET, **extra},
    )
    thread.join(30)
    server.server_close()
    return got["headers"], got["body"]


def test_a_genuine_webhook_verifies_and_the_call_is_answered(client: azaudio.Client, emulator: Emulator) -> None:
    headers, body = _ring(emulator)
    azaudio.verify_webhook(SECRET, headers, body)
    call = azaudio.IncomingCall.parse(body)
    assert call.call_id.startswith("rtc_") and "+14155550100" in (call.header("FROM") or "")
    client.accept_call(call.call_id, deployment="gpt-realtime", instructions="Greet the caller.", voice="cedar")
    client.refer_call(call.call_id, "sip:agent@example.com")
    client.hangup_call(call.call_id)
    state = _control(emulator, "GET", f"/_emulator/calls/{call.call_id}")
    assert [a["action"] for a in state["actions"]] == ["accept", "refer", "hangup"]


def test_forged_and_replayed_webhooks_raise_authentication_errors(emulator: Emulator) -> None:
    headers, body = _ring(emulator, tamper=True)
    with pytest.raises(azaudio.AuthenticationError, match="does not match"):
        azaudio.verify_webhook(SECRET, headers, body)
    headers, body = _ring(emulator, age_seconds=900)
    with pytest.raises(azaudio.AuthenticationError, match="old"):
        azaudio.verify_webhook(SECRET, headers, body)


def test_a_reject_with_a_bad_status_is_refused_locally(client: azaudio.Client, emulator: Emulator) -> None:
    _, body = _ring(emulator)
    call = azaudio.IncomingCall.parse(body)
    with pytest.raises(azaudio.InvalidArgumentError, match="400 to 699"):
        client.reject_call(call.call_id, 99)
    client.reject_call(call.call_id, 486)
    assert _control(emulator, "GET", f"/_emulator/calls/{call.call_id}")["state"] == "rejected"
