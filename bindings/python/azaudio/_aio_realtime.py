"""Realtime sessions for asyncio: :class:`AsyncRealtimeSession`, woken through the library's readiness file
descriptor (azaudio_realtime_event_fd) registered with the running loop. Internal to azaudio.aio (see its
documentation); the public name is ``azaudio.aio.AsyncRealtimeSession``."""

from __future__ import annotations

import asyncio
import collections
import ctypes
import threading
from types import TracebackType
from typing import Any, Callable, Mapping, Optional, Union

from . import _native as n
from ._aio_calls import call as _call
from ._buffers import Buffer
from ._events import EventType, RealtimeEvent
from .client import Client
from .errors import ClosedError, last_error
from .realtime import RealtimeSession

__all__ = ["AsyncRealtimeSession"]


class _ThreadWaker:
    """Fallback for a library without azaudio_realtime_event_fd: one thread waits in next_event and hands each
    event to the loop. At most a few events wait in Python; the library's own queue holds the rest."""

    def __init__(self, session: RealtimeSession, loop: asyncio.AbstractEventLoop) -> None:
        self._session = session
        self._loop = loop
        self.items: "asyncio.Queue[Optional[RealtimeEvent]]" = asyncio.Queue()
        self._room = threading.Semaphore(8)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="azaudio-rt-waiter", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                if not self._room.acquire(timeout=0.2):
                    continue
                event = self._session.next_event(timeout=0.2)
                if event is None:
                    self._room.release()
                    continue
                self._loop.call_soon_threadsafe(self.items.put_nowait, event)
                if event.type == EventType.CLOSED:
                    return
        except (ClosedError, RuntimeError):
            pass
        finally:
            try:
                self._loop.call_soon_threadsafe(self.items.put_nowait, None)
            except RuntimeError:
                pass

    async def next(self) -> Optional[RealtimeEvent]:
        event = await self.items.get()
        if event is not None:
            self._room.release()
        return event

    def stop(self) -> None:
        self._stop.set()

    def join(self) -> None:
        self._thread.join()


