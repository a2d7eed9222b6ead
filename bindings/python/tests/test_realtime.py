"""Realtime sessions through the binding, against the local emulator (paced --speed 40): text and voice turns on
both protocols, the pull iterator, callbacks, function calls, the other client events, errors, closing, Ctrl-C."""

from __future__ import annotations

import _thread
import json
import re
import threading
import time
import urllib.request
from typing import Any, Iterator, Optional

import azaudio
import pytest
from azaudio import EventType, RealtimeEvent, RealtimeSession, audio
from conftest import REPO, Emulator

pytestmark = pytest.mark.usefixtures("realtime")

WEATHER_TOOL = {
    "type": "function",
    "name": "get_weather",
    "description": "Weather for a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}


@pytest.fixture
def rt(realtime_emulator: Emulator) -> Iterator[azaudio.Client]:
    with azaudio.Client(realtime_emulator.endpoint, api_key=realtime_emulator.key) as c:
        yield c


@pytest.fixture
def faults(realtime_emulator: Emulator) -> Iterator[Any]:
    def control(method: str, body: Optional[dict[str, Any]] = None) -> None:
        request = urllib.request.Request(
            realtime_emulator.endpoint + "/_emulator/faults",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"content-type": "application/json"},
        )
        urllib.request.urlopen(request, timeout=10).close()

    def add(**fault: Any) -> None:
        control("POST", fault)

    yield add
    control("DELETE")


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


def _until(session: RealtimeSession, kind: EventType, seconds: float = 30) -> list[RealtimeEvent]:
    """Every event up to and including the first of ``kind``; fails on CLOSED or after ``seconds``."""
    seen: list[RealtimeEvent] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        event = session.next_event(timeout=0.5)
        if event is None:
            continue
        seen.append(event)
        if event.type == kind:
            return seen
        assert event.type != EventType.CLOSED, f"closed while waiting for {kind.name}: {seen[-3:]}"
    pytest.fail(f"no {kind.name} within {seconds} s; got {[e.name for e in seen]}")


def _count(events: list[RealtimeEvent], kind: EventType) -> int:
    return sum(1 for e in events if e.type == kind)


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
        events = _until(session, EventType.RESPONSE_DONE)
    assert [e.type for e in events[:1]] == [EventType.SESSION_CREATED]
    assert _count(events, EventType.SESSION_UPDATED) == 1
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
        events = _until(session, EventType.RESPONSE_DONE)
    started = next(e for e in events if e.type == EventType.SPEECH_STARTED)
    stopped = next(e for e in events if e.type == EventType.SPEECH_STOPPED)
    assert started.audio_ms is not None and stopped.audio_ms is not None and stopped.audio_ms > started.audio_ms
    assert started.item_id
    assert _count(events, EventType.INPUT_COMMITTED) == 1
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
        events = _until(session, EventType.RESPONSE_DONE)
    assert _count(events, EventType.SPEECH_STARTED) == 0
    assert _count(events, EventType.INPUT_COMMITTED) == 1
    heard = [e.text for e in events if e.type == EventType.INPUT_TRANSCRIPTION_COMPLETED]
    assert events[-1].status == "completed"
    assert len(heard) == 1 and heard[0]  # pocketsphinx hears something like "what i eat"


def test_send_audio_takes_numpy_arrays(rt: azaudio.Client, speech_pcm: bytes) -> None:
    np = pytest.importorskip("numpy")
    samples = np.frombuffer(speech_pcm + bytes(48 * 1500), dtype="<i2")
    with rt.realtime(deployment="gpt-realtime") as session:
        for start in range(0, len(samples), 480):
            session.send_audio(samples[start : start + 480])
        events = _until(session, EventType.RESPONSE_DONE)
    assert _count(events, EventType.SPEECH_STOPPED) == 1 and events[-1].status == "completed"


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
        done = _until(session, EventType.RESPONSE_DONE)[-1]
        assert done.status == "incomplete"
        session.create_response({"instructions": "Be brief."}, max_output_tokens="inf")
        assert _until(session, EventType.RESPONSE_DONE)[-1].status == "completed"


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
        assert _until(session, EventType.RESPONSE_DONE)[-1].status == "incomplete"


# ---- function calls, items, other client events ------------------------------------------------------------------


@pytest.mark.parametrize("protocol", ["ga", "preview"])
def test_a_function_call_round_trip(rt: azaudio.Client, protocol: str) -> None:
    with rt.realtime(
        deployment="gpt-realtime", protocol=protocol, turn_detection=None, tools=[WEATHER_TOOL], tool_choice="auto"
    ) as session:
        session.create_text_item("user", "please get weather for Oslo")
        session.create_response()
        call = _until(session, EventType.FUNCTION_CALL)[-1]
        assert call.function_name == "get_weather" and call.call_id
        assert json.loads(call.text) == {"city": "emulator"}
        _until(session, EventType.RESPONSE_DONE)
        session.send_function_output(call.call_id, {"temperature_c": 21})
        session.create_response()
        events = _until(session, EventType.RESPONSE_DONE)
    transcript = next(e for e in events if e.type == EventType.AUDIO_TRANSCRIPT_DONE).text
    assert "get_weather" in transcript and "21" in transcript


