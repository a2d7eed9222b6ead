"""Full voice turns: every audio format x every turn-detection mode x both protocols,
plus the input buffer rules, transcription and text-only responses."""

from __future__ import annotations

import pytest
from azaudio_emulator.realtime import audio, g711
from conversation_helpers import user_text
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

FORMATS = ["pcm16", "g711_ulaw", "g711_alaw"]
MODES = ["server_vad", "semantic_vad", "manual"]
TURN_DETECTION = {
    "server_vad": {"type": "server_vad", "threshold": 0.5, "prefix_padding_ms": 100, "silence_duration_ms": 300},
    "semantic_vad": {"type": "semantic_vad", "eagerness": "high"},
    "manual": None,
}
#: speech_stopped.audio_end_ms for 300 ms silence + 600 ms speech + trailing silence.
EXPECTED_END_MS = {"server_vad": 1200, "semantic_vad": 1150}
REPLY = "You said: hello emulator."
REPLY_MS = 4 * 160  # FakeTTS: 160 ms per word


def utterance(fmt: str) -> bytes:
    """300 ms silence, 600 ms of 'speech', 700 ms silence, in wire format `fmt`."""
    if fmt == "pcm16":
        return silence(300) + tone(600) + silence(700)
    pcm8k = silence(300, 8000) + tone(600, rate=8000) + silence(700, 8000)
    return g711.encode(pcm8k, "ulaw" if fmt == "g711_ulaw" else "alaw")


async def until_all(rt, wanted: set[str], timeout: float = 10.0) -> list[dict]:
    events = []
    missing = set(wanted)
    while missing:
        event = await rt.next(timeout)
        events.append(event)
        missing.discard(event["type"])
    return events


async def voice_turn(protocol: str, fmt: str, mode: str) -> list[dict]:
    async with served(make_ctx()) as base:
        async with connect(base, protocol) as rt:
            await rt.send(
                "session.update",
                session=session_update(
                    protocol,
                    input_format=fmt,
                    output_format=fmt,
                    turn_detection=TURN_DETECTION[mode],
                    transcription={"model": "gpt-4o-transcribe"},
                ),
            )
            await rt.expect("session.updated")
            rate, width = (24000, 2) if fmt == "pcm16" else (8000, 1)
            await rt.append(utterance(fmt), chunk_ms=100, rate=rate, width=width)
            if mode == "manual":
                await rt.send("input_audio_buffer.commit")
                await rt.expect("input_audio_buffer.committed")
                await rt.send("response.create")
            return await until_all(rt, {"rate_limits.updated", "conversation.item.input_audio_transcription.completed"})


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("protocol", ["preview", "ga"])
def test_a_full_voice_turn_is_heard_transcribed_and_answered_in_the_sessions_format(protocol, fmt, mode):
    events = run(voice_turn(protocol, fmt, mode))
    n = names(protocol)
    kinds = types(events)
    if mode != "manual":
        started = next(e for e in events if e["type"] == "input_audio_buffer.speech_started")
        stopped = next(e for e in events if e["type"] == "input_audio_buffer.speech_stopped")
        committed = next(e for e in events if e["type"] == "input_audio_buffer.committed")
        assert started["audio_start_ms"] == (200 if mode == "server_vad" else 0)
        assert stopped["audio_end_ms"] == EXPECTED_END_MS[mode]
        assert started["item_id"] == stopped["item_id"] == committed["item_id"]
        assert kinds.index("input_audio_buffer.speech_stopped") < kinds.index("input_audio_buffer.committed")
    user_item = next(e for e in events if e["type"] == n["item_created"] and e["item"]["role"] == "user")["item"]
    assert user_item["content"] == [{"type": "input_audio", "transcript": None}]
    deltas = [e["delta"] for e in events if e["type"] == "conversation.item.input_audio_transcription.delta"]
    completed = next(e for e in events if e["type"] == "conversation.item.input_audio_transcription.completed")
    assert "".join(deltas) == completed["transcript"] == "hello emulator"
    assert completed["item_id"] == user_item["id"]
    assert ("usage" in completed) == (protocol == "ga")

    order = [k for k in kinds if k.startswith("response.") and not k.endswith(".delta")]
    assert order == [
        "response.created",
        "response.output_item.added",
        "response.content_part.added",
        n["audio_done"],
        n["transcript_done"],
        "response.content_part.done",
        "response.output_item.done",
        "response.done",
    ]
    assert kinds[-1] == "rate_limits.updated" or "rate_limits.updated" in kinds
    wire = b"".join(unb64(e["delta"]) for e in events if e["type"] == n["audio_delta"])
    assert len(wire) == REPLY_MS * audio.FORMATS[fmt].bytes_per_ms
    pcm = wire if fmt == "pcm16" else g711.decode(wire, "ulaw" if fmt == "g711_ulaw" else "alaw")
    assert audio.rms_dbfs(pcm) > -25  # the tone bursts came through the codec
    transcript = "".join(e["delta"] for e in events if e["type"] == n["transcript_delta"])
    assert transcript == REPLY
    assert next(e for e in events if e["type"] == n["transcript_done"])["transcript"] == REPLY
    done = next(e for e in events if e["type"] == "response.done")["response"]
    assert done["status"] == "completed"
    assert done["usage"]["output_token_details"]["audio_tokens"] > 0
    content = done["output"][0]["content"][0]
    assert content == {"type": "output_audio" if protocol == "ga" else "audio", "transcript": REPLY}
    if protocol == "ga":
        assert done["audio"]["output"]["format"] == audio.ga_format_object(fmt)
    else:
        assert done["output_audio_format"] == fmt


