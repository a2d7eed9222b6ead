"""Uploads past a minute are recognised utterance by utterance (utterances.py): the words are where the speech
is in the upload, two voices keep apart, and an utterance heard before is looked up instead of decoded again."""

from __future__ import annotations

import functools
import random
import subprocess
from array import array

import httpx
import pytest
from azaudio_emulator import audio, utterances
from azaudio_emulator.stt import STTEngine
from azaudio_emulator.tts import TTSEngine
from conftest import deployment_url
from helpers import API_KEY

RATE = audio.OUTPUT_RATE
SECONDS = 75.0
PLACES = ((4.0, "onyx"), (31.5, "shimmer"), (58.25, "onyx"))  # where each phrase is put (seconds)
PHRASE = "the weather is nice today"


@functools.lru_cache(maxsize=None)
def _voice(voice: str) -> array:
    samples = array("h")
    samples.frombytes(TTSEngine().synthesize_pcm16(PHRASE, voice))
    return samples


def _onset(samples: array) -> float:
    """Where a clip's speech starts (seconds): its first sample louder than 1000."""
    return next(i for i, v in enumerate(samples) if abs(v) > 1000) / RATE


@pytest.fixture(scope="module")
def recording() -> tuple[bytes, list[tuple[float, str]]]:
    """75 s of a quiet line (not silence) with the same phrase said three times; the WAV and each onset."""
    noise = random.Random(7)
    mix = array("h", (noise.randint(-10, 10) for _ in range(int(SECONDS * RATE))))
    onsets = []
    for at, voice in PLACES:
        clip = _voice(voice)
        start = int(at * RATE)
        mix[start : start + len(clip)] = clip
        onsets.append((at + _onset(clip), voice))
    pcm = mix.tobytes()
    return audio.wav_header(len(pcm)) + pcm, onsets


def _post(client: httpx.Client, wav: bytes, deployment: str, **fields) -> httpx.Response:
    return client.post(
        deployment_url(deployment, "audio/transcriptions"),
        headers={"api-key": API_KEY},
        files={"file": ("long.wav", wav, "audio/wav")},
        data=fields,
        timeout=300,
    )


def test_words_of_a_long_upload_are_where_its_speech_is(client, recording):
    wav, onsets = recording
    r = _post(client, wav, "whisper", response_format="verbose_json", **{"timestamp_granularities[]": "segment"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["duration"] == pytest.approx(SECONDS, abs=0.05)
    starts = [s["start"] for s in body["segments"]]
    assert len(starts) == len(onsets)
    for start, (onset, _) in zip(starts, onsets, strict=True):
        assert start == pytest.approx(onset, abs=0.3)
    assert "weather" in body["text"]


def test_two_voices_in_a_long_upload_keep_their_labels(client, recording):
    wav, onsets = recording
    r = _post(client, wav, "gpt-4o-transcribe-diarize", response_format="diarized_json", chunking_strategy="auto")
    assert r.status_code == 200, r.text
    segments = r.json()["segments"]
    assert [s["start"] for s in segments] == pytest.approx([onset for onset, _ in onsets], abs=0.3)
    speakers = [s["speaker"] for s in segments]
    assert speakers[0] == speakers[2] != speakers[1]


def test_an_utterance_heard_before_is_not_decoded_again():
    pcm = _voice("onyx").tobytes()
    gap = b"\0\0" * RATE * 2
    stt = STTEngine()
    recognition, _ = utterances.analyse(stt, gap + pcm + gap + gap + pcm + gap, RATE)
    assert (stt.utterances.misses, stt.utterances.hits) == (1, 1)
    words = recognition.words
    half = len(words) // 2
    assert half > 0 and len(words) == 2 * half
    shift = (2 * len(gap) + len(pcm)) / 2 / RATE  # bytes to seconds
    for first, second in zip(words[:half], words[half:], strict=True):
        assert second.word == first.word
        assert second.start == pytest.approx(first.start + shift, abs=1e-6)


def test_speech_spans_are_the_loud_stretches_padded():
    quiet = b"\x05\x00" * RATE  # one second at 5
    loud = array("h", [3000, -3000] * (RATE // 4)).tobytes()  # half a second
    spans = utterances.speech_spans(quiet + loud + quiet + loud + quiet, RATE)
    pad_before, pad_after = int(RATE * utterances.PAD_BEFORE), int(RATE * utterances.PAD_AFTER)
    assert spans == [
        (RATE - pad_before, RATE + RATE // 2 + pad_after),
        (RATE * 5 // 2 - pad_before, RATE * 3 + pad_after),
    ]
    assert utterances.speech_spans(quiet * 3, RATE) == []


def test_a_wav_or_flac_header_tells_how_long_the_upload_is(recording, tmp_path):
    wav, _ = recording
    assert audio.declared_seconds(wav, "wav") == pytest.approx(SECONDS)
    (tmp_path / "long.wav").write_bytes(wav)
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-i", str(tmp_path / "long.wav"), str(tmp_path / "long.flac")], check=True
    )
    assert audio.declared_seconds((tmp_path / "long.flac").read_bytes(), "flac") == pytest.approx(SECONDS)
    assert audio.declared_seconds(wav[:30], "wav") is None
    assert audio.declared_seconds(b"fLaC\0", "flac") is None
    assert audio.declared_seconds(wav, "mp3") is None
