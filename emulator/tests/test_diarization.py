"""``gpt-4o-transcribe-diarize``: diarized_json, speakers told apart by pitch, known speakers, streaming, and
the model's refusals; ``gpt-transcribe``'s languages and keywords."""

from __future__ import annotations

import base64
import functools

import httpx
import pytest
from azaudio_emulator import audio
from azaudio_emulator.models import lookup_model
from azaudio_emulator.tts import TTSEngine
from conftest import deployment_url
from helpers import API_KEY, sse_events

DIARIZE = "gpt-4o-transcribe-diarize"
SILENCE = b"\0\0" * audio.OUTPUT_RATE  # one second


@functools.lru_cache(maxsize=None)
def _voice(text: str, voice: str) -> bytes:
    return TTSEngine().synthesize_pcm16(text, voice)


def _wav(*parts: bytes) -> bytes:
    pcm = SILENCE.join(parts)
    return audio.wav_header(len(pcm)) + pcm


@pytest.fixture(scope="module")
def dialogue() -> bytes:
    """A low voice (onyx), a high voice (shimmer), then the low voice again, a second apart."""
    return _wav(
        _voice("hello there how are you today", "onyx"),
        _voice("i am fine thank you", "shimmer"),
        _voice("good to hear that", "onyx"),
    )


def _data_url(wav: bytes) -> str:
    return "data:audio/wav;base64," + base64.b64encode(wav).decode()


def transcribe(client, wav, deployment=DIARIZE, **fields):
    return client.post(
        deployment_url(deployment, "audio/transcriptions"), files={"file": ("talk.wav", wav, "audio/wav")}, data=fields
    )


@pytest.fixture(scope="module")
def diarized(emulator, dialogue) -> dict:
    """The dialogue's diarized_json answer (recognition is slow: asked once for the tests that only read it)."""
    with httpx.Client(base_url=emulator.base_url, headers={"api-key": API_KEY}, timeout=120) as client:
        response = transcribe(client, dialogue, response_format="diarized_json")
    assert response.status_code == 200, response.text
    return response.json()


def test_diarized_json_has_the_spec_shape(diarized):
    body = diarized
    assert set(body) == {"task", "duration", "text", "segments", "usage"}
    assert body["task"] == "transcribe" and body["duration"] > 4
    for segment in body["segments"]:
        assert set(segment) == {"type", "id", "start", "end", "text", "speaker"}
        assert segment["type"] == "transcript.text.segment"
        assert segment["start"] < segment["end"]


def test_two_voices_of_different_pitch_get_two_speakers_and_the_first_returns(diarized):
    segments = diarized["segments"]
    speakers = [s["speaker"] for s in segments]
    assert speakers == ["A", "B", "A"], segments


def test_one_voice_is_one_speaker(client):
    wav = _wav(_voice("hello there how are you today", "onyx"), _voice("good to hear that", "onyx"))
    segments = transcribe(client, wav, response_format="diarized_json").json()["segments"]
    assert len(segments) == 2 and {s["speaker"] for s in segments} == {"A"}


def test_known_speakers_label_their_segments_by_name(client, dialogue):
    agent = _wav(_voice("this is the agent speaking to you now", "shimmer"))
    customer = _wav(_voice("this is the customer calling about my order", "onyx"))
    body = transcribe(
        client,
        dialogue,
        response_format="diarized_json",
        **{
            "known_speaker_names[]": ["agent", "customer"],
            "known_speaker_references[]": [_data_url(agent), _data_url(customer)],
        },
    ).json()
    assert [s["speaker"] for s in body["segments"]] == ["customer", "agent", "customer"]


def test_a_reference_clip_under_two_seconds_is_refused(client, dialogue):
    short = _wav(_voice("hi", "onyx")[: audio.OUTPUT_RATE])
    response = transcribe(
        client,
        dialogue,
        response_format="diarized_json",
        **{"known_speaker_names[]": "agent", "known_speaker_references[]": _data_url(short)},
    )
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "known_speaker_references[0]"
    assert "between 2 and 10 seconds" in response.json()["error"]["message"]


