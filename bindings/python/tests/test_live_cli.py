"""`azaudio listen` and `azaudio interpret` end to end, against the emulator (paced --speed 40)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import azaudio
import pytest
from azaudio import audio, cli
from conftest import Emulator, run_cli

pytestmark = pytest.mark.usefixtures("realtime")


@pytest.fixture(scope="module")
def env(realtime_emulator: Emulator) -> dict[str, str]:
    return {"AZURE_OPENAI_ENDPOINT": realtime_emulator.endpoint, "AZURE_OPENAI_API_KEY": realtime_emulator.key}


@pytest.fixture(scope="module")
def question(tmp_path_factory: pytest.TempPathFactory, realtime_emulator: Emulator) -> Path:
    path = tmp_path_factory.mktemp("live") / "question.wav"
    with azaudio.Client(realtime_emulator.endpoint, api_key=realtime_emulator.key) as client:
        client.speech_to_file("What time is it?", path, deployment="tts", response_format="wav")
    return path


def test_listen_prints_each_completed_line(env: dict[str, str], question: Path) -> None:
    result = run_cli("listen", str(question), "--fast", "--deployment", "gpt-4o-transcribe", env=env)
    assert result.returncode == 0, result.stderr
    assert "what" in result.stdout.decode()


def test_listen_at_real_time_pace_takes_about_as_long_as_the_audio(env: dict[str, str], question: Path) -> None:
    seconds = audio.read_wav(question).duration
    started = time.monotonic()
    result = run_cli("listen", str(question), env=env)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started >= seconds  # paced: never faster than the audio


def test_listen_json_gives_deltas_segments_with_speakers_and_completed_lines(
    env: dict[str, str], question: Path
) -> None:
    result = run_cli("listen", str(question), "--fast", "--json", "--deployment", "gpt-4o-transcribe-diarize", env=env)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.decode().splitlines()]
    kinds = [r["type"] for r in records]
    assert "delta" in kinds and kinds[-1] == "completed"
    segment = next(r for r in records if r["type"] == "segment")
    assert segment["speaker"] and segment["end"] > segment["start"]
    completed = records[-1]["text"]
    assert "".join(r["text"] for r in records if r["type"] == "delta").strip() == completed


def test_listen_reads_raw_pcm_from_stdin(env: dict[str, str], question: Path) -> None:
    pcm = bytes(audio.read_wav(question).data)
    result = run_cli("listen", "-", "--deployment", "gpt-4o-transcribe", env=env, input=pcm)
    assert result.returncode == 0, result.stderr
    assert "what" in result.stdout.decode()


def test_listen_with_a_bad_delay_is_a_usage_error(env: dict[str, str], question: Path) -> None:
    result = run_cli("listen", str(question), "--delay", "soon", env=env)
    assert result.returncode == 2


def test_interpret_prints_both_transcripts_and_writes_the_translated_speech(
    env: dict[str, str], question: Path, tmp_path: Path
) -> None:
    out = tmp_path / "es.wav"
    result = run_cli(
        "interpret",
        str(question),
        "--to",
        "es",
        "--output",
        str(out),
        "--fast",
        "--json",
        "--transcription-deployment",
        "gpt-4o-transcribe",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert "what" in summary["heard"] and summary["translation"].startswith("[es]")
    wav = audio.read_wav(out)
    assert wav.rate == 24000 and wav.duration > 0.3
    assert summary["seconds"] == pytest.approx(wav.duration, abs=0.01)


def test_interpret_on_a_wrong_path_fails_with_not_found(env: dict[str, str], question: Path, tmp_path: Path) -> None:
    result = run_cli(
        "interpret",
        str(question),
        "--to",
        "es",
        "--output",
        str(tmp_path / "x.wav"),
        "--fast",
        "--path",
        "/openai/v1/realtime/nowhere",
        env=env,
    )
    assert result.returncode != 0
    assert b"404" in result.stderr or b"not found" in result.stderr.lower()


def test_listen_with_an_unknown_deployment_exits_6_and_says_which_flag_to_pass(
    env: dict[str, str], question: Path
) -> None:
    # A transcription session names its deployment in the session settings, so the service refuses it with an
    # error event (no HTTP 404, no request id): still "deployment not found" for the user.
    result = run_cli("listen", str(question), "--fast", "--deployment", "no-such-deployment", env=env)
    err = result.stderr.decode()
    assert result.returncode == cli.EXIT_NOT_FOUND == 6, err
    assert "no-such-deployment" in err and "next: pass --deployment" in err
    assert "request id" not in err  # there is none to point at