def test_truncate_and_delete_items(rt: azaudio.Client) -> None:
    with rt.realtime(deployment="gpt-realtime", turn_detection=None) as session:
        session.create_text_item("user", "tell me something")
        session.create_response()
        events = _until(session, EventType.RESPONSE_DONE)
        item = next(e.item_id for e in events if e.type == EventType.AUDIO_DELTA)
        with pytest.raises(azaudio.InvalidArgumentError, match="no audio of item"):
            session.truncate("no-such-item", 100)
        session.truncate(item, 3_600_000)  # clamped by the library to the audio received
        truncated = _until(session, EventType.ITEM_TRUNCATED, 10)
        assert truncated[-1].item_id == item and truncated[-1].audio_ms is not None
        assert _count(truncated, EventType.ERROR) == 0
        session.delete_item(item)
        assert _until(session, EventType.ITEM_DELETED, 10)[-1].item_id == item


def test_clear_send_event_update_session_and_cancel(rt: azaudio.Client) -> None:
    with rt.realtime(deployment="gpt-realtime", turn_detection=None) as session:
        session.send_audio(bytes(4800))
        session.clear()
        _until(session, EventType.INPUT_CLEARED, 10)
        session.send_event({"type": "input_audio_buffer.clear"})
        _until(session, EventType.INPUT_CLEARED, 10)
        session.update_session({"type": "realtime", "instructions": "Speak like a pirate."})
        _until(session, EventType.SESSION_UPDATED, 10)
        session.create_text_item("user", "tell me a long story about the sea and the wind and the ships")
        session.create_response()
        _until(session, EventType.RESPONSE_CREATED, 10)
        session.cancel_response()
        done = _until(session, EventType.RESPONSE_DONE)[-1]
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


def test_events_ends_after_the_closed_event_and_the_session_refuses_more(rt: azaudio.Client) -> None:
    with rt.realtime(deployment="gpt-realtime", turn_detection=None) as session:
        session.close()
        session.close()  # twice is fine
        events = list(session.events())
        assert events[-1].type == EventType.CLOSED and events[-1].close_code == 1000
        assert _count(events, EventType.CLOSED) == 1
        assert session.closed
        assert list(session.events()) == []
        with pytest.raises(azaudio.ClosedError):
            session.next_event(0)
        with pytest.raises(azaudio.ClosedError):
            session.send_audio(b"\0\0")
    with pytest.raises(azaudio.ClosedError):
        session.commit()  # destroyed
    session.destroy()  # twice is fine


def test_events_with_a_timeout_stops_when_nothing_comes(rt: azaudio.Client) -> None:
    with rt.realtime(deployment="gpt-realtime", turn_detection=None) as session:
        first = list(session.events(timeout=0.5))
        assert [e.type for e in first][:1] == [EventType.SESSION_CREATED]
        started = time.monotonic()
        assert list(session.events(timeout=0.3)) == []
        assert 0.25 < time.monotonic() - started < 2
        assert session.next_event(timeout=0) is None and not session.closed


def test_a_server_close_ends_the_iteration_with_its_code(rt: azaudio.Client, faults: Any) -> None:
    faults(kind="ws_close", code=1011, reason="upstream failed", after_events=4)
    with rt.realtime(deployment="gpt-realtime", turn_detection=None) as session:
        session.create_text_item("user", "hello")
        session.create_response()
        events = list(session.events(timeout=20))
    assert events[-1].type == EventType.CLOSED
    assert events[-1].close_code == 1011 and "upstream failed" in events[-1].text


def test_session_expired_arrives_as_an_error_event_then_close_1001(rt: azaudio.Client, faults: Any) -> None:
    faults(kind="session_expired", after_seconds=0.3)
    with rt.realtime(deployment="gpt-realtime") as session:
        events = list(session.events(timeout=10))
    error = next(e for e in events if e.type == EventType.ERROR)
    assert error.error_code == "session_expired" and error.text
    assert events[-1].close_code == 1001


def test_ctrl_c_while_waiting_for_events_raises_promptly(rt: azaudio.Client) -> None:
    assert threading.current_thread() is threading.main_thread()
    with rt.realtime(deployment="gpt-realtime", turn_detection=None) as session:
        list(session.events(timeout=0.3))
        timer = threading.Timer(0.5, _thread.interrupt_main)
        started = time.monotonic()
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            for _event in session.events():
                pass
        assert time.monotonic() - started < 2
        session.create_text_item("user", "still there?")  # the session goes on
        _until(session, EventType.ITEM_CREATED, 10)


# ---- errors -------------------------------------------------------------------------------------------------------


def test_an_unknown_deployment_raises_not_found_with_the_service_details(rt: azaudio.Client) -> None:
    with pytest.raises(azaudio.NotFoundError) as info:
        rt.realtime(deployment="no-such-deployment")
    assert info.value.status == 404 and info.value.service_code == "DeploymentNotFound"
    assert info.value.request_id


