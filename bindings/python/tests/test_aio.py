"""azaudio.aio against the emulator, on the standard asyncio loop and on uvloop: awaitable REST calls (cancelling
the task cancels the call), async iterators for streamed speech and transcription, and realtime sessions driven by
`async with` / `async for` without blocking the loop."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any, Awaitable, Callable, Iterator, TypeVar

import azaudio
import pytest
from azaudio import EventType
from azaudio.aio import AsyncClient
from conftest import Emulator, emulator_faults

T = TypeVar("T")

LOOPS = ["asyncio", "uvloop"]


def run(kind: str, main: Callable[[], Awaitable[T]]) -> T:
    """Run ``main()`` on a fresh loop of ``kind``."""
    if kind == "uvloop":
        uvloop = pytest.importorskip("uvloop")
        loop = uvloop.new_event_loop()
    else:
        loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(main())
    finally:
        loop.close()


class Ticker:
    """Counts the turns a coroutine gets on the loop while something else is awaited (the loop is not blocked)."""

    def __init__(self, every: float) -> None:
        self.ticks = 0
        self._task = asyncio.ensure_future(self._run(every))

    async def _run(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            self.ticks += 1

    def stop(self) -> int:
        self._task.cancel()
        return self.ticks


@pytest.fixture
def slow_speech(emulator: Emulator) -> Iterator[None]:
    """The next speech request waits 8 s before its first byte."""
    emulator_faults(emulator, "POST", {"kind": "delay_first_byte", "seconds": 8, "match": "speech", "count": 1})
    yield
    emulator_faults(emulator, "DELETE")


@pytest.fixture(scope="module")
def hello_wav(tmp_path_factory: pytest.TempPathFactory, emulator: Emulator) -> Path:
    path = tmp_path_factory.mktemp("aio") / "hello.wav"
    with azaudio.Client(emulator.endpoint, api_key=emulator.key) as client:
        client.speech_to_file("hello world", path, deployment="tts", response_format="wav")
    return path


@pytest.mark.parametrize("kind", LOOPS)
def test_from_env_and_awaitable_rest_calls(
    kind: str, emulator: Emulator, rest: None, hello_wav: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", emulator.endpoint)
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", emulator.key)

    async def main() -> tuple[str, bytes, str]:
        async with AsyncClient.from_env() as client:
            text = (await client.transcribe(hello_wav, deployment="whisper")).text
            wav = await client.speech("hi", deployment="tts", response_format="wav")
            reply = await client.chat_audio("Say hi.", deployment="gpt-4o-audio-preview")
            return text, wav, reply.transcript

    text, wav, transcript = run(kind, main)
    assert text and wav[:4] == b"RIFF" and transcript


@pytest.mark.parametrize("kind", LOOPS)
def test_cancelling_the_task_cancels_the_call_and_the_loop_keeps_running(
    kind: str, emulator: Emulator, rest: None, slow_speech: None
) -> None:
    async def main() -> tuple[float, int, bytes]:
        async with AsyncClient(emulator.endpoint, api_key=emulator.key) as client:
            ticker = Ticker(0.01)
            call = asyncio.ensure_future(client.speech("hi", deployment="tts", max_retries=0))
            await asyncio.sleep(0.5)
            started = time.monotonic()
            call.cancel()
            with pytest.raises(asyncio.CancelledError):
                await call
            elapsed = time.monotonic() - started
            ticks = ticker.stop()
            after = await client.speech("after", deployment="tts", response_format="wav")
            return elapsed, ticks, after

    elapsed, ticks, after = run(kind, main)
    assert elapsed < 4  # the 8 s wait was cut short by the library's cancel token
    assert ticks >= 10  # the loop ran while the call waited
    assert after[:4] == b"RIFF"


@pytest.mark.parametrize("kind", LOOPS)
def test_async_speech_stream_yields_the_whole_audio_and_stops_early_on_aclose(
    kind: str, emulator: Emulator, rest: None
) -> None:
    async def main() -> tuple[bytes, bytes, int]:
        async with AsyncClient(emulator.endpoint, api_key=emulator.key) as client:
            text = "Streaming speech in chunks, one after the other."
            whole = await client.speech(text, deployment="tts", response_format="pcm")
            streamed = b"".join([c async for c in client.speech_stream(text, deployment="tts", response_format="pcm")])
            stream = client.speech_stream(text, deployment="tts", response_format="pcm")
            first = 0
            async for chunk in stream:
                first = len(chunk)
                break
            await stream.aclose()
            return whole, streamed, first

    whole, streamed, first = run(kind, main)
    assert streamed == whole and first > 0


@pytest.mark.parametrize("kind", LOOPS)
def test_async_transcribe_stream_yields_deltas_then_holds_the_result(
    kind: str, emulator: Emulator, rest: None, hello_wav: Path
) -> None:
    async def main() -> tuple[list[str], Any]:
        async with AsyncClient(emulator.endpoint, api_key=emulator.key) as client:
            stream = client.transcribe_stream(hello_wav, deployment="gpt-4o-transcribe")
            deltas = [d async for d in stream]
            return deltas, stream.result

    deltas, result = run(kind, main)
    assert deltas and isinstance(result, azaudio.Transcription)
    assert "".join(deltas).strip() == result.text.strip()


@pytest.mark.parametrize("kind", LOOPS)
def test_a_realtime_turn_with_async_for(kind: str, realtime_emulator: Emulator, realtime: None) -> None:
    async def main() -> tuple[list[EventType], str, int, int]:
        async with AsyncClient(realtime_emulator.endpoint, api_key=realtime_emulator.key) as client:
            ticker = Ticker(0.005)
            kinds: list[EventType] = []
            text: list[str] = []
            audio = 0
            async with client.realtime(deployment="gpt-realtime", turn_detection=None) as session:
                await session.create_text_item("user", "good morning")
                await session.create_response()
                async for event in session:
                    kinds.append(event.type)
                    if event.type == EventType.AUDIO_TRANSCRIPT_DELTA:
                        text.append(event.text)
                    elif event.type == EventType.AUDIO_DELTA:
                        audio += len(event.audio)
                    elif event.type == EventType.RESPONSE_DONE:
                        await session.close()
            return kinds, "".join(text), audio, ticker.stop()

    kinds, text, audio, ticks = run(kind, main)
    assert kinds[0] == EventType.SESSION_CREATED and kinds[-1] == EventType.CLOSED
    assert EventType.RESPONSE_DONE in kinds and text and audio > 24000
    assert ticks > 0


@pytest.mark.parametrize("kind", LOOPS)
def test_send_audio_drives_a_spoken_turn(kind: str, realtime_emulator: Emulator, realtime: None) -> None:
    async def main() -> list[EventType]:
        async with AsyncClient(realtime_emulator.endpoint, api_key=realtime_emulator.key) as client:
            speech = await client.speech("What time is it?", deployment="tts", response_format="pcm")
            kinds: list[EventType] = []
            async with client.realtime(deployment="gpt-realtime", turn_detection=None) as session:
                for offset in range(0, len(speech), 960):
                    await session.send_audio(speech[offset : offset + 960])
                await session.commit()
                await session.create_response()
                async for event in session:
                    kinds.append(event.type)
                    if event.type == EventType.RESPONSE_DONE:
                        await session.close()
            return kinds

    kinds = run(kind, main)
    assert EventType.INPUT_COMMITTED in kinds and EventType.AUDIO_DELTA in kinds and kinds[-1] == EventType.CLOSED


def test_leaving_async_with_early_frees_the_session_and_later_calls_say_so(
    realtime_emulator: Emulator, realtime: None
) -> None:
    async def main() -> None:
        async with AsyncClient(realtime_emulator.endpoint, api_key=realtime_emulator.key) as client:
            async with client.realtime(deployment="gpt-realtime", turn_detection=None) as session:
                first = await session.next_event()
                assert first is not None and first.type == EventType.SESSION_CREATED
            assert await session.next_event() is None
            with pytest.raises(azaudio.ClosedError):
                await session.send_audio(bytes(960))

    run("asyncio", main)


def _one_text_turn(realtime_emulator: Emulator, during: Callable[[Any], None]) -> list[EventType]:
    async def main() -> list[EventType]:
        async with AsyncClient(realtime_emulator.endpoint, api_key=realtime_emulator.key) as client:
            kinds: list[EventType] = []
            async with client.realtime(deployment="gpt-realtime", turn_detection=None, text_only=True) as session:
                await session.create_text_item("user", "hello")
                await session.create_response()
                async for event in session:
                    during(session)
                    kinds.append(event.type)
                    if event.type == EventType.RESPONSE_DONE:
                        await session.close()
            return kinds

    return run("asyncio", main)


def test_the_loop_waits_on_the_librarys_event_descriptor_without_a_thread(
    realtime_emulator: Emulator, realtime: None
) -> None:
    import os
    import threading

    from azaudio import _native

    if not _native.has("azaudio_realtime_event_fd"):
        pytest.skip("this libazaudio has no azaudio_realtime_event_fd")
    seen: list[str] = []

    def during(session: Any) -> None:
        assert session._fd is not None and session._waker is None
        seen.append(os.readlink(f"/proc/self/fd/{session._fd}"))
        assert not any(t.name == "azaudio-rt-waiter" for t in threading.enumerate())

    kinds = _one_text_turn(realtime_emulator, during)
    assert kinds[-1] == EventType.CLOSED and set(seen) == {"anon_inode:[eventfd]"}


def test_without_the_descriptor_a_waiter_thread_wakes_the_loop(
    realtime_emulator: Emulator, realtime: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from azaudio import _native

    present = _native.has
    monkeypatch.setattr(_native, "has", lambda name: name != "azaudio_realtime_event_fd" and present(name))
    modes: list[bool] = []
    kinds = _one_text_turn(realtime_emulator, lambda session: modes.append(session._waker is not None))
    assert kinds[-1] == EventType.CLOSED and EventType.TEXT_DELTA in kinds and all(modes)
