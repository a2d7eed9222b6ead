"""Realtime translation sessions (``/openai/v1/realtime/translations``): marked, not translated."""

from __future__ import annotations

import aiohttp
from test_realtime_harness import KEY, FakeSTT, b64, make_ctx, run, served, silence, tone, unb64

PATH = "/openai/v1/realtime/translations?model=gpt-realtime-translate"


async def _events_until(ws, type_: str) -> list[dict]:
    events = []
    while True:
        msg = await ws.receive(timeout=15)
        assert msg.type == aiohttp.WSMsgType.TEXT, msg
        events.append(msg.json())
        if events[-1]["type"] == type_:
            return events


async def _send(ws, type_: str, **fields) -> None:
    await ws.send_json({"type": type_, **fields})


def test_speech_comes_back_as_marked_transcripts_and_audio():
    async def body() -> None:
        async with served(make_ctx(stt=FakeSTT("hello there"))) as base:
            async with aiohttp.ClientSession() as http, http.ws_connect(base + PATH, headers={"api-key": KEY}) as ws:
                created = (await _events_until(ws, "session.created"))[-1]
                assert created["session"]["type"] == "translation"
                assert created["session"]["model"] == "gpt-realtime-translate"
                await _send(
                    ws,
                    "session.update",
                    session={
                        "audio": {
                            "output": {"language": "es"},
                            "input": {"transcription": {"model": "whisper"}, "noise_reduction": {"type": "near_field"}},
                        }
                    },
                )
                updated = (await _events_until(ws, "session.updated"))[-1]
                assert updated["session"]["audio"]["output"]["language"] == "es"
                pcm = silence(200) + tone(600) + silence(800)
                for offset in range(0, len(pcm), 9600):  # 200 ms chunks
                    await _send(ws, "session.input_audio_buffer.append", audio=b64(pcm[offset : offset + 9600]))
                await _send(ws, "session.close")
                events = await _events_until(ws, "session.closed")
                heard = "".join(e["delta"] for e in events if e["type"] == "session.input_transcript.delta")
                said = "".join(e["delta"] for e in events if e["type"] == "session.output_transcript.delta")
                audio = [e for e in events if e["type"] == "session.output_audio.delta"]
                assert heard == "hello there" and said == "[es] hello there"
                assert audio and all(
                    (a["sample_rate"], a["channels"], a["format"]) == (24000, 1, "pcm16") for a in audio
                )
                assert sum(len(unb64(a["delta"])) for a in audio) > 0
                assert all(isinstance(a["elapsed_ms"], int) for a in audio)

    run(body())


def test_bad_settings_and_audio_before_a_language_are_errors():
    async def body() -> None:
        async with served(make_ctx()) as base:
            async with aiohttp.ClientSession() as http, http.ws_connect(base + PATH, headers={"api-key": KEY}) as ws:
                await _events_until(ws, "session.created")
                await _send(ws, "session.input_audio_buffer.append", audio=b64(silence(200)))
                error = (await _events_until(ws, "error"))[-1]
                assert error["error"]["param"] == "session.audio.output.language"
                await _send(ws, "session.update", session={"audio": {"output": {"language": "klingon"}}})
                assert (await _events_until(ws, "error"))[-1]["error"]["param"] == "session.audio.output.language"
                await _send(ws, "session.update", session={"audio": {"input": {"transcription": {"model": "tts"}}}})
                error = (await _events_until(ws, "error"))[-1]
                assert error["error"]["param"] == "session.audio.input.transcription.model"

    run(body())


def test_the_route_needs_a_translation_deployment_and_the_key():
    async def body() -> None:
        async with served(make_ctx()) as base:
            async with aiohttp.ClientSession() as http:
                async with http.get(
                    base + "/openai/v1/realtime/translations?model=gpt-realtime", headers={"api-key": KEY}
                ) as reply:
                    assert reply.status == 400
                async with http.get(base + PATH) as reply:
                    assert reply.status == 401

    run(body())
