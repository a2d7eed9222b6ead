"""``/audio/transcriptions``: every response format, usage, streaming, and input formats."""

from __future__ import annotations

import re

import pytest
from conftest import deployment_url
from helpers import spoken, sse_events

URL = deployment_url("whisper", "audio/transcriptions")


def transcribe(client, audio, deployment="whisper", filename="speech.wav", **fields):
    files = {"file": (filename, audio, "audio/wav")}
    return client.post(deployment_url(deployment, "audio/transcriptions"), files=files, data=fields)


def test_json_format_returns_recognised_text_and_duration_usage(client, speech_wav):
    response = transcribe(client, speech_wav)
    assert response.status_code == 200
    body = response.json()
    assert body["text"].strip()
    assert body["usage"]["type"] == "duration"
    assert body["usage"]["seconds"] >= 1


def test_clearly_spoken_words_are_recognised(client, speech_wav):
    words = transcribe(client, speech_wav).json()["text"].split()
    assert {"three", "four", "five"} & set(words)


def test_text_format_is_plain_text(client, speech_wav):
    response = transcribe(client, speech_wav, response_format="text")
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.strip()


def test_srt_format_has_numbered_cues_with_comma_timestamps(client, speech_wav):
    response = transcribe(client, speech_wav, response_format="srt")
    assert response.headers["content-type"].startswith("text/plain")
    assert re.match(r"1\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\n\S", response.text)


def test_vtt_format_has_header_and_dot_timestamps(client, speech_wav):
    response = transcribe(client, speech_wav, response_format="vtt")
    assert response.text.startswith("WEBVTT\n\n")
    assert re.search(r"\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}\n\S", response.text)


def test_verbose_json_has_task_language_duration_and_segments_by_default(client, speech_wav):
    body = transcribe(client, speech_wav, response_format="verbose_json").json()
    assert body["task"] == "transcribe"
    assert body["language"] == "english"
    assert body["duration"] > 0.5
    assert "words" not in body
    segment = body["segments"][0]
    assert set(segment) == {
        "id",
        "seek",
        "start",
        "end",
        "text",
        "tokens",
        "temperature",
        "avg_logprob",
        "compression_ratio",
        "no_speech_prob",
    }
    assert segment["start"] < segment["end"] <= body["duration"] + 0.05
    assert body["usage"] == {"type": "duration", "seconds": pytest.approx(body["duration"], abs=1)}


def test_verbose_json_word_granularity_gives_ordered_word_timestamps(client, speech_wav):
    response = client.post(
        URL,
        files={"file": ("speech.wav", speech_wav, "audio/wav")},
        data={"response_format": "verbose_json", "timestamp_granularities[]": "word"},
    )
    body = response.json()
    assert "segments" not in body
    starts = [w["start"] for w in body["words"]]
    assert starts == sorted(starts)
    assert all(w["start"] < w["end"] for w in body["words"])
    assert " ".join(w["word"] for w in body["words"]) == body["text"]


def test_verbose_json_with_both_granularities_has_words_and_segments(client, speech_wav):
    response = client.post(
        URL,
        files={"file": ("speech.wav", speech_wav, "audio/wav")},
        data={"response_format": "verbose_json", "timestamp_granularities[]": ["word", "segment"]},
    )
    body = response.json()
    assert body["words"] and body["segments"]


def test_verbose_json_reports_the_requested_language(client, speech_wav):
    body = transcribe(client, speech_wav, response_format="verbose_json", language="de").json()
    assert body["language"] == "german"


def test_gpt4o_transcribe_json_has_token_usage(client, speech_wav):
    usage = transcribe(client, speech_wav, deployment="gpt-4o-transcribe").json()["usage"]
    assert usage["type"] == "tokens"
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
    assert usage["input_token_details"]["audio_tokens"] > 0


def test_gpt4o_transcribe_logprobs_are_included_when_asked(client, speech_wav):
    body = client.post(
        deployment_url("gpt-4o-mini-transcribe", "audio/transcriptions"),
        files={"file": ("speech.wav", speech_wav, "audio/wav")},
        data={"include[]": "logprobs"},
    ).json()
    assert body["logprobs"]
    assert {"token", "logprob", "bytes"} == set(body["logprobs"][0])


def test_gpt4o_transcribe_stream_is_sse_deltas_then_done(client, speech_wav):
    response = transcribe(client, speech_wav, deployment="gpt-4o-transcribe", stream="true")
    assert response.headers["content-type"].startswith("text/event-stream")
    events = sse_events(response.text)
    assert [e["type"] for e in events[:-1]] == ["transcript.text.delta"] * (len(events) - 1)
    done = events[-1]
    assert done["type"] == "transcript.text.done"
    assert "".join(e["delta"] for e in events[:-1]) == done["text"]
    assert done["usage"]["type"] == "tokens"


def test_whisper_ignores_stream_true(client, speech_wav):
    response = transcribe(client, speech_wav, stream="true")
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["text"]


def test_v1_transcription_takes_model_from_the_form(client, speech_wav):
    response = client.post(
        "/openai/v1/audio/transcriptions",
        files={"file": ("speech.wav", speech_wav, "audio/wav")},
        data={"model": "whisper"},
    )
    assert response.status_code == 200
    assert response.json()["text"]


def test_chunking_strategy_auto_and_server_vad_are_accepted(client, speech_wav):
    assert transcribe(client, speech_wav, deployment="gpt-4o-transcribe", chunking_strategy="auto").status_code == 200
    response = transcribe(
        client,
        speech_wav,
        deployment="gpt-4o-transcribe",
        **{"chunking_strategy[type]": "server_vad", "chunking_strategy[threshold]": "0.4"},
    )
    assert response.status_code == 200


@pytest.mark.parametrize("fmt", ["wav", "mp3", "flac", "ogg", "webm", "m4a", "mp4", "mpeg", "mpga"])
def test_every_accepted_input_format_is_decoded_and_transcribed(client, fmt):
    response = transcribe(client, spoken("one two three", fmt), filename=f"speech.{fmt}")
    assert response.status_code == 200, response.text
    assert response.json()["text"].strip()


def test_silence_transcribes_to_empty_text(client):
    silence = spoken(" ", "wav")
    body = transcribe(client, silence, response_format="verbose_json").json()
    assert body["text"] == ""
    assert body["segments"] == []


def test_audio_over_the_configured_duration_ceiling_is_refused(emulator, client, speech_wav):
    emulator.ctx.max_audio_seconds = 0.5
    try:
        response = transcribe(client, speech_wav)
    finally:
        emulator.ctx.max_audio_seconds = None
    assert response.status_code == 400
    assert "maximum for this model" in response.json()["error"]["message"]
    assert transcribe(client, speech_wav).status_code == 200
