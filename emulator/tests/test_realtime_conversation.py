"""Conversation items, responses, cancel, barge-in, truncation and function calls."""

from __future__ import annotations

import json

import pytest
from test_realtime_harness import (
    FakeSTT,
    b64,
    connect,
    make_ctx,
    names,
    run,
    served,
    session_update,
    silence,
    tone,
    types,
    unb64,
)


def user_text(text: str) -> dict:
    return {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}


async def answered(rt, text: str = "hi") -> list[dict]:
    """Create a user text item and a response; events until response.done (the
    rate_limits.updated that follows is consumed too, and left in rt.received)."""
    await rt.send("conversation.item.create", item=user_text(text))
    await rt.send("response.create")
    events = await rt.until("response.done")
    await rt.expect("rate_limits.updated")
    return events


# ------------------------------------------------------------------ items


@pytest.mark.parametrize("protocol", ["preview", "ga"])
def test_items_can_be_created_retrieved_and_deleted(protocol):
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, protocol) as rt:
                await rt.send("conversation.item.create", item={"id": "msg_1", **user_text("one")})
                first = await rt.next()
                await rt.send(
                    "conversation.item.create",
                    previous_item_id="root",
                    item={
                        "id": "sys_1",
                        "type": "message",
                        "role": "system",
                        "content": [{"type": "input_text", "text": "be nice"}],
                    },
                )
                second = await rt.next()
                await rt.send("conversation.item.retrieve", item_id="msg_1")
                retrieved = await rt.expect("conversation.item.retrieved")
                await rt.send("conversation.item.delete", item_id="msg_1")
                deleted = await rt.expect("conversation.item.deleted")
                await rt.send("conversation.item.retrieve", item_id="msg_1")
                gone = await rt.expect("error")
                return first, second, retrieved, deleted, gone

    first, second, retrieved, deleted, gone = run(body())
    assert first["type"] == names(protocol)["item_created"]
    assert first["previous_item_id"] is None
    assert first["item"] == {
        "id": "msg_1",
        "object": "realtime.item",
        "type": "message",
        "status": "completed",
        "role": "user",
        "content": [{"type": "input_text", "text": "one"}],
    }
    assert second["previous_item_id"] is None  # inserted at the root
    assert retrieved["item"]["id"] == "msg_1"
    assert deleted["item_id"] == "msg_1"
    assert gone["error"]["code"] == "item_not_found"


ITEM_ERRORS = [
    ("preview", {"role": "user", "content": []}, "missing_required_parameter", "item.type"),
    ("preview", {"type": "message", "content": []}, "missing_required_parameter", "item.role"),
    ("preview", {"type": "message", "role": "robot", "content": []}, "invalid_value", "item.role"),
    (
        "preview",
        {"type": "message", "role": "system", "content": [{"type": "input_audio", "audio": ""}]},
        "invalid_value",
        "item.content[0].type",
    ),
    (
        "preview",
        {"type": "message", "role": "assistant", "content": [{"type": "audio", "transcript": "x"}]},
        "invalid_value",
        "item.content[0].type",
    ),
    (
        "preview",
        {"type": "message", "role": "user", "content": [{"type": "input_audio", "audio": "***"}]},
        "invalid_value",
        "item.content[0].audio",
    ),
    (
        "preview",
        {"type": "message", "role": "user", "content": [{"type": "input_text", "txt": "x"}]},
        "unknown_parameter",
        "item.content[0].txt",
    ),
    (
        "preview",
        {"type": "function_call_output", "call_id": "call_nope", "output": "{}"},
        "invalid_value",
        "item.call_id",
    ),
    ("preview", {"type": "function_call_output", "output": "{}"}, "missing_required_parameter", "item.call_id"),
    (
        "ga",
        {"type": "message", "role": "assistant", "content": [{"type": "text", "text": "x"}]},
        "invalid_value",
        "item.content[0].type",
    ),
    ("ga", {"type": "function_call", "name": "f"}, "missing_required_parameter", "item.arguments"),
    (
        "ga",
        {"type": "message", "role": "user", "content": [{"type": "input_text", "text": 5}]},
        "invalid_type",
        "item.content[0].text",
    ),
]


