"""Bridges from Python callables to the library's C callbacks (token provider, log, text, audio, progress, reader).
Internal to the client.

None of them lets an exception unwind through C: the token provider's and the log callback's go to the client's
per-thread errors (:class:`ThreadErrors`), a call's callbacks' to that call's :class:`Guard`, and the callback
returns the value that makes the library stop.
"""

from __future__ import annotations

import ctypes
import inspect
import threading
from typing import IO, Any, Callable, Optional, Union

from . import _native as n
from ._calls import Guard, ThreadErrors, copy_to
from ._options import LogCallback, ProgressCallback, TokenProvider

__all__ = ["TokenBridge", "LogBridge", "guarded_text", "guarded_audio", "guarded_progress", "guarded_reader"]


class TokenBridge:
    """Bridges a Python token provider to azaudio_token_fn, with the buffer-size protocol: when the token does not
    fit it returns the length needed and keeps the token for the library's second call."""

    def __init__(self, provider: TokenProvider, errors: ThreadErrors) -> None:
        self._provider = provider
        self._errors = errors
        self._local = threading.local()
        try:
            parameters = inspect.signature(provider).parameters.values()
            positional = [
                p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
            ]
            self._wants_refresh = len(positional) >= 1 or any(p.kind == p.VAR_POSITIONAL for p in parameters)
        except (TypeError, ValueError):
            self._wants_refresh = False
        self.function = n.azaudio_token_fn(self._call)

    def _token(self, refresh: bool) -> bytes:
        if self._wants_refresh:
            token = self._provider(refresh)  # type: ignore[call-arg]
        else:
            token = self._provider()  # type: ignore[call-arg]
        if not isinstance(token, str):
            raise TypeError(f"the token provider returned {type(token).__name__}, not str")
        return token.encode("utf-8")

    def _call(self, reason: int, buffer: Optional[int], size: int, _user_data: Optional[int]) -> int:
        try:
            held: Optional[bytes] = getattr(self._local, "held", None)
            self._local.held = None
            token = held if held is not None else self._token(reason == n.AZAUDIO_TOKEN_REFRESH)
            if len(token) + 1 > size or not buffer:
                self._local.held = token
                return len(token)
            copy_to(buffer, token + b"\0")
            return len(token)
        except BaseException as error:  # noqa: BLE001 - must not unwind through C
            self._errors.record(error)
            return -1


class LogBridge:
    """Bridges a Python log callback to azaudio_log_fn. An exception in it is kept and re-raised by the call that
    was running on the same thread."""

    def __init__(self, callback: LogCallback, errors: ThreadErrors) -> None:
        self._callback = callback
        self._errors = errors
        self.function = n.azaudio_log_fn(self._call)

    def _call(self, level: int, message: Optional[bytes], _user_data: Optional[int]) -> None:
        try:
            self._callback(level, n.text(message))
        except BaseException as error:  # noqa: BLE001 - must not unwind through C
            self._errors.record(error)


def guarded_text(callback: Callable[[str], object], guard: Guard) -> Any:
    def call(text: Optional[int], length: int, _user_data: Optional[int]) -> int:
        if guard.stop.is_set():
            return 1
        try:
            callback(ctypes.string_at(text, length).decode("utf-8", "replace") if text else "")
            return 0
        except BaseException as error:  # noqa: BLE001 - must not unwind through C
            guard.record(error)
            return 1

    return n.azaudio_text_fn(call)


def guarded_audio(callback: Callable[[bytes], object], guard: Guard) -> Any:
    def call(data: Optional[int], size: int, _user_data: Optional[int]) -> int:
        if guard.stop.is_set():
            return 1
        try:
            callback(ctypes.string_at(data, size) if data else b"")
            return 0
        except BaseException as error:  # noqa: BLE001 - must not unwind through C
            guard.record(error)
            return 1

    return n.azaudio_audio_fn(call)


def guarded_progress(callback: ProgressCallback, guard: Guard) -> Any:
    def call(sent: int, total: int, _user_data: Optional[int]) -> int:
        if guard.stop.is_set():
            return 1
        try:
            callback(sent, total)
            return 0
        except BaseException as error:  # noqa: BLE001 - must not unwind through C
            guard.record(error)
            return 1

    return n.azaudio_progress_fn(call)


def guarded_reader(stream: IO[bytes], guard: Guard) -> Any:
    def call(buffer: Optional[int], capacity: int, _user_data: Optional[int]) -> int:
        if guard.stop.is_set():
            return -1
        try:
            chunk = stream.read(capacity)
            if not chunk:
                return 0
            if not isinstance(chunk, (bytes, bytearray)):
                raise TypeError("the audio file object must be opened in binary mode")
            copy_to(buffer, bytes(chunk[:capacity]))
            return min(len(chunk), capacity)
        except BaseException as error:  # noqa: BLE001 - must not unwind through C
            guard.record(error)
            return -1

    return n.azaudio_read_fn(call)


def bytes_pointer(data: Union[bytes, bytearray, memoryview]) -> tuple[Any, bytes]:
    """A ``const uint8_t *`` for read-only input; returns (pointer, the bytes object to keep alive)."""
    raw = bytes(data) if not isinstance(data, bytes) else data
    return ctypes.cast(ctypes.c_char_p(raw), ctypes.POINTER(ctypes.c_uint8)), raw
