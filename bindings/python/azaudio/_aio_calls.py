"""asyncio plumbing: blocking client calls on executor threads, cancellation handed to the library's cancel token,
and streamed calls as async iterators. Internal to azaudio.aio (see its documentation)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Callable, Generic, Optional, TypeVar

from ._calls import Guard, ambient
from ._streams import StreamCall

__all__ = ["AsyncStream", "call", "settle"]

T = TypeVar("T")

_STREAM_ITEMS = 64


async def settle(future: "asyncio.Future[Any]") -> None:
    """Wait for a worker's future to finish even if this task is cancelled again meanwhile (the worker uses the
    caller's buffers until it returns), and mark its outcome as retrieved."""
    while not future.done():
        try:
            await asyncio.shield(future)
        except asyncio.CancelledError:
            if not future.done():
                continue
        except BaseException:  # noqa: BLE001 - the outcome is the caller's to raise, checked below
            pass
    if not future.cancelled():
        future.exception()


async def call(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking Client method on an executor thread; cancelling the awaiting task cancels the C call."""
    loop = asyncio.get_running_loop()
    guard = Guard()

    def work() -> T:
        with ambient(guard):
            return function(*args, **kwargs)

    future = loop.run_in_executor(None, work)
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        guard.cancel()
        await settle(future)
        raise


class AsyncStream(Generic[T]):
    """An async iterator over what a streamed call produces (text deltas, audio chunks), in order. The call starts
    on the first ``__anext__``; :meth:`aclose` (or leaving ``async for`` early through ``break`` or cancellation,
    when used with ``contextlib.aclosing`` or ``async with``) cancels it. ``result`` is the call's return value once
    the iteration has ended (the whole transcription for transcribe_stream)."""

    def __init__(self, call: StreamCall) -> None:
        self._call = call
        self._guard = Guard()
        self._room = threading.Semaphore(_STREAM_ITEMS)
        self._items: Optional["asyncio.Queue[tuple[bool, Any]]"] = None
        self._worker: Optional["asyncio.Future[object]"] = None
        self._finished = False
        self.result: Any = None

    def _start(self) -> None:
        loop = asyncio.get_running_loop()
        items: "asyncio.Queue[tuple[bool, Any]]" = asyncio.Queue()
        self._items = items
        guard, room = self._guard, self._room

        def hand_over(entry: tuple[bool, Any]) -> bool:
            while not room.acquire(timeout=0.1):
                if guard.stop.is_set():
                    return False
            try:
                loop.call_soon_threadsafe(items.put_nowait, entry)
            except RuntimeError:  # the loop was closed under us
                guard.cancel()
                return False
            return True

        def on_item(item: Any) -> None:
            if not guard.stop.is_set():
                hand_over((False, item))

        def work() -> object:
            try:
                return self._call(on_item, guard)
            finally:
                try:
                    loop.call_soon_threadsafe(items.put_nowait, (True, None))
                except RuntimeError:
                    pass

        self._worker = loop.run_in_executor(None, work)

    def __aiter__(self) -> "AsyncStream[T]":
        return self

    async def __anext__(self) -> T:
        if self._finished:
            raise StopAsyncIteration
        if self._items is None:
            self._start()
        assert self._items is not None and self._worker is not None
        try:
            end, item = await self._items.get()
        except asyncio.CancelledError:
            await self.aclose()
            raise
        if not end:
            self._room.release()
            return item  # type: ignore[no-any-return]
        self._finished = True
        self.result = await self._worker  # raises what the call raised
        raise StopAsyncIteration

    async def aclose(self) -> None:
        """Stop the call if it is still running and wait for its worker to return."""
        self._finished = True
        self._guard.cancel()
        worker = self._worker
        if worker is not None:
            await settle(worker)

    async def __aenter__(self) -> "AsyncStream[T]":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __del__(self) -> None:
        self._guard.cancel()
