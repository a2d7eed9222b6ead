"""asyncio API: :class:`AsyncClient`, awaitable REST calls, async iterators, and realtime sessions for ``async for``.

::

    import asyncio, azaudio.aio

    async def main() -> None:
        async with azaudio.aio.AsyncClient.from_env() as client:
            result = await client.transcribe("hello.wav", deployment="whisper")
            print(result.text)
            async for chunk in client.speech_stream("Hello!", deployment="tts", response_format="pcm"):
                play(chunk)
            async with client.realtime(deployment="gpt-realtime", turn_detection=None, text_only=True) as session:
                await session.create_text_item("user", "Hello!")
                await session.create_response()
                async for event in session:                     # ends after the CLOSED event
                    if event.type == azaudio.EventType.TEXT_DELTA:
                        print(event.text, end="")
                    elif event.type == azaudio.EventType.RESPONSE_DONE:
                        await session.close()

    asyncio.run(main())

How it works (nothing here re-implements the library):

- A REST call runs the blocking :class:`azaudio.Client` method on a worker thread of the loop's default executor;
  the loop only awaits it. Cancelling the awaiting task cancels the call through the library's cancel token (the
  worker returns promptly) and then raises :class:`asyncio.CancelledError`. Progress and token-provider callbacks
  therefore run on that worker thread.
- Streams (:meth:`AsyncClient.transcribe_stream`, :meth:`AsyncClient.speech_stream`) run the blocking call on a
  worker thread that hands each item to the loop (``call_soon_threadsafe``); at most 64 items wait, then the
  worker waits for the consumer. Leaving the ``async for`` early (``break``, cancellation) cancels the request.
- Realtime sessions pull events from the library's queue on the loop thread, never blocking: when the queue is
  empty the session waits for the library's readiness file descriptor (azaudio_realtime_event_fd, registered
  with ``loop.add_reader``), so no thread polls and nothing busy-waits. With a library that lacks that function
  one helper thread per session waits in azaudio_realtime_next_event and wakes the loop instead.
- Works with any asyncio loop, including uvloop.
"""

from __future__ import annotations

import asyncio
import ctypes
import threading
from types import TracebackType
from typing import Any, Callable, Generic, Optional, TypeVar, Union

from . import _native as n
from ._calls import Guard, ambient
from ._events import EventType, RealtimeEvent
from .audio import Buffer
from .client import AudioInput, Client, StreamCall
from .errors import ClosedError, last_error
from .realtime import RealtimeSession
from .results import ChatReply, Transcription

__all__ = ["AsyncClient", "AsyncRealtimeSession", "AsyncStream"]

T = TypeVar("T")

_STREAM_ITEMS = 64


async def _settle(future: "asyncio.Future[Any]") -> None:
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


