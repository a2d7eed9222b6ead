"""`azaudio realtime` and `azaudio doctor --realtime-deployment` end to end, against the emulator paced --speed 40."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import azaudio
import pytest
from azaudio import audio, cli
from conftest import PACKAGE_DIR, Emulator, emulator_faults, run_cli, sigint_as_default

pytestmark = pytest.mark.usefixtures("realtime")


@pytest.fixture(scope="module")
def env(realtime_emulator: Emulator) -> dict[str, str]:
    return {"AZURE_OPENAI_ENDPOINT": realtime_emulator.endpoint, "AZURE_OPENAI_API_KEY": realtime_emulator.key}


@pytest.fixture(scope="module")
def question(tmp_path_factory: pytest.TempPathFactory, realtime_emulator: Emulator) -> Path:
    """'What time is it?' as a 24 kHz PCM16 WAV."""
    path = tmp_path_factory.mktemp("realtime") / "question.wav"
    with azaudio.Client(realtime_emulator.endpoint, api_key=realtime_emulator.key) as client:
        client.speech_to_file("What time is it?", path, deployment="tts", response_format="wav")
    return path


def test_a_spoken_turn_prints_the_transcripts_and_writes_the_reply(
    env: dict[str, str], question: Path, tmp_path: Path
) -> None:
    out = tmp_path / "reply.wav"
    started = time.monotonic()
    result = run_cli("realtime", "--input", str(question), "--output", str(out), "--speedup", "8", env=env)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    assert any(line.startswith("you: ") for line in lines)
    assert any(line.startswith("assistant: You said") for line in lines)
    reply = audio.read_wav(out)
    assert reply.rate == 24000 and reply.channels == 1 and reply.duration > 0.5
    assert elapsed < 30


def test_a_44100_hz_stereo_float_wav_is_taken_as_input(env: dict[str, str], question: Path, tmp_path: Path) -> None:
    import array

    pcm = array.array("h", audio.read_wav_mono(question, rate=44100).data)
    stereo = array.array("f", (x / 32768 for sample in pcm for x in (sample, sample)))
    source = tmp_path / "question-44k1-stereo-float.wav"
    audio.write_wav(source, stereo.tobytes(), rate=44100, channels=2, format=audio.FORMAT_FLOAT32)
    assert audio.read_wav(source).format_name == "float32"
    out = tmp_path / "reply.wav"
    result = run_cli("realtime", "--input", str(source), "--output", str(out), "--speedup", "8", env=env)
    assert result.returncode == 0, result.stderr
    assert any(line.startswith("you: ") for line in result.stdout.decode().splitlines())
    assert audio.read_wav(out).duration > 0.5


def test_json_prints_a_summary_on_the_preview_protocol(env: dict[str, str], question: Path, tmp_path: Path) -> None:
    out = tmp_path / "reply.wav"
    result = run_cli(
        "realtime",
        "--input",
        str(question),
        "--output",
        str(out),
        "--speedup",
        "8",
        "--json",
        "--protocol",
        "preview",
        "--voice",
        "verse",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["protocol"] == "preview" and summary["status"] == "completed"
    assert summary["transcript"].startswith("You said") and summary["heard"]
    assert summary["reply_seconds"] == pytest.approx(audio.read_wav(out).duration, abs=0.01)
    assert summary["usage"]["total_tokens"] > 0 and summary["frames_dropped"] == 0
    assert summary["first_audio_after_speech_ms"] > 0


def test_real_time_pace_is_kept_without_speedup(env: dict[str, str], question: Path, tmp_path: Path) -> None:
    duration = audio.read_wav(question).duration + 1.0  # the input, then a second of silence
    started = time.monotonic()
    result = run_cli(
        "realtime",
        "--input",
        str(question),
        "--output",
        str(tmp_path / "r.wav"),
        "--json",
        "--transcription-deployment",
        "",
        env=env,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["heard"] == ""  # transcription turned off
    assert elapsed >= duration * 0.95


def test_an_8khz_mu_law_input_is_converted_for_the_session(env: dict[str, str], question: Path, tmp_path: Path) -> None:
    wav = audio.read_wav(question)
    with audio.Resampler(24000, 8000) as r:
        pcm8 = r.process(wav.data) + r.flush()
    phone = tmp_path / "phone.wav"
    audio.write_wav(phone, audio.ulaw_encode(pcm8), rate=8000, format=audio.FORMAT_ULAW)
    result = run_cli(
        "realtime", "--input", str(phone), "--output", str(tmp_path / "r.wav"), "--speedup", "8", "--json", env=env
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "completed"


def test_speech_the_transcription_deployment_cannot_transcribe_is_reported_not_silent(
    env: dict[str, str], question: Path, tmp_path: Path
) -> None:
    out = tmp_path / "r.wav"
    args = ["realtime", "--input", str(question), "--output", str(out), "--speedup", "8"]
    result = run_cli(*args, "--transcription-deployment", "no-such-deployment", env=env)
    err = result.stderr.decode()
    assert result.returncode == 0, err  # the reply still came
    assert "your speech was not transcribed" in err and "no-such-deployment" in err
    assert "next: pass --transcription-deployment" in err and out.exists()
    assert "you:" not in result.stdout.decode() and "assistant:" in result.stdout.decode()


@pytest.mark.parametrize(
    "case,code",
    [
        ("missing input", cli.EXIT_NOT_FOUND),
        ("input at a rate the resampler refuses", cli.EXIT_CONFIG),
        ("bad speedup", cli.EXIT_CONFIG),
        ("negative reconnect", cli.EXIT_CONFIG),
        ("unknown deployment", cli.EXIT_NOT_FOUND),
        ("wrong key", cli.EXIT_AUTH),
        ("closed port", cli.EXIT_UNREACHABLE),
    ],
)
def test_failures_exit_with_the_documented_codes(
    env: dict[str, str], question: Path, tmp_path: Path, case: str, code: int
) -> None:
    args = ["realtime", "--input", str(question), "--output", str(tmp_path / "r.wav"), "--speedup", "8"]
    environment = dict(env)
    if case == "missing input":
        args[2] = str(tmp_path / "nope.wav")
    elif case == "input at a rate the resampler refuses":
        args[2] = str(tmp_path / "4khz.wav")
        audio.write_wav(args[2], bytes(9600), rate=4000, channels=2)
    elif case == "bad speedup":
        args[-1] = "0"
    elif case == "negative reconnect":
        args += ["--reconnect", "-1"]
    elif case == "unknown deployment":
        args += ["--deployment", "no-such-deployment"]
    elif case == "wrong key":
        environment["AZURE_OPENAI_API_KEY"] = "wrong"
    elif case == "closed port":
        environment["AZURE_OPENAI_ENDPOINT"] = "http://127.0.0.1:1"
    result = run_cli(*args, "--json", env=environment)
    assert result.returncode == code, result.stderr
    assert json.loads(result.stdout)["exit_code"] == code
    assert not (tmp_path / "r.wav").exists()


def test_a_session_closed_by_the_service_exits_7(
    env: dict[str, str], question: Path, tmp_path: Path, realtime_emulator: Emulator
) -> None:
    def control(method: str, body: "dict[str, object] | None" = None) -> None:
        emulator_faults(realtime_emulator, method, body)

    control("POST", {"kind": "ws_close", "code": 1011, "reason": "upstream failed", "after_events": 3})
    try:
        result = run_cli(
            "realtime", "--input", str(question), "--output", str(tmp_path / "r.wav"), "--speedup", "8", env=env
        )
    finally:
        control("DELETE")
    assert result.returncode == cli.EXIT_SERVICE
    assert b"1011" in result.stderr and b"upstream failed" in result.stderr


def _realtime_sessions(emulator: Emulator) -> list:
    import urllib.request

    with urllib.request.urlopen(emulator.endpoint + "/_emulator/realtime/sessions", timeout=10) as answer:
        return json.loads(answer.read())["sessions"]


def test_ctrl_c_ends_the_session_and_exits_130(
    env: dict[str, str], question: Path, tmp_path: Path, realtime_emulator: Emulator
) -> None:
    before = len(_realtime_sessions(realtime_emulator))
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_OPENAI_", "OPENAI_"))}
    environment.update(
        env,
        PYTHONPATH=os.pathsep.join([str(PACKAGE_DIR)] + [p for p in sys.path if p]),
        AZAUDIO_LIBRARY=azaudio.library_path(),
    )
    out = tmp_path / "r.wav"
    process = subprocess.Popen(
        [sys.executable, "-m", "azaudio", "realtime", "--input", str(question), "--output", str(out)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=sigint_as_default,
    )
    # SIGINT mid-stream: once the emulator has received the CLI's first audio (it streams the 2-3 s input at
    # real-time pace), whatever the machine's load; a fixed sleep could come before the session or after the input.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        sessions = _realtime_sessions(realtime_emulator)
        if len(sessions) > before and sessions[-1]["audio_bytes"] > 0:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the CLI ended before it streamed audio"
    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=10)
    assert process.returncode == cli.EXIT_INTERRUPTED
    assert time.monotonic() - started < 3
    assert b"interrupted" in err and not out.exists()


def test_the_timeline_goes_to_a_terminal(env: dict[str, str], question: Path, tmp_path: Path) -> None:
    script = "/usr/bin/script"
    if not Path(script).exists():
        pytest.skip("no script(1) to give the command a terminal")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_OPENAI_", "OPENAI_"))}
    environment.update(
        env,
        PYTHONPATH=os.pathsep.join([str(PACKAGE_DIR)] + [p for p in sys.path if p]),
        AZAUDIO_LIBRARY=azaudio.library_path(),
    )
    command = f"{sys.executable} -m azaudio realtime --input {question} --output {tmp_path / 'r.wav'} --speedup 8"
    result = subprocess.run(
        [script, "-qec", command, "/dev/null"],
        env=environment,
        capture_output=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    text = result.stdout.decode(errors="replace")
    assert result.returncode == 0, text
    order = (
        "session ready",
        "speech started",
        "speech stopped",
        "first reply audio",
        "assistant: You said",
        "response completed",
        "first audible",
        "wrote",
    )
    places = [text.find(word) for word in order]
    assert all(p >= 0 for p in places), text
    assert places == sorted(places), text  # printed in the order it happened
    assert "you: " in text


def test_doctor_opens_and_closes_a_realtime_session(env: dict[str, str]) -> None:
    result = run_cli("doctor", "--json", "--realtime-deployment", "gpt-realtime", env=env)
    report = json.loads(result.stdout)
    assert result.returncode == 0, report
    check = next(c for c in report["checks"] if c["name"] == "realtime")
    assert check["status"] == "ok" and check["close_code"] == 1000 and check["protocol"] == "ga"


def test_doctor_fails_the_realtime_check_for_an_unknown_deployment(env: dict[str, str]) -> None:
    result = run_cli("doctor", "--realtime-deployment", "no-such-deployment", "--realtime-protocol", "preview", env=env)
    out = result.stdout.decode()
    assert result.returncode == cli.EXIT_FAILED
    assert "fail  realtime" in out and "DeploymentNotFound" in out


def test_realtime_help_lists_its_options() -> None:
    out = run_cli("realtime", "--help").stdout.decode()
    for flag in ("--input", "--output", "--protocol", "--voice", "--speedup", "--transcription-deployment"):
        assert flag in out


def _readme_example() -> str:
    readme = (PACKAGE_DIR / "README.md").read_text()
    section = readme.split("## Realtime sessions", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_readmes_realtime_example_runs(env: dict[str, str], question: Path, tmp_path: Path) -> None:
    (tmp_path / "question.wav").write_bytes(question.read_bytes())
    (tmp_path / "example.py").write_text(_readme_example())
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_OPENAI_", "OPENAI_"))}
    environment.update(
        env,
        PYTHONPATH=os.pathsep.join([str(PACKAGE_DIR)] + [p for p in sys.path if p]),
        AZAUDIO_LIBRARY=azaudio.library_path(),
    )
    result = subprocess.run(
        [sys.executable, "example.py"], cwd=tmp_path, env=environment, capture_output=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().startswith("You said")
    assert audio.read_wav(tmp_path / "reply.wav").duration > 0.5


def test_the_readmes_realtime_example_type_checks(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    (tmp_path / "example.py").write_text(_readme_example())
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "example.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_connection_lost_mid_input_exits_11_never_0(
    env: dict[str, str], question: Path, tmp_path: Path, realtime_emulator: Emulator
) -> None:
    # Reset after the first reply audio: part of a reply may have arrived, but the input was not all sent.
    emulator_faults(realtime_emulator, "POST", {"kind": "tcp_reset", "after_events": 4})
    try:
        result = run_cli(
            "realtime", "--input", str(question), "--output", str(tmp_path / "r.wav"), "--speedup", "8", env=env
        )
    finally:
        emulator_faults(realtime_emulator, "DELETE")
    assert result.returncode == cli.EXIT_CALL_DROPPED == 11, result.stderr
    assert b"lost before the call's input was sent" in result.stderr
    assert not (tmp_path / "r.wav").exists()


def test_with_reconnect_a_reset_call_goes_on_and_the_summary_shows_the_reconnect(
    env: dict[str, str], question: Path, tmp_path: Path, realtime_emulator: Emulator
) -> None:
    emulator_faults(realtime_emulator, "POST", {"kind": "tcp_reset", "after_events": 3})
    try:
        result = run_cli(
            "realtime",
            "--input",
            str(question),
            "--output",
            str(tmp_path / "r.wav"),
            "--speedup",
            "8",
            "--reconnect",
            "3",
            "--json",
            env=env,
        )
    finally:
        emulator_faults(realtime_emulator, "DELETE")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["input_sent"] is True and summary["status"] == "completed"
    assert len(summary["reconnects"]) == 1
    assert summary["reconnects"][0]["session_id"].startswith("sess")
    assert summary["reconnects"][0]["outage_ms"] >= 0
    assert summary["reconnects"][0]["lost"].split()[0].isdigit()  # the lost connection's close code, then why


def test_json_reports_the_turns_latency_figures(env: dict[str, str], question: Path, tmp_path: Path) -> None:
    result = run_cli(
        "realtime", "--input", str(question), "--output", str(tmp_path / "r.wav"), "--speedup", "8", "--json", env=env
    )
    assert result.returncode == 0, result.stderr
    latency = json.loads(result.stdout)["latency"]
    assert len(latency) == 1
    turn = latency[0]
    assert turn["speech_end_to_first_audio_ms"] >= turn["speech_end_to_created_ms"] >= 0
    assert turn["created_to_first_audio_ms"] >= 0 and turn["handshake_ms"] > 0 and turn["session_ready_ms"] > 0
    # The first audible reply audio (a level gate on the decoded reply): after the first audio, in the reply.
    assert turn["speech_end_to_first_audible_ms"] >= turn["speech_end_to_first_audio_ms"]
    assert turn["created_to_first_audible_ms"] >= turn["created_to_first_audio_ms"]
    assert turn["first_audible_offset_ms"] >= 0


def test_the_python_session_reads_the_latency_summary(realtime_emulator: Emulator) -> None:
    from azaudio.realtime import EventType

    with azaudio.Client(realtime_emulator.endpoint, api_key=realtime_emulator.key) as client:
        with client.realtime(deployment="gpt-realtime", turn_detection=None, text_only=False) as session:
            assert session.latency_summary() == (0, None, None)
            session.create_text_item("user", "hello")
            session.create_response()
            kinds: list[EventType] = []
            for event in session.events(timeout=20):
                kinds.append(event.type)
                if event.type == EventType.TURN_LATENCY:
                    break
            assert kinds[-2:] == [EventType.RESPONSE_DONE, EventType.TURN_LATENCY]
            count, median, p95 = session.latency_summary()
            assert count == 1 and median is not None and median == p95
            audible, audible_median, _ = session.audible_latency_summary()
            assert audible == 1 and audible_median is not None and audible_median >= median


def test_the_python_session_asks_again_for_a_reply_a_drop_cut_off(realtime_emulator: Emulator) -> None:
    from azaudio.realtime import EventType

    emulator_faults(realtime_emulator, "POST", {"kind": "tcp_reset", "after_audio_deltas": 3})
    try:
        with azaudio.Client(realtime_emulator.endpoint, api_key=realtime_emulator.key) as client:
            with client.realtime(
                deployment="gpt-realtime",
                turn_detection=None,
                text_only=False,
                reconnect_max_attempts=3,
                reconnect_backoff_ms=20,
                reask_interrupted_response=True,
            ) as session:
                session.create_text_item("user", "Tell me a story.")
                session.create_response()
                kinds: list[EventType] = []
                for event in session.events(timeout=30):
                    kinds.append(event.type)
                    if event.type == EventType.RESPONSE_INTERRUPTED:
                        assert event.json["reask"] is True
                    if event.type == EventType.RESPONSE_DONE:
                        break
                assert EventType.RECONNECTED in kinds
                # The reply the reset cut off was asked for again: it is the one that ended.
                assert kinds.index(EventType.RESPONSE_INTERRUPTED) < kinds.index(EventType.RECONNECTED)
                assert kinds.count(EventType.RESPONSE_CREATED) == 2
    finally:
        emulator_faults(realtime_emulator, "DELETE")
