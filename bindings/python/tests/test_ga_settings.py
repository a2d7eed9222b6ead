"""Typed GA settings, out-of-band responses, images and the new event fields through the binding, against the
local emulator; bad values refused by the library before anything is sent."""

from __future__ import annotations

import json
import urllib.request

import azaudio
import pytest
from azaudio import EventType, GASettings
from conftest import Emulator

pytestmark = pytest.mark.usefixtures("realtime")


def _last_session_update(emulator: Emulator) -> dict:
    with urllib.request.urlopen(emulator.endpoint + "/_emulator/requests") as reply:
        entries = json.load(reply)["requests"]
    return [e for e in entries if e.get("kind") == "realtime"][-1]["session_updates"][0]


def test_ga_settings_reach_session_update(rt: azaudio.Client, realtime_emulator: Emulator) -> None:
    ga = GASettings(
        noise_reduction="near_field",
        idle_timeout_ms=7000,
        reasoning_effort="medium",
        truncation="retention_ratio",
        retention_ratio=0.75,
        speed=0.9,
        parallel_tool_calls=True,
    )
    with rt.realtime(deployment="gpt-realtime", voice="voice_custom1", ga=ga) as session:
        session.close()
    sent = _last_session_update(realtime_emulator)
    assert sent["audio"]["input"]["noise_reduction"] == {"type": "near_field"}
    assert sent["audio"]["input"]["turn_detection"]["idle_timeout_ms"] == 7000
    assert sent["audio"]["output"]["voice"] == {"id": "voice_custom1"}
    assert sent["audio"]["output"]["speed"] == 0.9
    assert sent["reasoning"] == {"effort": "medium"}
    assert sent["truncation"] == {"type": "retention_ratio", "retention_ratio": 0.75}
    assert sent["parallel_tool_calls"] is True


@pytest.mark.parametrize(
    ("ga", "message"),
    [
        (GASettings(idle_timeout_ms=100), "idle_timeout_ms"),
        (GASettings(speed=3.0), "output_speed"),
        (GASettings(truncation="sometimes"), "truncation"),
        (GASettings(reasoning_effort="huge"), "reasoning_effort"),
        (GASettings(logprobs=True), "input_transcription_deployment"),
    ],
)
def test_bad_ga_settings_are_refused_before_connecting(rt: azaudio.Client, ga: GASettings, message: str) -> None:
    with pytest.raises(azaudio.InvalidArgumentError, match=message):
        rt.realtime(deployment="gpt-realtime", ga=ga)


def test_an_out_of_band_response_is_marked_and_an_image_goes_in(rt: azaudio.Client) -> None:
    with rt.realtime(deployment="gpt-realtime", turn_detection=None, text_only=True) as session:
        session.request_response(
            out_of_band=True,
            instructions="Classify.",
            metadata={"purpose": "classify"},
            input=[{"type": "message", "role": "user", "content": [{"type": "input_text", "text": "spam or not"}]}],
            max_output_tokens="inf",
        )
        marked = []
        for event in session.events(timeout=30):
            if event.response_id:
                marked.append(event.out_of_band)
            if event.type == EventType.RATE_LIMITS_UPDATED:
                assert event.rate_limits["requests"][0] == 1000
                break
        assert marked and all(marked)
        png = b"\x89PNG\r\n\x1a\n" + bytes(8)
        session.send_image(png, "image/png", text="What is this?")
        with pytest.raises(azaudio.InvalidArgumentError, match="not image/jpeg"):
            session.send_image(png, "image/jpeg")
        with pytest.raises(azaudio.InvalidArgumentError, match="17 keys"):
            session.request_response(metadata={str(i): "x" for i in range(17)})
        with pytest.raises(azaudio.InvalidStateError):
            session.clear_output_audio()


def test_a_sideband_session_sees_the_call_but_not_its_audio(rt: azaudio.Client, realtime_emulator: Emulator) -> None:
    ring = {
        "webhook_url": realtime_emulator.endpoint + "/_emulator/health",  # the webhook is not needed here
        "secret": "whsec_c2VjcmV0",
        "caller": {"say": "What time is it?", "dtmf": "9"},
    }
    request = urllib.request.Request(
        realtime_emulator.endpoint + "/_emulator/calls",
        data=json.dumps(ring).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request) as reply:
        call_id = json.load(reply)["call_id"]
    rt.accept_call(call_id, deployment="gpt-realtime")
    seen = []
    with rt.realtime(deployment="", call_id=call_id) as session:
        for event in session.events(timeout=60):
            seen.append(event.type)
            if event.type == EventType.DTMF:
                assert event.text == "9"
                assert event.received_at is not None and event.received_at > 1_700_000_000
                break
    assert EventType.OUTPUT_AUDIO_STARTED in seen and EventType.OUTPUT_AUDIO_STOPPED in seen
    assert EventType.AUDIO_DELTA not in seen