async def _call(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
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
        await _settle(future)
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
            await _settle(worker)

    async def __aenter__(self) -> "AsyncStream[T]":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __del__(self) -> None:
        self._guard.cancel()


class AsyncClient:
    """An :class:`azaudio.Client` for asyncio code. Construct it with the same arguments as Client, or with
    :meth:`from_env`; use ``async with`` (or ``await client.close()``). The wrapped blocking client is
    :attr:`sync`. REST methods take the same keyword arguments as Client's and are awaitable; cancelling the task
    that awaits one cancels the request."""

    def __init__(self, endpoint: Optional[str] = None, **options: Any) -> None:
        self._client = options.pop("_client", None) or Client(endpoint, **options)

    @classmethod
    def from_env(cls, **options: Any) -> "AsyncClient":
        """A client from AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY or AZURE_OPENAI_AD_TOKEN and
        OPENAI_API_VERSION (see :meth:`azaudio.Client.from_env`, which takes the same options)."""
        return cls(_client=Client.from_env(**options))

    @property
    def sync(self) -> Client:
        """The blocking client underneath (share it with threaded code if you like)."""
        return self._client

    @property
    def endpoint(self) -> str:
        return self._client.endpoint

    async def close(self) -> None:
        """Close the client. Calls and sessions using it must have ended."""
        self._client.close()

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ---- REST ---------------------------------------------------------------------------------------------------

    async def transcribe(self, file: AudioInput, **options: Any) -> Transcription:
        """Speech to text (see :meth:`azaudio.Client.transcribe`)."""
        return await _call(self._client.transcribe, file, **options)

    async def translate(self, file: AudioInput, **options: Any) -> Transcription:
        """Speech in any language to English text (see :meth:`azaudio.Client.translate`)."""
        return await _call(self._client.translate, file, **options)

    async def speech(self, text: str, **options: Any) -> bytes:
        """Text to speech, the whole audio (see :meth:`azaudio.Client.speech`)."""
        return await _call(self._client.speech, text, **options)

    async def speech_to_file(self, text: str, path: str, **options: Any) -> None:
        """Text to speech into a file (see :meth:`azaudio.Client.speech_to_file`)."""
        await _call(self._client.speech_to_file, text, path, **options)

    async def chat_audio(self, prompt: Optional[str] = None, **options: Any) -> ChatReply:
        """An audio chat completion (see :meth:`azaudio.Client.chat_audio`)."""
        return await _call(self._client.chat_audio, prompt, **options)

    def transcribe_stream(self, file: AudioInput, **options: Any) -> "AsyncStream[str]":
        """Streamed transcription: ``async for delta in client.transcribe_stream(...)``; afterwards the stream's
        ``result`` is the whole :class:`azaudio.Transcription`."""
        return AsyncStream(self._client.transcribe_stream(file, **options).call)

    def speech_stream(self, text: str, **options: Any) -> "AsyncStream[bytes]":
        """Streamed speech: ``async for chunk in client.speech_stream(...)`` as the audio comes off the wire."""
        stream = self._client.speech_stream(text, **options)
        return AsyncStream(stream.call)  # type: ignore[union-attr]  # a _Stream, which keeps its call

    # ---- realtime -----------------------------------------------------------------------------------------------

    def realtime(self, **options: Any) -> "AsyncRealtimeSession":
        """A realtime session, opened by ``async with`` (arguments as :meth:`azaudio.Client.realtime`, except
        on_event: events are taken with ``async for event in session``)."""
        if "on_event" in options:
            raise TypeError("AsyncClient.realtime() delivers events through `async for`; on_event is not taken")
        return AsyncRealtimeSession(self._client, options)

    def transcription_session(self, **options: Any) -> "AsyncRealtimeSession":
        """A transcription-only session, opened by ``async with`` (arguments as
        :meth:`azaudio.Client.transcription_session`, without on_event)."""
        if "on_event" in options:
            raise TypeError("AsyncClient.transcription_session() delivers events through `async for`")
        return AsyncRealtimeSession(self._client, options, "transcription_session")

    def translation_session(self, **options: Any) -> "AsyncRealtimeSession":
        """A translation session, opened by ``async with`` (arguments as :meth:`azaudio.Client.translation_session`,
        without on_event)."""
        if "on_event" in options:
            raise TypeError("AsyncClient.translation_session() delivers events through `async for`")
        return AsyncRealtimeSession(self._client, options, "translation_session")


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

    def __init__(self, client: Client, options: dict[str, Any], opener: str = "realtime") -> None:
        self._client = client
        self._options = options
        self._opener = opener  # the Client method that opens it: realtime, transcription_session, ...
        self._session: Optional[RealtimeSession] = None
        self._fd: Optional[int] = None
        self._waker: Optional[_ThreadWaker] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._ended = False
        self._waiting: Optional["asyncio.Future[None]"] = None  # what _pull awaits while the queue is empty

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
        """Take the next event without blocking; while none waits, sleep until the readiness descriptor is
        readable (registered with the loop only for the wait, so a consumer that is busy elsewhere is not woken
        again and again by a level-triggered descriptor)."""
        loop = asyncio.get_running_loop()
        fd = self._fd
        assert fd is not None
        while self._session is session:
            try:
                event = session.next_event(timeout=0)
            except ClosedError:
                return None
            if event is not None:
                return event
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