@pytest.mark.parametrize("protocol,item,code,param", ITEM_ERRORS, ids=[f"{e[0]}-{e[3]}" for e in ITEM_ERRORS])
def test_invalid_items_are_refused_with_an_error_naming_the_parameter(protocol, item, code, param):
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, protocol) as rt:
                sent = await rt.send("conversation.item.create", item=item)
                return sent, await rt.next()

    sent, event = run(body())
    assert event["type"] == "error"
    assert (event["error"]["code"], event["error"]["param"]) == (code, param)
    assert event["error"]["event_id"] == sent


def test_an_unknown_previous_item_id_is_an_error():
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, "preview") as rt:
                await rt.send("conversation.item.create", previous_item_id="nope", item=user_text("x"))
                return await rt.next()

    assert run(body())["error"]["param"] == "previous_item_id"


def test_an_item_id_can_only_be_used_once():
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, "ga") as rt:
                await rt.send("conversation.item.create", item={"id": "dup", **user_text("x")})
                await rt.expect("conversation.item.done")
                await rt.send("conversation.item.create", item={"id": "dup", **user_text("y")})
                return await rt.next()

    assert run(body())["error"]["param"] == "item.id"


def test_a_user_audio_item_is_heard_and_answered():
    async def body():
        async with served(make_ctx(stt=FakeSTT("good evening"))) as base:
            async with connect(base, "preview") as rt:
                await rt.send(
                    "conversation.item.create",
                    item={
                        "type": "message",
                        "role": "user",
                        "content": [{"type": "input_audio", "audio": b64(tone(300))}],
                    },
                )
                await rt.send("response.create", response={"modalities": ["text"]})
                return await rt.expect("response.text.done")

    assert run(body())["text"] == "You said: good evening."


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


# ------------------------------------------------------------- truncation


async def completed_reply(rt, protocol: str) -> tuple[str, int]:
    events = await answered(rt, "hi")
    item_id = next(e for e in events if e["type"] == "response.output_item.added")["item"]["id"]
    sent = sum(len(unb64(e["delta"])) for e in events if e["type"] == names(protocol)["audio_delta"])
    return item_id, sent // 48


@pytest.mark.parametrize("protocol", ["preview", "ga"])
def test_truncating_within_the_audio_sent_cuts_it_and_deletes_the_transcript(protocol):
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, protocol) as rt:
                item_id, sent_ms = await completed_reply(rt, protocol)
                await rt.send("conversation.item.truncate", item_id=item_id, content_index=0, audio_end_ms=250)
                truncated = await rt.next()
                await rt.send("conversation.item.retrieve", item_id=item_id)
                retrieved = await rt.expect("conversation.item.retrieved")
                return sent_ms, truncated, retrieved

    sent_ms, truncated, retrieved = run(body())
    assert sent_ms == 480  # "You said: hi." = 3 FakeTTS words
    assert truncated["type"] == "conversation.item.truncated"
    assert (truncated["content_index"], truncated["audio_end_ms"]) == (0, 250)
    part = retrieved["item"]["content"][0]
    assert part["transcript"] == ""
    assert len(unb64(part["audio"])) == 250 * 48


def test_truncating_beyond_the_audio_sent_is_an_error_naming_both_durations():
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, "preview") as rt:
                item_id, _ = await completed_reply(rt, "preview")
                sent = await rt.send("conversation.item.truncate", item_id=item_id, content_index=0, audio_end_ms=5000)
                return sent, await rt.next()

    sent, event = run(body())
    assert event["type"] == "error"
    assert event["error"]["message"] == "Audio content of 480ms is already shorter than 5000ms"
    assert event["error"]["event_id"] == sent


def test_truncating_a_streaming_response_counts_only_the_audio_sent_so_far():
    async def body():
        async with served(make_ctx(speed=1.0)) as base:
            async with connect(base, "ga") as rt:
                await rt.send("conversation.item.create", item=user_text("a b c d e f g h"))
                await rt.send("response.create")
                delta = await rt.expect("response.output_audio.delta")
                await rt.send(
                    "conversation.item.truncate", item_id=delta["item_id"], content_index=0, audio_end_ms=1500
                )
                while True:
                    event = await rt.next()
                    if event["type"] in ("error", "conversation.item.truncated"):
                        return event

    event = run(body())
    assert event["type"] == "error"
    assert event["error"]["message"].endswith("is already shorter than 1500ms")


TRUNCATE_ERRORS = [
    ("user", 0, 10, "Only model output audio messages can be truncated"),
    ("missing", 0, 10, "does not exist"),
    ("assistant", 1, 10, "content index"),
]


