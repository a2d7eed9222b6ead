"""Realtime sessions through the binding, against the local emulator: how a session ends (the app's close, a
server close, session_expired, Ctrl-C while waiting) and the errors that refuse a session or a call."""

from __future__ import annotations

import _thread
import threading
import time
from typing import Any

import azaudio
import pytest
from azaudio import EventType
from conftest import Emulator, count_events, until_event

pytestmark = pytest.mark.usefixtures("realtime")


def test_events_ends_after_the_closed_event_and_the_session_refuses_more(rt: azaudio.Client) -> None:
    with rt.realtime(deployment="gpt-realtime", turn_detection=None) as session:
        session.close()
        session.close()  # twice is fine
        events = list(session.events())
        assert events[-1].type == EventType.CLOSED and events[-1].close_code == 1000
        assert count_events(events, EventType.CLOSED) == 1
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


def test_a_server_close_ends_the_iteration_with_its_code(rt: azaudio.Client, realtime_faults: Any) -> None:
    # The close comes mid-reply: after session.created, session.updated (both before realtime() returns), the text
    # item's conversation.item.added and .done, response.created and response.output_item.added. (It came after 4
    # events, right after the item's: it raced create_response, which then raised ClosedError now and then.)
    realtime_faults(kind="ws_close", code=1011, reason="upstream failed", after_events=6)
    with rt.realtime(deployment="gpt-realtime", turn_detection=None) as session:
        session.create_text_item("user", "hello")
        session.create_response()
        events = list(session.events(timeout=20))
    assert events[-1].type == EventType.CLOSED
    assert events[-1].close_code == 1011 and "upstream failed" in events[-1].text


def test_session_expired_arrives_as_an_error_event_then_close_1001(rt: azaudio.Client, realtime_faults: Any) -> None:
    realtime_faults(kind="session_expired", after_seconds=0.3)
    with rt.realtime(deployment="gpt-realtime") as session:
        events = list(session.events(timeout=10))
    error = next(e for e in events if e.type == EventType.ERROR)
    assert error.error_code == "session_expired" and error.text
    assert events[-1].close_code == 1001


def test_ctrl_c_while_waiting_for_events_raises_promptly(rt: azaudio.Client, ctrl_c: None) -> None:
    assert threading.current_thread() is threading.main_thread()
    with rt.realtime(deployment="gpt-realtime", turn_detection=None) as session:
        list(session.events(timeout=0.3))
        timer = threading.Timer(0.5, _thread.interrupt_main)
        started = time.monotonic()
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            for _event in session.events(timeout=5):  # (the bound: a Ctrl-C that never comes fails, not hangs)
                pass
        assert time.monotonic() - started < 2
        session.create_text_item("user", "still there?")  # the session goes on
        until_event(session, EventType.ITEM_CREATED, 10)


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


def test_a_refused_handshake_raises_rate_limit_error(rt: azaudio.Client, realtime_faults: Any) -> None:
    realtime_faults(kind="handshake_status", status=429)
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
        until_event(session, EventType.ITEM_CREATED, 10)


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
