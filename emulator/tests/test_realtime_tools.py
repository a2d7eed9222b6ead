"""Function calls: a tool mentioned by the user is called and its output spoken; tool_choice none; spoken requests."""

from __future__ import annotations

import pytest
from conversation_helpers import answered
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
