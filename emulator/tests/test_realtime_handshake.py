"""Before the upgrade: auth, api-version, deployment, faults; and the first events."""

from __future__ import annotations

import aiohttp
import pytest
from test_realtime_harness import KEY, PREVIEW_VERSION, connect, make_ctx, realtime_path, run, served


async def _get(base: str, path: str, headers: dict | None = None, upgrade: bool = True) -> tuple[int, dict, dict]:
    """The HTTP answer to a realtime handshake that is expected to be refused (one request)."""
    upgrade_headers = (
        {
            "Connection": "Upgrade",
            "Upgrade": "websocket",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        }
        if upgrade
        else {}
    )
    async with aiohttp.ClientSession() as http:
        async with http.get(base + path, headers={**(headers or {}), **upgrade_headers}, allow_redirects=False) as r:
            assert r.status != 101, "the handshake was accepted"
            return r.status, await r.json(), dict(r.headers)


def refused(path: str, headers: dict | None = None, upgrade: bool = True, ctx=None) -> tuple[int, dict, dict]:
    async def body():
        async with served(ctx or make_ctx()) as base:
            return await _get(base, path, headers, upgrade)

    return run(body())


def test_a_missing_key_is_refused_with_azures_401_before_the_upgrade():
    status, body, _ = refused(realtime_path("preview"), headers={})
    assert status == 401
    assert body["error"]["code"] == "401"
    assert "Access denied" in body["error"]["message"]


def test_a_wrong_key_is_refused_on_the_ga_route_too():
    status, body, _ = refused(realtime_path("ga"), headers={"api-key": "nope"})
    assert status == 401


@pytest.mark.parametrize("how", ["header", "bearer", "query"])
def test_the_key_is_accepted_as_header_bearer_token_or_query_parameter(how):
    async def body():
        async with served(make_ctx()) as base:
            path = realtime_path("preview")
            headers = {"header": {"api-key": KEY}, "bearer": {"Authorization": f"Bearer {KEY}"}, "query": {}}[how]
            if how == "query":
                path += f"&api-key={KEY}"
            async with connect(base, "preview", headers=headers, path=path, skip_greeting=False) as rt:
                return (await rt.next())["type"]

    assert run(body()) == "session.created"


def test_api_version_on_the_v1_route_gives_401_like_azure():
    status, body, _ = refused(realtime_path("ga") + f"&api-version={PREVIEW_VERSION}", headers={"api-key": KEY})
    assert status == 401
    assert body["error"]["code"] == "401"


def test_a_missing_api_version_on_the_preview_route_is_resource_not_found():
    status, body, _ = refused("/openai/realtime?deployment=gpt-4o-realtime-preview", headers={"api-key": KEY})
    assert (status, body["error"]["code"]) == (404, "404")


def test_an_unknown_api_version_is_refused():
    status, body, _ = refused(
        "/openai/realtime?api-version=2019-01-01&deployment=gpt-4o-realtime-preview", headers={"api-key": KEY}
    )
    assert status == 400
    assert body["error"]["message"] == "API version not supported"


def test_an_api_version_older_than_realtime_is_refused():
    status, body, _ = refused(
        "/openai/realtime?api-version=2024-06-01&deployment=gpt-4o-realtime-preview", headers={"api-key": KEY}
    )
    assert status == 400
    assert "2024-10-01-preview" in body["error"]["message"]


@pytest.mark.parametrize("protocol", ["preview", "ga"])
def test_an_unknown_deployment_is_deployment_not_found(protocol):
    status, body, _ = refused(realtime_path(protocol, "no-such-deployment"), headers={"api-key": KEY})
    assert (status, body["error"]["code"]) == (404, "DeploymentNotFound")


@pytest.mark.parametrize("protocol", ["preview", "ga"])
def test_a_deployment_of_a_non_realtime_model_is_operation_not_supported(protocol):
    status, body, _ = refused(realtime_path(protocol, "whisper"), headers={"api-key": KEY})
    assert (status, body["error"]["code"]) == (400, "OperationNotSupported")


def test_a_missing_deployment_parameter_is_a_bad_request():
    status, body, _ = refused(f"/openai/realtime?api-version={PREVIEW_VERSION}", headers={"api-key": KEY})
    assert status == 400
    assert "deployment" in body["error"]["message"]


def test_a_plain_get_without_upgrade_is_a_bad_request():
    status, body, _ = refused(realtime_path("ga"), headers={"api-key": KEY}, upgrade=False)
    assert status == 400
    assert "WebSocket" in body["error"]["message"]


