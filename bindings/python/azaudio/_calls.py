"""Running blocking library calls from Python: cancel tokens, Ctrl-C, and Python callbacks that raise. Internal.

The rules this module implements:

- A Python callback handed to the library never lets an exception unwind through C. :class:`Guard` wraps it: the
  first exception is stored, the callback returns the value that makes the library stop the call, and the
  exception is re-raised in the calling thread when the call returns.
- A blocking call made from the main thread runs in a worker thread while the main thread waits, so that Ctrl-C
  (KeyboardInterrupt) is seen at once: the call's cancel token is cancelled, the worker is joined (the library
  returns promptly) and KeyboardInterrupt is re-raised. From other threads the call runs in place.
- Per-thread error details (azaudio_client_last_error) are read on the thread that made the call.
- A thread may set an ambient guard (:func:`ambient`): every call run on that thread while it is set also attaches
  its cancel token to that guard, so that cancelling the guard from another thread cancels the call (azaudio.aio
  uses it to turn the cancellation of an asyncio task into the library's cancel token).
"""

from __future__ import annotations

import ctypes
import threading
import time
from typing import Any, Callable, Generic, Optional, TypeVar

from . import _native as n
from .errors import client_error

T = TypeVar("T")


class Guard:
    """Collects the first exception raised by the Python callbacks of one call."""

    def __init__(self) -> None:
        self.error: Optional[BaseException] = None
        self.stop = threading.Event()
        self._token: Optional["CancelToken"] = None
        self._lock = threading.Lock()

    def attach(self, token: Optional["CancelToken"]) -> None:
        """Set (or with None, clear) the cancel token of the running call."""
        with self._lock:
            self._token = token
            if token is not None and self.stop.is_set():
                token.cancel()

    def cancel(self) -> None:
        """Stop the call: callbacks refuse further data and the call's cancel token is cancelled."""
        with self._lock:
            self.stop.set()
            if self._token is not None:
                self._token.cancel()

    def record(self, error: BaseException) -> None:
        """Keep ``error`` (the first one wins) and ask the call to stop."""
        if self.error is None:
            self.error = error
        self.stop.set()


_ambient = threading.local()


class ambient:
    """``with ambient(guard):`` calls run on this thread inside the block also listen to ``guard.cancel()``."""

    def __init__(self, guard: Guard) -> None:
        self.guard = guard

    def __enter__(self) -> Guard:
        _ambient.guard = self.guard
        return self.guard

    def __exit__(self, *exc: object) -> None:
        _ambient.guard = None


class ThreadErrors:
    """Exceptions raised by callbacks that belong to a client rather than to one call (the token provider, the
    log callback), kept per thread: they are re-raised by the next call returning on that thread."""

    def __init__(self) -> None:
        self._local = threading.local()

    def record(self, error: BaseException) -> None:
        if getattr(self._local, "error", None) is None:
            self._local.error = error

    def take(self) -> Optional[BaseException]:
        error: Optional[BaseException] = getattr(self._local, "error", None)
        self._local.error = None
        return error


class CancelToken:
    """An azaudio_cancel_token: lets another thread stop a blocking call."""

    def __init__(self) -> None:
        n.require("azaudio_cancel_token_create")
        handle = ctypes.c_void_p()
        code = n.lib.azaudio_cancel_token_create(ctypes.byref(handle))
        if code != n.AZAUDIO_OK:
            from .errors import last_error

            raise last_error(code)
        self.handle: Optional[int] = handle.value

    def cancel(self) -> None:
        """Cancel every call using this token (any thread, any number of times)."""
        if self.handle:
            n.lib.azaudio_cancel_token_cancel(self.handle)

    @property
    def cancelled(self) -> bool:
        """Whether cancel() was called."""
        return bool(self.handle and n.lib.azaudio_cancel_token_is_cancelled(self.handle))

    def close(self) -> None:
        """Destroy the token; no call may still be using it."""
        handle, self.handle = self.handle, None
        if handle:
            n.lib.azaudio_cancel_token_destroy(handle)


class Outcome(Generic[T]):
    """The value or exception of a call run on another thread."""

    def __init__(self) -> None:
        self.value: Optional[T] = None
        self.error: Optional[BaseException] = None


def finish(
    client: Optional[int],
    code: int,
    guard: Optional[Guard],
    thread_errors: Optional[ThreadErrors],
) -> None:
    """After a C call returned ``code`` on this thread: raise what a Python callback raised, else the library's
    error for ``code``."""
    pending = guard.error if guard is not None else None
    client_pending = thread_errors.take() if thread_errors is not None else None
    if pending is not None:
        raise pending
    if client_pending is not None:
        raise client_pending
    if code != n.AZAUDIO_OK:
        raise client_error(client, code)


def run(body: Callable[[CancelToken], T], *, cancel_on_interrupt: bool = True, guard: Optional[Guard] = None) -> T:
    """Run ``body(token)`` (which makes one blocking C call with ``token`` in its options and raises on failure).

    From the main thread it runs on a worker thread so that Ctrl-C cancels it; elsewhere it runs in place.
    """
    token = CancelToken()
    if guard is not None:
        guard.attach(token)
    outer: Optional[Guard] = getattr(_ambient, "guard", None)
    if outer is not None:
        outer.attach(token)
    try:
        if not cancel_on_interrupt or threading.current_thread() is not threading.main_thread():
            return body(token)
        outcome: Outcome[T] = Outcome()
        began = threading.Event()

        def work() -> None:
            began.set()
            try:
                outcome.value = body(token)
            except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
                outcome.error = error

        worker = threading.Thread(target=work, name="azaudio-call", daemon=True)
        try:
            # start() inside the try: a Ctrl-C can land while it returns, after the worker began the call, and
            # must cancel and wait for that call too (else the CLI exits while the library writes its file).
            worker.start()
            while worker.is_alive():
                worker.join(0.25)
        except KeyboardInterrupt:
            token.cancel()
            _join_uninterrupted(worker, began)
            raise
        if outcome.error is not None:
            raise outcome.error
        return outcome.value  # type: ignore[return-value]
    finally:
        if guard is not None:
            guard.attach(None)
        if outer is not None:
            outer.attach(None)
        token.close()


def _join_uninterrupted(worker: threading.Thread, began: threading.Event) -> None:
    """Join a cancelled worker even if Ctrl-C is pressed again: the worker uses the client and its buffers. A worker
    whose start() the Ctrl-C interrupted may not have begun yet (then it may never): it gets a moment to begin (its
    call then returns at once, cancelled) before the wait gives up on it."""
    deadline = time.monotonic() + 2.0
    while not began.is_set() and time.monotonic() < deadline:
        try:
            began.wait(0.05)
        except KeyboardInterrupt:
            continue
    while began.is_set() and worker.is_alive():
        try:
            worker.join(0.25)
        except KeyboardInterrupt:
            continue


def copy_to(buffer: Any, data: bytes) -> None:
    """memmove ``data`` to the C buffer address ``buffer``."""
    ctypes.memmove(buffer, data, len(data))
