"""Realtime faults from the control API, and the session time limit."""

from __future__ import annotations

import asyncio
import json
import time

import aiohttp
from conversation_helpers import user_text
from test_realtime_harness import KEY, connect, make_ctx, realtime_path, run, served


async def queue(base: str, **fault) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(base + "/_emulator/faults", json=fault) as r:
            assert r.status == 201, await r.text()


async def types_until_the_end(rt) -> tuple[list[str], aiohttp.WSMessage]:
    """The event types `rt` receives until a frame that is not text (a close, an error): (types, that frame)."""
    types = []
    while True:
        msg = await rt.ws.receive(timeout=5)
        if msg.type != aiohttp.WSMsgType.TEXT:
            return types, msg
        types.append(json.loads(msg.data)["type"])


async def frames_until_close(base: str, protocol: str = "preview", timeout: float = 5.0) -> tuple[list, object]:
    """Every frame until the server closes: (frames, close message)."""
    frames = []
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(base + realtime_path(protocol), headers={"api-key": KEY}) as ws:
            while True:
                msg = await ws.receive(timeout=timeout)
                if msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
                    return frames, (ws.close_code, msg.extra)
                frames.append(msg.data)


def test_ws_close_closes_with_the_code_and_reason_after_n_server_events():
    async def body():
        async with served(make_ctx()) as base:
            await queue(base, kind="ws_close", code=4000, reason="bye now", after_events=2)
            return await frames_until_close(base, "preview")

    frames, (code, reason) = run(body())
    assert [json.loads(f)["type"] for f in frames] == ["session.created", "conversation.created"]
    assert code == 4000
    assert reason == "bye now"


def test_ws_close_without_after_events_closes_right_after_the_upgrade_with_1011():
    async def body():
        async with served(make_ctx()) as base:
            await queue(base, kind="ws_close", match="/v1/")
            return await frames_until_close(base, "ga")

    frames, (code, _) = run(body())
    assert frames == []
    assert code == 1011


def test_ws_close_can_cut_a_response_mid_stream():
    async def body():
        async with served(make_ctx(speed=2.0)) as base:
            await queue(base, kind="ws_close", code=1011, after_events=6)
            async with connect(base, "ga") as rt:
                await rt.send("response.create")
                seen, _ = await types_until_the_end(rt)
                return seen, rt.ws.close_code

    seen, code = run(body())
    assert "response.created" in seen and "response.done" not in seen
    assert code == 1011


def test_session_expired_fault_sends_the_error_then_closes_with_1001():
    async def body():
        async with served(make_ctx()) as base:
            await queue(base, kind="session_expired", after_seconds=0.2)
            started = time.monotonic()
            frames, close = await frames_until_close(base, "ga")
            return frames, close, time.monotonic() - started

    frames, (code, _), elapsed = run(body())
    last = json.loads(frames[-1])
    assert last["type"] == "error"
    assert last["error"]["code"] == "session_expired"
    assert last["error"]["type"] == "invalid_request_error"
    assert "maximum duration" in last["error"]["message"]
    assert code == 1001
    assert 0.15 <= elapsed < 2.0


def test_the_session_limit_from_the_context_expires_sessions():
    async def body():
        async with served(make_ctx(session_max_seconds=0.3)) as base:
            return await frames_until_close(base, "preview")

    frames, (code, _) = run(body())
    assert json.loads(frames[-1])["error"]["code"] == "session_expired"
    assert code == 1001


def test_session_expiry_interrupts_a_running_response():
    async def body():
        async with served(make_ctx(speed=1.0)) as base:
            await queue(base, kind="session_expired", after_seconds=0.4)
            async with connect(base, "preview") as rt:
                await rt.send("response.create")
                kinds, _ = await types_until_the_end(rt)
                return kinds, rt.ws.close_code

    kinds, code = run(body())
    assert kinds[-1] == "error"
    assert "response.audio.delta" in kinds
    assert code == 1001


def test_malformed_event_sends_one_non_json_frame_and_the_session_goes_on():
    async def body():
        async with served(make_ctx()) as base:
            await queue(base, kind="malformed_event")
            async with connect(base, "ga", skip_greeting=False) as rt:
                first = await rt.ws.receive(timeout=5)
                second = await rt.ws.receive(timeout=5)
                await rt.send("input_audio_buffer.clear")
                return first.data, second.data, await rt.next()

    first, second, after = run(body())
    assert json.loads(first)["type"] == "session.created"
    try:
        json.loads(second)
        raise AssertionError("the malformed frame parsed as JSON")
    except json.JSONDecodeError:
        pass
    assert after["type"] == "input_audio_buffer.cleared"


def test_slow_read_stops_the_server_reading_for_the_given_seconds():
    async def body():
        async with served(make_ctx()) as base:
            await queue(base, kind="slow_read", seconds=0.5)
            async with connect(base, "preview") as rt:
                started = time.monotonic()
                await rt.send("input_audio_buffer.clear")
                await rt.expect("input_audio_buffer.cleared")
                return time.monotonic() - started

    assert 0.4 <= run(body()) < 3.0


