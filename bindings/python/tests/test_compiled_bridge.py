"""The optional compiled bridge (azaudio._cbridge): used when it was built, off with AZAUDIO_PURE_PYTHON=1, and the
callback and send_audio paths behave the same either way (the realtime suites run both ways: see the Makefile)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Iterator

import azaudio
import pytest
from azaudio import EventType, RealtimeEvent
from conftest import Emulator

PROBE = "import azaudio._fast as f; print('compiled' if f.BRIDGE is not None else 'ctypes')"


def _bridge_in_use(pure: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "AZAUDIO_PURE_PYTHON"}
    if pure is not None:
        env["AZAUDIO_PURE_PYTHON"] = pure
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def _built() -> bool:
    return any(Path(azaudio.__file__).parent.glob("_cbridge*.so"))


@pytest.fixture
def rt(realtime_emulator: Emulator) -> Iterator[azaudio.Client]:
    with azaudio.Client(realtime_emulator.endpoint, api_key=realtime_emulator.key, proxy="") as client:
        yield client


def test_the_compiled_bridge_is_used_when_it_was_built() -> None:
    if os.environ.get("AZAUDIO_EXPECT_CBRIDGE") == "1":
        assert _built(), "the package was installed without azaudio/_cbridge*.so"
    assert _bridge_in_use(None) == ("compiled" if _built() else "ctypes")
    assert _bridge_in_use("0") == _bridge_in_use(None)


def test_azaudio_pure_python_turns_the_compiled_bridge_off() -> None:
    assert _bridge_in_use("1") == "ctypes"


def test_a_callback_session_gets_every_event_in_order_and_sends_bytes(rt: azaudio.Client) -> None:
    seen: list[EventType] = []
    audio = bytearray()
    threads: set[int] = set()

    def on_event(event: RealtimeEvent) -> None:
        seen.append(event.type)
        threads.add(threading.get_ident())
        if event.type == EventType.AUDIO_DELTA:
            audio.extend(event.audio)

    with rt.realtime(deployment="gpt-realtime", turn_detection=None, on_event=on_event) as session:
        for _ in range(10):
            session.send_audio(bytes(960))
        session.send_audio(b"")  # nothing to send: no call, no error
        session.commit()
        session.create_response()
        deadline = threading.Event()
        while EventType.RESPONSE_DONE not in seen and not deadline.wait(0.05):
            if len(seen) > 10000:
                break
        session.close()
        assert session.wait_closed(30)
        with pytest.raises(azaudio.ClosedError):
            session.send_audio(bytes(960))
    assert seen[0] == EventType.SESSION_CREATED and seen[-1] == EventType.CLOSED
    assert EventType.RESPONSE_DONE in seen and len(audio) > 0
    assert len(threads) == 1 and threading.get_ident() not in threads


def test_send_audio_of_bytes_reports_the_librarys_refusal(rt: azaudio.Client) -> None:
    with rt.realtime(deployment="gpt-realtime", turn_detection=None, on_event=lambda e: None) as session:
        with pytest.raises(azaudio.InvalidArgumentError):
            session.send_audio(b"\x00")  # an odd byte count is not whole pcm16 samples


def test_send_audio_takes_bytes_by_keyword_and_other_buffers_either_way(rt: azaudio.Client) -> None:
    with rt.realtime(deployment="gpt-realtime", turn_detection=None, on_event=lambda e: None) as session:
        session.send_audio(audio=bytes(960))
        session.send_audio(bytearray(960))
        session.send_audio(memoryview(bytes(960)))
        with pytest.raises(TypeError):
            session.send_audio(bytes(960), bytes(960))  # type: ignore[call-arg]
        with pytest.raises(azaudio.InvalidArgumentError):
            session.send_audio(audio=b"\x00")
        session.close()
        assert session.wait_closed(30)
        with pytest.raises(azaudio.ClosedError):
            session.send_audio(audio=bytes(960))


def test_event_fields_read_the_same_from_the_class_and_from_an_event_made_by_hand() -> None:
    assert RealtimeEvent.audio.__doc__ and "AUDIO_DELTA" in RealtimeEvent.audio.__doc__
    made = RealtimeEvent(EventType.TEXT_DELTA, name="response.output_text.delta", text="hi")
    assert (made.text, made.audio, made.json_bytes, made.audio_ms, made.json) == ("hi", b"", b"", None, None)
    assert made.rate_limits == {} and made.out_of_band is False


def test_a_pulled_event_frees_its_c_event_once_and_keeps_the_fields_it_read(rt: azaudio.Client) -> None:
    with rt.realtime(deployment="gpt-realtime", turn_detection=None) as session:
        first = session.next_event(timeout=10)
        assert first is not None and first.type == EventType.SESSION_CREATED
        name = first.name
        first.__del__()  # what dropping the last reference runs: the C event is freed
        first.__del__()  # and only once
        assert first._event is None
        assert first.name == name and first.text == "" and first.json_bytes == b""