def test_more_than_four_known_speakers_are_refused(client, dialogue):
    clip = _data_url(_wav(_voice("this is the agent speaking to you now", "shimmer")))
    response = transcribe(
        client,
        dialogue,
        response_format="diarized_json",
        **{"known_speaker_names[]": list("abcde"), "known_speaker_references[]": [clip] * 5},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "array_above_max_length"


def test_names_without_references_are_refused(client, dialogue):
    response = transcribe(client, dialogue, response_format="diarized_json", **{"known_speaker_names[]": "agent"})
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "known_speaker_references"


@pytest.mark.parametrize(
    "fields, param",
    [
        ({"prompt": "hello"}, "prompt"),
        ({"response_format": "verbose_json"}, "response_format"),
        ({"timestamp_granularities[]": "segment"}, "timestamp_granularities[]"),
        ({"include[]": "logprobs"}, "include[]"),
    ],
)
def test_diarize_refuses_what_the_model_does_not_take(client, dialogue, fields, param):
    response = transcribe(client, dialogue, **fields)
    assert response.status_code == 400
    assert response.json()["error"]["param"] == param


def test_diarized_json_needs_the_diarize_model(client, dialogue):
    response = transcribe(client, dialogue, deployment="gpt-4o-transcribe", response_format="diarized_json")
    assert response.status_code == 400 and response.json()["error"]["param"] == "response_format"


def test_audio_over_30_seconds_needs_a_chunking_strategy(client):
    long = _wav(_voice("hello there", "onyx"), SILENCE * 31)
    response = transcribe(client, long, response_format="diarized_json")
    assert response.status_code == 400 and response.json()["error"]["param"] == "chunking_strategy"
    assert transcribe(client, long, response_format="diarized_json", chunking_strategy="auto").status_code == 200


def test_json_format_is_the_plain_text(client, speech_wav):
    body = transcribe(client, speech_wav, response_format="json").json()
    assert set(body) == {"text", "usage"} and {"three", "four", "five"} & set(body["text"].split())


def test_streamed_diarization_sends_deltas_with_segment_ids_then_segments_then_done(client, dialogue):
    response = transcribe(client, dialogue, response_format="diarized_json", stream="true")
    events = sse_events(response.text)
    segments = [e for e in events if e["type"] == "transcript.text.segment"]
    deltas = [e for e in events if e["type"] == "transcript.text.delta"]
    assert [s["speaker"] for s in segments] == ["A", "B", "A"]
    assert {d["segment_id"] for d in deltas} == {s["id"] for s in segments}
    assert events[-1]["type"] == "transcript.text.done"
    assert "".join(d["delta"] for d in deltas) == events[-1]["text"]


def test_gpt_transcribe_takes_languages_and_keywords(client, speech_wav):
    response = transcribe(
        client, speech_wav, deployment="gpt-transcribe", **{"languages[]": ["en", "de"], "keywords[]": "three"}
    )
    assert response.status_code == 200 and response.json()["text"]


def test_languages_are_refused_by_other_models(client, dialogue):
    response = transcribe(client, dialogue, deployment="gpt-4o-transcribe", **{"languages[]": "en"})
    assert response.status_code == 400 and response.json()["error"]["param"] == "languages[]"


@pytest.mark.parametrize(
    "name, model, family",
    [
        ("gpt-4o-mini-transcribe-2025-12-15", "gpt-4o-mini-transcribe", "gpt-4o-transcribe"),
        ("gpt-4o-mini-tts-2025-12-15", "gpt-4o-mini-tts", "gpt-4o-mini-tts"),
        ("gpt-4o-transcribe-diarize", "gpt-4o-transcribe-diarize", "gpt-4o-transcribe-diarize"),
        ("gpt-transcribe", "gpt-transcribe", "gpt-transcribe"),
        ("gpt-audio", "gpt-audio", "audio-chat"),
        ("gpt-audio-mini", "gpt-audio-mini", "audio-chat"),
        ("gpt-realtime-mini-2025-12-15", "gpt-realtime-mini", "realtime"),
        ("gpt-realtime-1.5", "gpt-realtime-1.5", "realtime"),
        ("gpt-realtime-2", "gpt-realtime-2", "realtime"),
        ("gpt-realtime-whisper", "gpt-realtime-whisper", "realtime-transcribe"),
        ("gpt-live-transcribe", "gpt-live-transcribe", "realtime-transcribe"),
        ("gpt-realtime-translate", "gpt-realtime-translate", "realtime-translate"),
    ],
)
def test_the_2026_models_are_in_the_catalogue(name, model, family):
    info = lookup_model(name)
    assert info is not None and (info.name, info.family) == (model, family)


def test_the_2026_voices_speak_with_their_own_pitch():
    assert TTSEngine().synthesize_pcm16("hello", "marin") != TTSEngine().synthesize_pcm16("hello", "cedar")