@pytest.mark.parametrize("protocol", ["preview", "ga"])
def test_a_text_only_session_answers_with_text_deltas_and_no_audio(protocol):
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, protocol) as rt:
                await rt.send("session.update", session=session_update(protocol, text_only=True))
                await rt.expect("session.updated")
                await rt.send(
                    "conversation.item.create",
                    item=user_text("Good morning!"),
                )
                await rt.send("response.create")
                return await rt.until("rate_limits.updated")

    events = run(body())
    n = names(protocol)
    kinds = types(events)
    assert n["audio_delta"] not in kinds and n["transcript_delta"] not in kinds
    assert "".join(e["delta"] for e in events if e["type"] == n["text_delta"]) == "You said: Good morning."
    part = next(e for e in events if e["type"] == "response.content_part.added")["part"]
    assert part == {"type": "text", "text": ""}
    done = next(e for e in events if e["type"] == "response.done")["response"]
    assert done["output"][0]["content"] == [
        {"type": "output_text" if protocol == "ga" else "text", "text": "You said: Good morning."}
    ]


def test_response_create_can_ask_for_text_only_for_one_response():
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, "ga") as rt:
                await rt.send("response.create", response={"output_modalities": ["text"], "instructions": "x"})
                return await rt.until("response.done")

    events = run(body())
    assert "response.output_text.delta" in types(events)
    assert events[-1]["response"]["output"][0]["content"][0]["text"] == "Hello from the Azure OpenAI audio emulator."


def test_server_vad_honours_create_response_false():
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, "preview") as rt:
                await rt.send(
                    "session.update",
                    session={
                        "turn_detection": {"type": "server_vad", "silence_duration_ms": 200, "create_response": False}
                    },
                )
                await rt.expect("session.updated")
                await rt.append(tone(400) + silence(400))
                events = await rt.until("conversation.item.created")
                return events + await rt.quiet(0.3)

    kinds = types(run(body()))
    assert "input_audio_buffer.committed" in kinds
    assert "response.created" not in kinds


def test_server_vad_threshold_decides_whether_quiet_audio_is_speech():
    async def body(threshold):
        async with served(make_ctx()) as base:
            async with connect(base, "preview") as rt:
                await rt.send(
                    "session.update", session={"turn_detection": {"type": "server_vad", "threshold": threshold}}
                )
                await rt.expect("session.updated")
                await rt.append(tone(400, amplitude=300) + silence(700))  # about -43 dBFS
                return types(await rt.quiet(0.3))

    assert "input_audio_buffer.speech_started" not in run(body(0.5))
    assert "input_audio_buffer.speech_started" in run(body(0.2))


def test_committing_less_than_100ms_is_an_error_that_echoes_the_event_id():
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, "ga") as rt:
                await rt.send(
                    "session.update", session={"type": "realtime", "audio": {"input": {"turn_detection": None}}}
                )
                await rt.expect("session.updated")
                await rt.send("input_audio_buffer.append", audio=b64(silence(50)))
                sent = await rt.send("input_audio_buffer.commit")
                return sent, await rt.expect("error")

    sent, error = run(body())
    assert error["error"]["code"] == "input_audio_buffer_commit_empty"
    assert error["error"]["event_id"] == sent
    assert "buffer only has 50.00ms" in error["error"]["message"]


