"""session.update in both shapes: validation errors, echoes, merges, the voice rule."""

from __future__ import annotations

import pytest
from test_realtime_harness import connect, make_ctx, run, served


def update_result(protocol: str, session) -> dict:
    """Send one session.update; return the answer event (with the id that was sent)."""

    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, protocol) as rt:
                event_id = await rt.send("session.update", session=session)
                while True:
                    event = await rt.next()
                    if event["type"] in ("session.updated", "error"):
                        return {**event, "sent_id": event_id}

    return run(body())


PREVIEW_ERRORS = [
    ({"type": "realtime"}, "unknown_parameter", "session.type", "Unknown parameter: 'session.type'."),
    ({"output_modalities": ["text"]}, "unknown_parameter", "session.output_modalities", None),
    ({"audio": {"output": {"voice": "alloy"}}}, "unknown_parameter", "session.audio", None),
    (
        {"temperature": "hot"},
        "invalid_type",
        "session.temperature",
        "Invalid type for 'session.temperature': expected a decimal, but got a string instead.",
    ),
    ({"temperature": 0.1}, "decimal_below_min_value", "session.temperature", None),
    ({"temperature": 1.5}, "decimal_above_max_value", "session.temperature", None),
    (
        {"input_audio_format": "pcm32"},
        "invalid_value",
        "session.input_audio_format",
        "Invalid value: 'pcm32'. Supported values are: 'pcm16', 'g711_ulaw', and 'g711_alaw'.",
    ),
    ({"output_audio_format": "audio/pcm"}, "invalid_value", "session.output_audio_format", None),
    ({"voice": "marin"}, "invalid_value", "session.voice", None),
    ({"modalities": ["audio"]}, "invalid_value", "session.modalities", None),
    ({"modalities": ["video"]}, "invalid_value", "session.modalities[0]", None),
    ({"turn_detection": {"type": "magic_vad"}}, "invalid_value", "session.turn_detection.type", None),
    (
        {"turn_detection": {"type": "server_vad", "threshold": 2}},
        "decimal_above_max_value",
        "session.turn_detection.threshold",
        None,
    ),
    (
        {"turn_detection": {"silence_duration_ms": 1.5}},
        "invalid_type",
        "session.turn_detection.silence_duration_ms",
        None,
    ),
    (
        {"turn_detection": {"prefix_padding_ms": -1}},
        "integer_below_min_value",
        "session.turn_detection.prefix_padding_ms",
        None,
    ),
    ({"turn_detection": {"create_response": "yes"}}, "invalid_type", "session.turn_detection.create_response", None),
    (
        {"input_audio_transcription": {"model": "whisper", "format": "x"}},
        "unknown_parameter",
        "session.input_audio_transcription.format",
        None,
    ),
    (
        {"input_audio_noise_reduction": {"type": "studio"}},
        "invalid_value",
        "session.input_audio_noise_reduction.type",
        None,
    ),
    ({"max_response_output_tokens": 5000}, "integer_above_max_value", "session.max_response_output_tokens", None),
    ({"max_response_output_tokens": "lots"}, "invalid_value", "session.max_response_output_tokens", None),
    ({"tools": [{"type": "function"}]}, "missing_required_parameter", "session.tools[0].name", None),
    ({"tools": [{"type": "mcp", "name": "x"}]}, "invalid_value", "session.tools[0].type", None),
    ({"instructions": 7}, "invalid_type", "session.instructions", None),
    ("not an object", "invalid_type", "session", None),
]


@pytest.mark.parametrize("session,code,param,message", PREVIEW_ERRORS, ids=[str(e[2]) for e in PREVIEW_ERRORS])
def test_preview_session_update_errors_name_the_first_bad_parameter(session, code, param, message):
    event = update_result("preview", session)
    assert event["type"] == "error"
    error = event["error"]
    assert (error["type"], error["code"], error["param"]) == ("invalid_request_error", code, param)
    assert error["event_id"] == event["sent_id"]
    if message:
        assert error["message"] == message