class AsyncRealtimeSession:
    """A realtime session for asyncio: ``async with client.realtime(...) as session`` connects (on an executor
    thread, so the loop keeps running) and destroys the session at the end; ``async for event in session`` yields
    :class:`azaudio.RealtimeEvent` objects as they arrive and ends after the CLOSED event. Send methods are
    coroutines that never block (a full send queue raises :class:`azaudio.BusyError`). The blocking session is
    :attr:`sync`."""

    def __init__(self, client: Client, options: Mapping[str, Any], opener: str = "realtime") -> None:
        self._client = client
        self._options = options
        self._opener = opener  # the Client method that opens it: realtime, transcription_session, ...
        self._session: Optional[RealtimeSession] = None
        self._fd: Optional[int] = None
        self._waker: Optional[_ThreadWaker] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._ended = False
        self._waiting: Optional["asyncio.Future[None]"] = None  # what _pull awaits while the queue is empty
        self._batch: "collections.deque[RealtimeEvent]" = collections.deque()  # taken, not yet returned

    @property
    def sync(self) -> RealtimeSession:
        """The blocking :class:`azaudio.RealtimeSession` underneath."""
        if self._session is None:
            raise ClosedError(n.AZAUDIO_ERR_CLOSED, "the realtime session is not open (use `async with`)")
        return self._session

    # ---- lifetime -----------------------------------------------------------------------------------------------

    async def __aenter__(self) -> "AsyncRealtimeSession":
        self._loop = asyncio.get_running_loop()
        opener: Callable[..., RealtimeSession] = getattr(self._client, self._opener)
        self._session = await _call(opener, **self._options)
        handle = self._session._live()
        if n.has("azaudio_realtime_event_fd"):
            fd = ctypes.c_int32(-1)
            code = n.lib.azaudio_realtime_event_fd(handle, ctypes.byref(fd))
            if code != n.AZAUDIO_OK:
                self._session.destroy()
                raise last_error(code)
            self._fd = fd.value
        else:
            self._waker = _ThreadWaker(self._session, self._loop)
        return self

    async def __aexit__(
        self, kind: Optional[type[BaseException]], value: Optional[BaseException], tb: Optional[TracebackType]
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close and free the session (what leaving ``async with`` does)."""
        session, self._session = self._session, None
        self._ended = True
        if session is None:
            return
        waiting, self._waiting = self._waiting, None
        if waiting is not None and not waiting.done():
            waiting.set_result(None)  # a task waiting in _pull wakes, finds the session gone and ends
        if self._fd is not None and self._loop is not None:
            self._loop.remove_reader(self._fd)
        waker, self._waker = self._waker, None
        if waker is not None:
            waker.stop()
            session.close()
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, waker.join)
        session.destroy()

    # ---- receiving ----------------------------------------------------------------------------------------------

    def __aiter__(self) -> "AsyncRealtimeSession":
        return self

    async def __anext__(self) -> RealtimeEvent:
        event = await self.next_event()
        if event is None:
            raise StopAsyncIteration
        return event

    async def next_event(self) -> Optional[RealtimeEvent]:
        """The next event, waiting as long as it takes without blocking the loop; None once the session ended (its
        CLOSED event was already returned)."""
        if self._ended or self._session is None:
            return None
        session = self._session
        event: Optional[RealtimeEvent]
        if self._waker is not None:
            event = await self._waker.next()
        else:
            event = await self._pull(session)
        if event is None or event.type == EventType.CLOSED:
            self._ended = True
        return event

    async def _pull(self, session: RealtimeSession) -> Optional[RealtimeEvent]:
        """Take the next event without blocking (from the batch the last wake-up took, else all that wait now); while
        none waits, sleep until the readiness descriptor is
        readable (registered with the loop only for the wait, so a consumer that is busy elsewhere is not woken
        again and again by a level-triggered descriptor)."""
        loop = asyncio.get_running_loop()
        fd = self._fd
        assert fd is not None
        batch = self._batch
        while self._session is session:
            if batch:
                return batch.popleft()
            try:
                batch.extend(session.take_events())  # everything waiting, in one go per wake-up
            except ClosedError:
                return None
            if batch:
                return batch.popleft()
            if session.closed:  # CLOSED was taken: the descriptor never wakes again
                return None
            ready: "asyncio.Future[None]" = loop.create_future()

            def wake(ready: "asyncio.Future[None]" = ready) -> None:
                if not ready.done():
                    ready.set_result(None)

            self._waiting = ready
            loop.add_reader(fd, wake)
            try:
                await ready
            finally:
                if self._session is session:
                    loop.remove_reader(fd)
                self._waiting = None
        return None

    # ---- sending (never blocks) ---------------------------------------------------------------------------------

    async def send_audio(self, audio: Buffer) -> None:
        """Queue caller audio (see :meth:`azaudio.RealtimeSession.send_audio`)."""
        self.sync.send_audio(audio)

    async def commit(self) -> None:
        self.sync.commit()

    async def clear(self) -> None:
        self.sync.clear()

    async def create_response(self, response: Optional[dict[str, Any]] = None, **overrides: Any) -> None:
        self.sync.create_response(response, **overrides)

    async def cancel_response(self) -> None:
        self.sync.cancel_response()

    async def request_response(self, **options: Any) -> None:
        """See :meth:`azaudio.RealtimeSession.request_response` (typed, out-of-band responses)."""
        self.sync.request_response(**options)

    async def send_image(
        self, image: bytes, mime_type: str, text: Optional[str] = None, detail: Optional[str] = None
    ) -> None:
        self.sync.send_image(image, mime_type, text, detail)

    async def clear_output_audio(self) -> None:
        self.sync.clear_output_audio()

    async def update_session(self, session: Union[dict[str, Any], str]) -> None:
        self.sync.update_session(session)

    async def create_text_item(self, role: str, text: str) -> None:
        self.sync.create_text_item(role, text)

    async def send_function_output(self, call_id: str, output: Any) -> None:
        self.sync.send_function_output(call_id, output)

    async def truncate(self, item_id: str, audio_end_ms: int, content_index: int = 0) -> None:
        self.sync.truncate(item_id, audio_end_ms, content_index)

    async def audio_played(self, item_id: str, played_ms: int) -> None:
        self.sync.audio_played(item_id, played_ms)

    async def delete_item(self, item_id: str) -> None:
        self.sync.delete_item(item_id)

    async def send_event(self, event: Union[dict[str, Any], str]) -> None:
        self.sync.send_event(event)

    async def close(self) -> None:
        """Start closing (WebSocket close 1000); the CLOSED event follows and ends ``async for``."""
        if self._session is not None:
            self._session.close()