def test_faults_only_affect_the_number_of_sessions_asked_for():
    async def body():
        async with served(make_ctx()) as base:
            await queue(base, kind="ws_close", code=4001, count=1)
            _, (first, _) = await frames_until_close(base)
            async with connect(base, "preview") as rt:
                await rt.send("input_audio_buffer.clear")
                return first, (await rt.next())["type"]

    first, second = run(body())
    assert first == 4001
    assert second == "input_audio_buffer.cleared"


def test_a_client_that_vanishes_mid_response_does_not_break_the_server():
    async def body():
        ctx = make_ctx(speed=1.0)
        async with served(ctx) as base:
            async with connect(base, "preview") as rt:
                await rt.send("response.create")
                await rt.expect("response.audio.delta")
            await asyncio.sleep(0.2)
            async with connect(base, "preview") as rt:
                await rt.send("input_audio_buffer.clear")
                return (await rt.next())["type"]

    assert run(body()) == "input_audio_buffer.cleared"


def test_tcp_reset_drops_the_connection_without_a_close_frame():
    async def body():
        async with served(make_ctx()) as base:
            await queue(base, kind="tcp_reset", after_events=1)
            frames = []
            async with aiohttp.ClientSession() as http:
                async with http.ws_connect(base + realtime_path("ga"), headers={"api-key": KEY}) as ws:
                    while True:
                        msg = await ws.receive(timeout=5)
                        if msg.type != aiohttp.WSMsgType.TEXT:
                            return frames, msg.type, ws.close_code

    frames, kind, code = run(body())
    # A reset may discard what the kernel had not sent yet: at most the first event arrives, nothing after it.
    assert [json.loads(f)["type"] for f in frames] in ([], ["session.created"])
    assert kind in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR)  # no CLOSE frame from the server
    assert code != 1000


def test_tcp_reset_after_audio_deltas_cuts_a_response_mid_turn():
    async def body():
        async with served(make_ctx(speed=2.0)) as base:
            await queue(base, kind="tcp_reset", after_audio_deltas=1)
            async with connect(base, "ga") as rt:
                await rt.send("response.create")
                seen, last = await types_until_the_end(rt)
                return seen, last.type

    seen, kind = run(body())
    assert seen.count("response.output_audio.delta") <= 1 and "response.done" not in seen
    assert "response.created" in seen
    assert kind != aiohttp.WSMsgType.CLOSE


def test_reply_reset_is_taken_by_the_first_session_that_replies_not_by_the_next_connection():
    async def body():
        async with served(make_ctx(speed=2.0)) as base:
            async with connect(base, "ga") as first:  # open before the fault: it replies first
                await queue(base, kind="reply_reset", after_audio_deltas=2)
                async with connect(base, "ga") as idle:  # connects after the fault, never replies
                    await first.send("response.create")
                    seen, last = await types_until_the_end(first)
                    await idle.send("response.create")
                    await idle.until("response.done")  # the fault was used up: this reply ends
                    return seen, last.type

    seen, kind = run(body())
    assert 1 <= seen.count("response.output_audio.delta") <= 2 and "response.done" not in seen
    assert kind != aiohttp.WSMsgType.CLOSE


def test_half_open_stops_reading_writing_and_answering_pings_without_closing():
    async def body():
        async with served(make_ctx()) as base:
            await queue(base, kind="half_open", after_events=1)
            async with aiohttp.ClientSession() as http:
                async with http.ws_connect(base + realtime_path("ga"), headers={"api-key": KEY}, autoping=False) as ws:
                    first = await ws.receive(timeout=5)
                    await ws.ping(b"anyone")
                    await ws.send_str(json.dumps({"type": "response.create"}))
                    try:
                        late = await ws.receive(timeout=1.0)
                    except asyncio.TimeoutError:
                        late = None
                    return json.loads(first.data)["type"], late, ws.closed

    first, late, closed = run(body())
    assert first == "session.created"
    assert late is None  # no pong, no event, no close
    assert not closed


def test_the_control_api_shows_the_items_and_audio_each_session_received():
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, "ga") as rt:
                await rt.send(
                    "conversation.item.create",
                    item={"id": "item_a", **user_text("hello there")},
                )
                await rt.send(
                    "conversation.item.create",
                    previous_item_id="item_a",
                    item={
                        "id": "item_b",
                        "type": "function_call",
                        "call_id": "call_1",
                        "name": "lookup",
                        "arguments": "{}",
                    },
                )
                await rt.send(
                    "conversation.item.create",
                    previous_item_id="item_b",
                    item={"id": "item_c", "type": "function_call_output", "call_id": "call_1", "output": '{"ok":true}'},
                )
                await rt.send("input_audio_buffer.append", audio="AAAAAA==")
                seen = [e["type"] for e in await rt.quiet(0.5)]
                assert seen.count("conversation.item.done") == 3, rt.received
            async with aiohttp.ClientSession() as http:
                async with http.get(base + "/_emulator/realtime/sessions") as r:
                    return await r.json()

    sessions = run(body())["sessions"]
    assert len(sessions) == 1
    session = sessions[0]
    assert session["session_id"].startswith("sess")
    assert [i["id"] for i in session["items"]] == ["item_a", "item_b", "item_c"]
    assert session["items"][0]["text"] == "hello there"
    assert session["items"][1]["previous_item_id"] == "item_a" and session["items"][1]["name"] == "lookup"
    assert session["items"][2]["call_id"] == "call_1" and session["items"][2]["output"] == '{"ok":true}'
    assert session["audio_bytes"] == 4 and session["appends"] == 1


