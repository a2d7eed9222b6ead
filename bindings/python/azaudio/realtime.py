"""Realtime sessions: speech in, speech out over one WebSocket (libazaudio's azaudio_realtime_* API).

Open a session with :meth:`azaudio.Client.realtime`; it is a context manager::

    with client.realtime(deployment="gpt-realtime", turn_detection=None, text_only=True) as session:
        session.create_text_item("user", "Hello!")
        session.create_response()
        for event in session.events():                  # ends after the CLOSED event
            if event.type == azaudio.EventType.TEXT_DELTA:
                print(event.text, end="")
            elif event.type == azaudio.EventType.RESPONSE_DONE:
                session.close()                          # a CLOSED event follows

Everything about the protocol (GA and preview event shapes, session.update, base64, G.711 framing, the clamping of
truncations) happens inside the library; this module only converts arguments and wraps events (read lazily, see
:class:`RealtimeEvent`).

Two ways to receive events:

- **Pull** (the default): :meth:`RealtimeSession.events` / :meth:`RealtimeSession.next_event` take events from the
  library's queue (azaudio_realtime_next_event) on the caller's thread. No Python code runs on the library's I/O
  thread. When the caller falls behind, the library stops reading from the socket (nothing is dropped).
- **Callback**: ``on_event=callable`` receives every event on the library's I/O thread, in order. It must return
  quickly (it holds up every session of the client), and may call any method of the session, including
  :meth:`RealtimeSession.close`. If it raises, the exception is kept, the session is closed, no further event is
  passed to it, and the exception is re-raised by the next call of a session method (on any thread), or when the
  ``with`` block ends.

Threads: the send methods are thread-safe and never block (a full send queue raises :class:`azaudio.BusyError`).
:meth:`RealtimeSession.close` may be called from any thread. :meth:`RealtimeSession.destroy` (what leaving the
``with`` block does) must not run while another thread is inside a call of the same session.
"""

from __future__ import annotations

import atexit
import ctypes
import threading
import time
import weakref
from types import TracebackType
from typing import TYPE_CHECKING, Any, Iterator, Optional

from . import _native as n
from ._compiled_events import install as _install_compiled_events
from ._event_batch import EventBatches, has_batches
from ._event_bridge import compiled_deliverer, event_bridge, event_deliver
from ._events import EventType, RealtimeEvent
from ._fast import BRIDGE as _BRIDGE
from ._options import EventCallback
from ._realtime_options import AUDIO_FORMATS, PROTOCOLS, TURN_DETECTION, RealtimeStruct
from ._realtime_options import INT32_MAX as _INT32_MAX
from ._realtime_options import invalid as _invalid
from ._realtime_send import RealtimeSending
from .errors import ClosedError, client_error, last_error

if _BRIDGE is not None:  # the events' fields and finaliser in C (azaudio._compiled_events)
    _install_compiled_events(_BRIDGE)

if TYPE_CHECKING:
    from ._client_base import ClientBase

__all__ = [
    "EventType",
    "RealtimeEvent",
    "RealtimeSession",
    "EventCallback",
    "PROTOCOLS",
    "AUDIO_FORMATS",
    "TURN_DETECTION",
]


#: Sessions not destroyed yet: destroyed at interpreter exit, before Python stops running callbacks.
_live_sessions: "weakref.WeakSet[RealtimeSession]" = weakref.WeakSet()


@atexit.register
def _destroy_live_sessions() -> None:
    for session in list(_live_sessions):
        session.destroy()


# Taking an event: azaudio_realtime_poll_event, where "no event yet" is AZAUDIO_OK with no event and records no
# error; azaudio_realtime_next_event (AZAUDIO_ERR_TIMEOUT through the error machinery) with an older library.
if n.has("azaudio_realtime_poll_event"):
    _take = n.lib.azaudio_realtime_poll_event
else:
    _take = n.lib.azaudio_realtime_next_event
_EMPTY = (n.AZAUDIO_OK, n.AZAUDIO_ERR_TIMEOUT)
_CLOSED = int(EventType.CLOSED)


_WAIT_SLICE = 0.1  # seconds a pull waits per library call on the main thread, so Ctrl-C is seen promptly


