"""The official ``openai`` Python SDK against the emulator: ``AzureOpenAI``
(deployment-based URLs) for every REST operation, and ``OpenAI`` on the v1 URL
family (Bearer key)."""

from __future__ import annotations

import base64

import openai
import pytest
from conftest import API_VERSION
from helpers import API_KEY, probe
from openai import AzureOpenAI, OpenAI


@pytest.fixture
def azure(emulator):
    return AzureOpenAI(azure_endpoint=emulator.base_url, api_key=API_KEY, api_version=API_VERSION, max_retries=0)


def wav_file(speech_wav):
    return ("speech.wav", speech_wav, "audio/wav")


def test_sdk_transcription_json(azure, speech_wav):
    result = azure.audio.transcriptions.create(model="whisper", file=wav_file(speech_wav))
    assert result.text.strip()


def test_sdk_transcription_verbose_json_with_word_timestamps(azure, speech_wav):
    result = azure.audio.transcriptions.create(
        model="whisper",
        file=wav_file(speech_wav),
        response_format="verbose_json",
        timestamp_granularities=["word", "segment"],
    )
    assert result.words and result.segments
    assert result.duration > 0


def test_sdk_transcription_text_format(azure, speech_wav):
    result = azure.audio.transcriptions.create(model="whisper", file=wav_file(speech_wav), response_format="text")
    assert isinstance(result, str) and result.strip()


def test_sdk_transcription_streaming(azure, speech_wav):
    stream = azure.audio.transcriptions.create(model="gpt-4o-transcribe", file=wav_file(speech_wav), stream=True)
    events = list(stream)
    assert events[-1].type == "transcript.text.done"
    assert events[-1].text == "".join(e.delta for e in events[:-1])


def test_sdk_transcription_streaming_with_logprobs(azure, speech_wav):
    stream = azure.audio.transcriptions.create(
        model="gpt-4o-mini-transcribe", file=wav_file(speech_wav), stream=True, include=["logprobs"]
    )
    events = list(stream)
    assert events[-1].logprobs


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_sdk_translation(azure, speech_wav):
    result = azure.audio.translations.create(model="whisper", file=wav_file(speech_wav))
    assert result.text.strip()


def test_sdk_speech(azure):
    response = azure.audio.speech.create(model="tts", voice="alloy", input="Hello from the emulator.")
    assert probe(response.content)["format"] == "mp3"


def test_sdk_speech_with_streaming_response(azure):
    with azure.audio.speech.with_streaming_response.create(
        model="gpt-4o-mini-tts", voice="coral", input="Streaming speech.", response_format="wav"
    ) as response:
        audio = b"".join(response.iter_bytes(4096))
    assert probe(audio)["format"] == "wav"


def test_sdk_speech_sse_stream_format(azure):
    with azure.audio.speech.with_streaming_response.create(
        model="gpt-4o-mini-tts", voice="coral", input="Events.", response_format="pcm", stream_format="sse"
    ) as response:
        body = response.read().decode()
    assert "speech.audio.done" in body


def test_sdk_chat_with_audio_in_and_out(azure, speech_wav):
    completion = azure.chat.completions.create(
        model="gpt-4o-audio-preview",
        modalities=["text", "audio"],
        audio={"voice": "alloy", "format": "wav"},
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Listen:"},
                    {
                        "type": "input_audio",
                        "input_audio": {"data": base64.b64encode(speech_wav).decode(), "format": "wav"},
                    },
                ],
            }
        ],
    )
    audio = completion.choices[0].message.audio
    assert audio.transcript.startswith("You said: Listen:")
    assert probe(base64.b64decode(audio.data))["format"] == "wav"
    follow_up = azure.chat.completions.create(
        model="gpt-4o-audio-preview",
        messages=[
            {"role": "user", "content": "hi"},
            {"role": "assistant", "audio": {"id": audio.id}},
            {"role": "user", "content": "bye"},
        ],
    )
    assert follow_up.choices[0].message.content == "You said: bye."


def test_sdk_chat_streaming_with_audio(azure):
    stream = azure.chat.completions.create(
        model="gpt-4o-mini-audio-preview",
        modalities=["text", "audio"],
        audio={"voice": "echo", "format": "pcm16"},
        messages=[{"role": "user", "content": "stream please"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    transcript, pcm, usage = "", b"", None
    for chunk in stream:
        usage = chunk.usage or usage
        for choice in chunk.choices:
            audio = choice.delta.audio
            if audio is not None:
                transcript += audio.transcript or ""
                pcm += base64.b64decode(audio.data or "")
    assert transcript == "You said: stream please."
    assert len(pcm) > 0 and usage.total_tokens > 0


def test_sdk_errors_surface_as_typed_exceptions(azure):
    with pytest.raises(openai.NotFoundError):
        azure.audio.speech.create(model="no-such-deployment", voice="alloy", input="x")
    with pytest.raises(openai.BadRequestError) as error:
        azure.audio.speech.create(model="tts", voice="alloy", input="x", speed=9)
    assert error.value.code == "decimal_above_max_value"


def test_sdk_openai_client_on_the_v1_family(emulator, speech_wav):
    client = OpenAI(base_url=emulator.base_url + "/openai/v1/", api_key=API_KEY, max_retries=0)
    assert client.audio.transcriptions.create(model="whisper", file=wav_file(speech_wav)).text.strip()
    speech = client.audio.speech.create(model="gpt-4o-mini-tts", voice="sage", input="v1", response_format="flac")
    assert probe(speech.content)["format"] == "flac"
    chat = client.chat.completions.create(model="gpt-4o-audio-preview", messages=[{"role": "user", "content": "v1"}])
    assert chat.choices[0].message.content == "You said: v1."
