"""Every validation error: Azure-shaped 400s naming the parameter and the rule."""

from __future__ import annotations

import base64
import json

import pytest
from conftest import deployment_url

WAV = None  # filled by the module fixture below


@pytest.fixture(scope="module", autouse=True)
def _wav(speech_wav):
    global WAV
    WAV = speech_wav


def form(client, deployment, operation, fields=None, file=("speech.wav", "audio/wav")):
    files = {} if file is None else {"file": (file[0], WAV, file[1])}
    data = fields or {}
    if not files:  # force multipart/form-data even without a file part
        files = {k: (None, v) for k, v in data.items()}
        data = None
    return client.post(deployment_url(deployment, operation), files=files, data=data)


def transcription(client, deployment="whisper", **kw):
    return form(client, deployment, "audio/transcriptions", **kw)


def translation(client, **kw):
    return form(client, "whisper", "audio/translations", **kw)


def speech(client, deployment="gpt-4o-mini-tts", **fields):
    body = {"input": "hello", "voice": "alloy", **fields}
    return client.post(deployment_url(deployment, "audio/speech"), json={k: v for k, v in body.items() if v is not ...})


def chat(client, **fields):
    body = {"messages": [{"role": "user", "content": "hi"}], **fields}
    return client.post(
        deployment_url("gpt-4o-audio-preview", "chat/completions"), json={k: v for k, v in body.items() if v is not ...}
    )


def assert_invalid(response, param, code):
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["message"]
    assert error["param"] == param
    assert error["code"] == code


def audio_message(data, fmt="wav"):
    return [{"role": "user", "content": [{"type": "input_audio", "input_audio": {"data": data, "format": fmt}}]}]


# --- transcriptions -----------------------------------------------------------------------------------------------

TRANSCRIPTION_CASES = {
    "unknown field": (dict(fields={"foo": "1"}), "foo", "unknown_parameter"),
    "response_format not in the enum": (dict(fields={"response_format": "xml"}), "response_format", "invalid_value"),
    "temperature not a number": (dict(fields={"temperature": "hot"}), "temperature", "invalid_type"),
    "temperature above 1": (dict(fields={"temperature": "1.5"}), "temperature", "decimal_above_max_value"),
    "temperature below 0": (dict(fields={"temperature": "-0.1"}), "temperature", "decimal_below_min_value"),
    "language not ISO-639-1": (dict(fields={"language": "english"}), "language", "invalid_value"),
    "granularity not in the enum": (
        dict(fields={"response_format": "verbose_json", "timestamp_granularities[]": "char"}),
        "timestamp_granularities[]",
        "invalid_value",
    ),
    "granularities without verbose_json": (
        dict(fields={"timestamp_granularities[]": "word"}),
        "timestamp_granularities[]",
        "unsupported_value",
    ),
    "logprobs with whisper": (dict(fields={"include[]": "logprobs"}), "include[]", "unsupported_value"),
    "stream not a boolean": (dict(fields={"stream": "maybe"}), "stream", "invalid_type"),
    "chunking_strategy not auto nor an object": (
        dict(fields={"chunking_strategy": "sometimes"}),
        "chunking_strategy",
        "invalid_value",
    ),
    "chunking_strategy type not server_vad": (
        dict(fields={"chunking_strategy[type]": "client_vad"}),
        "chunking_strategy.type",
        "invalid_value",
    ),
    "chunking_strategy threshold above 1": (
        dict(fields={"chunking_strategy": json.dumps({"type": "server_vad", "threshold": 2})}),
        "chunking_strategy.threshold",
        "decimal_above_max_value",
    ),
    "chunking_strategy without type": (
        dict(fields={"chunking_strategy": json.dumps({"threshold": 0.5})}),
        "chunking_strategy.type",
        "missing_required_parameter",
    ),
    "chunking_strategy unknown key": (
        dict(fields={"chunking_strategy": json.dumps({"type": "server_vad", "eagerness": "low"})}),
        "chunking_strategy.eagerness",
        "unknown_parameter",
    ),
    "missing file": (dict(fields={"response_format": "json"}, file=None), "file", "missing_required_parameter"),
    "file name without extension": (dict(file=("speech", "audio/wav")), "file", "invalid_value"),
    "file name with an unsupported extension": (dict(file=("speech.txt", "text/plain")), "file", "invalid_value"),
}


@pytest.mark.parametrize("case", sorted(TRANSCRIPTION_CASES))
def test_transcription_rejects(client, case):
    kwargs, param, code = TRANSCRIPTION_CASES[case]
    assert_invalid(transcription(client, **kwargs), param, code)


GPT4O_CASES = {
    "verbose_json": ({"response_format": "verbose_json"}, "response_format"),
    "srt": ({"response_format": "srt"}, "response_format"),
    "vtt": ({"response_format": "vtt"}, "response_format"),
    "timestamp granularities": ({"timestamp_granularities[]": "word"}, "timestamp_granularities[]"),
    "logprobs with text": ({"include[]": "logprobs", "response_format": "text"}, "include[]"),
}