GA_ERRORS = [
    ({}, "missing_required_parameter", "session.type", "Missing required parameter: 'session.type'."),
    ({"type": "conversation"}, "invalid_value", "session.type", None),
    ({"type": "transcription"}, "invalid_value", "session.type", None),
    ({"type": "realtime", "modalities": ["text"]}, "unknown_parameter", "session.modalities", None),
    ({"type": "realtime", "voice": "alloy"}, "unknown_parameter", "session.voice", None),
    ({"type": "realtime", "temperature": 0.8}, "unknown_parameter", "session.temperature", None),
    ({"type": "realtime", "input_audio_format": "pcm16"}, "unknown_parameter", "session.input_audio_format", None),
    ({"type": "realtime", "output_modalities": ["text", "audio"]}, "invalid_value", "session.output_modalities", None),
    (
        {"type": "realtime", "audio": {"input": {"format": {"type": "audio/pcm", "rate": 16000}}}},
        "invalid_value",
        "session.audio.input.format.rate",
        None,
    ),
    (
        {"type": "realtime", "audio": {"input": {"format": {"type": "audio/wav"}}}},
        "invalid_value",
        "session.audio.input.format.type",
        None,
    ),
    ({"type": "realtime", "audio": {"input": {"format": "pcm16"}}}, "invalid_type", "session.audio.input.format", None),
    (
        {"type": "realtime", "audio": {"output": {"speed": 2.0}}},
        "decimal_above_max_value",
        "session.audio.output.speed",
        None,
    ),
    (
        {"type": "realtime", "audio": {"output": {"voice": "fable"}}},
        "invalid_value",
        "session.audio.output.voice",
        None,
    ),
    (
        {"type": "realtime", "audio": {"input": {"turn_detection": {"type": "semantic_vad", "threshold": 0.5}}}},
        "unknown_parameter",
        "session.audio.input.turn_detection.threshold",
        None,
    ),
    (
        {"type": "realtime", "audio": {"input": {"turn_detection": {"threshold": 0.5}}}},
        "missing_required_parameter",
        "session.audio.input.turn_detection.type",
        None,
    ),
    (
        {"type": "realtime", "audio": {"input": {"turn_detection": {"type": "server_vad", "idle_timeout_ms": 100}}}},
        "integer_below_min_value",
        "session.audio.input.turn_detection.idle_timeout_ms",
        None,
    ),
    (
        {"type": "realtime", "audio": {"input": {"transcription": {"model": "whisper", "languages": []}}}},
        "array_below_min_items",
        "session.audio.input.transcription.languages",
        None,
    ),
    ({"type": "realtime", "tool_choice": "sometimes"}, "invalid_value", "session.tool_choice", None),
    ({"type": "realtime", "max_output_tokens": 0}, "integer_below_min_value", "session.max_output_tokens", None),
    (
        {"type": "realtime", "truncation": {"type": "retention_ratio", "retention_ratio": 2}},
        "decimal_above_max_value",
        "session.truncation.retention_ratio",
        None,
    ),
    ({"type": "realtime", "reasoning": {"effort": "extreme"}}, "invalid_value", "session.reasoning.effort", None),
]


@pytest.mark.parametrize("session,code,param,message", GA_ERRORS, ids=[str(e[2]) for e in GA_ERRORS])
def test_ga_session_update_errors_name_the_first_bad_parameter(session, code, param, message):
    event = update_result("ga", session)
    assert event["type"] == "error"
    error = event["error"]
    assert (error["code"], error["param"]) == (code, param)
    assert error["event_id"] == event["sent_id"]
    if message:
        assert error["message"] == message