@pytest.mark.parametrize(
    "target,content_index,audio_end_ms,message", TRUNCATE_ERRORS, ids=[e[0] for e in TRUNCATE_ERRORS]
)
def test_truncate_refuses_items_that_are_not_assistant_audio(target, content_index, audio_end_ms, message):
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, "preview") as rt:
                events = await answered(rt, "hi")
                ids = {
                    "user": next(e for e in events if e["type"] == "conversation.item.created")["item"]["id"],
                    "assistant": events[-1]["response"]["output"][0]["id"],
                    "missing": "item_missing",
                }
                await rt.send(
                    "conversation.item.truncate",
                    item_id=ids[target],
                    content_index=content_index,
                    audio_end_ms=audio_end_ms,
                )
                return await rt.expect("error")

    assert message in run(body())["error"]["message"]


# --------------------------------------------------------- function calls

WEATHER_TOOL = {
    "type": "function",
    "name": "get_weather",
    "description": "Get the weather for a city.",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}, "units": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
        "required": ["city", "units"],
    },
}


@pytest.mark.parametrize("protocol", ["preview", "ga"])
def test_a_tool_mentioned_by_the_user_is_called_and_its_output_is_spoken(protocol):
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, protocol) as rt:
                await rt.send(
                    "session.update", session=session_update(protocol, tools=[WEATHER_TOOL], tool_choice="auto")
                )
                await rt.expect("session.updated")
                call_events = await answered(rt, "Could you get weather for Paris?")
                done = call_events[-1]["response"]
                call = done["output"][0]
                await rt.send(
                    "conversation.item.create",
                    item={"type": "function_call_output", "call_id": call["call_id"], "output": '{"temp": 21}'},
                )
                await rt.expect(names(protocol)["item_created"])
                await rt.send("response.create")
                reply_events = await rt.until("response.done")
                return call_events, reply_events

    call_events, reply_events = run(body())
    kinds = types(call_events)
    assert "response.content_part.added" not in kinds
    deltas = [e for e in call_events if e["type"] == "response.function_call_arguments.delta"]
    args_done = next(e for e in call_events if e["type"] == "response.function_call_arguments.done")
    expected_args = '{"city": "emulator", "units": "celsius"}'
    assert "".join(d["delta"] for d in deltas) == args_done["arguments"] == expected_args
    assert args_done["name"] == "get_weather"
    assert {d["call_id"] for d in deltas} == {args_done["call_id"]}
    call = call_events[-1]["response"]["output"][0]
    assert call["type"] == "function_call"
    assert (call["name"], call["arguments"], call["call_id"], call["status"]) == (
        "get_weather",
        expected_args,
        args_done["call_id"],
        "completed",
    )
    transcript = next(e for e in reply_events if e["type"] == names(protocol)["transcript_done"])["transcript"]
    assert transcript == 'The function get_weather returned: {"temp": 21}.'


def test_tools_are_not_called_when_not_mentioned_or_when_tool_choice_is_none():
    async def body(tool_choice, text):
        async with served(make_ctx()) as base:
            async with connect(base, "preview") as rt:
                await rt.send(
                    "session.update",
                    session={"tools": [WEATHER_TOOL], "tool_choice": tool_choice, "modalities": ["text"]},
                )
                await rt.expect("session.updated")
                return (await answered(rt, text))[-1]["response"]["output"][0]["type"]

    assert run(body("auto", "what a nice day")) == "message"
    assert run(body("none", "get weather now")) == "message"
    assert run(body("required", "what a nice day")) == "function_call"
    assert run(body({"type": "function", "name": "get_weather"}, "hello")) == "function_call"


def test_a_spoken_request_triggers_the_tool_through_what_was_heard():
    async def body():
        async with served(make_ctx(stt=FakeSTT("please get weather in oslo"))) as base:
            async with connect(base, "ga") as rt:
                await rt.send(
                    "session.update",
                    session=session_update(
                        "ga",
                        tools=[{"type": "function", "name": "get_weather"}],
                        turn_detection={"type": "server_vad", "silence_duration_ms": 200},
                    ),
                )
                await rt.expect("session.updated")
                await rt.append(tone(300) + silence(300))
                return await rt.expect("response.function_call_arguments.done")

    done = run(body())
    assert (done["name"], done["arguments"]) == ("get_weather", "{}")


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
