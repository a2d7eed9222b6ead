"""The callback bridge of a realtime session: the Python function the library's I/O thread calls for every event
(azaudio_realtime_event_fn), which wraps the borrowed C event and hands it to on_event. Internal.

It runs once per event of every callback session (an audio delta each 20 ms per session), so it is one flat function:
the event is wrapped in place (no helper calls), and an event the callback did not keep is simply dropped (it owns
nothing, and is only cut from the C event; see azaudio._events for what happens to one it kept).

With the compiled bridge (azaudio._cbridge) none of this Python runs per event: its Deliverer does the same in C
(compiled_deliverer below); event_deliver and event_bridge are the ctypes path's.
"""

from __future__ import annotations

import ctypes
import sys
import threading
from typing import Any, Callable, Optional

from . import _native as n
from ._event_types import TYPES, EventType
from ._events import RealtimeEvent

__all__ = ["event_bridge", "event_deliver", "compiled_deliverer"]

_pinned_threads: set[int] = set()


def _keep_thread_state() -> None:
    """On a library thread's first callback, take one more hold on its Python thread state and never drop it.
    A ctypes callback on a thread Python did not start otherwise creates and destroys a thread state for every
    call (PyGILState_Ensure/Release), which costs more than the rest of the event's delivery. The state is kept
    until the thread ends (the client's I/O thread: one per client)."""
    ident = threading.get_ident()
    if ident not in _pinned_threads:
        _pinned_threads.add(ident)
        ctypes.pythonapi.PyGILState_Ensure()


# Kept or not is told by the reference count before and after the callback, taken in the same frame; interpreters
# without reference counts always copy what was not read (correct, only slower).
_COUNTS_REFERENCES = sys.implementation.name == "cpython"

BridgeFn = Callable[[Optional[int], Optional[int], Optional[int]], None]
DeliverFn = Callable[[Optional[int], int, int], None]


def event_deliver(
    on_event: Callable[[RealtimeEvent], object],
    lock: threading.Lock,
    closed: threading.Event,
    failed: Callable[[Optional[int], BaseException], None],
) -> DeliverFn:
    """``deliver(session, event, type)``: calls ``on_event(event)`` for every event (``type`` is
    azaudio_realtime_event_type of it, read by the caller), sets ``closed`` on the CLOSED event, and on an exception
    from on_event (or anything else) calls ``failed(session, error)`` once and passes no further event to on_event.
    ``lock`` serialises reads of a kept event from other threads with the copy made when the callback returns.
    Never raises. Holds no reference to the session object. What the compiled bridge (azaudio._cbridge) calls."""
    stopped = False
    new = object.__new__
    types = TYPES
    closed_kind = int(EventType.CLOSED)
    getrefcount = sys.getrefcount
    get_ident = threading.get_ident
    counts = _COUNTS_REFERENCES

    def deliver(session: Optional[int], event: int, kind: int) -> None:
        nonlocal stopped
        try:
            if kind == closed_kind:
                closed.set()
            if stopped:
                return
            wrapped = new(RealtimeEvent)
            wrapped._event = event
            wrapped._lock = lock
            wrapped._reader = get_ident()  # reads on this thread need no lock: the detach below comes after them
            wrapped._values = {}
            member = types.get(kind)
            wrapped.type = member if member is not None else EventType(kind)
            before = getrefcount(wrapped)
            kept = True
            try:
                on_event(wrapped)
                kept = not counts or getrefcount(wrapped) > before
            finally:
                if kept:  # referenced elsewhere: copy what was not read, then let go of the C event
                    wrapped._detach(True)
                else:  # nobody holds it (a weak reference might still reach it: it must not read the freed event)
                    with lock:
                        wrapped._event = None
        except BaseException as error:  # noqa: BLE001 - must not unwind through C
            stopped = True
            failed(session, error)

    return deliver


def compiled_deliverer(
    bridge: Any,
    on_event: Callable[[RealtimeEvent], object],
    lock: threading.Lock,
    closed: threading.Event,
    failed: Callable[[Optional[int], BaseException], None],
) -> Any:
    """The compiled bridge's form of :func:`event_deliver` (azaudio._cbridge.Deliverer, the same behaviour): its
    id() is the user_data of ``bridge.callback_address()``, which calls ``on_event`` with no Python frame in
    between."""
    return bridge.Deliverer(on_event, lock, closed, failed, TYPES, RealtimeEvent, EventType, int(EventType.CLOSED))


def event_bridge(deliver: DeliverFn) -> BridgeFn:
    """The function to wrap in azaudio_realtime_event_fn (the ctypes path, when azaudio._cbridge is not there):
    pins the I/O thread's Python state, reads the event's type and calls ``deliver``."""
    pinned = False  # the I/O thread's state is pinned (every call comes on that thread; another would be slower)
    type_of = n.event_lib.azaudio_realtime_event_type  # keeps the GIL: no hand-over mid-event

    def bridge(session: Optional[int], event: Optional[int], _user_data: Optional[int]) -> None:
        nonlocal pinned
        if not pinned:
            _keep_thread_state()
            pinned = True
        if event:
            deliver(session, event, type_of(event))

    return bridge
