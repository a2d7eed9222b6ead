"""Malformed client events: always one error event, never a crash or a silent drop."""

from __future__ import annotations

import json

import pytest
from test_realtime_harness import connect, make_ctx, run, served


async def answer_to(rt, frame: str | bytes) -> dict:
    if isinstance(frame, bytes):
        await rt.ws.send_bytes(frame)
    else:
        await rt.send_raw(frame)
    return await rt.next()


def answers(protocol: str, *frames) -> list[dict]:
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, protocol) as rt:
                out = [await answer_to(rt, frame) for frame in frames]
                await rt.send("input_audio_buffer.clear")  # still alive and in order
                out.append(await rt.next())
                return out

    return run(body())


CASES = [
    ("not json at all", "invalid_json", None, None),
    ('{"type": "session.update", ', "invalid_json", None, None),
    ("[1, 2, 3]", "invalid_event", None, None),
    ('{"event_id": "e1"}', "invalid_event", None, "e1"),
    ('{"type": 5, "event_id": "e2"}', "invalid_type", "type", "e2"),
    ('{"type": "session.explode", "event_id": "e3"}', "invalid_value", "type", "e3"),
    ('{"type": "input_audio_buffer.append", "event_id": "e4"}', "missing_required_parameter", "audio", "e4"),
    ('{"type": "input_audio_buffer.append", "event_id": "e5", "audio": 12}', "invalid_type", "audio", "e5"),
    ('{"type": "input_audio_buffer.append", "event_id": "e6", "audio": "%%%"}', "invalid_value", "audio", "e6"),
    ('{"type": "input_audio_buffer.commit", "event_id": "e7", "force": true}', "unknown_parameter", "force", "e7"),
    ('{"type": "conversation.item.retrieve", "event_id": "e8"}', "missing_required_parameter", "item_id", "e8"),
    (
        '{"type": "conversation.item.truncate", "event_id": "e9", "item_id": "x", "content_index": 0,'
        ' "audio_end_ms": "10"}',
        "invalid_type",
        "audio_end_ms",
        "e9",
    ),
    (
        '{"type": "conversation.item.truncate", "event_id": "e10", "item_id": "x", "content_index": 0,'
        ' "audio_end_ms": -1}',
        "integer_below_min_value",
        "audio_end_ms",
        "e10",
    ),
    ('{"type": "session.update", "event_id": "e11"}', "missing_required_parameter", "session", "e11"),
    ('{"type": "conversation.item.create", "event_id": "e12", "item": []}', "invalid_type", "item", "e12"),
    (
        '{"type": "response.create", "event_id": "e13", "response": {"modalities": "text"}}',
        "invalid_type",
        "response.modalities",
        "e13",
    ),
    ('{"type": "output_audio_buffer.clear", "event_id": "e14"}', "invalid_value", "type", "e14"),
    ('{"type": "input_audio_buffer.clear", "event_id": 42}', "invalid_type", "event_id", 42),
]


@pytest.mark.parametrize("frame,code,param,event_id", CASES, ids=[c[1] + "-" + str(c[2]) for c in CASES])
def test_a_bad_client_event_gets_one_error_event_and_the_session_goes_on(frame, code, param, event_id):
    error, after = answers("preview", frame)
    assert error["type"] == "error"
    assert error["error"]["code"] == code
    assert error["error"]["param"] == param
    assert error["error"]["event_id"] == (event_id if isinstance(event_id, str) else None)
    assert error["error"]["type"] == "invalid_request_error"
    assert error["event_id"].startswith("event_")
    assert after["type"] == "input_audio_buffer.cleared"


def test_an_unknown_event_type_lists_the_supported_ones():
    error, _ = answers("ga", json.dumps({"type": "response.explode"}))
    message = error["error"]["message"]
    assert message.startswith("Invalid value: 'response.explode'. Supported values are: 'session.update'")
    assert "'response.cancel'" in message


def test_a_binary_frame_is_answered_with_an_error():
    error, after = answers("ga", b"\x00\x01binary")
    assert error["error"]["code"] == "invalid_event"
    assert after["type"] == "input_audio_buffer.cleared"


def test_many_bad_events_in_a_row_each_get_their_own_error_in_order():
    frames = [json.dumps({"type": "nope", "event_id": f"bad_{i}"}) for i in range(20)]
    results = answers("preview", *frames)
    assert [r["error"]["event_id"] for r in results[:-1]] == [f"bad_{i}" for i in range(20)]


def test_a_realtime_event_larger_than_aiohttps_default_limit_is_accepted():
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, "preview") as rt:
                await rt.send("session.update", session={"turn_detection": None})
                await rt.expect("session.updated")
                import base64

                await rt.send("input_audio_buffer.append", audio=base64.b64encode(bytes(5 * 1024 * 1024)).decode())
                await rt.send("input_audio_buffer.clear")
                return await rt.next()

    assert run(body())["type"] == "input_audio_buffer.cleared"


WRONG_VALUES = [None, True, 0, -1, 1.5, "", "x" * 600, [], [1], {}, {"type": None}, {"type": "message"}]
SAMPLES = {
    "session.update": {"session": {"turn_detection": {"type": "server_vad"}, "tools": [], "audio": {}}},
    "input_audio_buffer.append": {"audio": "AAAA"},
    "conversation.item.create": {
        "previous_item_id": None,
        "item": {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "a"}]},
    },
    "conversation.item.retrieve": {"item_id": "x"},
    "conversation.item.truncate": {"item_id": "x", "content_index": 0, "audio_end_ms": 1},
    "conversation.item.delete": {"item_id": "x"},
    "response.create": {"response": {"input": [], "conversation": "none"}},
    "response.cancel": {"response_id": "x"},
}


def _mutations(sample, depth=0):
    """The sample with, one at a time, each (nested) value replaced by each wrong value."""
    if isinstance(sample, dict):
        for key, value in sample.items():
            for wrong in WRONG_VALUES:
                yield {**sample, key: wrong}
            if depth < 3:
                for inner in _mutations(value, depth + 1):
                    yield {**sample, key: inner}
    elif isinstance(sample, list):
        for index, value in enumerate(sample):
            for inner in _mutations(value, depth + 1):
                yield [*sample[:index], inner, *sample[index + 1 :]]


@pytest.mark.parametrize("protocol", ["preview", "ga"])
def test_mistyped_values_anywhere_in_any_event_never_crash_the_session(protocol):
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, protocol) as rt:
                await rt.send(
                    "session.update",
                    session={"turn_detection": None}
                    if protocol == "preview"
                    else {"type": "realtime", "audio": {"input": {"turn_detection": None}}},
                )
                await rt.expect("session.updated")
                sent = 0
                for kind, sample in SAMPLES.items():
                    for fields in _mutations(sample):
                        await rt.send(kind, **fields)
                        sent += 1
                await rt.send("response.cancel")  # there may be a response running: cancel it
                await rt.send("input_audio_buffer.clear")
                await rt.until("input_audio_buffer.cleared", timeout=30)
                await rt.quiet(0.3)
                return sent, rt.received

    sent, received = run(body())
    assert sent > 250
    server_errors = [e for e in received if e["type"] == "error" and e["error"]["type"] != "invalid_request_error"]
    assert server_errors == []
    assert all(e["type"] != "response.done" or e["response"]["status"] != "failed" for e in received)