def test_preview_session_updated_echoes_the_full_effective_session():
    tools = [
        {
            "type": "function",
            "name": "get_weather",
            "description": "d",
            "parameters": {"type": "object", "properties": {}},
        }
    ]
    event = update_result(
        "preview",
        {
            "modalities": ["text"],
            "instructions": "Be brief.",
            "voice": "sage",
            "input_audio_format": "g711_ulaw",
            "output_audio_format": "g711_alaw",
            "input_audio_transcription": {"model": "whisper", "language": "en"},
            "turn_detection": {"type": "server_vad", "threshold": 0.6},
            "input_audio_noise_reduction": {"type": "near_field"},
            "tools": tools,
            "tool_choice": "required",
            "temperature": 0.7,
            "max_response_output_tokens": 200,
        },
    )
    assert event["type"] == "session.updated"
    session = event["session"]
    assert session["modalities"] == ["text"]
    assert session["instructions"] == "Be brief."
    assert session["voice"] == "sage"
    assert (session["input_audio_format"], session["output_audio_format"]) == ("g711_ulaw", "g711_alaw")
    assert session["input_audio_transcription"] == {"model": "whisper", "language": "en"}
    assert session["turn_detection"] == {
        "type": "server_vad",
        "threshold": 0.6,
        "prefix_padding_ms": 300,
        "silence_duration_ms": 500,
        "create_response": True,
        "interrupt_response": True,
    }
    assert session["tools"] == tools and session["tool_choice"] == "required"
    assert session["temperature"] == 0.7 and session["max_response_output_tokens"] == 200


def test_preview_turn_detection_null_switches_to_manual_commit():
    event = update_result("preview", {"turn_detection": None})
    assert event["session"]["turn_detection"] is None


def test_ga_session_updated_merges_audio_settings_and_fills_turn_detection_defaults():
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, "ga") as rt:
                await rt.send(
                    "session.update",
                    session={
                        "type": "realtime",
                        "audio": {
                            "input": {
                                "format": {"type": "audio/pcmu"},
                                "turn_detection": {"type": "semantic_vad", "eagerness": "high"},
                            },
                            "output": {"format": {"type": "audio/pcma"}},
                        },
                    },
                )
                first = await rt.expect("session.updated")
                await rt.send(
                    "session.update",
                    session={
                        "type": "realtime",
                        "audio": {"output": {"voice": "marin", "speed": 1.25}},
                        "output_modalities": ["text"],
                    },
                )
                second = await rt.expect("session.updated")
                return first["session"], second["session"]

    first, second = run(body())
    assert first["audio"]["input"]["turn_detection"] == {
        "type": "semantic_vad",
        "eagerness": "high",
        "create_response": True,
        "interrupt_response": True,
    }
    assert second["audio"]["input"]["format"] == {"type": "audio/pcmu"}
    assert second["audio"]["output"] == {"format": {"type": "audio/pcma"}, "voice": "marin", "speed": 1.25}
    assert second["output_modalities"] == ["text"]
    assert second["type"] == "realtime"


def test_the_voice_cannot_change_once_assistant_audio_was_sent():
    async def body():
        async with served(make_ctx()) as base:
            async with connect(base, "preview") as rt:
                await rt.send("session.update", session={"voice": "echo"})
                await rt.expect("session.updated")
                await rt.send("response.create")
                await rt.expect("response.done")
                same = await rt.send("session.update", session={"voice": "echo"})
                kept = await rt.expect("session.updated")
                changed = await rt.send("session.update", session={"voice": "coral"})
                refused = await rt.expect("error")
                return same, kept, changed, refused

    _, kept, changed, refused = run(body())
    assert kept["session"]["voice"] == "echo"
    assert refused["error"]["code"] == "cannot_update_voice"
    assert refused["error"]["event_id"] == changed


def test_a_session_update_naming_another_model_is_refused():
    event = update_result("preview", {"model": "gpt-4o-mini-realtime-preview"})
    assert event["type"] == "error"
    assert event["error"]["param"] == "session.model"
    assert update_result("preview", {"model": "gpt-4o-realtime-preview"})["type"] == "session.updated"