class RealtimeSession(RealtimeSending):
    """A connected realtime session (azaudio_realtime_session). Made by :meth:`azaudio.Client.realtime`; use it
    in a ``with`` block, which destroys it at the end. See the module documentation for the threading rules.

    Every method raises :class:`azaudio.ClosedError` once the session has ended (after the CLOSED event) or was
    destroyed, and :class:`azaudio.InvalidArgumentError` (a ``ValueError``) for arguments the library refuses,
    with its message."""

    def __init__(self, client: "ClientBase", options: RealtimeStruct, on_event: Optional[EventCallback]) -> None:
        self._client = client  # keeps the Python client (and its callbacks) alive as long as the session
        self._options = options
        self._on_event = on_event
        self._lock = threading.Lock()
        self._event_lock = threading.Lock()  # a callback's event against reads from other threads (see _events)
        self._pending: Optional[BaseException] = None
        self._callback_failed = False
        self._closed_event = threading.Event()  # CLOSED was delivered (callback) or taken (pull)
        self._input_format = int(options.struct.caller_input_format or options.struct.input_audio_format)
        self._output_format = int(options.struct.caller_output_format or options.struct.output_audio_format)
        self._handle: Optional[int] = None
        self._callback: Any = None
        self._batches = EventBatches() if on_event is None and has_batches() else None
        if on_event is not None:
            # The bridge holds no reference to the session (a cycle through the C callback object would delay
            # destroy() of a session dropped without `with` until the garbage collector ran): failures reach it
            # through a weak reference.
            me = weakref.ref(self)

            def failed(session: Optional[int], error: BaseException) -> None:
                target = me()
                if target is not None:
                    target._callback_failed_with(error)
                if session:
                    n.lib.azaudio_realtime_close(session)

            if _BRIDGE is not None:  # the compiled bridge calls on_event itself (its Deliverer, kept alive here)
                deliverer = compiled_deliverer(_BRIDGE, on_event, self._event_lock, self._closed_event, failed)
                self._callback = (deliverer, n.azaudio_realtime_event_fn(_BRIDGE.callback_address()))
                options.struct.event_callback = self._callback[1]
                options.struct.event_user_data = id(deliverer)
            else:
                deliver = event_deliver(on_event, self._event_lock, self._closed_event, failed)
                self._callback = n.azaudio_realtime_event_fn(event_bridge(deliver))
                options.struct.event_callback = self._callback
        client_handle = client._live()
        out = ctypes.c_void_p()
        try:
            code = n.lib.azaudio_realtime_connect(client_handle, ctypes.byref(options.struct), ctypes.byref(out))
            if code != n.AZAUDIO_OK:
                raise client_error(client_handle, code)
        except BaseException:
            if out.value:  # Ctrl-C arrived right after a successful connect
                n.lib.azaudio_realtime_destroy(out.value)
            raise
        self._handle = out.value
        _live_sessions.add(self)

    # ---- callback bridge ----------------------------------------------------------------------------------------

    def _callback_failed_with(self, error: BaseException) -> None:
        """on_event raised (on the I/O thread): keep the exception for the next call of a session method."""
        with self._lock:
            if self._pending is None:
                self._pending = error
            self._callback_failed = True

    def _raise_pending(self) -> None:
        with self._lock:
            error, self._pending = self._pending, None
        if error is not None:
            raise error

    # ---- plumbing -------------------------------------------------------------------------------------------------

    def _live(self) -> int:
        if self._pending is not None:
            self._raise_pending()
        handle = self._handle
        if handle is None:
            raise ClosedError(n.AZAUDIO_ERR_CLOSED, "the realtime session was destroyed")
        return handle

    @property
    def protocol(self) -> str:
        """ "ga" or "preview"."""
        return "preview" if self._options.struct.protocol == n.AZAUDIO_REALTIME_PREVIEW else "ga"

    @property
    def deployment(self) -> str:
        """The realtime deployment's name."""
        return n.text(self._options.struct.deployment)

    @property
    def input_format(self) -> str:
        """The format send_audio() takes: "pcm16" (24 kHz), "g711_ulaw" or "g711_alaw" (8 kHz)."""
        return next(k for k, v in AUDIO_FORMATS.items() if v == self._input_format)

    @property
    def output_format(self) -> str:
        """The format of AUDIO_DELTA events' audio."""
        return next(k for k, v in AUDIO_FORMATS.items() if v == self._output_format)

    @property
    def callback_mode(self) -> bool:
        """Whether events go to on_event (True) or wait to be pulled (False)."""
        return self._on_event is not None

    @property
    def closed(self) -> bool:
        """Whether the session has ended: its CLOSED event was delivered or taken, or it was destroyed."""
        return self._handle is None or self._closed_event.is_set()

    # ---- receiving ----------------------------------------------------------------------------------------------

    def next_event(self, timeout: Optional[float] = None) -> Optional[RealtimeEvent]:
        """Take the next event (pull mode), waiting up to ``timeout`` seconds (None: as long as it takes; 0: do not
        wait). Returns None if none came in time. Raises ClosedError once the CLOSED event was taken, and
        InvalidStateError in callback mode. On the main thread the wait is cut into short slices so that Ctrl-C
        raises KeyboardInterrupt promptly (the event stays queued). An empty wait is a normal outcome: it records
        no error in the library (azaudio_realtime_poll_event), so calling this every frame costs little."""
        handle = self._live()
        if timeout is not None and timeout < 0:
            raise _invalid(f"timeout is {timeout}; it must be >= 0 seconds or None")
        deadline = None if timeout is None else time.monotonic() + timeout
        sliced = threading.current_thread() is threading.main_thread()
        out = ctypes.c_void_p()
        while True:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            wait = remaining if not sliced else (_WAIT_SLICE if remaining is None else min(_WAIT_SLICE, remaining))
            wait_ms = -1 if wait is None else min(int(wait * 1000), _INT32_MAX)
            code = _take(handle, ctypes.byref(out), wait_ms)
            if code == n.AZAUDIO_OK and out.value:
                break
            if code in _EMPTY:  # OK without an event (poll_event), or TIMEOUT (next_event of an older library)
                self._raise_pending()
                if remaining is not None and remaining <= wait_ms / 1000:
                    return None
                continue
            if code == n.AZAUDIO_ERR_CLOSED:
                self._closed_event.set()
            raise last_error(code)
        event = RealtimeEvent._pulled(out.value)
        if event.type == _CLOSED:
            self._closed_event.set()
        return event

    def take_events(self) -> list[RealtimeEvent]:
        """Take every event waiting now, without waiting (pull mode): an empty list when none waits, or once the
        CLOSED event was taken (it is the last one a session gives). Meant for an event loop woken by
        :meth:`event_fd`: one call per wake-up takes the whole batch. InvalidStateError in callback mode."""
        handle = self._live()
        if self._closed_event.is_set():
            return []
        batches = self._batches
        if batches is not None:  # one foreign call per batch (azaudio_realtime_take_events)
            code, taken = batches.take(handle, 0)
            while len(taken) % batches.capacity == 0 and taken and taken[-1].type != _CLOSED:
                code, more = batches.take(handle, 0)  # a full buffer: more may wait
                if not more:
                    break
                taken.extend(more)
            if taken and taken[-1].type == _CLOSED:
                self._closed_event.set()
            elif code == n.AZAUDIO_ERR_CLOSED:
                self._closed_event.set()
            elif code != n.AZAUDIO_OK:
                raise last_error(code)
            return taken
        taken = []
        out = ctypes.c_void_p()
        pointer = ctypes.byref(out)
        pulled = RealtimeEvent._pulled
        while True:
            code = _take(handle, pointer, 0)
            if code != n.AZAUDIO_OK or not out.value:
                break
            event = pulled(out.value)
            taken.append(event)
            if event.type == _CLOSED:
                self._closed_event.set()
                return taken
        if code == n.AZAUDIO_ERR_CLOSED:
            self._closed_event.set()
        elif code not in _EMPTY:
            raise last_error(code)
        return taken

    def event_fd(self) -> int:
        """The session's readiness descriptor (pull mode; azaudio_realtime_event_fd): a Linux eventfd readable
        exactly while at least one event waits. Watch it with ``select``/``selectors``/``loop.add_reader`` and take
        the events with :meth:`take_events` (or next_event(0) until None) when it is readable. It is
        level-triggered: stop watching it while you do not take events. It belongs to the session: never read,
        write or close it, and stop watching it before :meth:`destroy` (which closes it). Never readable again once
        the CLOSED event was taken. InvalidStateError in callback mode; UnsupportedError with a library older than
        the function."""
        handle = self._live()
        n.require("azaudio_realtime_event_fd")
        fd = ctypes.c_int32(-1)
        self._check(n.lib.azaudio_realtime_event_fd(handle, ctypes.byref(fd)))
        return fd.value

    def events(self, timeout: Optional[float] = None) -> Iterator[RealtimeEvent]:
        """Iterate over the session's events (pull mode) as they arrive; the iteration ends after the CLOSED event,
        or when no event came within ``timeout`` seconds (None: wait as long as it takes; 0: only what is already
        waiting, handy once per frame of a game loop). Ends at once if the CLOSED event was already taken."""
        while True:
            try:
                event = self.next_event(timeout)
            except ClosedError:
                return
            if event is None:
                return
            yield event
            if event.type == EventType.CLOSED:
                return

    def wait_closed(self, timeout: Optional[float] = None) -> bool:
        """Wait until the session has ended (the CLOSED event was delivered or taken); True if it has. Meant for
        callback mode; in pull mode it is what events() ending tells. Re-raises an exception from on_event."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._closed_event.is_set():
            self._raise_pending()
            if self._handle is None:
                break
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                break
            self._closed_event.wait(_WAIT_SLICE if remaining is None else min(_WAIT_SLICE, remaining))
        self._raise_pending()
        return self._closed_event.is_set()

    # ---- lifetime -----------------------------------------------------------------------------------------------

    def latency_summary(self) -> tuple[int, Optional[int], Optional[int]]:
        """First-audio latency over the session so far (azaudio_realtime_latency_summary): (responses with
        audio, median ms, p95 ms); None for the figures before any."""
        return self._summary("azaudio_realtime_latency_summary")

    def audible_latency_summary(self) -> tuple[int, Optional[int], Optional[int]]:
        """First-audible latency over the session so far (azaudio_realtime_audible_latency_summary: to the first
        reply audio above the level gate): (responses with some, median ms, p95 ms); None before any."""
        return self._summary("azaudio_realtime_audible_latency_summary")

    def _summary(self, name: str) -> tuple[int, Optional[int], Optional[int]]:
        n.require(name)
        count, median, p95 = ctypes.c_uint32(), ctypes.c_int32(), ctypes.c_int32()
        self._check(getattr(n.lib, name)(self._live(), ctypes.byref(count), ctypes.byref(median), ctypes.byref(p95)))
        return count.value, (median.value if median.value >= 0 else None), (p95.value if p95.value >= 0 else None)

    def close(self) -> None:
        """Start closing the session (WebSocket close 1000) and return at once; a CLOSED event follows, which ends
        events(). Safe from any thread, including on_event, and more than once. Does not raise a pending callback
        exception (the next other call does)."""
        handle = self._handle
        if handle is not None:
            n.lib.azaudio_realtime_close(handle)

    def destroy(self) -> None:
        """Close the session if needed and free it (what leaving the ``with`` block does): when it returns,
        on_event is not running and will not run again. Events already taken stay valid. Calling it twice is
        allowed."""
        with self._lock:
            handle, self._handle = self._handle, None
        if handle is not None:
            n.lib.azaudio_realtime_destroy(handle)

    def __enter__(self) -> "RealtimeSession":
        return self

    def __exit__(
        self, kind: Optional[type[BaseException]], value: Optional[BaseException], tb: Optional[TracebackType]
    ) -> None:
        self.destroy()
        if kind is None:
            self._raise_pending()

    def __del__(self) -> None:
        try:
            self.destroy()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<azaudio.RealtimeSession {self.deployment} ({self.protocol}, {state})>"
