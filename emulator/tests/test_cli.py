"""The ``azaudio-emulator`` and ``azaudio-emulator-run`` commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
from emulator_process import COMMAND, EmulatorProcess

RUN_COMMAND = str(Path(sys.executable).parent / "azaudio-emulator-run")
SPEECH = {"input": "hi", "voice": "alloy", "response_format": "pcm"}


def test_port_0_binds_loopback_and_prints_exactly_one_flushed_line():
    emulator = EmulatorProcess()
    assert emulator.scheme == "http"
    assert httpx.get(emulator.base_url + "/_emulator/health").json()["status"] == "ok"
    status, rest = emulator.stop()
    assert status == 0
    assert rest == ""


def test_api_key_and_deployments_options_are_honoured():
    with EmulatorProcess("--api-key", "s3cret", "--deployments", "voice=tts-1,ears=whisper") as emulator:
        url = emulator.base_url + "/openai/deployments/{}/audio/speech?api-version=2025-04-01-preview"
        assert httpx.post(url.format("voice"), json=SPEECH, headers={"api-key": "s3cret"}).status_code == 200
        assert httpx.post(url.format("voice"), json=SPEECH, headers={"api-key": "emulator-key"}).status_code == 401
        assert httpx.post(url.format("tts"), json=SPEECH, headers={"api-key": "s3cret"}).status_code == 404


def test_default_key_is_emulator_key():
    with EmulatorProcess() as emulator:
        url = emulator.base_url + "/openai/v1/audio/speech"
        assert httpx.post(url, json={**SPEECH, "model": "tts"}, headers={"api-key": "emulator-key"}).status_code == 200


def test_the_start_lines_say_what_to_export_and_which_speech_engine_runs():
    with EmulatorProcess() as emulator:
        httpx.get(emulator.base_url + "/_emulator/health")
        lines = emulator.errors().splitlines()
    assert (
        f"azaudio-emulator: export AZURE_OPENAI_ENDPOINT={emulator.base_url} AZURE_OPENAI_API_KEY=emulator-key"
    ) in lines
    assert any(line.startswith("azaudio-emulator: speech by flite") for line in lines)
    assert any("approximate" in line for line in lines)


def test_a_chosen_key_is_not_printed_in_the_start_lines():
    with EmulatorProcess("--api-key", "s3cret") as emulator:
        httpx.get(emulator.base_url + "/_emulator/health")
        text = emulator.errors()
    assert "s3cret" not in text
    assert "AZURE_OPENAI_API_KEY=<your --api-key>" in text


def test_verbose_logs_each_request_without_credentials():
    with EmulatorProcess("-v", "--api-key", "s3cret") as emulator:
        url = emulator.base_url + "/openai/deployments/tts/audio/speech?api-version=2025-04-01-preview"
        assert httpx.post(url, json=SPEECH, headers={"api-key": "s3cret"}).status_code == 200
        assert httpx.post(url, json=SPEECH, headers={"api-key": "wrong"}).status_code == 401
        text = emulator.errors()
    lines = [line for line in text.splitlines() if "/audio/speech" in line]
    assert len(lines) == 2, text
    assert lines[0].endswith("POST /openai/deployments/tts/audio/speech?api-version=2025-04-01-preview -> 200")
    assert lines[1].endswith("-> 401")
    assert "s3cret" not in text and "wrong" not in text


def test_without_verbose_requests_are_not_logged():
    with EmulatorProcess() as emulator:
        url = emulator.base_url + "/openai/v1/audio/speech"
        httpx.post(url, json={**SPEECH, "model": "tts"}, headers={"api-key": "emulator-key"})
        assert "/audio/speech" not in emulator.errors()


def test_malformed_deployments_are_a_usage_error():
    result = subprocess.run([COMMAND, "--deployments", "x=not-a-model"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "unknown model" in result.stderr


def test_tls_cert_without_key_is_a_usage_error():
    result = subprocess.run([COMMAND, "--tls-cert", "cert.pem"], capture_output=True, text=True)
    assert result.returncode == 2


def test_run_wrapper_sets_endpoint_and_key_and_returns_the_commands_status():
    script = (
        "import os, sys, urllib.request;"
        "url = os.environ['AZURE_OPENAI_ENDPOINT'] + '/_emulator/health';"
        "assert os.environ['AZURE_OPENAI_API_KEY'] == 'k';"
        "assert urllib.request.urlopen(url).status == 200;"
        "sys.exit(7)"
    )
    result = subprocess.run(
        [RUN_COMMAND, "--api-key", "k", "--", sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 7, result.stderr


def test_run_wrapper_without_a_command_is_a_usage_error():
    assert subprocess.run([RUN_COMMAND], capture_output=True).returncode == 2
