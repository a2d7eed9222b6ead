"""Fault injection through the control API, and the request log."""

from __future__ import annotations

import hashlib
import json
import time

import httpx
import pytest
from conftest import deployment_url
from helpers import API_KEY, sse_events

SPEECH_URL = deployment_url("tts", "audio/speech")
SPEECH = {"input": "hello there", "voice": "alloy", "response_format": "pcm"}
CHAT_URL = deployment_url("gpt-4o-audio-preview", "chat/completions")
CHAT = {"messages": [{"role": "user", "content": "hello"}]}


def queue(client, **fault):
    response = client.post("/_emulator/faults", json=fault)
    assert response.status_code == 201, response.text
    return response.json()


def test_status_fault_answers_429_with_retry_headers_in_azures_shape(client):
    queue(client, kind="status", status=429, retry_after=3, retry_after_ms=2500, x_ms_retry_after_ms=2600)
    response = client.post(SPEECH_URL, json=SPEECH)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "3"
    assert response.headers["retry-after-ms"] == "2500"
    assert response.headers["x-ms-retry-after-ms"] == "2600"
    assert response.headers["apim-request-id"]
    assert response.json()["error"]["code"] == "429"


def test_status_fault_can_be_a_5xx_with_own_code_and_message(client):
    queue(client, kind="status", status=503, code="ServiceUnavailable", message="busy")
    response = client.post(SPEECH_URL, json=SPEECH)
    assert response.status_code == 503
    assert response.json() == {"error": {"code": "ServiceUnavailable", "message": "busy"}}


def test_fault_applies_to_the_next_count_matching_requests_only(client):
    queue(client, kind="status", status=500, count=2, match="/audio/speech")
    assert client.post(CHAT_URL, json=CHAT).status_code == 200
    assert client.post(SPEECH_URL, json=SPEECH).status_code == 500
    assert client.post(SPEECH_URL, json=SPEECH).status_code == 500
    assert client.post(SPEECH_URL, json=SPEECH).status_code == 200


def test_faults_wait_for_an_authorised_request(emulator, client):
    queue(client, kind="status", status=500)
    assert httpx.post(emulator.base_url + SPEECH_URL, json=SPEECH).status_code == 401
    assert client.post(SPEECH_URL, json=SPEECH).status_code == 500


def test_delay_first_byte_holds_the_answer(client):
    queue(client, kind="delay_first_byte", seconds=0.6)
    start = time.monotonic()
    assert client.post(SPEECH_URL, json=SPEECH).status_code == 200
    assert time.monotonic() - start >= 0.6


def test_cut_mid_body_drops_a_json_answer_part_way(client):
    queue(client, kind="cut_mid_body")
    with pytest.raises(httpx.RemoteProtocolError):
        client.post(CHAT_URL, json=CHAT)
    assert client.post(CHAT_URL, json=CHAT).status_code == 200


def test_cut_mid_body_drops_a_streamed_audio_answer_part_way(client):
    queue(client, kind="cut_mid_body")
    with pytest.raises(httpx.RemoteProtocolError):
        client.post(SPEECH_URL, json=SPEECH)


def test_stall_body_sends_the_head_and_first_bytes_then_nothing(client):
    queue(client, kind="stall_body", after_bytes=3, seconds=30)
    got = b""
    with pytest.raises(httpx.ReadTimeout):
        with client.stream("POST", SPEECH_URL, json=SPEECH, timeout=httpx.Timeout(10.0, read=1.0)) as response:
            assert response.status_code == 200
            for chunk in response.iter_raw():
                got += chunk
    assert len(got) == 3


def test_trickle_body_sends_the_body_in_small_pieces(client):
    queue(client, kind="trickle_body", chunk_bytes=200, interval_seconds=0.01)
    started = time.monotonic()
    with client.stream("POST", SPEECH_URL, json=SPEECH) as response:
        sizes = [len(c) for c in response.iter_raw()]
    assert response.status_code == 200 and sum(sizes) > 400
    assert max(sizes) <= 400 and len(sizes) >= 2 and time.monotonic() - started >= 0.02


@pytest.mark.parametrize(
    "content_type, body",
    [("text/html; charset=utf-8", "<html>Sign in</html>"), ("application/json", '{"ok": true}'), ("audio/mpeg", "")],
)
def test_fake_answer_replaces_the_answer(client, content_type, body):
    queue(client, kind="fake_answer", content_type=content_type, body=body)
    response = client.post(SPEECH_URL, json=SPEECH)
    assert response.status_code == 200 and response.text == body
    assert response.headers["content-type"] == content_type


def test_redirect_answers_302_with_a_location(client):
    queue(client, kind="redirect", location="https://elsewhere.example.org/x")
    response = client.post(SPEECH_URL, json=SPEECH, follow_redirects=False)
    assert response.status_code == 302 and response.headers["location"] == "https://elsewhere.example.org/x"


