"""SIP calls: the signed realtime.call.incoming webhook and the calls endpoints (accept, reject, refer, hangup)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, Iterator

import pytest

SECRET = "whsec_" + base64.b64encode(b"emulator-test-secret-32-bytes!!!").decode()
CALLS = "/openai/v1/realtime/calls"


class _Receiver(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["content-length"]))
        self.received.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A webhook receiver on loopback; yields its URL and what it received."""
    _Receiver.received = []
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", _Receiver.received
    server.shutdown()
    server.server_close()


def _ring(client, url: str, **extra: Any) -> str:
    response = client.post("/_emulator/calls", json={"webhook_url": url, "secret": SECRET, **extra})
    assert response.status_code == 201, response.text
    assert response.json()["webhook_status"] == 200
    return response.json()["call_id"]


def _expected_signature(delivery: dict[str, Any]) -> str:
    key = base64.b64decode(SECRET.removeprefix("whsec_"))
    h = delivery["headers"]
    signed = f"{h['webhook-id']}.{h['webhook-timestamp']}.".encode() + delivery["body"]
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def test_a_call_delivers_a_standard_webhooks_signed_event(client, receiver):
    url, received = receiver
    call_id = _ring(client, url)
    (delivery,) = received
    event = json.loads(delivery["body"])
    assert event["type"] == "realtime.call.incoming" and event["object"] == "event"
    assert event["data"]["call_id"] == call_id and call_id.startswith("rtc_")
    assert {"name", "value"} == set(event["data"]["sip_headers"][0])
    assert delivery["headers"]["webhook-id"] == event["id"]
    assert abs(int(delivery["headers"]["webhook-timestamp"]) - time.time()) < 60
    assert delivery["headers"]["webhook-signature"] == _expected_signature(delivery)


def test_tamper_and_age_make_a_delivery_a_receiver_must_refuse(client, receiver):
    url, received = receiver
    _ring(client, url, tamper=True)
    _ring(client, url, age_seconds=600)
    tampered, old = received
    assert tampered["headers"]["webhook-signature"] != _expected_signature(tampered)
    assert old["headers"]["webhook-signature"] == _expected_signature(old)
    assert time.time() - int(old["headers"]["webhook-timestamp"]) >= 590


def test_only_loopback_webhook_urls_are_accepted(client):
    response = client.post("/_emulator/calls", json={"webhook_url": "http://192.0.2.1/hook", "secret": SECRET})
    assert response.status_code == 400


def test_accept_refer_hangup_walks_the_call_through_its_states(client, receiver):
    call_id = _ring(client, receiver[0])
    assert (
        client.post(
            f"{CALLS}/{call_id}/accept",
            json={"type": "realtime", "model": "gpt-realtime", "instructions": "Greet the caller."},
        ).status_code
        == 200
    )
    assert client.post(f"{CALLS}/{call_id}/refer", json={"target_uri": "tel:+14155550123"}).status_code == 200
    assert client.post(f"{CALLS}/{call_id}/hangup").status_code == 200
    state = client.get(f"/_emulator/calls/{call_id}").json()
    assert state["state"] == "ended"
    assert [a["action"] for a in state["actions"]] == ["accept", "refer", "hangup"]
    assert state["actions"][1]["target_uri"] == "tel:+14155550123"


def test_reject_sends_the_status_code_or_603(client, receiver):
    first, second = _ring(client, receiver[0]), _ring(client, receiver[0])
    assert client.post(f"{CALLS}/{first}/reject", json={"status_code": 486}).status_code == 200
    assert client.post(f"{CALLS}/{second}/reject").status_code == 200
    assert client.get(f"/_emulator/calls/{first}").json()["actions"] == [{"action": "reject", "status_code": 486}]
    assert client.get(f"/_emulator/calls/{second}").json()["actions"] == [{"action": "reject", "status_code": 603}]


@pytest.mark.parametrize(
    "action, body, param",
    [
        ("accept", {"type": "transcription", "model": "gpt-realtime"}, "type"),
        ("accept", {"type": "realtime"}, "model"),
        ("accept", {"type": "realtime", "model": "whisper"}, "model"),
        ("reject", {"status_code": 200}, "status_code"),
        ("reject", {"status_code": 486, "reason": "busy"}, "reason"),
        ("refer", {"target_uri": "https://example.com"}, "target_uri"),
        ("refer", {}, "target_uri"),
    ],
)
def test_bad_bodies_are_400_naming_the_field(client, receiver, action, body, param):
    call_id = _ring(client, receiver[0])
    if action == "refer":
        client.post(f"{CALLS}/{call_id}/accept", json={"type": "realtime", "model": "gpt-realtime"})
    response = client.post(f"{CALLS}/{call_id}/{action}", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["param"] == param


def test_actions_out_of_order_are_409_and_an_unknown_call_404(client, receiver):
    call_id = _ring(client, receiver[0])
    assert client.post(f"{CALLS}/{call_id}/hangup").status_code == 409
    assert client.post(f"{CALLS}/{call_id}/refer", json={"target_uri": "tel:+1"}).status_code == 409
    assert client.post(f"{CALLS}/rtc_nope/hangup").status_code == 404


def test_the_calls_endpoints_need_the_key(client, receiver, emulator):
    import httpx

    call_id = _ring(client, receiver[0])
    with httpx.Client(base_url=emulator.base_url) as anonymous:
        assert anonymous.post(f"{CALLS}/{call_id}/hangup").status_code == 401
