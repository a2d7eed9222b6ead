"""Transcription-only realtime sessions (``/openai/v1/realtime?intent=transcription``)."""

from __future__ import annotations

import pytest
from test_realtime_harness import connect, make_ctx, run, served, silence, tone

PATH = "/openai/v1/realtime?intent=transcription"


def config(model: str = "whisper", turn_detection: object = "default", **transcription: object) -> dict:
    audio_input: dict = {
        "format": {"type": "audio/pcm", "rate": 24000},
        "transcription": {"model": model, **transcription},
    }
    if turn_detection != "default":
        audio_input["turn_detection"] = turn_detection
    return {"type": "transcription", "audio": {"input": audio_input}}


def test_a_transcription_session_transcribes_each_utterance():
    async def body() -> None:
        async with served(make_ctx()) as base:
            async with connect(base, "ga", path=PATH, skip_greeting=False) as rt:
                created = await rt.expect("session.created")
                assert created["session"]["type"] == "transcription"
                await rt.send(
                    "session.update", session=config(turn_detection={"type": "server_vad", "silence_duration_ms": 300})
                )
                updated = await rt.expect("session.updated")
                assert updated["session"]["audio"]["input"]["transcription"]["model"] == "whisper"
                await rt.append(silence(300) + tone(600) + silence(700))
                events = await rt.until("conversation.item.input_audio_transcription.completed")
                kinds = [e["type"] for e in events]
                assert kinds.index("input_audio_buffer.speech_started") < kinds.index("input_audio_buffer.committed")
                deltas = [e["delta"] for e in events if e["type"].endswith("transcription.delta")]
                assert "".join(deltas) == events[-1]["transcript"] == "hello emulator"
                assert not any(e["type"].startswith("response.") for e in events)

    run(body())


def test_manual_commit_without_turn_detection():
    async def body() -> None:
        async with served(make_ctx()) as base:
            async with connect(base, "ga", path=PATH) as rt:
                await rt.send("session.update", session=config(turn_detection=None))
                await rt.expect("session.updated")
                await rt.append(tone(600))
                await rt.send("input_audio_buffer.commit")
                done = await rt.expect("conversation.item.input_audio_transcription.completed")
                assert done["transcript"] == "hello emulator"

    run(body())


@pytest.mark.parametrize(
    "session, param",
    [
        ({"type": "realtime"}, "session.type"),
        (config(model="gpt-realtime"), "session.audio.input.transcription.model"),
        (config(model="nope"), "session.audio.input.transcription.model"),
        (config(delay="low"), "session.audio.input.transcription.delay"),
        (
            config(model="gpt-realtime-whisper", turn_detection=None, delay="soon"),
            "session.audio.input.transcription.delay",
        ),
        (config(model="gpt-realtime-whisper"), "session.audio.input.turn_detection"),
        ({**config(), "include": ["logprobs"]}, "session.include"),
        (
            {"type": "transcription", "audio": {"input": {"noise_reduction": {"type": "studio"}}}},
            "session.audio.input.noise_reduction.type",
        ),
    ],
)
def test_bad_transcription_settings_are_errors_naming_the_field(session, param):
    async def body() -> None:
        async with served(make_ctx()) as base:
            async with connect(base, "ga", path=PATH) as rt:
                await rt.send("session.update", session=session)
                error = await rt.expect("error")
                assert error["error"]["param"] == param

    run(body())


def test_gpt_realtime_whisper_takes_a_delay_and_no_turn_detection():
    async def body() -> None:
        async with served(make_ctx()) as base:
            async with connect(base, "ga", path=PATH) as rt:
                await rt.send(
                    "session.update",
                    session={
                        **config(model="gpt-realtime-whisper", turn_detection=None, delay="low"),
                        "include": ["item.input_audio_transcription.logprobs"],
                    },
                )
                updated = await rt.expect("session.updated")
                assert updated["session"]["audio"]["input"]["turn_detection"] is None
                assert updated["session"]["audio"]["input"]["noise_reduction"] is None

    run(body())


def test_responses_are_refused_in_a_transcription_session():
    async def body() -> None:
        async with served(make_ctx()) as base:
            async with connect(base, "ga", path=PATH) as rt:
                await rt.send("response.create")
                error = await rt.expect("error")
                assert "transcription session" in error["error"]["message"]

    run(body())
