"""Cross-checks of the realtime rules against the official specs, when they are at hand.

The emulator's schemas are its own code; this test reads ``../shared/specs``
(beside the repository) only to compare, and skips when it is not there.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from azaudio_emulator.realtime import client_events, config_ga, config_preview, item_schemas
from azaudio_emulator.realtime.config import GA_VOICES, PREVIEW_VOICES
from azaudio_emulator.realtime.protocol import (
    CLIENT_EVENT_TYPES,
    SERVER_EVENT_TYPES,
    Protocol,
    sends_event,
    wire_event_name,
)
from conversation_helpers import user_text
from test_realtime_harness import (
    b64,
    connect,
    make_ctx,
    run,
    served,
    session_update,
    silence,
    tone,
)

SPECS = Path(__file__).resolve().parents[3] / "shared" / "specs"
yaml = pytest.importorskip("yaml")
pytestmark = pytest.mark.skipif(not (SPECS / "openai-openapi.yaml").exists(), reason="../shared/specs not present")


def _load(name: str) -> dict:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(SPECS / name, encoding="utf-8") as f:
        return yaml.load(f, Loader=loader)["components"]["schemas"]


@pytest.fixture(scope="module")
def preview_spec() -> dict:
    return _load("openai-openapi-2025-04-29.yaml")


@pytest.fixture(scope="module")
def ga_spec() -> dict:
    return _load("openai-openapi.yaml")


def props(schema: dict) -> set[str]:
    return set(schema.get("properties", {}))


def test_the_preview_session_schema_has_exactly_the_specs_fields(preview_spec):
    spec = preview_spec["RealtimeSessionCreateRequest"]
    assert set(config_preview.SESSION.properties) == props(spec)
    assert set(config_preview.TURN_DETECTION.properties) == props(spec["properties"]["turn_detection"])
    assert set(config_preview.TRANSCRIPTION.properties) == props(spec["properties"]["input_audio_transcription"])
    assert list(config_preview.AUDIO_FORMATS) == spec["properties"]["input_audio_format"]["enum"]


def test_the_preview_response_params_have_exactly_the_specs_fields(preview_spec):
    assert set(config_preview.RESPONSE_PARAMS.properties) == props(preview_spec["RealtimeResponseCreateParams"])


def test_the_preview_item_schema_has_exactly_the_specs_fields(preview_spec):
    spec = preview_spec["RealtimeConversationItem"]
    assert set(item_schemas.PREVIEW_ITEM.properties) == props(spec)
    assert set(item_schemas.PREVIEW_CONTENT_PART.properties) == props(spec["properties"]["content"]["items"])


def test_the_voices_are_the_specs(preview_spec, ga_spec):
    def voices(spec):
        return next(o["enum"] for o in spec["VoiceIdsShared"]["anyOf"] if "enum" in o)

    assert set(PREVIEW_VOICES) == set(voices(preview_spec))
    assert set(GA_VOICES) == set(voices(ga_spec))


def test_the_ga_session_schema_has_exactly_the_specs_fields(ga_spec):
    spec = ga_spec["RealtimeSessionCreateRequestGA"]
    assert set(config_ga.SESSION.properties) == props(spec)
    audio = spec["properties"]["audio"]["properties"]
    assert set(config_ga.AUDIO_INPUT.properties) == props(audio["input"])
    assert set(config_ga.AUDIO_OUTPUT.properties) == props(audio["output"])
    assert set(config_ga.TRANSCRIPTION.properties) == props(ga_spec["AudioTranscription"])
    variants = ga_spec["RealtimeTurnDetection"]["anyOf"][0]["oneOf"]
    by_type = {v["properties"]["type"]["const"]: props(v) for v in variants}
    assert {k: set(v.properties) for k, v in config_ga.TURN_DETECTION.variants.items()} == by_type
    formats = {o["properties"]["type"]["enum"][0] for o in ga_spec["RealtimeAudioFormats"]["anyOf"]}
    assert set(config_ga.FORMAT.variants) == formats


def test_the_ga_response_params_have_exactly_the_specs_fields(ga_spec):
    assert set(config_ga.RESPONSE_PARAMS.properties) == props(ga_spec["RealtimeResponseCreateParams"])


def test_client_event_envelopes_match_both_specs(preview_spec, ga_spec):
    for spec, _prefix in ((preview_spec, "RealtimeClientEvent"), (ga_spec, "RealtimeClientEvent")):
        declared = {}
        for ref in spec["RealtimeClientEvent"]["anyOf"]:
            schema = spec[ref["$ref"].rsplit("/", 1)[1]]
            declared[schema["properties"]["type"]["enum"][0]] = props(schema) - {"type", "event_id"}
        for kind in CLIENT_EVENT_TYPES:
            assert kind in declared, kind
            assert set(client_events.ENVELOPES[kind].properties) == declared[kind], kind


def _server_required(spec: dict) -> dict[str, list[str]]:
    required = {}
    for ref in spec["RealtimeServerEvent"]["anyOf"]:
        schema = spec[ref["$ref"].rsplit("/", 1)[1].replace("\\", "")]
        required[schema["properties"]["type"]["enum"][0]] = schema.get("required", [])
    return required


@pytest.mark.parametrize("protocol", [Protocol.PREVIEW, Protocol.GA])
def test_every_server_event_name_the_emulator_can_send_is_in_the_spec(protocol, preview_spec, ga_spec):
    spec = preview_spec if protocol is Protocol.PREVIEW else ga_spec
    declared = set(_server_required(spec))
    for name in SERVER_EVENT_TYPES:
        if sends_event(protocol, name):
            assert wire_event_name(protocol, name) in declared, name


async def _many_events(protocol: str) -> list[dict]:
    """A session that makes the emulator send as many kinds of server events as it can."""
    tool = {"type": "function", "name": "lookup"}
    async with served(make_ctx()) as base:
        async with connect(base, protocol, skip_greeting=False) as rt:
            await rt.send(
                "session.update",
                session=session_update(
                    protocol,
                    transcription={"model": "gpt-4o-transcribe"},
                    tools=[tool],
                    turn_detection={"type": "server_vad", "silence_duration_ms": 200},
                ),
            )
            await rt.append(tone(300) + silence(300))
            await rt.until("rate_limits.updated")
            await rt.send(
                "conversation.item.create",
                item=user_text("please lookup"),
            )
            await rt.send("response.create")
            events = await rt.until("response.done")
            call_id = events[-1]["response"]["output"][0]["call_id"]
            await rt.send(
                "conversation.item.create", item={"type": "function_call_output", "call_id": call_id, "output": "ok"}
            )
            await rt.send(
                "response.create", response={"output_modalities" if protocol == "ga" else "modalities": ["text"]}
            )
            await rt.until("response.done")
            await rt.send("response.create")
            done = (await rt.until("response.done"))[-1]
            item_id = done["response"]["output"][0]["id"]
            await rt.send("conversation.item.truncate", item_id=item_id, content_index=0, audio_end_ms=10)
            await rt.send("conversation.item.retrieve", item_id=item_id)
            await rt.send("conversation.item.delete", item_id=item_id)
            await rt.send("input_audio_buffer.clear")
            await rt.send("nonsense")
            await rt.until("error")
            await rt.send("input_audio_buffer.append", audio=b64(silence(10)))
            await rt.quiet(0.2)
            return rt.received


@pytest.mark.parametrize("protocol", ["preview", "ga"])
def test_sent_events_carry_every_field_the_spec_requires(protocol, preview_spec, ga_spec):
    spec = preview_spec if protocol == "preview" else ga_spec
    required = _server_required(spec)
    events = run(_many_events(protocol))
    seen = set()
    for event in events:
        assert event["type"] in required, event["type"]
        missing = [field for field in required[event["type"]] if field not in event]
        assert not missing, (event["type"], missing)
        seen.add(event["type"])
    assert len(seen) >= 24
    created = next(e for e in events if e["type"] == "session.created")["session"]
    if protocol == "ga":
        assert set(ga_spec["RealtimeSessionCreateResponseGA"]["required"]) <= set(created)
        assert set(created) <= props(ga_spec["RealtimeSessionCreateResponseGA"])
    else:
        assert set(created) - {"object", "expires_at"} <= props(preview_spec["RealtimeSession"]) | {"id"}
