"""Realtime sessions through the binding, against the local emulator (paced --speed 40): text and voice turns on
both protocols, the pull iterator, callbacks, function calls, the other client events, errors, closing, Ctrl-C."""

from __future__ import annotations

import json
import re
import threading
import time
from typing import Any

import azaudio
import pytest
from azaudio import EventType, RealtimeEvent, RealtimeSession, audio
from conftest import REPO, Emulator, count_events, until_event

pytestmark = pytest.mark.usefixtures("realtime")

WEATHER_TOOL = {
    "type": "function",
    "name": "get_weather",
    "description": "Weather for a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}


@pytest.fixture(scope="module")
def speech_pcm(realtime_emulator: Emulator) -> bytes:
    """'What time is it?' spoken at 24 kHz, PCM16 (from the emulator's text to speech)."""
    with azaudio.Client(realtime_emulator.endpoint, api_key=realtime_emulator.key) as client:
        return client.speech("What time is it?", deployment="tts", response_format="pcm")


def _g711(pcm24: bytes, fmt: str) -> bytes:
    with audio.Resampler(24000, 8000) as r:
        pcm8 = r.process(pcm24) + r.flush()
    return bytes(audio.ulaw_encode(pcm8) if fmt == "g711_ulaw" else audio.alaw_encode(pcm8))


def _silence(fmt: str, ms: int) -> bytes:
    if fmt == "pcm16":
        return bytes(48 * ms)
    return (b"\xff" if fmt == "g711_ulaw" else b"\xd5") * (8 * ms)


def _send(session: RealtimeSession, data: bytes, frame: int) -> None:
    for offset in range(0, len(data), frame):
        session.send_audio(data[offset : offset + frame])


# ---- the event type mirror ------------------------------------------------------------------------------------------


def test_event_types_mirror_the_headers_defines() -> None:
    defines = dict(re.findall(r"#define\s+AZAUDIO_EVENT_(\w+)\s+(\d+)", (REPO / "include" / "azaudio.h").read_text()))
    assert len(defines) >= 34
    for name, value in defines.items():
        assert EventType[name] == int(value), name


def test_an_event_number_this_package_does_not_know_still_gets_a_type() -> None:
    unknown = EventType(977)
    assert unknown == 977 and unknown.name == "UNKNOWN_977"


# ---- turns --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", ["ga", "preview"])
def test_a_text_turn_gives_text_deltas_the_whole_text_and_usage(rt: azaudio.Client, protocol: str) -> None:
    with rt.realtime(deployment="gpt-realtime", protocol=protocol, turn_detection=None, text_only=True) as session:
        assert session.protocol == protocol and not session.closed
        session.create_text_item("user", "hello there")
        session.create_response()
        events = until_event(session, EventType.RESPONSE_DONE)
    assert [e.type for e in events[:1]] == [EventType.SESSION_CREATED]
    assert count_events(events, EventType.SESSION_UPDATED) == 1
    deltas = [e.text for e in events if e.type == EventType.TEXT_DELTA]
    done = next(e for e in events if e.type == EventType.TEXT_DONE)
    assert len(deltas) > 1 and "".join(deltas) == done.text
    assert "hello there" in done.text
    assert not any(e.audio for e in events)
    last = events[-1]
    assert last.status == "completed" and last.response_id
    assert last.usage is not None and last.usage["total_tokens"] > 0
    assert last.json["type"] == last.name and last.json_text.startswith("{")


@pytest.mark.parametrize(
    "protocol,fmt,turn",
    [
        ("ga", "pcm16", "server_vad"),
        ("ga", "g711_ulaw", "semantic_vad"),
        ("preview", "pcm16", "server_vad"),
        ("preview", "g711_alaw", "server_vad"),
    ],
)
def test_a_voice_turn_hears_the_speech_and_answers_with_audio(
    rt: azaudio.Client, speech_pcm: bytes, protocol: str, fmt: str, turn: str
) -> None:
    data = speech_pcm if fmt == "pcm16" else _g711(speech_pcm, fmt)
    with rt.realtime(
        deployment="gpt-realtime",
        protocol=protocol,
        input_format=fmt,
        output_format=fmt,
        turn_detection=turn,
        transcription_deployment="whisper",
    ) as session:
        assert session.input_format == fmt and session.output_format == fmt
        frame = 960 if fmt == "pcm16" else 160
        _send(session, data + _silence(fmt, 1500), frame)
        events = until_event(session, EventType.RESPONSE_DONE)
    started = next(e for e in events if e.type == EventType.SPEECH_STARTED)
    stopped = next(e for e in events if e.type == EventType.SPEECH_STOPPED)
    assert started.audio_ms is not None and stopped.audio_ms is not None and stopped.audio_ms > started.audio_ms
    assert started.item_id
    assert count_events(events, EventType.INPUT_COMMITTED) == 1
    reply = b"".join(e.audio for e in events if e.type == EventType.AUDIO_DELTA)
    assert len(reply) > (24000 if fmt == "pcm16" else 4000)  # over half a second
    assert all(e.item_id for e in events if e.type == EventType.AUDIO_DELTA)
    transcript = next(e for e in events if e.type == EventType.AUDIO_TRANSCRIPT_DONE).text
    assert transcript.startswith("You said")
    assert events[-1].status == "completed"


def test_a_manual_turn_with_commit_and_create_response(rt: azaudio.Client, speech_pcm: bytes) -> None:
    with rt.realtime(
        deployment="gpt-realtime",
        turn_detection=None,
        transcription_deployment="whisper",
        instructions="Answer briefly.",
        voice="alloy",
    ) as session:
        _send(session, speech_pcm, 4800)
        session.commit()
        session.create_response()
        events = until_event(session, EventType.RESPONSE_DONE)
    assert count_events(events, EventType.SPEECH_STARTED) == 0
    assert count_events(events, EventType.INPUT_COMMITTED) == 1
    heard = [e.text for e in events if e.type == EventType.INPUT_TRANSCRIPTION_COMPLETED]
    assert events[-1].status == "completed"
    assert len(heard) == 1 and heard[0]  # pocketsphinx hears something like "what i eat"


def test_send_audio_takes_numpy_arrays(rt: azaudio.Client, speech_pcm: bytes) -> None:
    np = pytest.importorskip("numpy")
    samples = np.frombuffer(speech_pcm + bytes(48 * 1500), dtype="<i2")
    with rt.realtime(deployment="gpt-realtime") as session:
        for start in range(0, len(samples), 480):
            session.send_audio(samples[start : start + 480])
        events = until_event(session, EventType.RESPONSE_DONE)
    assert count_events(events, EventType.SPEECH_STOPPED) == 1 and events[-1].status == "completed"


def test_send_audio_refuses_arrays_of_the_wrong_sample_type(rt: azaudio.Client) -> None:
    np = pytest.importorskip("numpy")
    with rt.realtime(deployment="gpt-realtime", input_format="g711_ulaw") as session:
        with pytest.raises(azaudio.InvalidArgumentError, match="ulaw_encode"):
            session.send_audio(np.zeros(160, dtype=np.int16))
        session.send_audio(np.full(160, 0xFF, dtype=np.uint8))
    with rt.realtime(deployment="gpt-realtime") as session:
        with pytest.raises(azaudio.InvalidArgumentError, match="int16"):
            session.send_audio(np.zeros(480, dtype=np.float32))


def test_create_response_overrides_apply_to_that_response(rt: azaudio.Client) -> None:
    with rt.realtime(deployment="gpt-realtime", turn_detection=None, text_only=True) as session:
        session.create_text_item("user", "one two three four five six seven")
        session.create_response(max_output_tokens=2)
        done = until_event(session, EventType.RESPONSE_DONE)[-1]
        assert done.status == "incomplete"
        session.create_response({"instructions": "Be brief."}, max_output_tokens="inf")
        assert until_event(session, EventType.RESPONSE_DONE)[-1].status == "completed"


def test_the_session_option_max_output_tokens_cuts_replies(rt: azaudio.Client) -> None:
    with rt.realtime(
        deployment="gpt-realtime",
        protocol="preview",
        turn_detection=None,
        text_only=True,
        max_output_tokens=2,
        temperature=0.8,
    ) as session:
        session.create_text_item("user", "one two three four five six seven")
        session.create_response()
        assert until_event(session, EventType.RESPONSE_DONE)[-1].status == "incomplete"


# ---- function calls, items, other client events ------------------------------------------------------------------


@pytest.mark.parametrize("protocol", ["ga", "preview"])
def test_a_function_call_round_trip(rt: azaudio.Client, protocol: str) -> None:
    with rt.realtime(
        deployment="gpt-realtime", protocol=protocol, turn_detection=None, tools=[WEATHER_TOOL], tool_choice="auto"
    ) as session:
        session.create_text_item("user", "please get weather for Oslo")
        session.create_response()
        call = until_event(session, EventType.FUNCTION_CALL)[-1]
        assert call.function_name == "get_weather" and call.call_id
        assert json.loads(call.text) == {"city": "emulator"}
        until_event(session, EventType.RESPONSE_DONE)
        session.send_function_output(call.call_id, {"temperature_c": 21})
        session.create_response()
        events = until_event(session, EventType.RESPONSE_DONE)
    transcript = next(e for e in events if e.type == EventType.AUDIO_TRANSCRIPT_DONE).text
    assert "get_weather" in transcript and "21" in transcript


def test_truncate_and_delete_items(rt: azaudio.Client) -> None:
    with rt.realtime(deployment="gpt-realtime", turn_detection=None) as session:
        session.create_text_item("user", "tell me something")
        session.create_response()
        events = until_event(session, EventType.RESPONSE_DONE)
        item = next(e.item_id for e in events if e.type == EventType.AUDIO_DELTA)
        with pytest.raises(azaudio.InvalidArgumentError, match="no audio of item"):
            session.truncate("no-such-item", 100)
        session.truncate(item, 3_600_000)  # clamped by the library to the audio received
        truncated = until_event(session, EventType.ITEM_TRUNCATED, 10)
        assert truncated[-1].item_id == item and truncated[-1].audio_ms is not None
        assert count_events(truncated, EventType.ERROR) == 0
        session.delete_item(item)
        assert until_event(session, EventType.ITEM_DELETED, 10)[-1].item_id == item


def test_clear_send_event_update_session_and_cancel(rt: azaudio.Client) -> None:
    with rt.realtime(deployment="gpt-realtime", turn_detection=None) as session:
        session.send_audio(bytes(4800))
        session.clear()
        until_event(session, EventType.INPUT_CLEARED, 10)
        session.send_event({"type": "input_audio_buffer.clear"})
        until_event(session, EventType.INPUT_CLEARED, 10)
        session.update_session({"type": "realtime", "instructions": "Speak like a pirate."})
        until_event(session, EventType.SESSION_UPDATED, 10)
        session.create_text_item("user", "tell me a long story about the sea and the wind and the ships")
        session.create_response()
        until_event(session, EventType.RESPONSE_CREATED, 10)
        session.cancel_response()
        done = until_event(session, EventType.RESPONSE_DONE)[-1]
        assert done.status in ("cancelled", "completed")


# ---- callbacks ----------------------------------------------------------------------------------------------------


def test_callbacks_receive_every_event_on_the_io_thread_and_may_close(rt: azaudio.Client) -> None:
    seen: list[RealtimeEvent] = []
    threads: set[int] = set()
    holder: dict[str, RealtimeSession] = {}

    def on_event(event: RealtimeEvent) -> None:
        seen.append(event)
        threads.add(threading.get_ident())
        if event.type == EventType.RESPONSE_DONE:
            holder["session"].close()

    with rt.realtime(deployment="gpt-realtime", turn_detection=None, on_event=on_event) as session:
        holder["session"] = session
        assert session.callback_mode
        with pytest.raises(azaudio.InvalidStateError):
            session.next_event(timeout=0)
        session.create_text_item("user", "good morning")
        session.create_response()
        assert session.wait_closed(30)
        assert session.closed
        with pytest.raises(azaudio.ClosedError):
            session.commit()
    assert threading.get_ident() not in threads and len(threads) == 1
    assert seen[0].type == EventType.SESSION_CREATED
    assert seen[-1].type == EventType.CLOSED and seen[-1].close_code == 1000
    assert sum(len(e.audio) for e in seen) > 24000


def test_an_exception_in_on_event_is_re_raised_by_the_next_call_and_closes_the_session(rt: azaudio.Client) -> None:
    calls: list[RealtimeEvent] = []

    def on_event(event: RealtimeEvent) -> None:
        calls.append(event)
        if event.type == EventType.RESPONSE_CREATED:
            raise RuntimeError("handler bug")

    with rt.realtime(deployment="gpt-realtime", turn_detection=None, on_event=on_event) as session:
        session.create_text_item("user", "hi")
        session.create_response()
        deadline = time.monotonic() + 20
        with pytest.raises(RuntimeError, match="handler bug"):
            while time.monotonic() < deadline:
                session.send_audio(bytes(960))
                time.sleep(0.02)
        assert session.wait_closed(10)
        delivered = len(calls)
        time.sleep(0.2)
        assert len(calls) == delivered  # nothing more reached the failed handler
        assert calls[-1].type == EventType.RESPONSE_CREATED


def test_an_exception_in_on_event_is_re_raised_when_the_with_block_ends(rt: azaudio.Client) -> None:
    def on_event(event: RealtimeEvent) -> None:
        if event.type == EventType.SESSION_CREATED:
            raise KeyError("early")

    with pytest.raises(KeyError, match="early"):
        with rt.realtime(deployment="gpt-realtime", on_event=on_event):
            time.sleep(0.3)


# ---- closing ------------------------------------------------------------------------------------------------------


# ---- caller formats and barge-in (the telephony options) ------------------------------------------------------------


def _reply_audio(client: azaudio.Client, **options: Any) -> bytes:
    with client.realtime(deployment="gpt-realtime", turn_detection=None, **options) as session:
        session.create_text_item("user", "hello there")
        session.create_response()
        events = until_event(session, EventType.RESPONSE_DONE)
    return b"".join(e.audio for e in events if e.type == EventType.AUDIO_DELTA)


def test_reply_audio_comes_back_in_the_callers_rate(rt: azaudio.Client) -> None:
    at_24k = _reply_audio(rt)
    at_16k = _reply_audio(rt, caller_output_format="pcm16", caller_output_rate=16000)
    assert at_24k and at_16k
    assert abs(len(at_16k) * 3 - len(at_24k) * 2) <= 6  # the same duration, two thirds of the samples


def test_mulaw_callers_send_and_receive_8khz_bytes(rt: azaudio.Client, speech_pcm: bytes) -> None:
    with rt.realtime(
        deployment="gpt-realtime",
        caller_input_format="g711_ulaw",
        caller_input_rate=8000,
        caller_output_format="g711_ulaw",
        caller_output_rate=8000,
    ) as session:
        assert session.input_format == "g711_ulaw"
        _send(session, _g711(speech_pcm, "g711_ulaw") + _silence("g711_ulaw", 1500), 160)
        events = until_event(session, EventType.RESPONSE_DONE)
    assert count_events(events, EventType.SPEECH_STARTED) == 1
    assert sum(len(e.audio) for e in events if e.type == EventType.AUDIO_DELTA) > 4000


def test_audio_played_checks_its_arguments(rt: azaudio.Client) -> None:
    with rt.realtime(deployment="gpt-realtime") as session:
        with pytest.raises(azaudio.InvalidArgumentError):
            session.audio_played("no-such-item", 100)
        with pytest.raises(azaudio.InvalidArgumentError):
            session.audio_played("x", -1)


def test_an_unknown_caller_format_is_rejected_before_connecting(rt: azaudio.Client) -> None:
    with pytest.raises(azaudio.InvalidArgumentError):
        rt.realtime(deployment="gpt-realtime", caller_input_format="mp3")
    with pytest.raises(azaudio.InvalidArgumentError):
        rt.realtime(deployment="gpt-realtime", caller_input_format="pcm16", caller_input_rate=192001)


# ---- options reach the C struct (no server: the session is never made) ---------------------------------------------


def _struct_for(monkeypatch: pytest.MonkeyPatch, **options: Any) -> Any:
    """The azaudio_realtime_options that Client.realtime() would pass to azaudio_realtime_connect."""
    import azaudio.realtime

    made: list[Any] = []

    def capture(client: azaudio.Client, built: Any, on_event: Any) -> None:
        made.append(built)

    monkeypatch.setattr(azaudio.realtime, "RealtimeSession", capture)
    with azaudio.Client("http://127.0.0.1:9", api_key="k") as client:
        client.realtime(deployment="gpt-realtime", **options)
    assert len(made) == 1
    return made[0].struct


def test_input_audio_coalesce_ms_reaches_the_c_struct(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _struct_for(monkeypatch).input_audio_coalesce_ms == 0  # the default: no coalescing
    struct = _struct_for(monkeypatch, input_audio_coalesce_ms=60)
    assert struct.input_audio_coalesce_ms == 60
    assert struct.barge_in == 1 and struct.max_event_queue == 4096  # the fields before it keep their values
    # Passed through as given: the library's own range check (0..1000) is azaudio_realtime_connect's to make.
    assert _struct_for(monkeypatch, input_audio_coalesce_ms=1000).input_audio_coalesce_ms == 1000


@pytest.mark.parametrize("value", [-1, -60, 2**32, 1.5, "60", None])
def test_an_input_audio_coalesce_ms_that_is_no_uint32_is_refused_before_connecting(
    monkeypatch: pytest.MonkeyPatch, value: Any
) -> None:
    with pytest.raises(azaudio.InvalidArgumentError, match="input_audio_coalesce_ms") as info:
        _struct_for(monkeypatch, input_audio_coalesce_ms=value)
    assert isinstance(info.value, ValueError)
