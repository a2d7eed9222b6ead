"""Conversation items: create, retrieve, delete, invalid items, ids, and a user audio item heard and answered."""

from __future__ import annotations

import pytest
from conversation_helpers import user_text
from test_realtime_harness import (
    FakeSTT,
    b64,
    connect,
    make_ctx,
    names,
    run,
    served,
    tone,
)

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