def test_clearing_the_buffer_discards_audio_and_is_acknowledged():
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, "preview") as rt:
                await rt.send("session.update", session={"turn_detection": None})
                await rt.expect("session.updated")
                await rt.send("input_audio_buffer.append", audio=b64(tone(500)))
                await rt.send("input_audio_buffer.clear")
                cleared = await rt.next()
                await rt.send("input_audio_buffer.commit")
                return cleared, await rt.next()

    cleared, after = run(body())
    assert cleared["type"] == "input_audio_buffer.cleared"
    assert after["error"]["code"] == "input_audio_buffer_commit_empty"


def test_a_manual_commit_creates_no_response_by_itself():
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, "ga") as rt:
                await rt.send("session.update", session=session_update("ga", turn_detection=None))
                await rt.expect("session.updated")
                await rt.send("input_audio_buffer.append", audio=b64(tone(300)))
                await rt.send("input_audio_buffer.commit")
                return await rt.quiet(0.3)

    kinds = types(run(body()))
    assert kinds[:3] == ["input_audio_buffer.committed", "conversation.item.added", "conversation.item.done"]
    assert "response.created" not in kinds


def test_transcription_with_a_model_that_is_not_a_deployment_fails_like_azure():
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, "preview") as rt:
                await rt.send(
                    "session.update",
                    session={"turn_detection": None, "input_audio_transcription": {"model": "whisper-1"}},
                )
                await rt.expect("session.updated")
                await rt.send("input_audio_buffer.append", audio=b64(tone(300)))
                await rt.send("input_audio_buffer.commit")
                return await rt.until("conversation.item.input_audio_transcription.failed")

    events = run(body())
    failed = events[-1]
    committed = next(e for e in events if e["type"] == "input_audio_buffer.committed")
    assert failed["item_id"] == committed["item_id"]
    assert failed["content_index"] == 0
    assert "deployment" in failed["error"]["message"]


def test_whisper_transcription_sends_only_the_completed_event():
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, "preview") as rt:
                await rt.send(
                    "session.update",
                    session={"turn_detection": None, "input_audio_transcription": {"model": "my-whisper"}},
                )
                await rt.expect("session.updated")
                await rt.send("input_audio_buffer.append", audio=b64(tone(300)))
                await rt.send("input_audio_buffer.commit")
                events = await rt.until("conversation.item.input_audio_transcription.completed")
                await rt.send("conversation.item.retrieve", item_id=events[-1]["item_id"])
                return events, await rt.expect("conversation.item.retrieved")

    events, retrieved = run(body())
    assert "conversation.item.input_audio_transcription.delta" not in types(events)
    assert events[-1]["transcript"] == "hello emulator"
    part = retrieved["item"]["content"][0]
    assert part["transcript"] == "hello emulator"
    assert len(unb64(part["audio"])) == 300 * 48


def test_silence_is_answered_with_the_fixed_sentence():
    async def body():
        async with served(make_ctx(stt=FakeSTT(""))) as base:
            async with connect(base, "preview") as rt:
                await rt.send("session.update", session={"turn_detection": None, "modalities": ["text"]})
                await rt.expect("session.updated")
                await rt.send("input_audio_buffer.append", audio=b64(silence(300)))
                await rt.send("input_audio_buffer.commit")
                await rt.send("response.create")
                return await rt.expect("response.text.done")

    assert run(body())["text"] == "Sorry, I did not catch that."


def test_audio_deltas_are_paced_at_ctx_speed_times_real_time():
    import time

    async def body(speed):
        async with served(make_ctx(speed=speed)) as base:
            async with connect(base, "preview") as rt:
                await rt.send("response.create")
                await rt.expect("response.audio.delta")
                started = time.monotonic()
                await rt.expect("response.audio.done")
                return time.monotonic() - started

    # the greeting is 7 words = 1.12 s of FakeTTS audio; 100 ms chunks
    slow = run(body(4.0))
    assert 0.2 <= slow <= 0.6
    assert run(body(1000.0)) < 0.2