@pytest.mark.parametrize("case", sorted(GPT4O_CASES))
def test_gpt4o_transcribe_rejects(client, case):
    fields, param = GPT4O_CASES[case]
    assert_invalid(
        transcription(client, deployment="gpt-4o-mini-transcribe", fields=fields), param, "unsupported_value"
    )


def test_invalid_file_format_message_lists_the_supported_formats(client):
    message = transcription(client, file=("speech", "audio/wav")).json()["error"]["message"]
    assert message.startswith("Invalid file format. Supported formats:")
    assert "'webm'" in message


def test_file_sent_as_a_plain_field_is_an_invalid_file_format(client):
    response = client.post(deployment_url("whisper", "audio/transcriptions"), files={"file": (None, "abc")})
    assert_invalid(response, "file", "invalid_value")


def test_undecodable_audio_is_rejected_as_corrupted(client):
    response = client.post(
        deployment_url("whisper", "audio/transcriptions"),
        files={"file": ("speech.wav", b"not audio at all", "audio/wav")},
    )
    assert_invalid(response, "file", "invalid_value")
    assert "corrupted" in response.json()["error"]["message"]


def test_transcription_needs_a_multipart_body(client):
    response = client.post(deployment_url("whisper", "audio/transcriptions"), json={"file": "x"})
    assert response.status_code == 400
    assert "multipart/form-data" in response.json()["error"]["message"]


def test_garbled_multipart_body_is_rejected(client):
    response = client.post(
        deployment_url("whisper", "audio/transcriptions"),
        content=b"--x\r\ngarbage",
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )
    assert response.status_code == 400


# --- translations -------------------------------------------------------------------------------------------------

TRANSLATION_CASES = {
    "language (transcription only)": ({"language": "en"}, "language", "unknown_parameter"),
    "timestamp granularities (transcription only)": (
        {"timestamp_granularities[]": "word"},
        "timestamp_granularities[]",
        "unknown_parameter",
    ),
    "stream (transcription only)": ({"stream": "true"}, "stream", "unknown_parameter"),
    "response_format not in the enum": ({"response_format": "diarized_json"}, "response_format", "invalid_value"),
    "temperature above 1": ({"temperature": "2"}, "temperature", "decimal_above_max_value"),
}


@pytest.mark.parametrize("case", sorted(TRANSLATION_CASES))
def test_translation_rejects(client, case):
    fields, param, code = TRANSLATION_CASES[case]
    assert_invalid(translation(client, fields=fields), param, code)


# --- speech -------------------------------------------------------------------------------------------------------

SPEECH_CASES = {
    "missing input": (dict(input=...), "input", "missing_required_parameter"),
    "missing voice": (dict(voice=...), "voice", "missing_required_parameter"),
    "input over 4096 characters": (dict(input="a" * 4097), "input", "string_above_max_length"),
    "input not a string": (dict(input=123), "input", "invalid_type"),
    "voice not in the enum": (dict(voice="bob"), "voice", "invalid_value"),
    "custom voice object": (dict(voice={"id": "voice_123"}), "voice", "invalid_value"),
    "response_format not in the enum": (dict(response_format="ogg"), "response_format", "invalid_value"),
    "speed below 0.25": (dict(speed=0.1), "speed", "decimal_below_min_value"),
    "speed above 4": (dict(speed=5), "speed", "decimal_above_max_value"),
    "speed not a number": (dict(speed="fast"), "speed", "invalid_type"),
    "instructions over 4096 characters": (dict(instructions="a" * 4097), "instructions", "string_above_max_length"),
    "stream_format not in the enum": (dict(stream_format="chunks"), "stream_format", "invalid_value"),
    "unknown field": (dict(style="calm"), "style", "unknown_parameter"),
}


@pytest.mark.parametrize("case", sorted(SPEECH_CASES))
def test_speech_rejects(client, case):
    fields, param, code = SPEECH_CASES[case]
    assert_invalid(speech(client, **fields), param, code)


@pytest.mark.parametrize("deployment", ["tts", "tts-hd"])
def test_tts_models_reject_instructions_sse_and_newer_voices(client, deployment):
    assert_invalid(speech(client, deployment, instructions="calm"), "instructions", "unsupported_value")
    assert_invalid(speech(client, deployment, stream_format="sse"), "stream_format", "unsupported_value")
    assert_invalid(speech(client, deployment, voice="ballad"), "voice", "unsupported_value")


def test_exactly_4096_characters_of_input_are_accepted(client):
    assert speech(client, input="a " * 2048, response_format="pcm").status_code == 200


@pytest.mark.parametrize(
    "body,content_type",
    [
        (b"{not json", "application/json"),
        (b"[1, 2]", "application/json"),
        (b"input=hello", "text/plain"),
    ],
)
def test_speech_body_that_is_not_a_json_object_is_rejected(client, body, content_type):
    response = client.post(deployment_url("tts", "audio/speech"), content=body, headers={"Content-Type": content_type})
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_request_error"


