"""Truncating assistant audio: within and beyond the audio sent, while streaming, and refused targets."""

from __future__ import annotations

import pytest
from conversation_helpers import answered, user_text
from test_realtime_harness import (
    connect,
    make_ctx,
    names,
    run,
    served,
    unb64,
)

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