def test_a_wrong_key_raises_authentication_error(realtime_emulator: Emulator) -> None:
    with azaudio.Client(realtime_emulator.endpoint, api_key="wrong-key") as client:
        with pytest.raises(azaudio.AuthenticationError) as info:
            client.realtime(deployment="gpt-realtime", protocol="preview")
    assert info.value.status == 401 and "wrong-key" not in str(info.value)


def test_a_refused_handshake_raises_rate_limit_error(rt: azaudio.Client, faults: Any) -> None:
    faults(kind="handshake_status", status=429)
    with pytest.raises(azaudio.RateLimitError) as info:
        rt.realtime(deployment="gpt-realtime")
    assert info.value.status == 429


def test_settings_the_service_rejects_raise_bad_request(rt: azaudio.Client) -> None:
    with pytest.raises(azaudio.BadRequestError, match="rejected the session settings"):
        rt.realtime(deployment="gpt-realtime", voice="no-such-voice")


@pytest.mark.parametrize(
    "options",
    [
        {"protocol": "v2"},
        {"input_format": "mp3"},
        {"output_format": "opus"},
        {"turn_detection": "always"},
        {"temperature": 0.8},  # not part of GA: the library refuses it
        {"tools": "{oops"},
        {"tools": {"type": "function"}},
        {"max_output_tokens": -3},
        {"vad_silence_duration_ms": 1.5},
        {"deployment": ""},
        {"input_audio_coalesce_ms": -20},
    ],
)
def test_bad_options_raise_invalid_argument_error_before_connecting(rt: azaudio.Client, options: Any) -> None:
    arguments: dict[str, Any] = {"deployment": "gpt-realtime", **options}
    with pytest.raises(azaudio.InvalidArgumentError) as info:
        rt.realtime(**arguments)
    assert isinstance(info.value, ValueError) and str(info.value)


def test_bad_calls_raise_invalid_argument_error_with_the_librarys_message(rt: azaudio.Client) -> None:
    with rt.realtime(deployment="gpt-realtime") as session:
        with pytest.raises(azaudio.InvalidArgumentError, match="whole 16-bit samples"):
            session.send_audio(b"\0\0\0")
        with pytest.raises(azaudio.InvalidArgumentError):
            session.send_event({"no_type": 1})
        with pytest.raises(azaudio.InvalidArgumentError):
            session.send_event("not json")
        with pytest.raises(azaudio.InvalidArgumentError):
            session.create_text_item("robot", "x")
        with pytest.raises(azaudio.InvalidArgumentError):
            session.update_session("[1]")
        with pytest.raises(azaudio.InvalidArgumentError):
            session.truncate("item", -1)
        with pytest.raises(azaudio.InvalidArgumentError):
            session.next_event(timeout=-1)
        with pytest.raises(TypeError):
            session.send_audio("text")  # type: ignore[arg-type]
        session.send_audio(b"")  # nothing to send is not an error


def test_a_closed_client_refuses_to_open_sessions_but_open_sessions_go_on(realtime_emulator: Emulator) -> None:
    client = azaudio.Client(realtime_emulator.endpoint, api_key=realtime_emulator.key)
    session = client.realtime(deployment="gpt-realtime", turn_detection=None)
    client.close()
    with pytest.raises(azaudio.ClosedError):
        client.realtime(deployment="gpt-realtime")
    with session:
        session.create_text_item("user", "still there?")
        _until(session, EventType.ITEM_CREATED, 10)


def test_a_program_that_exits_with_sessions_open_ends_cleanly(realtime_emulator: Emulator) -> None:
    import os
    import subprocess
    import sys

    from conftest import PACKAGE_DIR

    program = (
        "import sys, time, azaudio\n"
        "client = azaudio.Client(sys.argv[1], api_key=sys.argv[2])\n"
        "a = client.realtime(deployment='gpt-realtime', on_event=lambda e: time.sleep(0.001))\n"
        "b = client.realtime(deployment='gpt-realtime', protocol='preview')\n"
        "a.send_audio(bytes(96000))\n"
        "print('leaving')\n"
    )
    environment = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(PACKAGE_DIR)] + [p for p in sys.path if p]),
        AZAUDIO_LIBRARY=azaudio.library_path(),
    )
    result = subprocess.run(
        [sys.executable, "-c", program, realtime_emulator.endpoint, realtime_emulator.key],
        env=environment,
        capture_output=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"leaving\n"


# ---- caller formats and barge-in (the telephony options) ------------------------------------------------------------


def _reply_audio(client: azaudio.Client, **options: Any) -> bytes:
    with client.realtime(deployment="gpt-realtime", turn_detection=None, **options) as session:
        session.create_text_item("user", "hello there")
        session.create_response()
        events = _until(session, EventType.RESPONSE_DONE)
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
        events = _until(session, EventType.RESPONSE_DONE)
    assert _count(events, EventType.SPEECH_STARTED) == 1
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