def test_truncate_sse_ends_a_chat_stream_without_its_final_events(client):
    queue(client, kind="truncate_sse")
    events = sse_events(client.post(CHAT_URL, json={**CHAT, "stream": True}).text)
    assert events and "[DONE]" not in events
    assert all(c["choices"][0]["finish_reason"] is None for c in events[1:])


def test_truncate_sse_ends_a_transcription_stream_before_done(client, speech_wav):
    queue(client, kind="truncate_sse")
    response = client.post(
        deployment_url("gpt-4o-transcribe", "audio/transcriptions"),
        files={"file": ("a.wav", speech_wav, "audio/wav")},
        data={"stream": "true"},
    )
    assert all(e["type"] == "transcript.text.delta" for e in sse_events(response.text))


def test_malformed_json_breaks_a_json_answer(client):
    queue(client, kind="malformed_json")
    response = client.post(CHAT_URL, json=CHAT)
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()


def test_malformed_json_breaks_the_first_sse_event(client):
    queue(client, kind="malformed_json")
    response = client.post(CHAT_URL, json={**CHAT, "stream": True})
    with pytest.raises(ValueError):
        sse_events(response.text)


def test_faults_are_listed_and_cleared(client):
    queue(client, kind="status", status=500, count=3, match="speech")
    assert [f["count"] for f in client.get("/_emulator/faults").json()["faults"]] == [3]
    assert client.delete("/_emulator/faults").status_code == 204
    assert client.get("/_emulator/faults").json()["faults"] == []
    assert client.post(SPEECH_URL, json=SPEECH).status_code == 200


def test_realtime_fault_kinds_are_accepted_for_the_realtime_side(client):
    queue(client, kind="ws_close", code=1011, reason="bye", after_events=2)
    queue(client, kind="session_expired", after_seconds=1)
    queue(client, kind="handshake_status", status=429, retry_after=1)
    assert len(client.get("/_emulator/faults").json()["faults"]) == 3


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "explode"},
        {"kind": "status", "count": 0},
        {"kind": "status", "match": 5},
        {"kind": "status", "status": 99},
        {"kind": "status", "status": "429"},
        {"kind": "delay_first_byte", "seconds": -1},
        {"kind": "delay_first_byte", "seconds": float("nan")},
        {"kind": "cut_mid_body", "bytes": 10},
        [],
    ],
)
def test_malformed_fault_is_rejected_with_400(client, fault):
    response = client.post("/_emulator/faults", content=json.dumps(fault), headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]


def test_non_json_fault_body_is_rejected_with_400(client):
    assert (
        client.post("/_emulator/faults", content=b"{", headers={"Content-Type": "application/json"}).status_code == 400
    )


def test_request_log_records_route_fields_status_and_applied_faults(client):
    queue(client, kind="status", status=429)
    client.post(SPEECH_URL, json=SPEECH)
    client.post(SPEECH_URL, json=SPEECH)
    first, second = client.get("/_emulator/requests", params={"path": "speech"}).json()["requests"]
    assert first["status"] == 429 and first["faults"] == ["status"]
    assert second["status"] == 200
    assert second["deployment"] == "tts" and second["model"] == "tts"
    assert second["fields"] == SPEECH
    assert second["query"] == {"api-version": "2025-04-01-preview"}
    assert second["request_id"]


def test_request_log_never_holds_keys(emulator, client):
    client.post(SPEECH_URL, json=SPEECH, headers={"Authorization": f"Bearer {API_KEY}"})
    httpx.post(emulator.base_url + SPEECH_URL + "&api-key=" + API_KEY, json=SPEECH, headers={"api-key": API_KEY})
    log = client.get("/_emulator/requests").text
    assert API_KEY not in log
    assert "api-key" not in {
        k.lower() for e in client.get("/_emulator/requests").json()["requests"] for k in e["headers"]
    }


def test_request_log_summarises_large_fields(client, speech_wav):
    import base64

    audio = base64.b64encode(speech_wav).decode()
    client.post(
        CHAT_URL,
        json={
            "messages": [
                {"role": "user", "content": [{"type": "input_audio", "input_audio": {"data": audio, "format": "wav"}}]}
            ]
        },
    )
    entry = client.get("/_emulator/requests").json()["requests"][0]
    part = entry["fields"]["messages"][0]["content"][0]["input_audio"]
    assert part["data"] == f"<{len(audio)} characters>"


def test_request_log_shows_uploaded_files_without_their_bytes(client, speech_wav):
    client.post(
        deployment_url("whisper", "audio/transcriptions"),
        files={"file": ("a.wav", speech_wav, "audio/wav")},
        data={"response_format": "text"},
    )
    fields = client.get("/_emulator/requests").json()["requests"][0]["fields"]
    assert fields == {
        "response_format": "text",
        "file": {
            "filename": "a.wav",
            "content_type": "audio/wav",
            "bytes": len(speech_wav),
            "sha256": hashlib.sha256(speech_wav).hexdigest(),
        },
    }


def test_request_log_is_cleared(client):
    client.post(SPEECH_URL, json=SPEECH)
    assert client.delete("/_emulator/requests").status_code == 204
    assert client.get("/_emulator/requests").json()["requests"] == []
