"""SIP sideband sessions (?call_id=), the idle timeout, the injected-events test tool and what the log keeps of
session.update / response.create."""

from __future__ import annotations

import aiohttp
from test_realtime_harness import KEY, connect, make_ctx, run, served, silence, tone, types

CALLS = "/openai/v1/realtime/calls"


async def _call(http: aiohttp.ClientSession, base: str, **caller: str) -> str:
    """Rings a call (its webhook goes nowhere useful; the call exists regardless) and returns its id."""
    spec = {"webhook_url": base + "/_emulator/health", "secret": "whsec_c2VjcmV0", "caller": caller}
    async with http.post(base + "/_emulator/calls", json=spec) as reply:
        return (await reply.json())["call_id"]


async def _accept(http: aiohttp.ClientSession, base: str, call_id: str) -> None:
    body = {"type": "realtime", "model": "gpt-realtime"}
    async with http.post(f"{base}{CALLS}/{call_id}/accept", json=body, headers={"api-key": KEY}) as reply:
        assert reply.status == 200, await reply.text()


def test_a_sideband_session_hears_the_scripted_caller_plays_out_itself_and_sends_the_keys():
    async def body():
        async with served(make_ctx()) as base, aiohttp.ClientSession() as http:
            call_id = await _call(http, base, say="what time is it", dtmf="5#")
            await _accept(http, base, call_id)
            async with connect(base, "ga", path=f"/openai/v1/realtime?call_id={call_id}") as rt:
                await rt.send("session.update", session={"type": "realtime", "instructions": "Answer."})
                events = await rt.until("input_audio_buffer.dtmf_event_received", timeout=20)
                events.append(await rt.next())
                seen = types(events)
                assert "input_audio_buffer.speech_started" in seen
                assert "response.output_audio.delta" not in seen  # the call's audio never reaches the app
                started = seen.index("output_audio_buffer.started")
                assert started < seen.index("response.done") < seen.index("output_audio_buffer.stopped")
                keys = [e["event"] for e in events if e["type"] == "input_audio_buffer.dtmf_event_received"]
                assert keys == ["5", "#"]
                assert all(e["received_at"] > 1_700_000_000 for e in events if "received_at" in e)
                await rt.send("output_audio_buffer.clear")
                cleared = await rt.expect("output_audio_buffer.cleared")
                assert cleared["response_id"] == events[started]["response_id"]
                async with http.post(f"{base}{CALLS}/{call_id}/hangup", headers={"api-key": KEY}) as reply:
                    assert reply.status == 200
                msg = await rt.ws.receive(timeout=5)
                while msg.type == aiohttp.WSMsgType.TEXT:
                    msg = await rt.ws.receive(timeout=5)
                assert rt.ws.close_code == 1000

    run(body())


def test_a_sideband_handshake_needs_an_accepted_call():
    async def body():
        async with served(make_ctx()) as base, aiohttp.ClientSession() as http:
            headers = {"api-key": KEY}
            async with http.get(base + "/openai/v1/realtime?call_id=rtc_nope", headers=headers) as reply:
                assert reply.status == 404
            call_id = await _call(http, base)
            async with http.get(f"{base}/openai/v1/realtime?call_id={call_id}", headers=headers) as reply:
                assert reply.status == 409
                assert "accept it" in (await reply.json())["error"]["message"]

    run(body())


def test_the_idle_timeout_fires_after_a_reply_commits_the_silence_and_answers():
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, "ga") as rt:
                td = {"type": "server_vad", "idle_timeout_ms": 5000}
                session = {
                    "type": "realtime",
                    "output_modalities": ["text"],
                    "audio": {"input": {"turn_detection": td}},
                }
                await rt.send("session.update", session=session)
                await rt.expect("session.updated")
                await rt.append(silence(6000))  # no reply yet: the timeout is not armed
                await rt.append(tone(500) + silence(1000))
                first = await rt.until("response.done")
                assert "input_audio_buffer.timeout_triggered" not in types(first)
                await rt.append(silence(6000))
                events = await rt.until("response.done")
                timeout = next(e for e in events if e["type"] == "input_audio_buffer.timeout_triggered")
                assert timeout["audio_end_ms"] - timeout["audio_start_ms"] >= 5000
                assert timeout["item_id"]
                seen = types(events)
                assert seen.index("input_audio_buffer.timeout_triggered") < seen.index("input_audio_buffer.committed")

    run(body())


def test_injected_events_reach_the_newest_session_as_given_and_the_log_keeps_updates_and_responses():
    async def body():
        async with served(make_ctx()) as base, aiohttp.ClientSession() as http:
            async with http.post(base + "/_emulator/realtime/events", json={"events": [{"type": "x"}]}) as reply:
                assert reply.status == 409
            async with connect(base, "ga") as rt:
                event = {"type": "mcp_list_tools.completed", "item_id": "mcpl_1"}
                async with http.post(base + "/_emulator/realtime/events", json={"events": [event]}) as reply:
                    assert (await reply.json()) == {"sent": 1}
                got = await rt.expect("mcp_list_tools.completed")
                assert got["item_id"] == "mcpl_1" and got["event_id"]
                async with http.post(base + "/_emulator/realtime/events", json={"events": [1]}) as reply:
                    assert reply.status == 400
                update = {"type": "realtime", "reasoning": {"effort": "low"}, "truncation": "disabled"}
                await rt.send("session.update", session=update)
                await rt.expect("session.updated")
                await rt.send("response.create", response={"conversation": "none", "metadata": {"k": "v"}})
                done = await rt.expect("response.done")
                assert done["response"]["conversation_id"] is None
            async with http.get(base + "/_emulator/requests") as reply:
                entry = next(e for e in (await reply.json())["requests"] if e.get("kind") == "realtime")
            assert entry["session_updates"] == [update]
            assert entry["response_requests"] == [{"conversation": "none", "metadata": {"k": "v"}}]

    run(body())
