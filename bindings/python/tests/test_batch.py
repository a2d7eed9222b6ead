"""Batches of recordings: resumable at the piece level, a corrupt file fails alone, shards split the inputs."""

from __future__ import annotations

import io
import json
import urllib.request
import wave
from pathlib import Path
from typing import Any

import azaudio
import pytest
from azaudio import cli
from azaudio.batch import expand_inputs
from conftest import Emulator, run_cli, run_cli_in_terminal

pytestmark = pytest.mark.usefixtures("rest")

#: Small enough that each 15-second recording needs several pieces (24 kHz 16-bit: 8 s per piece at most).
LIMIT = 400_000
PHRASES = ["one two three four five", "the quick brown fox", "six seven eight nine ten"]


def _requests(emulator: Emulator, path: str = "audio/transcriptions") -> list[dict[str, Any]]:
    with urllib.request.urlopen(emulator.endpoint + "/_emulator/requests?path=" + path, timeout=10) as r:
        return json.loads(r.read())["requests"]


def _clear(emulator: Emulator) -> None:
    request = urllib.request.Request(emulator.endpoint + "/_emulator/requests", method="DELETE")
    urllib.request.urlopen(request, timeout=10).close()


@pytest.fixture(scope="module")
def recordings(tmp_path_factory: pytest.TempPathFactory, emulator: Emulator) -> Path:
    """Three 15-second recordings of spoken phrases separated by pauses, and one corrupt file."""
    folder = tmp_path_factory.mktemp("batch") / "in"
    folder.mkdir()
    with azaudio.Client(emulator.endpoint, api_key=emulator.key) as client:
        clips = []
        for text in PHRASES:
            with wave.open(io.BytesIO(client.speech(text, deployment="tts", response_format="wav"))) as w:
                rate = w.getframerate()
                clips.append(w.readframes(w.getnframes()))
    for n in range(3):
        pcm = bytearray()
        for clip in clips[n:] + clips[:n]:
            pad = max(0, rate * 4 - len(clip) // 2)
            pcm += bytes(2 * rate) + clip + bytes(2 * pad)
        with wave.open(str(folder / f"talk{n}.wav"), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(bytes(pcm))
    (folder / "broken.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" + bytes(LIMIT + 1000))
    return folder


class Interrupted(Exception):
    """Stands for Ctrl-C or a killed process in the middle of a batch."""


def test_a_batch_interrupted_halfway_and_started_again_sends_no_finished_piece_again(
    client: azaudio.Client, emulator: Emulator, recordings: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    pieces = azaudio.Pieces(max_upload_bytes=LIMIT, concurrency=1)
    _clear(emulator)
    seen = {"done": 0}

    def stop_in_the_second_file(name: str, done: int, total: int, seconds: float, seconds_total: float) -> None:
        if name.endswith("talk1.wav") and done >= 1:
            raise Interrupted()

    inputs = [str(recordings / "talk0.wav"), str(recordings / "talk1.wav")]
    with pytest.raises(Interrupted):
        for result in azaudio.transcribe_many(
            client,
            inputs,
            output_dir=str(out),
            deployment="whisper",
            jobs=1,
            response_format="srt",
            pieces=pieces,
            on_pieces=stop_in_the_second_file,
        ):
            assert result.ok, result.error
            seen["done"] += 1
    assert seen["done"] == 1 and (out / "talk0.srt").exists() and not (out / "talk1.srt").exists()
    first = [r["fields"]["file"]["sha256"] for r in _requests(emulator)]
    assert len(first) >= 4  # talk0 whole (several pieces) and the first piece of talk1

    _clear(emulator)
    results = list(
        azaudio.transcribe_many(
            client, inputs, output_dir=str(out), deployment="whisper", jobs=2, response_format="srt", pieces=pieces
        )
    )
    assert [r.skipped for r in results] == [True, False]
    assert all(r.ok for r in results)
    second = [r["fields"]["file"]["sha256"] for r in _requests(emulator)]
    assert second, "talk1's remaining pieces were sent"
    assert not set(first) & set(second), "a piece answered in the first run was sent again"
    assert "-->" in (out / "talk1.srt").read_text()


def test_a_corrupt_file_in_a_batch_fails_alone(client: azaudio.Client, recordings: Path, tmp_path: Path) -> None:
    results = {
        Path(r.input).name: r
        for r in azaudio.transcribe_many(
            client,
            [str(recordings)],
            output_dir=str(tmp_path),
            deployment="whisper",
            jobs=2,
            response_format="text",
            pieces=azaudio.Pieces(max_upload_bytes=LIMIT),
        )
    }
    assert set(results) == {"broken.wav", "talk0.wav", "talk1.wav", "talk2.wav"}
    assert results["broken.wav"].error is not None
    assert all(results[f"talk{n}.wav"].ok for n in range(3))
    assert (tmp_path / "talk2.txt").read_text().strip()


def test_shards_split_the_inputs_between_runs_without_overlap(recordings: Path) -> None:
    everything = expand_inputs([str(recordings)])
    parts = [[p for i, p in enumerate(everything) if i % 3 == k] for k in range(3)]
    assert sorted(sum(parts, [])) == everything
    assert len(everything) == 4


def test_the_cli_transcribes_a_directory_into_an_output_dir(
    emulator: Emulator, recordings: Path, tmp_path: Path
) -> None:
    env = {"AZURE_OPENAI_ENDPOINT": emulator.endpoint, "AZURE_OPENAI_API_KEY": emulator.key}
    done = run_cli(
        "transcribe",
        str(recordings),
        "--output-dir",
        str(tmp_path),
        "--format",
        "text",
        "--shard",
        "1/2",
        "--max-upload-bytes",
        str(LIMIT),
        env=env,
        timeout=600,
    )
    # inputs sorted: broken, talk0, talk1, talk2 -> shard 1/2 takes talk0 and talk2
    assert done.returncode == 0, done.stderr.decode()
    assert sorted(p.name for p in tmp_path.glob("*.txt")) == ["talk0.txt", "talk2.txt"]
    again = run_cli(
        "transcribe", str(recordings), "--output-dir", str(tmp_path), "--format", "text", "--shard", "1/2", env=env
    )
    assert again.returncode == 0
    assert b"0 done, 2 already done, 0 failed" in again.stdout


def test_a_cli_batch_with_a_failed_input_exits_10_and_names_it(
    emulator: Emulator, recordings: Path, tmp_path: Path
) -> None:
    env = {"AZURE_OPENAI_ENDPOINT": emulator.endpoint, "AZURE_OPENAI_API_KEY": emulator.key}
    # shard 0/2 of broken, talk0, talk1, talk2: broken.wav and talk1.wav
    done = run_cli(
        "transcribe",
        str(recordings),
        "--output-dir",
        str(tmp_path),
        "--format",
        "text",
        "--shard",
        "0/2",
        "--max-upload-bytes",
        str(LIMIT),
        "--json",
        env=env,
        timeout=600,
    )
    assert done.returncode == cli.EXIT_PARTIAL == 10, done.stderr.decode()
    report = json.loads(done.stdout)
    assert report["failed"] == 1
    failed = [r for r in report["results"] if r["error"]]
    assert [Path(r["input"]).name for r in failed] == ["broken.wav"]
    assert not failed[0]["error"].startswith("azaudio_")  # the message in user words, without C names
    assert sorted(p.name for p in tmp_path.glob("*.txt")) == ["talk1.txt"]
    plain = run_cli(
        "transcribe",
        str(recordings / "broken.wav"),
        str(recordings / "talk1.wav"),
        "--output-dir",
        str(tmp_path),
        "--format",
        "text",
        env=env,
    )
    assert plain.returncode == cli.EXIT_PARTIAL
    assert b"broken.wav: " in plain.stderr and b"0 done, 1 already done, 1 failed" in plain.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (("--shard", "2/2", "--output-dir", "out"), b"0 <= I < N"),
        (("--shard", "half", "--output-dir", "out"), b"use I/N"),
        ((), b"need --output-dir"),
        (("-", "--output-dir", "out"), b"stdin"),
    ],
)
def test_cli_batch_usage_mistakes_exit_2_before_sending(
    emulator: Emulator, recordings: Path, args: tuple[str, ...], message: bytes
) -> None:
    env = {"AZURE_OPENAI_ENDPOINT": emulator.endpoint, "AZURE_OPENAI_API_KEY": emulator.key}
    _clear(emulator)
    result = run_cli("transcribe", str(recordings), *args, env=env)
    assert result.returncode == cli.EXIT_USAGE, result.stderr.decode()
    assert message in result.stderr
    assert _requests(emulator) == []


def test_one_long_recording_on_a_terminal_shows_the_pieces_line_instead_of_the_byte_count(
    emulator: Emulator, recordings: Path
) -> None:
    shown = run_cli_in_terminal(
        emulator,
        "transcribe",
        str(recordings / "talk0.wav"),
        "--max-upload-bytes",
        str(LIMIT),
        "--pieces",
        "1",
        "--format",
        "text",
    )
    lines = shown.replace("\r", "\n").splitlines()
    final = [line for line in lines if "pieces " in line][-1]
    done, total = final.split("pieces ")[1].split()[0].split("/")
    assert int(total) >= 2 and done == total, shown
    assert "audio 0.2 of 0.2 min" in final and "x real time" in final, shown
    assert not any(line.strip().startswith("uploading") for line in lines), shown
    assert "one two three four five" in shown  # the first piece's words, after the line ended


def test_one_long_recording_without_a_terminal_prints_only_the_whole_text(emulator: Emulator, recordings: Path) -> None:
    env = {"AZURE_OPENAI_ENDPOINT": emulator.endpoint, "AZURE_OPENAI_API_KEY": emulator.key}
    _clear(emulator)
    result = run_cli(
        "translate", str(recordings / "talk1.wav"), "--max-upload-bytes", str(LIMIT), "--format", "text", env=env
    )
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b""
    assert "one two three four five" in result.stdout.decode()  # talk1 ends with it: the last piece is merged in
    assert len(_requests(emulator, "audio/translations")) >= 2  # --max-upload-bytes cut it into pieces


def test_cli_stream_refuses_the_pieces_flags_instead_of_ignoring_them(emulator: Emulator, recordings: Path) -> None:
    env = {"AZURE_OPENAI_ENDPOINT": emulator.endpoint, "AZURE_OPENAI_API_KEY": emulator.key}
    result = run_cli(
        "transcribe",
        str(recordings / "talk0.wav"),
        "--stream",
        "--deployment",
        "gpt-4o-transcribe",
        "--max-upload-bytes",
        str(LIMIT),
        env=env,
    )
    assert result.returncode == cli.EXIT_USAGE
    assert b"do not apply to --stream" in result.stderr
