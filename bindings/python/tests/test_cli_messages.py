"""The command line as a newcomer meets it: the command list, examples first in help, every documented exit code
with a message in user words and the next step (no C function names), what speak wrote, the waiting indicator on
a terminal only, and the flags over the library's environment variables."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterator

import pytest
from azaudio import cli
from conftest import Emulator, emulator_faults, run_cli, run_cli_in_terminal

C_NAME = re.compile(r"azaudio_[a-z_]+\(?")


def _env(emulator: Emulator) -> dict[str, str]:
    return {"AZURE_OPENAI_ENDPOINT": emulator.endpoint, "AZURE_OPENAI_API_KEY": emulator.key}


def _user_words(stderr: bytes) -> str:
    text = stderr.decode()
    assert text.startswith("azaudio: "), text
    assert not C_NAME.search(text), f"a C function name in: {text}"
    return text


@pytest.fixture
def speech_fault(emulator: Emulator) -> Iterator[None]:
    """The next speech request waits 2 s before its first byte."""

    def control(method: str, body: "dict[str, object] | None" = None) -> None:
        emulator_faults(emulator, method, body)

    control("POST", {"kind": "delay_first_byte", "seconds": 2, "match": "speech", "count": 1})
    yield
    control("DELETE")


def test_azaudio_alone_prints_the_command_list() -> None:
    result = run_cli()
    out = result.stdout.decode()
    assert result.returncode == cli.EXIT_USAGE
    for command in cli.COMMANDS:
        assert f"\n  {command} " in out, out
    assert "azaudio COMMAND --help" in out and "required" not in result.stderr.decode()


@pytest.mark.parametrize("command", sorted(cli.COMMANDS))
def test_each_commands_help_leads_with_two_examples(command: str) -> None:
    out = run_cli(command, "--help").stdout.decode()
    description = out.split("\n\n", 1)[1]  # after the usage lines
    lines = description.splitlines()
    assert lines[0] == "examples:", out
    assert lines[1].startswith("  azaudio ") and lines[2].startswith("  ") and "azaudio" in lines[2], out
    assert f" {command}" in lines[1]


def test_a_text_file_given_as_audio_exits_3_with_what_to_do(emulator: Emulator, rest: None, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not audio\n")
    result = run_cli("transcribe", str(notes), env=_env(emulator))
    assert result.returncode == cli.EXIT_CONFIG
    text = _user_words(result.stderr)
    assert ".txt" in text and "ffmpeg" in text


def test_an_mp3_given_to_realtime_exits_3_with_the_convert_command(
    emulator: Emulator, rest: None, tmp_path: Path
) -> None:
    mp3 = tmp_path / "question.mp3"
    env = _env(emulator)
    assert run_cli("speak", "what time is it", "-o", str(mp3), env=env).returncode == 0
    result = run_cli("realtime", "--input", str(mp3), "--output", str(tmp_path / "r.wav"), env=env)
    assert result.returncode == cli.EXIT_CONFIG
    text = _user_words(result.stderr)
    assert f"ffmpeg -i {mp3}" in text and "not a WAV file" in text
    assert not (tmp_path / "r.wav").exists()


@pytest.mark.parametrize(
    "case,code,words",
    [
        ("no endpoint", cli.EXIT_CONFIG, "AZURE_OPENAI_ENDPOINT"),
        ("closed port", cli.EXIT_UNREACHABLE, "azaudio doctor"),
        ("wrong key", cli.EXIT_AUTH, "--api-key"),
        ("unknown deployment", cli.EXIT_NOT_FOUND, "--deployment"),
        ("bad speed", cli.EXIT_CONFIG, "speed"),
        ("unwritable output", cli.EXIT_LOCAL_IO, "no-such-dir"),
    ],
)
def test_each_failure_exits_with_its_code_and_says_the_next_step(
    emulator: Emulator, rest: None, tmp_path: Path, case: str, code: int, words: str
) -> None:
    env = _env(emulator)
    args = ["speak", "hello", "-o", str(tmp_path / "hello.wav")]
    if case == "no endpoint":
        del env["AZURE_OPENAI_ENDPOINT"]
    elif case == "closed port":
        with __import__("socket").socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        args += ["--endpoint", f"http://127.0.0.1:{port}"]
    elif case == "wrong key":
        args += ["--api-key", "wrong"]
    elif case == "unknown deployment":
        args += ["--deployment", "no-such-deployment"]
    elif case == "bad speed":
        args += ["--speed", "9"]
    elif case == "unwritable output":
        args[3] = str(tmp_path / "no-such-dir" / "hello.wav")
    result = run_cli(*args, env=env)
    assert result.returncode == code, result.stderr
    assert words in _user_words(result.stderr)


def test_the_flags_win_over_the_librarys_environment_variables(emulator: Emulator, rest: None, tmp_path: Path) -> None:
    env = {"AZURE_OPENAI_ENDPOINT": "http://127.0.0.1:1", "AZURE_OPENAI_API_KEY": "wrong"}
    result = run_cli(
        "speak",
        "hi",
        "-o",
        str(tmp_path / "hi.wav"),
        "--endpoint",
        emulator.endpoint,
        "--api-key",
        emulator.key,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    token_only = {"AZURE_OPENAI_ENDPOINT": emulator.endpoint, "AZURE_OPENAI_AD_TOKEN": "some-token"}
    result = run_cli("speak", "hi", "-o", str(tmp_path / "hi.wav"), "--api-key", emulator.key, env=token_only)
    assert result.returncode == 0, result.stderr


def test_speak_says_what_it_wrote(emulator: Emulator, rest: None, tmp_path: Path) -> None:
    out = tmp_path / "hello.mp3"
    result = run_cli("speak", "hello there", "-o", str(out), env=_env(emulator))
    assert result.returncode == 0
    assert result.stdout.decode().strip() == f"wrote {out.stat().st_size / 1000:.1f} kB of mp3 to {out}"


def test_a_slow_answer_shows_the_elapsed_time_on_a_terminal_only(
    emulator: Emulator, rest: None, tmp_path: Path, speech_fault: None
) -> None:
    text = run_cli_in_terminal(emulator, "speak", "hello", "-o", str(tmp_path / "a.wav"))
    assert re.search(r"waiting for the service\.\.\. 1\.\d s", text), text
    assert "wrote" in text


def test_no_waiting_indicator_when_stderr_is_not_a_terminal(
    emulator: Emulator, rest: None, tmp_path: Path, speech_fault: None
) -> None:
    result = run_cli("speak", "hello", "-o", str(tmp_path / "a.wav"), env=_env(emulator))
    assert result.returncode == 0 and b"waiting" not in result.stderr and b"\r" not in result.stderr


def test_doctor_uses_the_librarys_tls_settings(emulator: Emulator) -> None:
    # https to a plain-HTTP port: libcurl's handshake fails, and the doctor shows the library's TLS error.
    result = run_cli(
        "doctor", "--json", "--endpoint", f"https://127.0.0.1:{emulator.port}", "--api-key", "k", "--proxy", ""
    )
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert checks["connect"]["status"] == "ok" and checks["tls"]["status"] == "fail", checks
    assert checks["proxy"]["detail"].startswith("none (--proxy '')")


def test_the_help_documents_every_exit_code() -> None:
    help_text = run_cli("--help").stdout.decode()
    for code in (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 130):
        assert re.search(rf"^  {code}\s", help_text, re.M), code