def test_handshake_status_fault_refuses_the_upgrade_with_that_status_and_retry_after():
    ctx = make_ctx()
    ctx.faults.add({"kind": "handshake_status", "status": 429, "retry_after": 2, "count": 2})
    status, body, headers = refused(realtime_path("ga"), headers={"api-key": KEY}, ctx=ctx)
    assert status == 429
    assert body["error"]["code"] == "429"
    assert headers.get("Retry-After") == "2"


def test_handshake_status_fault_can_redirect_like_azure_did_for_transcription_sessions():
    ctx = make_ctx()
    ctx.faults.add({"kind": "handshake_status", "status": 307, "location": "/v1/realtime?intent=transcription"})
    status, _, headers = refused(realtime_path("ga"), headers={"api-key": KEY}, ctx=ctx)
    assert status == 307
    assert headers.get("Location") == "/v1/realtime?intent=transcription"


def test_handshake_status_fault_is_queued_through_the_control_api_and_matches_paths():
    async def body():
        async with served(make_ctx()) as base:
            async with aiohttp.ClientSession() as http:
                fault = {"kind": "handshake_status", "status": 503, "match": "/v1/realtime"}
                async with http.post(base + "/_emulator/faults", json=fault) as r:
                    assert r.status == 201
            async with connect(base, "preview") as rt:  # the preview path does not match
                await rt.send("input_audio_buffer.clear")
                assert (await rt.next())["type"] == "input_audio_buffer.cleared"
            status, error, _ = await _get(base, realtime_path("ga"), {"api-key": KEY})
            assert status == 503
            assert error["error"]["code"] == "ServiceUnavailable"
            async with connect(base, "ga"):  # consumed: the next one succeeds
                pass

    run(body())


def test_preview_sessions_start_with_session_created_then_conversation_created():
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, "preview", skip_greeting=False) as rt:
                created = await rt.next()
                conversation = await rt.next()
                return created, conversation, rt.ws._response.headers

    created, conversation, headers = run(body())
    assert created["type"] == "session.created"
    session = created["session"]
    assert session["object"] == "realtime.session"
    assert session["model"] == "gpt-4o-realtime-preview"
    assert session["modalities"] == ["text", "audio"]
    assert session["input_audio_format"] == session["output_audio_format"] == "pcm16"
    assert session["turn_detection"]["type"] == "server_vad"
    assert "type" not in session and "audio" not in session
    assert conversation["type"] == "conversation.created"
    assert conversation["conversation"]["object"] == "realtime.conversation"
    assert headers.get("apim-request-id")


def test_ga_sessions_start_with_a_nested_realtime_session_and_no_conversation_created():
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, "ga", skip_greeting=False) as rt:
                created = await rt.next()
                rest = await rt.quiet(0.15)
                return created, rest

    created, rest = run(body())
    session = created["session"]
    assert session["type"] == "realtime"
    assert session["output_modalities"] == ["audio"]
    assert session["audio"]["input"]["format"] == {"type": "audio/pcm", "rate": 24000}
    assert session["audio"]["output"]["voice"] == "alloy"
    assert session["audio"]["input"]["turn_detection"]["type"] == "server_vad"
    assert "modalities" not in session and "voice" not in session
    assert rest == []


def test_the_realtime_subprotocol_is_selected_when_offered():
    async def body():
        async with served(make_ctx()) as base:
            async with aiohttp.ClientSession() as http:
                async with http.ws_connect(
                    base + realtime_path("ga"), headers={"api-key": KEY}, protocols=("realtime",)
                ) as ws:
                    return ws.protocol

    assert run(body()) == "realtime"


def test_each_session_is_logged_with_its_client_event_types_and_no_secret():
    ctx = make_ctx()

    async def body():
        async with served(ctx) as base:
            path = realtime_path("ga") + f"&api-key={KEY}"
            async with connect(base, "ga", headers={}, path=path) as rt:
                await rt.send("input_audio_buffer.clear")
                await rt.expect("input_audio_buffer.cleared")
                await rt.send("no.such.event")
                await rt.expect("error")
            async with aiohttp.ClientSession() as http:
                async with http.get(base + "/_emulator/requests?path=/realtime") as r:
                    return (await r.json())["requests"]

    entries = run(body())
    assert len(entries) == 1
    entry = entries[0]
    assert entry["protocol"] == "ga"
    assert entry["deployment"] == "gpt-realtime"
    assert entry["client_events"] == ["input_audio_buffer.clear", "no.such.event"]
    assert "api-key" not in entry["query"]
    assert entry["close"]["code"] == 1000


def test_refused_handshakes_are_logged_with_their_status():
    ctx = make_ctx()
    refused(realtime_path("preview", "nope"), headers={"api-key": KEY}, ctx=ctx)
    entries = ctx.log.entries("/realtime")
    assert [(e["status"], e["deployment"], e["client_events"]) for e in entries] == [(404, "nope", [])]
