"""The azaudio command line: global flags, doctor, the REST commands, exit codes."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import azaudio
import pytest
from azaudio import _cli_output, audio, cli
from conftest import Emulator, run_cli, run_cli_in_terminal, sigint_as_default


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_help_lists_the_commands_and_the_exit_codes() -> None:
    result = run_cli("--help")
    out = result.stdout.decode()
    assert result.returncode == 0
    for word in ("doctor", "transcribe", "translate", "speak", "chat", "realtime", "exit codes", "130"):
        assert word in out


def test_version_names_the_package_and_the_library() -> None:
    result = run_cli("--version")
    assert result.returncode == 0 and azaudio.version() in result.stdout.decode()


def test_a_bad_command_line_exits_2() -> None:
    assert run_cli("frobnicate").returncode == cli.EXIT_USAGE


def test_doctor_without_an_endpoint_reports_the_missing_setting_and_exits_1() -> None:
    result = run_cli("doctor")
    assert result.returncode == cli.EXIT_FAILED
    assert "AZURE_OPENAI_ENDPOINT" in result.stdout.decode()


def test_doctor_shows_the_endpoint_as_the_library_normalised_it() -> None:
    port = _closed_port()
    result = run_cli("doctor", "--json", "--endpoint", f"http://127.0.0.1:{port}/openai/v1/", "--api-key", "k")
    report = json.loads(result.stdout)
    config = next(c for c in report["checks"] if c["name"] == "config")
    assert config["endpoint"] == f"http://127.0.0.1:{port}"


def test_doctor_against_a_closed_port_fails_the_connect_check_with_the_librarys_details() -> None:
    port = _closed_port()
    result = run_cli("--endpoint", f"http://127.0.0.1:{port}", "--api-key", "k", "doctor")
    out = result.stdout.decode()
    assert result.returncode == cli.EXIT_FAILED
    # libcurl's own words, through the library's error details (not a socket probe of this program)
    assert "fail  connect" in out and f"Failed to connect to 127.0.0.1 port {port}" in out
    assert "azaudio_" not in out.replace("libazaudio", "")


def test_doctor_against_the_emulator_passes(emulator: Emulator) -> None:
    result = run_cli(
        "doctor", "--json", env={"AZURE_OPENAI_ENDPOINT": emulator.endpoint, "AZURE_OPENAI_API_KEY": emulator.key}
    )
    report = json.loads(result.stdout)
    assert result.returncode == 0, report
    assert report["ok"] is True
    statuses = {c["name"]: c["status"] for c in report["checks"]}
    assert statuses["connect"] == "ok" and statuses["tls"] == "skip"
    if azaudio.has_feature("rest"):
        assert statuses["auth"] == "ok" and statuses["api-version"] == "ok"


def test_doctor_with_a_wrong_key_fails_the_auth_check(emulator: Emulator, rest: None) -> None:
    result = run_cli("doctor", "--json", "--endpoint", emulator.endpoint, "--api-key", "wrong")
    report = json.loads(result.stdout)
    assert result.returncode == cli.EXIT_FAILED
    auth = next(c for c in report["checks"] if c["name"] == "auth")
    assert auth["status"] == "fail" and auth["http_status"] == 401


def test_doctor_checks_the_deployment(emulator: Emulator, rest: None) -> None:
    env = {"AZURE_OPENAI_ENDPOINT": emulator.endpoint, "AZURE_OPENAI_API_KEY": emulator.key}
    good = run_cli("doctor", "--deployment", "whisper", env=env)
    assert good.returncode == 0 and "ok    deployment" in good.stdout.decode()
    bad = run_cli("doctor", "--deployment", "nope", env=env)
    assert bad.returncode == cli.EXIT_FAILED and "DeploymentNotFound" in bad.stdout.decode()


def test_doctor_probes_tls_with_the_ca_settings(tmp_path: Path) -> None:
    # A TLS endpoint nobody serves: the doctor reaches the TCP step and reports it; the CA file is passed through.
    ca = tmp_path / "ca.pem"
    ca.write_text("")
    port = _closed_port()
    result = run_cli(
        "doctor", "--json", "--endpoint", f"https://127.0.0.1:{port}", "--api-key", "k", "--ca-file", str(ca)
    )
    report = json.loads(result.stdout)
    assert any(c["name"] == "connect" and c["status"] == "fail" for c in report["checks"])


def test_realtime_exits_8_when_the_library_has_no_realtime_api() -> None:
    if azaudio.has_feature("realtime"):
        pytest.skip("this library has the realtime API (tests/test_realtime_cli.py runs the command)")
    result = run_cli("realtime", "--input", "x.wav", "--output", "y.wav")
    assert result.returncode == cli.EXIT_UNAVAILABLE
    assert "not available in this build" in result.stderr.decode()


def test_rest_commands_exit_8_when_the_library_has_no_rest_api(tmp_path: Path) -> None:
    if azaudio.has_feature("rest"):
        pytest.skip("this library has the REST API")
    result = run_cli(
        "transcribe", "x.wav", env={"AZURE_OPENAI_ENDPOINT": "http://127.0.0.1:1", "AZURE_OPENAI_API_KEY": "k"}
    )
    assert result.returncode == cli.EXIT_UNAVAILABLE
    assert "not available in this build" in result.stderr.decode()


def test_a_missing_credential_exits_3(rest: None) -> None:
    result = run_cli("speak", "hi", "-o", "x.wav", "--endpoint", "http://127.0.0.1:1")
    assert result.returncode == cli.EXIT_CONFIG
    assert "AZURE_OPENAI_API_KEY" in result.stderr.decode()


def test_speak_then_transcribe_round_trips_through_files(emulator: Emulator, rest: None, tmp_path: Path) -> None:
    env = {"AZURE_OPENAI_ENDPOINT": emulator.endpoint, "AZURE_OPENAI_API_KEY": emulator.key}
    out = tmp_path / "hello.wav"
    spoke = run_cli("speak", "hello", "-o", str(out), env=env)
    assert spoke.returncode == 0, spoke.stderr
    assert audio.read_wav(out).rate == 24000
    heard = run_cli("transcribe", str(out), env=env)
    assert heard.returncode == 0 and heard.stdout.decode().strip()
    as_json = json.loads(run_cli("transcribe", str(out), "--json", "--format", "verbose_json", env=env).stdout)
    assert as_json["text"] and as_json["duration"] > 0


def test_speak_reads_text_from_stdin_and_writes_audio_to_stdout(emulator: Emulator, rest: None) -> None:
    result = run_cli(
        "speak",
        "-",
        "-o",
        "-",
        "--format",
        "wav",
        "--endpoint",
        emulator.endpoint,
        "--api-key",
        emulator.key,
        input=b"from stdin",
    )
    assert result.returncode == 0 and result.stdout[:4] == b"RIFF"


def test_speak_needs_a_format_it_can_tell(emulator: Emulator, rest: None, tmp_path: Path) -> None:
    result = run_cli(
        "speak", "hi", "-o", str(tmp_path / "x.unknown"), "--endpoint", emulator.endpoint, "--api-key", emulator.key
    )
    assert result.returncode == cli.EXIT_CONFIG and "--format" in result.stderr.decode()


def test_translate_and_chat_work_with_their_default_deployments(emulator: Emulator, rest: None, tmp_path: Path) -> None:
    env = {"AZURE_OPENAI_ENDPOINT": emulator.endpoint, "AZURE_OPENAI_API_KEY": emulator.key}
    wav = tmp_path / "in.wav"
    assert run_cli("speak", "good morning", "-o", str(wav), env=env).returncode == 0
    assert run_cli("translate", str(wav), env=env).returncode == 0
    reply = tmp_path / "reply.wav"
    chat = run_cli("chat", "--audio-in", str(wav), "--audio-out", str(reply), env=env)
    assert chat.returncode == 0 and chat.stdout.decode().strip()
    assert audio.read_wav(reply).frames > 0
    default = run_cli("chat", "--json", env=env)
    assert json.loads(default.stdout)["transcript"]


def test_transcribe_stream_prints_the_text(emulator: Emulator, rest: None, tmp_path: Path) -> None:
    env = {"AZURE_OPENAI_ENDPOINT": emulator.endpoint, "AZURE_OPENAI_API_KEY": emulator.key}
    wav = tmp_path / "in.wav"
    assert run_cli("speak", "streaming words", "-o", str(wav), env=env).returncode == 0
    result = run_cli("transcribe", str(wav), "--stream", "--deployment", "gpt-4o-transcribe", env=env)
    assert result.returncode == 0 and result.stdout.decode().strip()


@pytest.mark.parametrize(
    "args,code",
    [
        (("transcribe", "/no/such.wav"), cli.EXIT_NOT_FOUND),
        (("speak", "hi", "-o", "x.wav", "--deployment", "missing"), cli.EXIT_NOT_FOUND),
        (("speak", "hi", "-o", "x.wav", "--api-key", "wrong"), cli.EXIT_AUTH),
        (("speak", "hi", "-o", "x.wav", "--speed", "9"), cli.EXIT_CONFIG),
    ],
)
def test_failures_exit_with_their_documented_codes(
    emulator: Emulator, rest: None, tmp_path: Path, args: "tuple[str, ...]", code: int
) -> None:
    env = {"AZURE_OPENAI_ENDPOINT": emulator.endpoint, "AZURE_OPENAI_API_KEY": emulator.key}
    args = tuple(str(tmp_path / a) if a == "x.wav" else a for a in args)
    result = run_cli(*args, env=env)
    assert result.returncode == code, result.stderr
    assert result.stderr.decode().startswith("azaudio: ")


def test_an_unreachable_endpoint_exits_4(rest: None, tmp_path: Path) -> None:
    result = run_cli(
        "speak",
        "hi",
        "-o",
        str(tmp_path / "x.wav"),
        "--endpoint",
        f"http://127.0.0.1:{_closed_port()}",
        "--api-key",
        "k",
    )
    assert result.returncode == cli.EXIT_UNREACHABLE


def test_json_errors_are_machine_readable(emulator: Emulator, rest: None, tmp_path: Path) -> None:
    result = run_cli(
        "--json",
        "speak",
        "hi",
        "-o",
        str(tmp_path / "x.wav"),
        "--deployment",
        "missing",
        "--endpoint",
        emulator.endpoint,
        "--api-key",
        emulator.key,
    )
    report = json.loads(result.stdout)
    assert report["exit_code"] == cli.EXIT_NOT_FOUND and report["http_status"] == 404 and report["request_id"]


def test_exit_codes_map_from_exceptions() -> None:
    assert cli.exit_code_for(azaudio.TLSError(4, "x")) == cli.EXIT_UNREACHABLE
    assert cli.exit_code_for(azaudio.RateLimitError(9, "x")) == cli.EXIT_SERVICE
    assert cli.exit_code_for(azaudio.CancelledError(6, "x")) == cli.EXIT_INTERRUPTED
    assert cli.exit_code_for(azaudio.FileIOError(19, "x")) == cli.EXIT_LOCAL_IO
    assert cli.exit_code_for(KeyboardInterrupt()) == cli.EXIT_INTERRUPTED


def test_doctor_goes_through_the_proxy_it_is_given() -> None:
    proxy_port = _closed_port()
    result = run_cli(
        "doctor",
        "--json",
        "--endpoint",
        "https://myres.openai.azure.com",
        "--api-key",
        "k",
        "--proxy",
        f"http://127.0.0.1:{proxy_port}",
    )
    report = json.loads(result.stdout)
    checks = {c["name"]: c for c in report["checks"]}
    assert checks["proxy"]["proxy"] == f"http://127.0.0.1:{proxy_port}"
    # libcurl went to the proxy (its port is in the library's message), not to the endpoint
    assert checks["connect"]["status"] == "fail" and f"port {proxy_port}" in checks["connect"]["detail"]


def test_doctor_never_shows_a_proxys_password() -> None:
    proxy_port = _closed_port()
    for args, env in (
        (["--proxy", f"http://alice:s3cret-pw@127.0.0.1:{proxy_port}"], {}),
        ([], {"https_proxy": f"http://alice:s3cret-pw@127.0.0.1:{proxy_port}"}),
    ):
        for output in ([], ["--json"]):
            result = run_cli(
                "doctor", *output, "--endpoint", "https://myres.openai.azure.com", "--api-key", "k", *args, env=env
            )
            out = result.stdout.decode()
            assert "s3cret-pw" not in out + result.stderr.decode()
            assert f"***@127.0.0.1:{proxy_port}" in out
            assert f"port {proxy_port}" in out  # (it did go through the proxy)


def test_doctor_reports_a_failed_tls_handshake(emulator: Emulator) -> None:
    # The emulator speaks plain HTTP: a TLS client hello to it cannot succeed.
    result = run_cli(
        "doctor", "--json", "--endpoint", f"https://127.0.0.1:{emulator.port}", "--api-key", "k", "--proxy", ""
    )
    report = json.loads(result.stdout)
    tls = next(c for c in report["checks"] if c["name"] == "tls")
    assert result.returncode == cli.EXIT_FAILED and tls["status"] == "fail"


def test_ctrl_c_cancels_the_running_call_and_exits_130(emulator: Emulator, rest: None, tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time
    import urllib.request

    request = urllib.request.Request(
        emulator.endpoint + "/_emulator/faults",
        method="POST",
        data=json.dumps({"kind": "delay_first_byte", "seconds": 10, "match": "speech", "count": 1}).encode(),
        headers={"content-type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=10).close()
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(p for p in sys.path if p),
        AZAUDIO_LIBRARY=azaudio.library_path(),
        AZURE_OPENAI_ENDPOINT=emulator.endpoint,
        AZURE_OPENAI_API_KEY=emulator.key,
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "azaudio", "speak", "hi", "-o", str(tmp_path / "x.wav")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=sigint_as_default,
    )
    # SIGINT once the call is in flight: the emulator has taken the delay fault (the request is waiting on it),
    # whatever the machine's load. A fixed sleep could signal before the CLI installed its handler.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        with urllib.request.urlopen(emulator.endpoint + "/_emulator/faults", timeout=10) as answer:
            queued = json.loads(answer.read())["faults"]
        if not any(f.get("kind") == "delay_first_byte" and f.get("count", 1) > 0 for f in queued):
            break
        time.sleep(0.05)
    assert process.poll() is None, "the CLI ended before its call reached the emulator"
    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=8)
    assert process.returncode == cli.EXIT_INTERRUPTED
    assert time.monotonic() - started < 4
    assert b"interrupted" in err
    assert not (tmp_path / "x.wav").exists()  # the library removes the partial file
    urllib.request.urlopen(
        urllib.request.Request(emulator.endpoint + "/_emulator/faults", method="DELETE"), timeout=10
    ).close()


def _in_a_terminal(emulator: Emulator, *args: str) -> str:
    return run_cli_in_terminal(emulator, *args)


def test_transcribe_and_translate_show_upload_progress_on_a_terminal(
    emulator: Emulator, rest: None, tmp_path: Path
) -> None:
    wav = tmp_path / "hello.wav"
    env = {"AZURE_OPENAI_ENDPOINT": emulator.endpoint, "AZURE_OPENAI_API_KEY": emulator.key}
    assert run_cli("speak", "hello there", "-o", str(wav), env=env).returncode == 0
    for command in ("transcribe", "translate"):
        text = _in_a_terminal(emulator, command, str(wav))
        assert "uploaded 100%" in text and "kB in" in text, text
        # Not a terminal: the plain output only.
        plain = run_cli(command, str(wav), env=env)
        assert plain.returncode == 0 and plain.stdout.strip()
        assert b"uploaded" not in plain.stderr and b"\r" not in plain.stderr


def test_chat_shows_upload_progress_for_audio_input_on_a_terminal(
    emulator: Emulator, rest: None, tmp_path: Path
) -> None:
    wav = tmp_path / "question.wav"
    env = {"AZURE_OPENAI_ENDPOINT": emulator.endpoint, "AZURE_OPENAI_API_KEY": emulator.key}
    assert run_cli("speak", "what time is it", "-o", str(wav), env=env).returncode == 0
    assert "uploaded 100%" in _in_a_terminal(emulator, "chat", "--audio-in", str(wav), "--text-only")
    assert "uploaded" not in _in_a_terminal(emulator, "chat", "--text", "hi", "--text-only")
    assert "uploaded" not in _in_a_terminal(emulator, "--json", "chat", "--audio-in", str(wav), "--text-only")


def test_the_upload_progress_line_shows_percent_bytes_and_rate(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = iter([100.0, 100.5, 101.0, 101.0])
    monkeypatch.setattr(_cli_output.time, "monotonic", lambda: next(clock))
    with cli._UploadProgress(True) as progress:
        progress(250_000, 1_000_000)
        progress(1_000_000, 1_000_000)
    err = capsys.readouterr().err
    assert err == (
        "\r\x1b[Kuploading  25%  250.0 kB of 1.0 MB  500.0 kB/s\r\x1b[Kuploaded 100%  1.0 MB in 1.0 s  1.0 MB/s\n"
    )


def test_an_unfinished_progress_line_is_ended_and_a_disabled_one_prints_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with cli._UploadProgress(True) as progress:
        progress(4096, 0)
    assert capsys.readouterr().err.endswith("uploading 4.1 kB\n")
    with cli._UploadProgress(False) as progress:
        progress(4096, 0)
        progress(8192, 8192)
    assert capsys.readouterr().err == ""
