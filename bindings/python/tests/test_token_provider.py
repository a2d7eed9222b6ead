"""Token providers: a Python callable bridged to azaudio_token_fn (buffer-size protocol, exceptions kept out of C
and re-raised in the caller)."""

from __future__ import annotations

import ctypes
from typing import Any

import azaudio
import pytest
from azaudio._calls import ThreadErrors
from azaudio.client import _TokenBridge
from conftest import Emulator


def _call(bridge: _TokenBridge, size: int, reason: int = 0) -> tuple[int, bytes]:
    buffer = ctypes.create_string_buffer(size)
    result = bridge.function(reason, ctypes.addressof(buffer), size, None)
    return int(result), buffer.value


def test_a_token_that_fits_is_written_nul_terminated_and_its_length_returned() -> None:
    bridge = _TokenBridge(lambda: "abc", ThreadErrors())
    assert _call(bridge, 16) == (3, b"abc")


def test_a_token_that_does_not_fit_returns_the_length_needed_and_is_kept_for_the_second_call() -> None:
    calls: list[int] = []

    def provider() -> str:
        calls.append(1)
        return "x" * 100

    bridge = _TokenBridge(provider, ThreadErrors())
    needed, written = _call(bridge, 10)
    assert needed == 100 and written == b""
    assert _call(bridge, needed + 1) == (100, b"x" * 100)
    assert len(calls) == 1


def test_a_provider_taking_an_argument_is_told_when_to_refresh() -> None:
    seen: list[bool] = []

    def provider(refresh: bool) -> str:
        seen.append(refresh)
        return "t"

    bridge = _TokenBridge(provider, ThreadErrors())
    _call(bridge, 8, reason=0)
    _call(bridge, 8, reason=1)
    assert seen == [False, True]


def test_a_raising_provider_fails_the_c_call_and_keeps_the_exception_for_the_caller() -> None:
    errors = ThreadErrors()

    def provider() -> str:
        raise LookupError("no token today")

    bridge = _TokenBridge(provider, errors)
    assert _call(bridge, 64)[0] < 0
    kept = errors.take()
    assert isinstance(kept, LookupError)
    assert errors.take() is None


def test_a_provider_returning_a_non_string_fails_with_type_error() -> None:
    errors = ThreadErrors()
    bridge = _TokenBridge(lambda: 42, errors)  # type: ignore[arg-type, return-value]
    assert _call(bridge, 64)[0] < 0
    assert isinstance(errors.take(), TypeError)


# ---- through the library, against the emulator ------------------------------------------------------------------


def test_the_providers_token_authenticates_requests(emulator: Emulator, rest: None) -> None:
    calls: list[int] = []

    def provider() -> str:
        calls.append(1)
        return emulator.key

    with azaudio.Client(emulator.endpoint, token_provider=provider) as client:
        audio = client.speech("token test", deployment="tts", response_format="wav")
    assert audio[:4] == b"RIFF"
    assert calls


def test_an_exception_in_the_provider_is_re_raised_in_the_caller(emulator: Emulator, rest: None) -> None:
    class VaultLocked(Exception):
        pass

    def provider() -> str:
        raise VaultLocked("the vault is locked")

    with azaudio.Client(emulator.endpoint, token_provider=provider, max_retries=0) as client:
        with pytest.raises(VaultLocked, match="vault is locked"):
            client.speech("hello", deployment="tts")
        # the client stays usable and the exception is not raised twice
        with pytest.raises(VaultLocked):
            client.speech("hello", deployment="tts")


def test_a_token_longer_than_the_first_buffer_goes_through_the_size_protocol(emulator: Emulator, rest: None) -> None:
    calls: list[int] = []

    def provider() -> str:
        calls.append(1)
        return "t" * 9000  # over the library's first 8192-byte buffer

    with azaudio.Client(emulator.endpoint, token_provider=provider, max_retries=0) as client:
        with pytest.raises(azaudio.APIError) as caught:
            client.speech("hello", deployment="tts")
    # The whole token reached the server (which refuses a header that long, or the wrong token).
    assert caught.value.status in (400, 401)
    assert len(calls) in (1, 2)  # once per token request: the held token serves the library's second call


def test_the_log_callback_receives_the_librarys_lines(emulator: Emulator, rest: None) -> None:
    lines: list[Any] = []
    with azaudio.Client(
        emulator.endpoint,
        api_key=emulator.key,
        log=lambda level, message: lines.append((level, message)),
        log_level=azaudio.LOG_DEBUG,
    ) as client:
        client.speech("log test", deployment="tts", response_format="wav")
    assert lines and all(isinstance(m, str) for _, m in lines)
    assert not any(emulator.key in m for _, m in lines)


def test_an_exception_in_the_log_callback_is_re_raised_in_the_caller(emulator: Emulator, rest: None) -> None:
    def log(level: int, message: str) -> None:
        raise RuntimeError("log sink broke")

    with azaudio.Client(emulator.endpoint, api_key=emulator.key, log=log, log_level=azaudio.LOG_DEBUG) as client:
        with pytest.raises(RuntimeError, match="log sink broke"):
            client.speech("hello", deployment="tts", response_format="wav")
