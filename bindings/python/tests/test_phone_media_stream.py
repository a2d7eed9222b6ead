"""examples/phone_media_stream.py against the emulator, driven by a scripted carrier: the carrier's JSON frames
(connected, start, 20 ms mu-law media, stop) go in; the agent's mu-law audio, marks and transcripts come out, and
the marks the carrier echoes reach the session as played positions."""

from __future__ import annotations

import asyncio
import base64
import importlib.util
import json
import sys
from types import ModuleType
from typing import Any

import azaudio
import pytest
from azaudio import audio
from azaudio.aio import AsyncClient
from conftest import PACKAGE_DIR, Emulator

pytestmark = pytest.mark.usefixtures("realtime")
websockets_client = pytest.importorskip("websockets.asyncio.client")

STREAM_SID = "MZ00000000000000000000000000000001"


def _example() -> ModuleType:
    path = PACKAGE_DIR / "examples" / "phone_media_stream.py"
    spec = importlib.util.spec_from_file_location("phone_media_stream", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["phone_media_stream"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def caller_ulaw(realtime_emulator: Emulator) -> bytes:
    """'What time is it?' as the carrier sends it: 8 kHz mu-law, then a second of silence to end the turn."""
    with azaudio.Client(realtime_emulator.endpoint, api_key=realtime_emulator.key) as client:
        pcm24 = client.speech("What time is it?", deployment="tts", response_format="pcm")
    with audio.Resampler(24000, 8000) as r:
        pcm8 = r.process(pcm24) + r.flush()
    return bytes(audio.ulaw_encode(pcm8)) + b"\xff" * 8000


async def _carrier(port: int, caller: bytes, barge_in: bool = False) -> dict[str, Any]:
    """What a carrier does for one call; returns what it received. With ``barge_in`` it plays the agent's audio
    slowly (it does not echo the marks: nothing has been heard yet) and the caller speaks again over the reply."""
    got: dict[str, Any] = {"audio": bytearray(), "marks": [], "sids": set(), "other": []}
    async with websockets_client.connect(f"ws://127.0.0.1:{port}/") as ws:
        await ws.send(json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"}))
        await ws.send(
            json.dumps(
                {
                    "event": "start",
                    "sequenceNumber": "1",
                    "streamSid": STREAM_SID,
                    "start": {
                        "streamSid": STREAM_SID,
                        "callSid": "CA1",
                        "accountSid": "AC1",
                        "tracks": ["inbound"],
                        "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
                    },
                }
            )
        )

        async def receive() -> None:
            async for raw in ws:
                message = json.loads(raw)
                got["sids"].add(message.get("streamSid"))
                if message["event"] == "media":
                    got["audio"].extend(base64.b64decode(message["media"]["payload"]))
                elif message["event"] == "mark":
                    got["marks"].append(message["mark"]["name"])
                    if not barge_in:  # the carrier echoes a mark once the audio before it has been played
                        await ws.send(json.dumps({"event": "mark", "streamSid": STREAM_SID, "mark": message["mark"]}))
                else:
                    got["other"].append(message["event"])

        async def speak() -> None:
            for n, offset in enumerate(range(0, len(caller), 160)):
                await ws.send(
                    json.dumps(
                        {
                            "event": "media",
                            "streamSid": STREAM_SID,
                            "media": {
                                "track": "inbound",
                                "chunk": str(n + 1),
                                "timestamp": str(20 * n),
                                "payload": base64.b64encode(caller[offset : offset + 160]).decode(),
                            },
                        }
                    )
                )
                await asyncio.sleep(0.002)

        async def until(done: Any) -> None:
            deadline = asyncio.get_running_loop().time() + 30
            while asyncio.get_running_loop().time() < deadline and not done():
                await asyncio.sleep(0.05)

        receiving = asyncio.ensure_future(receive())
        await speak()
        await until(lambda: got["marks"])
        if barge_in:
            await speak()  # over the agent's reply, which the caller has not heard yet
            await until(lambda: "clear" in got["other"])
        await asyncio.sleep(1.0)  # let the reply finish
        await ws.send(
            json.dumps(
                {
                    "event": "stop",
                    "sequenceNumber": "999",
                    "streamSid": STREAM_SID,
                    "stop": {"accountSid": "AC1", "callSid": "CA1"},
                }
            )
        )
        try:
            await asyncio.wait_for(receiving, 10)
        except asyncio.TimeoutError:
            receiving.cancel()
    return got


def _call(realtime_emulator: Emulator, caller_ulaw: bytes, barge_in: bool) -> tuple[dict[str, Any], list[Any]]:
    bridge = _example()

    async def main() -> tuple[dict[str, Any], list[Any]]:
        calls: list[Any] = []
        async with AsyncClient(realtime_emulator.endpoint, api_key=realtime_emulator.key) as client:
            ready: "asyncio.Future[int]" = asyncio.get_running_loop().create_future()
            options = {"deployment": "gpt-realtime", "transcription_deployment": "whisper"}
            server = asyncio.ensure_future(bridge.serve_calls(client, "127.0.0.1", 0, options, ready, calls))
            try:
                port = await asyncio.wait_for(ready, 10)
                got = await _carrier(port, caller_ulaw, barge_in)
                for _ in range(200):  # the call's handler finishes after the carrier's stop
                    if calls:
                        break
                    await asyncio.sleep(0.05)
            finally:
                server.cancel()
                try:
                    await server
                except asyncio.CancelledError:
                    pass
        return got, calls

    return asyncio.run(main())


def test_a_call_through_the_bridge_gets_a_spoken_mu_law_reply(realtime_emulator: Emulator, caller_ulaw: bytes) -> None:
    got, calls = _call(realtime_emulator, caller_ulaw, barge_in=False)
    assert got["sids"] == {STREAM_SID}
    assert "clear" not in got["other"]
    assert len(got["audio"]) > 8000 * 0.5  # over half a second of mu-law reply
    item, _, ms = got["marks"][-1].rpartition(":")
    assert item and int(ms) == pytest.approx(len(got["audio"]) / 8, abs=1)
    assert len(calls) == 1 and calls[0].stream_sid == STREAM_SID and calls[0].dropped == 0
    who = [w for w, _ in calls[0].transcript]
    assert "caller" in who and "agent" in who, calls[0].transcript


def test_a_caller_talking_over_the_reply_makes_the_bridge_clear_the_carriers_audio(
    realtime_emulator: Emulator, caller_ulaw: bytes
) -> None:
    got, calls = _call(realtime_emulator, caller_ulaw, barge_in=True)
    assert "clear" in got["other"], got["other"]
    assert len(calls) == 1 and calls[0].stream_sid == STREAM_SID
