"""Transcription-only and translation realtime sessions through the binding, against the local emulator: typed
events in pull and callback mode, options checked before connecting."""

from __future__ import annotations

import threading
import warnings
from typing import Any

import azaudio
import pytest
from azaudio import EventType, RealtimeEvent
from conftest import Emulator

pytestmark = pytest.mark.usefixtures("realtime")


@pytest.fixture(scope="module")
def speech_pcm(realtime_emulator: Emulator) -> bytes:
    with azaudio.Client(realtime_emulator.endpoint, api_key=realtime_emulator.key) as client:
        return client.speech("What time is it?", deployment="tts", response_format="pcm")


def _send(session: azaudio.RealtimeSession, pcm: bytes) -> None:
    for i in range(0, len(pcm), 9600):
        session.send_audio(pcm[i : i + 9600])
    for _ in range(8):
        session.send_audio(bytes(9600))


def test_transcription_session_streams_deltas_and_the_completed_line(rt: azaudio.Client, speech_pcm: bytes) -> None:
    with rt.transcription_session(
        deployment="gpt-4o-transcribe", language="en", noise_reduction="far_field", logprobs=True
    ) as session:
        _send(session, speech_pcm)
        deltas = []
        for event in session.events(timeout=30):
            if event.type == EventType.SESSION_UPDATED:
                assert event.json["session"]["audio"]["input"]["noise_reduction"] == {"type": "far_field"}
            if event.type == EventType.INPUT_TRANSCRIPTION_DELTA:
                deltas.append(event.text)
            if event.type == EventType.INPUT_TRANSCRIPTION_COMPLETED:
                assert "what" in event.text
                assert "".join(deltas) == event.text
                session.close()


def _session_settings(session: azaudio.RealtimeSession) -> Any:
    for event in session.events(timeout=30):
        if event.type == EventType.SESSION_UPDATED:
            return event.json["session"]
    raise AssertionError("no session.updated")


def test_transcription_session_still_takes_realtimes_keywords_from_older_code_with_a_deprecation_warning(
    rt: azaudio.Client,
) -> None:
    # Before the binding was split by capability, transcription_session(**vad) passed any realtime() keyword on.
    opener: Any = rt.transcription_session  # untyped, as older code calls it
    with pytest.warns(DeprecationWarning) as caught:
        session = opener(deployment="gpt-4o-transcribe", transcription_language="fr", history_max_items=10)
    with session:
        assert _session_settings(session)["audio"]["input"]["transcription"]["language"] == "fr"
    messages = sorted(str(w.message) for w in caught)
    assert len(messages) == 2 and "history_max_items=" in messages[0] and "does not use it" in messages[0]
    assert "transcription_language=" in messages[1] and "use language=" in messages[1]
    assert all(w.filename == __file__ for w in caught)  # the warning points at the caller
    # Passed on as before: the library refuses what a transcription session cannot use, with its own message.
    with pytest.warns(DeprecationWarning, match="instructions="):
        with pytest.raises(azaudio.InvalidArgumentError, match="instructions is for conversation sessions only"):
            opener(deployment="gpt-4o-transcribe", instructions="Be brief.")


def test_transcription_session_takes_the_queue_and_liveness_settings_as_its_own(rt: azaudio.Client) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with rt.transcription_session(
            deployment="gpt-4o-transcribe",
            language="en",
            max_event_queue=64,
            max_send_queue_bytes=1 << 20,
            keepalive_ms=5000,
            liveness_timeout_ms=20000,
        ) as session:
            assert _session_settings(session)["audio"]["input"]["transcription"]["language"] == "en"


def test_diarizing_segments_reach_a_callback_with_speaker_and_times(rt: azaudio.Client, speech_pcm: bytes) -> None:
    got: list[RealtimeEvent] = []
    done = threading.Event()

    def on_event(event: RealtimeEvent) -> None:
        got.append(event)
        if event.type == EventType.INPUT_TRANSCRIPTION_COMPLETED:
            done.set()

    with rt.transcription_session(
        deployment="gpt-4o-transcribe-diarize", turn_detection=None, on_event=on_event
    ) as session:
        session.send_audio(speech_pcm)
        session.commit()
        assert done.wait(30)
    segments = [e for e in got if e.type == EventType.INPUT_TRANSCRIPTION_SEGMENT]
    assert segments and segments[0].speaker
    assert segments[0].segment_times is not None
    start, end = segments[0].segment_times
    assert 0 <= start < end


def test_translation_session_gives_both_transcripts_and_audio(rt: azaudio.Client, speech_pcm: bytes) -> None:
    with rt.translation_session(
        deployment="gpt-realtime-translate", to="de", transcription_deployment="gpt-4o-transcribe"
    ) as session:
        _send(session, speech_pcm)
        kinds: dict[EventType, int] = {}
        audio = b""
        said = heard = ""
        for event in session.events(timeout=30):
            kinds[event.type] = kinds.get(event.type, 0) + 1
            if event.type == EventType.TRANSLATION_INPUT_TRANSCRIPT_DELTA:
                heard += event.text
            elif event.type == EventType.TRANSLATION_OUTPUT_TRANSCRIPT_DELTA:
                said += event.text
            elif event.type == EventType.TRANSLATION_AUDIO_DELTA:
                audio += event.audio
                assert event.audio_format == (24000, 1)
                assert event.audio_ms is not None
                if len(audio) > 0 and "[de]" in said:
                    session.close()
        assert kinds.get(EventType.SESSION_CLOSED) == 1
        assert "what" in heard and "[de]" in said and audio


def test_bad_session_kind_options_are_refused_before_connecting(rt: azaudio.Client) -> None:
    with pytest.raises(azaudio.InvalidArgumentError, match="noise_reduction"):
        rt.transcription_session(deployment="gpt-4o-transcribe", noise_reduction="loud")
    with pytest.raises(azaudio.InvalidArgumentError, match="transcription_delay"):
        rt.transcription_session(deployment="gpt-4o-transcribe", delay="soon")
    with pytest.raises(azaudio.InvalidArgumentError, match="translation_language"):
        rt.translation_session(deployment="gpt-realtime-translate", to="")


def test_a_transcription_session_under_asyncio_yields_the_completed_line(
    realtime_emulator: Emulator, speech_pcm: bytes
) -> None:
    import asyncio

    from azaudio import aio

    async def run() -> str:
        async with aio.AsyncClient(realtime_emulator.endpoint, api_key=realtime_emulator.key) as client:
            async with client.transcription_session(deployment="gpt-4o-transcribe") as session:
                await session.send_audio(speech_pcm + bytes(48000))
                async for event in session:
                    if event.type == EventType.INPUT_TRANSCRIPTION_COMPLETED:
                        return event.text
        return ""

    assert "what" in asyncio.run(run())