def test_the_control_api_counts_the_items_a_session_received_before_its_first_audio():
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, "ga") as rt:  # two items, audio, one more item, more audio
                await rt.send("conversation.item.create", item={"id": "item_a", **user_text("one")})
                await rt.send("conversation.item.create", item={"id": "item_b", **user_text("two")})
                await rt.send("input_audio_buffer.append", audio="AAAAAA==")
                await rt.send("conversation.item.create", item={"id": "item_c", **user_text("three")})
                await rt.send("input_audio_buffer.append", audio="AAAAAA==")
                await rt.quiet(0.5)
            async with connect(base, "ga") as rt:  # an item, no audio
                await rt.send("conversation.item.create", item={"id": "item_d", **user_text("four")})
                await rt.quiet(0.5)
            async with aiohttp.ClientSession() as http:
                async with http.get(base + "/_emulator/realtime/sessions") as r:
                    return await r.json()

    first, second = run(body())["sessions"]
    assert [i["id"] for i in first["items"]] == ["item_a", "item_b", "item_c"]
    assert first["items_before_audio"] == 2 and first["appends"] == 2
    assert len(second["items"]) == 1 and second["items_before_audio"] is None


def test_deaf_barge_in_stops_reading_then_reports_speech_during_the_reply():
    async def body():
        async with served(make_ctx()) as base:
            await queue(base, kind="deaf_barge_in", after_audio_deltas=1, seconds=2.0, speech_after=0.5)
            async with connect(base, "ga") as rt:
                await rt.send("response.create")
                await rt.until("response.output_audio.delta")
                sent = time.monotonic()
                await rt.send("input_audio_buffer.clear")  # not read until the deaf window ends
                seen = [e["type"] for e in await rt.until("input_audio_buffer.speech_started")]
                speech = time.monotonic() - sent
                await rt.until("input_audio_buffer.cleared", timeout=10)
                return seen, speech, time.monotonic() - sent

    seen, speech, cleared = run(body())
    assert "input_audio_buffer.cleared" not in seen  # the client's event waited
    assert 0.3 < speech < 2.0
    assert cleared >= 1.4  # answered only once the server reads again


def test_a_bearer_token_is_logged_as_its_length_and_digest_only(emulator, client):
    import hashlib

    token = "t0k-" + "abcdefghij" * 700  # 7004 bytes: under the default header limit
    response = client.post(
        "/openai/deployments/tts/audio/speech?api-version=2025-04-01-preview",
        json={"input": "a", "voice": "alloy"},
        headers={"Authorization": "Bearer " + token, "api-key": ""},
    )
    assert response.status_code == 401
    log = client.get("/_emulator/requests").text
    entry = client.get("/_emulator/requests").json()["requests"][-1]
    assert entry["credential"] == {
        "scheme": "bearer",
        "bytes": 7004,
        "sha256": hashlib.sha256(token.encode()).hexdigest(),
    }
    assert "abcdefghij" not in log


def test_the_control_api_shows_each_ended_response_with_the_user_item_it_answers():
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, "ga") as rt:
                await rt.send(
                    "conversation.item.create",
                    item={"id": "item_q", **user_text("what time is it")},
                )
                await rt.send("response.create")
                done = await rt.expect("response.done", timeout=20)
            async with aiohttp.ClientSession() as http:
                async with http.get(base + "/_emulator/realtime/sessions") as r:
                    return done, await r.json()

    done, view = run(body())
    responses = view["sessions"][0]["responses"]
    assert responses == [{"id": done["response"]["id"], "status": "completed", "answers": "item_q"}]


def test_slow_reply_starts_a_detected_turns_reply_that_many_seconds_after_speech_stopped():
    from test_realtime_harness import session_update
    from test_realtime_turns import TURN_DETECTION, utterance

    async def body():
        async with served(make_ctx()) as base:
            await queue(base, kind="slow_reply", seconds=1.5)
            async with connect(base, "ga") as rt:
                update = session_update("ga", turn_detection=TURN_DETECTION["server_vad"])
                await rt.send("session.update", session=update)
                await rt.expect("session.updated")
                await rt.append(utterance("pcm16"), chunk_ms=100)
                await rt.until("input_audio_buffer.speech_stopped")
                stopped = time.monotonic()
                await rt.until("response.created")
                return time.monotonic() - stopped

    assert run(body()) >= 1.4