# --- chat completions ---------------------------------------------------------------------------------------------

CHAT_CASES = {
    "missing messages": (dict(messages=...), "messages", "missing_required_parameter"),
    "empty messages": (dict(messages=[]), "messages", "empty_array"),
    "messages not an array": (dict(messages="hi"), "messages", "invalid_type"),
    "message without role": (dict(messages=[{"content": "hi"}]), "messages[0].role", "missing_required_parameter"),
    "role not in the enum": (dict(messages=[{"role": "robot", "content": "hi"}]), "messages[0].role", "invalid_value"),
    "unknown message field": (
        dict(messages=[{"role": "user", "content": "hi", "mood": "x"}]),
        "messages[0].mood",
        "unknown_parameter",
    ),
    "user message without content": (
        dict(messages=[{"role": "user"}]),
        "messages[0].content",
        "missing_required_parameter",
    ),
    "tool message without tool_call_id": (
        dict(messages=[{"role": "tool", "content": "x"}]),
        "messages[0].tool_call_id",
        "missing_required_parameter",
    ),
    "content part type not in the enum": (
        dict(messages=[{"role": "user", "content": [{"type": "video"}]}]),
        "messages[0].content[0].type",
        "invalid_value",
    ),
    "image part (not for audio models)": (
        dict(messages=[{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://x/y.png"}}]}]),
        "messages[0].content[0].type",
        "invalid_value",
    ),
    "input_audio format not in the enum": (
        dict(messages=audio_message("AAAA", "ogg")),
        "messages[0].content[0].input_audio.format",
        "invalid_value",
    ),
    "input_audio data not base64": (
        dict(messages=audio_message("%%%")),
        "messages[0].content[0].input_audio.data",
        "invalid_value",
    ),
    "input_audio undecodable": (
        dict(messages=audio_message(base64.b64encode(b"noise").decode())),
        "messages",
        "invalid_value",
    ),
    "temperature above 2": (dict(temperature=3), "temperature", "decimal_above_max_value"),
    "top_p above 1": (dict(top_p=2), "top_p", "decimal_above_max_value"),
    "n below 1": (dict(n=0), "n", "integer_below_min_value"),
    "stream not a boolean": (dict(stream="yes"), "stream", "invalid_type"),
    "stream_options without stream": (dict(stream_options={"include_usage": True}), "stream_options", "invalid_value"),
    "modality not in the enum": (dict(modalities=["video"]), "modalities[0]", "invalid_value"),
    "audio modality without audio": (dict(modalities=["text", "audio"]), "audio", "missing_required_parameter"),
    "audio without voice": (
        dict(modalities=["text", "audio"], audio={"format": "wav"}),
        "audio.voice",
        "missing_required_parameter",
    ),
    "audio format not in the enum": (
        dict(modalities=["text", "audio"], audio={"voice": "alloy", "format": "ogg"}),
        "audio.format",
        "invalid_value",
    ),
    "audio voice not in the enum": (
        dict(modalities=["text", "audio"], audio={"voice": "bob", "format": "wav"}),
        "audio.voice",
        "invalid_value",
    ),
    "streamed audio not pcm16": (
        dict(stream=True, modalities=["text", "audio"], audio={"voice": "alloy", "format": "mp3"}),
        "audio.format",
        "unsupported_value",
    ),
    "unknown field": (dict(functionality="x"), "functionality", "unknown_parameter"),
}


@pytest.mark.parametrize("case", sorted(CHAT_CASES))
def test_chat_rejects(client, case):
    fields, param, code = CHAT_CASES[case]
    assert_invalid(chat(client, **fields), param, code)


def test_input_audio_over_20_mb_is_rejected(client):
    big = "A" * (21 * 1024 * 1024 // 3 * 4)
    assert_invalid(
        chat(client, messages=audio_message(big)), "messages[0].content[0].input_audio.data", "invalid_value"
    )


# --- hostile input ------------------------------------------------------------------------------------------------


def test_deeply_nested_json_is_a_400_not_a_crash(client):
    response = client.post(
        deployment_url("gpt-4o-audio-preview", "chat/completions"),
        content=b"[" * 100_000 + b"]" * 100_000,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400


def test_body_with_a_broken_content_encoding_is_a_400(client):
    response = client.post(
        deployment_url("tts", "audio/speech"),
        content=b"not gzip",
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert response.status_code == 400
    assert response.headers["connection"] == "close"


def test_text_field_sent_as_a_file_is_an_invalid_type(client):
    response = client.post(
        deployment_url("whisper", "audio/transcriptions"),
        files={"file": ("a.wav", WAV, "audio/wav"), "prompt": ("p.txt", b"x", "text/plain")},
    )
    assert_invalid(response, "prompt", "invalid_type")


def test_control_characters_in_speech_input_are_spoken_around(client):
    response = speech(client, input="\x00\x01 hello \u202e", response_format="pcm")
    assert response.status_code == 200
    assert any(response.content)
