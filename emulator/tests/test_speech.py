"""``/audio/speech``: every format decodable, streamed in chunks, SSE, voices and speed."""

from __future__ import annotations

import base64
import struct
import time

import httpx
import pytest
from azaudio_emulator import tts
from azaudio_emulator.validation.speech import VOICES
from conftest import deployment_url
from helpers import decoded_seconds, probe, sse_events

URL = deployment_url("gpt-4o-mini-tts", "audio/speech")
TEXT = "The quick brown fox jumps over the lazy dog."

EXPECTED = {  # response_format -> (ffprobe format, codec, content type)
    "mp3": ("mp3", "mp3", "audio/mpeg"),
    "opus": ("ogg", "opus", "audio/ogg"),
    "aac": ("aac", "aac", "audio/aac"),
    "flac": ("flac", "flac", "audio/flac"),
    "wav": ("wav", "pcm_s16le", "audio/wav"),
}


def speak(client, url=URL, **fields):
    return client.post(url, json={"input": TEXT, "voice": "alloy", **fields})


@pytest.mark.parametrize("fmt", sorted(EXPECTED))
def test_each_encoded_format_is_recognised_by_a_decoder_at_24khz(client, fmt):
    response = speak(client, response_format=fmt)
    assert response.status_code == 200
    container, codec, content_type = EXPECTED[fmt]
    assert response.headers["content-type"] == content_type
    info = probe(response.content)
    assert info["format"] == container
    assert info["codec"] == codec
    assert info["rate"] in (24000, 48000)  # opus decoders report 48 kHz
    assert 1.0 < decoded_seconds(response.content) < 10


def test_default_format_is_mp3(client):
    response = speak(client)
    assert response.headers["content-type"] == "audio/mpeg"
    assert probe(response.content)["format"] == "mp3"


def test_pcm_is_raw_24khz_s16le_without_header(client):
    pcm = speak(client, response_format="pcm").content
    wav = speak(client, response_format="wav").content
    assert len(pcm) % 2 == 0
    assert not pcm.startswith(b"RIFF")
    assert wav[44:] == pcm


def test_wav_header_has_exact_sizes(client):
    wav = speak(client, response_format="wav").content
    riff, size, wave, _, _, fmt_tag, channels, rate, _, _, bits, data, data_size = struct.unpack(
        "<4sI4s4sIHHIIHH4sI", wav[:44]
    )
    assert (riff, wave, data) == (b"RIFF", b"WAVE", b"data")
    assert (fmt_tag, channels, rate, bits) == (1, 1, 24000, 16)
    assert size == len(wav) - 8
    assert data_size == len(wav) - 44


def test_audio_is_sent_as_a_chunked_body_in_several_chunks(emulator):
    with httpx.Client(base_url=emulator.base_url, headers={"api-key": emulator.ctx.api_key}) as c:
        with c.stream("POST", URL, json={"input": TEXT * 3, "voice": "nova", "response_format": "pcm"}) as r:
            assert r.headers["transfer-encoding"] == "chunked"
            chunks = [chunk for chunk in r.iter_raw() if chunk]
    assert len(chunks) > 1


def test_sse_stream_format_sends_audio_deltas_then_done_with_usage(client):
    response = speak(client, response_format="mp3", stream_format="sse")
    assert response.headers["content-type"].startswith("text/event-stream")
    events = sse_events(response.text)
    deltas, done = events[:-1], events[-1]
    assert deltas and all(e["type"] == "speech.audio.delta" for e in deltas)
    audio = b"".join(base64.b64decode(e["audio"]) for e in deltas)
    assert probe(audio)["format"] == "mp3"
    assert done["type"] == "speech.audio.done"
    assert done["usage"]["total_tokens"] == done["usage"]["input_tokens"] + done["usage"]["output_tokens"]


def test_speed_changes_the_length_of_the_audio(client):
    normal = len(speak(client, response_format="pcm").content)
    fast = len(speak(client, response_format="pcm", speed=2.0).content)
    slow = len(speak(client, response_format="pcm", speed=0.5).content)
    assert fast < normal * 0.7
    assert slow > normal * 1.4


