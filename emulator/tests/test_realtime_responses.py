"""Responses: cancel, one at a time, barge-in, interrupt_response, max_output_tokens, out-of-band responses, their
parameters, rate limits and usage."""

from __future__ import annotations

import json

import pytest
from conversation_helpers import answered, user_text
from test_realtime_harness import (
    FakeSTT,
    connect,
    make_ctx,
    names,
    run,
    served,
    session_update,
    silence,
    tone,
    types,
)

# -------------------------------------------------------------- responses


@pytest.mark.parametrize("protocol", ["preview", "ga"])
def test_response_cancel_ends_the_response_cancelled_with_its_item_incomplete(protocol):
    async def body():
        async with served(make_ctx(speed=1.0)) as base:
            async with connect(base, protocol) as rt:
                await rt.send("conversation.item.create", item=user_text("a b c d e f g h i j k l"))
                await rt.send("response.create")
                await rt.expect(names(protocol)["audio_delta"])
                await rt.send("response.cancel")
                return await rt.until("rate_limits.updated")

    events = run(body())
    n = names(protocol)
    kinds = types(events)
    for kind in (n["audio_done"], n["transcript_done"], "response.content_part.done", "response.output_item.done"):
        assert kind in kinds
    done = next(e for e in events if e["type"] == "response.done")["response"]
    assert done["status"] == "cancelled"
    assert done["status_details"] == {"type": "cancelled", "reason": "client_cancelled"}
    assert done["output"][0]["status"] == "incomplete"
    transcript = next(e for e in events if e["type"] == n["transcript_done"])["transcript"]
    assert transcript and len(transcript) < len("You said: a b c d e f g h i j k l.")


def test_response_cancel_without_an_active_response_is_an_error_and_harmless():
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, "preview") as rt:
                sent = await rt.send("response.cancel")
                error = await rt.next()
                await answered(rt)
                other = await rt.send("response.cancel", response_id="resp_other")
                return sent, error, other, await rt.expect("error")

    sent, error, other, second = run(body())
    assert error["error"]["code"] == "response_cancel_not_active"
    assert error["error"]["event_id"] == sent
    assert second["error"]["event_id"] == other


def test_a_second_response_create_while_one_runs_is_refused():
    async def body():
        async with served(make_ctx(speed=2.0)) as base:
            async with connect(base, "ga") as rt:
                await rt.send("response.create")
                created = await rt.expect("response.created")
                await rt.send("response.create")
                error = await rt.expect("error")
                await rt.send("response.cancel", response_id=created["response"]["id"])
                done = await rt.expect("response.done")
                return created, error, done

    created, error, done = run(body())
    assert error["error"]["code"] == "conversation_already_has_active_response"
    assert created["response"]["id"] in error["error"]["message"]
    assert done["response"]["status"] == "cancelled"


@pytest.mark.parametrize("protocol", ["preview", "ga"])
def test_barge_in_speech_cancels_the_running_response_and_starts_a_new_turn(protocol):
    async def body():
        async with served(make_ctx(speed=1.0, stt=FakeSTT("tell me a long story please right now"))) as base:
            async with connect(base, protocol) as rt:
                td = {"type": "server_vad", "silence_duration_ms": 200, "prefix_padding_ms": 0}
                await rt.send("session.update", session=session_update(protocol, turn_detection=td))
                await rt.expect("session.updated")
                await rt.append(tone(300) + silence(300))
                first = await rt.until(names(protocol)["audio_delta"])
                await rt.append(tone(300) + silence(300))
                rest = await rt.until("response.created")
                rest += await rt.until("response.done")
                return first + rest

    events = run(body())
    kinds = types(events)
    dones = [e for e in events if e["type"] == "response.done"]
    assert dones[0]["response"]["status_details"] == {"type": "cancelled", "reason": "turn_detected"}
    second_start = [i for i, k in enumerate(kinds) if k == "input_audio_buffer.speech_started"][1]
    assert second_start < kinds.index("response.done")
    assert kinds.count("response.created") == 2
    assert kinds.count("input_audio_buffer.committed") == 2


def test_interrupt_response_false_lets_the_response_finish():
    async def body():
        async with served(make_ctx(speed=3.0)) as base:
            async with connect(base, "preview") as rt:
                await rt.send(
                    "session.update",
                    session={
                        "turn_detection": {
                            "type": "server_vad",
                            "silence_duration_ms": 200,
                            "interrupt_response": False,
                        }
                    },
                )
                await rt.expect("session.updated")
                await rt.append(tone(300) + silence(300))
                await rt.expect("response.audio.delta")
                await rt.append(tone(300) + silence(300))
                return await rt.until("response.done")

    events = run(body())
    assert "input_audio_buffer.speech_started" in types(events)
    assert events[-1]["response"]["status"] == "completed"


def test_max_output_tokens_cuts_the_reply_and_ends_incomplete():
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, "ga") as rt:
                await rt.send(
                    "session.update",
                    session={"type": "realtime", "max_output_tokens": 3, "output_modalities": ["text"]},
                )
                await rt.expect("session.updated")
                return await answered(rt, "one two three four")

    done = run(body())[-1]["response"]
    assert done["status"] == "incomplete"
    assert done["status_details"] == {"type": "incomplete", "reason": "max_output_tokens"}
    assert done["output"][0]["content"][0]["text"] == "You said: one"


def test_an_out_of_band_response_adds_nothing_to_the_conversation():
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, "preview") as rt:
                await rt.send(
                    "response.create",
                    response={
                        "conversation": "none",
                        "modalities": ["text"],
                        "metadata": {"topic": "x"},
                        "input": [user_text("side question")],
                    },
                )
                events = await rt.until("response.done")
                return events

    events = run(body())
    assert "conversation.item.created" not in types(events)
    done = events[-1]["response"]
    assert done["conversation_id"] is None
    assert done["metadata"] == {"topic": "x"}
    assert done["output"][0]["content"][0]["text"] == "You said: side question."


def test_response_create_params_are_validated():
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, "preview") as rt:
                await rt.send("response.create", response={"output_modalities": ["text"]})
                first = await rt.next()
                await rt.send("response.create", response={"voice": "nobody"})
                return first, await rt.next()

    first, second = run(body())
    assert first["error"]["param"] == "response.output_modalities"
    assert second["error"]["param"] == "response.voice"


def test_rate_limits_count_down_after_each_response():
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, "preview") as rt:
                await answered(rt)
                first = rt.received[-1]
                await answered(rt)
                return first, rt.received[-1]

    first, second = run(body())
    requests = [next(r for r in e["rate_limits"] if r["name"] == "requests")["remaining"] for e in (first, second)]
    assert requests[0] - requests[1] == 1
    assert {r["name"] for r in first["rate_limits"]} == {"requests", "tokens"}


def test_response_done_reports_usage_with_token_details():
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, "ga") as rt:
                return (await answered(rt, "hello there"))[-1]["response"]["usage"]

    usage = run(body())
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
    assert usage["input_token_details"]["text_tokens"] > 0
    assert usage["output_token_details"]["audio_tokens"] > 0
    json.dumps(usage)
