"""Diarized transcription (gpt-4o-transcribe-diarize) and gpt-transcribe's options through the binding."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import azaudio
import pytest
from azaudio import cli
from conftest import Emulator, run_cli

pytestmark = pytest.mark.usefixtures("rest")


def _wav(pcm: bytes, rate: int = 24000) -> bytes:
    return (
        struct.pack(
            "<4sI4s4sIHHIIHH4sI",
            b"RIFF",
            36 + len(pcm),
            b"WAVE",
            b"fmt ",
            16,
            1,
            1,
            rate,
            rate * 2,
            2,
            16,
            b"data",
            len(pcm),
        )
        + pcm
    )


@pytest.fixture(scope="module")
def voices(emulator: Emulator) -> dict[str, bytes]:
    """24 kHz pcm16 of a low voice (onyx) and a high voice (shimmer)."""
    with azaudio.Client(emulator.endpoint, api_key=emulator.key) as client:

        def say(text: str, voice: str) -> bytes:
            return client.speech(text, deployment="tts", voice=voice, response_format="pcm")

        return {
            "low": say("hello there how are you today", "onyx"),
            "high": say("i am fine thank you", "shimmer"),
            "low2": say("good to hear that", "onyx"),
            "low_clip": say("this is the customer calling about my order", "onyx"),
            "high_clip": say("this is the agent speaking to you now", "shimmer"),
        }


@pytest.fixture(scope="module")
def dialogue(voices: dict[str, bytes]) -> bytes:
    gap = b"\0\0" * 24000
    return _wav(gap.join([voices["low"], voices["high"], voices["low2"]]))


def test_diarized_json_labels_two_voices_and_keeps_ids(client: azaudio.Client, dialogue: bytes) -> None:
    result = client.transcribe(
        dialogue, deployment="gpt-4o-transcribe-diarize", response_format="diarized_json", filename="talk.wav"
    )
    assert [s.speaker for s in result.segments] == ["A", "B", "A"]
    assert [s.id for s in result.segments] == ["seg_001", "seg_002", "seg_003"]
    assert all(s.start < s.end for s in result.segments)


def test_known_speakers_from_a_path_and_from_bytes(
    client: azaudio.Client, dialogue: bytes, voices: dict[str, bytes], tmp_path: Path
) -> None:
    customer = tmp_path / "customer.wav"
    customer.write_bytes(_wav(voices["low_clip"]))
    result = client.transcribe(
        dialogue,
        deployment="gpt-4o-transcribe-diarize",
        response_format="diarized_json",
        known_speakers={"customer": customer, "agent": (_wav(voices["high_clip"]), "agent.wav")},
    )
    assert [s.speaker for s in result.segments] == ["customer", "agent", "customer"]


def test_on_segment_streams_the_segments_as_they_complete(client: azaudio.Client, dialogue: bytes) -> None:
    seen: list[azaudio.Segment] = []
    result = client.transcribe(
        dialogue, deployment="gpt-4o-transcribe-diarize", response_format="diarized_json", on_segment=seen.append
    )
    assert [s.speaker for s in seen] == ["A", "B", "A"]
    assert seen == result.segments


def test_an_exception_in_on_segment_stops_the_call_and_is_raised(client: azaudio.Client, dialogue: bytes) -> None:
    def boom(segment: azaudio.Segment) -> None:
        raise KeyError("stop here")

    with pytest.raises(KeyError):
        client.transcribe(
            dialogue, deployment="gpt-4o-transcribe-diarize", response_format="diarized_json", on_segment=boom
        )


def test_the_diarizing_model_refuses_a_prompt_locally(client: azaudio.Client, dialogue: bytes) -> None:
    with pytest.raises(azaudio.UnsupportedError, match="does not take a prompt"):
        client.transcribe(dialogue, deployment="gpt-4o-transcribe-diarize", prompt="hi")


def test_a_short_reference_clip_is_refused_locally(
    client: azaudio.Client, dialogue: bytes, voices: dict[str, bytes]
) -> None:
    with pytest.raises(azaudio.InvalidArgumentError, match="it must be 2 to 10 s"):
        client.transcribe(
            dialogue,
            deployment="gpt-4o-transcribe-diarize",
            response_format="diarized_json",
            known_speakers={"agent": _wav(voices["high_clip"][:48000])},
        )


def test_gpt_transcribe_takes_languages_and_keywords(client: azaudio.Client, dialogue: bytes) -> None:
    result = client.transcribe(dialogue, deployment="gpt-transcribe", languages=["en"], keywords=["fine"])
    assert result.text
    with pytest.raises(azaudio.UnsupportedError, match="only gpt-transcribe"):
        client.transcribe(dialogue, deployment="whisper", keywords=["fine"])


def _env(emulator: Emulator) -> dict[str, str]:
    return {"AZURE_OPENAI_ENDPOINT": emulator.endpoint, "AZURE_OPENAI_API_KEY": emulator.key}


def test_cli_prints_speaker_labelled_lines(emulator: Emulator, dialogue: bytes, tmp_path: Path) -> None:
    talk = tmp_path / "talk.wav"
    talk.write_bytes(dialogue)
    result = run_cli(
        "transcribe",
        str(talk),
        "--deployment",
        "gpt-4o-transcribe-diarize",
        "--format",
        "diarized_json",
        env=_env(emulator),
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    assert [line.split("] ")[1].split(":")[0] for line in lines] == ["A", "B", "A"]
    assert lines[0].startswith("[") and " - " in lines[0]


def test_cli_speaker_flags_name_the_speakers_and_json_keeps_them(
    emulator: Emulator, dialogue: bytes, voices: dict[str, bytes], tmp_path: Path
) -> None:
    talk, agent, customer = tmp_path / "talk.wav", tmp_path / "agent.wav", tmp_path / "customer.wav"
    talk.write_bytes(dialogue)
    agent.write_bytes(_wav(voices["high_clip"]))
    customer.write_bytes(_wav(voices["low_clip"]))
    result = run_cli(
        "transcribe",
        str(talk),
        "--deployment",
        "gpt-4o-transcribe-diarize",
        "--format",
        "diarized_json",
        "--speaker",
        f"agent={agent}",
        "--speaker",
        f"customer={customer}",
        "--json",
        "--stream",
        env=_env(emulator),
    )
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert [s["speaker"] for s in body["segments"]] == ["customer", "agent", "customer"]


def test_cli_a_malformed_speaker_flag_is_a_configuration_error(emulator: Emulator, tmp_path: Path) -> None:
    talk = tmp_path / "talk.wav"
    talk.write_bytes(b"RIFF")
    result = run_cli(
        "transcribe",
        str(talk),
        "--deployment",
        "gpt-4o-transcribe-diarize",
        "--format",
        "diarized_json",
        "--speaker",
        "agent",
        env=_env(emulator),
    )
    assert result.returncode == cli.EXIT_CONFIG
    assert b"NAME=CLIP" in result.stderr