def test_voices_sound_different(client):
    alloy = speak(client, response_format="pcm", voice="alloy").content
    onyx = speak(client, response_format="pcm", voice="onyx").content
    assert alloy != onyx


def test_every_voice_speaks(client):
    for voice in VOICES:
        assert speak(client, response_format="pcm", voice=voice).status_code == 200, voice


def test_instructions_are_accepted_by_gpt_4o_mini_tts(client):
    assert speak(client, instructions="Speak cheerfully.").status_code == 200


def test_tts_model_speaks_too(client):
    assert speak(client, url=deployment_url("tts", "audio/speech"), response_format="flac").status_code == 200


def test_multipart_body_as_in_azures_spec_is_accepted(client):
    response = client.post(
        deployment_url("tts-hd", "audio/speech"),
        files={
            "input": (None, TEXT),
            "voice": (None, "echo"),
            "speed": (None, "1.5"),
            "response_format": (None, "wav"),
        },
    )
    assert response.status_code == 200
    assert probe(response.content)["format"] == "wav"


def test_spoken_output_is_recognised_by_the_transcription_route(client):
    audio = speak(client, input="one two three four five", voice="echo", response_format="wav").content
    response = client.post(
        deployment_url("whisper", "audio/transcriptions"), files={"file": ("reply.wav", audio, "audio/wav")}
    )
    assert response.json()["text"].strip()


@pytest.mark.skipif(tts.engine_name() != "flite", reason="flite is not installed")
@pytest.mark.parametrize("voice", ["alloy", "echo", "ballad", "verse"])  # one of each flite voice
def test_every_flite_voice_round_trips_the_demo_sentence_closely(client, voice):
    audio = speak(client, voice=voice, response_format="wav").content
    response = client.post(
        deployment_url("whisper", "audio/transcriptions"), files={"file": ("speech.wav", audio, "audio/wav")}
    )
    heard = response.json()["text"].lower().split()
    said = TEXT.lower().rstrip(".").split()
    # pocketsphinx may hear "jumped" for "jumps": allow one word in nine to differ.
    assert sum(a == b for a, b in zip(heard, said, strict=False)) >= len(said) - 1, heard


def test_every_service_voice_has_a_flite_and_an_espeak_voice():
    assert set(tts.FLITE_VOICES) == set(tts.ESPEAK_VOICES) == set(tts.VOICES)


def test_without_flite_espeak_ng_speaks(monkeypatch):
    monkeypatch.setattr(tts.shutil, "which", lambda name: None if name == "flite" else "/usr/bin/" + name)
    assert tts.engine_name() == "espeak-ng"
    pcm = tts.TTSEngine().synthesize_pcm16("hello there", "alloy")
    assert len(pcm) > 24000  # over half a second of speech
    assert pcm != tts._synthesize("hello there", "alloy", 1.0, "flite")


def test_blank_input_gives_a_short_silence(client):
    pcm = speak(client, input=" ", response_format="pcm").content
    assert pcm and not any(pcm)


def test_client_leaving_mid_stream_is_logged_as_disconnected(emulator, client):
    # 800 words take flite a few seconds of CPU before the first byte: wait as long as the client fixture does.
    # PCM, 12 MB for them: more than loopback's socket buffers hold, so the server is still writing when the
    # client goes (the same speech as MP3, 1.5 MB, could all sit in the buffers under load: logged 200, seen in CI).
    with httpx.Client(base_url=emulator.base_url, headers={"api-key": emulator.ctx.api_key}, timeout=60) as c:
        with c.stream("POST", URL, json={"input": "word " * 800, "voice": "alloy", "response_format": "pcm"}) as r:
            next(r.iter_raw())
    for _ in range(50):
        entries = client.get("/_emulator/requests").json()["requests"]
        if entries:
            break
        time.sleep(0.1)
    assert entries[0]["status"] == "disconnected"
