"""The emulator's validation rules, cross-checked against the official specs.

The specs live outside the repository (``../shared/specs`` next to the clone,
or ``$AZAUDIO_SPECS_DIR``); without them these tests skip. The emulator never
reads them itself.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from azaudio_emulator.audio import INPUT_EXTENSIONS, SPEECH_FORMATS
from azaudio_emulator.validation import chat, diarization, speech, transcription
from conftest import deployment_url

SPECS = Path(os.environ.get("AZAUDIO_SPECS_DIR", Path(__file__).resolve().parents[3] / "shared" / "specs"))

pytestmark = pytest.mark.skipif(not (SPECS / "openai-openapi.yaml").exists(), reason=f"no specs in {SPECS}")

#: Transcription fields the spec has that the emulator does not serve (none since gpt-transcribe and
#: gpt-4o-transcribe-diarize are served).
UNSERVED_TRANSCRIPTION_FIELDS: set[str] = set()


def _load_yaml(name):
    yaml = pytest.importorskip("yaml")
    return yaml.load((SPECS / name).read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@pytest.fixture(scope="module")
def openai_schemas():
    return _load_yaml("openai-openapi.yaml")["components"]["schemas"]


@pytest.fixture(scope="module")
def azure_preview_schemas():
    return _load_yaml("azure-inference-2025-04-01-preview.yaml")["components"]["schemas"]


@pytest.fixture(scope="module")
def azure_ga_schemas():
    return json.loads((SPECS / "azure-inference-2024-10-21.json").read_text(encoding="utf-8"))["components"]["schemas"]


def properties(schemas, name):
    """Every property of a schema, following allOf and $ref."""
    schema, found = schemas[name], set()
    for part in schema.get("allOf", [schema]):
        if "$ref" in part:
            found |= properties(schemas, part["$ref"].rsplit("/", 1)[-1])
        else:
            found |= set(part.get("properties", {}))
    return found


def test_speech_fields_formats_speed_and_lengths_match_the_spec(openai_schemas):
    schema = openai_schemas["CreateSpeechRequest"]
    props = schema["properties"]
    assert set(speech.FIELDS) == set(props)
    assert set(SPEECH_FORMATS) == set(props["response_format"]["enum"])
    assert (props["speed"]["minimum"], props["speed"]["maximum"]) == (0.25, 4)
    assert props["input"]["maxLength"] == speech.MAX_INPUT == props["instructions"]["maxLength"]
    assert set(props["stream_format"]["enum"]) == {"sse", "audio"}


def test_speech_voices_cover_both_specs(openai_schemas, azure_preview_schemas):
    shared = openai_schemas["VoiceIdsShared"]["anyOf"][1]["enum"]
    azure = azure_preview_schemas["createSpeechRequest"]["properties"]["voice"]["enum"]
    described = re.findall(r"`(\w+)`", openai_schemas["CreateSpeechRequest"]["properties"]["voice"]["description"])
    assert set(shared) | set(azure) | (set(described) - {"id"}) == set(speech.VOICES)


def test_transcription_fields_match_the_spec(openai_schemas, azure_preview_schemas):
    spec_fields = set(openai_schemas["CreateTranscriptionRequest"]["properties"]) - UNSERVED_TRANSCRIPTION_FIELDS
    azure_fields = set(azure_preview_schemas["createTranscriptionRequest"]["properties"])
    assert spec_fields | azure_fields <= transcription.TRANSCRIPTION_FIELDS
    assert set(openai_schemas["CreateTranslationRequest"]["properties"]) == transcription.TRANSLATION_FIELDS


def test_transcription_enums_match_the_spec(openai_schemas, azure_preview_schemas, azure_ga_schemas):
    props = openai_schemas["CreateTranscriptionRequest"]["properties"]
    assert set(transcription.RESPONSE_FORMATS) == set(openai_schemas["AudioResponseFormat"]["enum"])
    # The Azure specs (2024-10-21, 2025-04-01-preview) predate diarized_json; translation never answers it.
    assert set(transcription.TRANSLATION_RESPONSE_FORMATS) == set(azure_preview_schemas["audioResponseFormat"]["enum"])
    assert set(transcription.TRANSLATION_RESPONSE_FORMATS) == set(azure_ga_schemas["audioResponseFormat"]["enum"])
    assert set(transcription.GRANULARITIES) == set(props["timestamp_granularities"]["items"]["enum"])
    assert openai_schemas["TranscriptionInclude"]["enum"] == ["logprobs"]
    assert set(transcription.VAD_FIELDS) == set(openai_schemas["VadConfig"]["properties"])


def test_accepted_upload_extensions_are_the_ones_the_spec_lists(openai_schemas):
    description = openai_schemas["CreateTranscriptionRequest"]["properties"]["file"]["description"]
    listed = re.search(r"formats: ([a-z0-9, ]+?)(?:, or| or) (\w+)\.", description)
    assert set(re.split(r",\s*", listed.group(1))) | {listed.group(2)} == set(INPUT_EXTENSIONS)


def test_segment_and_word_objects_have_the_spec_keys(openai_schemas, client, speech_wav):
    body = client.post(
        deployment_url("whisper", "audio/transcriptions"),
        files={"file": ("a.wav", speech_wav, "audio/wav")},
        data={"response_format": "verbose_json", "timestamp_granularities[]": ["word", "segment"]},
    ).json()
    assert set(body["segments"][0]) == set(openai_schemas["TranscriptionSegment"]["required"])
    assert set(body["words"][0]) == set(openai_schemas["TranscriptionWord"]["required"])
    assert set(openai_schemas["CreateTranscriptionResponseVerboseJson"]["required"]) <= set(body)


def test_known_speaker_limits_match_the_spec(openai_schemas):
    props = openai_schemas["CreateTranscriptionRequest"]["properties"]
    assert props["known_speaker_names"]["maxItems"] == diarization.MAX_SPEAKERS
    assert props["known_speaker_references"]["maxItems"] == diarization.MAX_SPEAKERS
    assert "between 2 and 10 seconds" in props["known_speaker_references"]["description"]
    assert (diarization.MIN_CLIP_SECONDS, diarization.MAX_CLIP_SECONDS) == (2, 10)
    assert re.search(
        r"supported formats\s+are `json`, `text`, and `diarized_json`",
        openai_schemas["AudioResponseFormat"]["description"],
    )
    assert set(diarization.DIARIZE_FORMATS) == {"json", "text", "diarized_json"}


def test_diarized_segments_have_the_spec_keys(openai_schemas, client, speech_wav):
    body = client.post(
        deployment_url("gpt-4o-transcribe-diarize", "audio/transcriptions"),
        files={"file": ("a.wav", speech_wav, "audio/wav")},
        data={"response_format": "diarized_json"},
    ).json()
    assert set(openai_schemas["CreateTranscriptionResponseDiarizedJson"]["required"]) <= set(body)
    assert set(body["segments"][0]) == set(openai_schemas["TranscriptionDiarizedSegment"]["required"])
    assert set(body["segments"][0]) == set(openai_schemas["TranscriptTextSegmentEvent"]["required"])


def test_call_request_bodies_match_the_spec(openai_schemas):
    refer = openai_schemas["RealtimeCallReferRequest"]
    reject = openai_schemas["RealtimeCallRejectRequest"]
    assert (set(refer["properties"]), refer["required"], refer["additionalProperties"]) == (
        {"target_uri"},
        ["target_uri"],
        False,
    )
    assert (set(reject["properties"]), reject["additionalProperties"]) == ({"status_code"}, False)
    assert "603" in reject["properties"]["status_code"]["description"]
    incoming = openai_schemas["WebhookRealtimeCallIncoming"]
    assert set(incoming["required"]) == {"created_at", "id", "data", "type"}
    assert set(incoming["properties"]["data"]["required"]) == {"call_id", "sip_headers"}


def test_chat_fields_cover_both_specs(openai_schemas, azure_preview_schemas):
    fields = properties(openai_schemas, "CreateChatCompletionRequest")
    fields |= properties(azure_preview_schemas, "createChatCompletionRequest")
    assert fields == chat.FIELDS


def test_chat_audio_enums_match_the_spec(openai_schemas):
    audio = openai_schemas["CreateChatCompletionRequest"]["allOf"][1]["properties"]["audio"]
    assert set(audio["properties"]["format"]["enum"]) == set(chat.AUDIO_FORMATS)
    part = openai_schemas["ChatCompletionRequestMessageContentPartAudio"]["properties"]["input_audio"]
    assert set(part["properties"]["format"]["enum"]) == set(chat.INPUT_AUDIO_FORMATS)
    assert set(openai_schemas["ChatCompletionRole"]["enum"]) == set(chat.ROLES)


def test_chat_response_audio_has_the_spec_keys(openai_schemas, client):
    body = client.post(
        deployment_url("gpt-4o-audio-preview", "chat/completions"),
        json={
            "modalities": ["text", "audio"],
            "audio": {"voice": "alloy", "format": "mp3"},
            "messages": [{"role": "user", "content": "hi"}],
        },
    ).json()
    message_schema = openai_schemas["ChatCompletionResponseMessage"]
    assert set(body["choices"][0]["message"]["audio"]) == set(
        message_schema["properties"]["audio"]["anyOf"][0]["required"]
    )
    assert set(message_schema["required"]) <= set(body["choices"][0]["message"])
    assert set(openai_schemas["CompletionUsage"]["required"]) <= set(body["usage"])
