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
import json
import threading
import time
import weakref
from types import TracebackType
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Optional, Sequence, Union

from . import _ga_settings
from . import _native as n
from ._events import EventType, RealtimeEvent, deliver
from .audio import Buffer, _Input
from .errors import ClosedError, InvalidArgumentError, client_error, last_error

if TYPE_CHECKING:
    from .client import Client

__all__ = [
    "EventType",
    "RealtimeEvent",
    "RealtimeSession",
    "EventCallback",
    "PROTOCOLS",
    "AUDIO_FORMATS",
    "TURN_DETECTION",
]


#: An event callback: receives each event on the library's I/O thread.
EventCallback = Callable[[RealtimeEvent], object]

#: protocol= values.
PROTOCOLS = {"ga": n.AZAUDIO_REALTIME_GA, "preview": n.AZAUDIO_REALTIME_PREVIEW}
#: input_format= / output_format= values (the names the service uses), with the audio kit's FORMAT_* numbers.
AUDIO_FORMATS = {
    "pcm16": n.AZAUDIO_FORMAT_PCM16,
    "g711_ulaw": n.AZAUDIO_FORMAT_ULAW,
    "g711_alaw": n.AZAUDIO_FORMAT_ALAW,
}
#: turn_detection= values (None: no detection, call commit() and create_response() yourself).
TURN_DETECTION: dict[Optional[str], int] = {
    "server_vad": n.AZAUDIO_TURN_SERVER_VAD,
    "semantic_vad": n.AZAUDIO_TURN_SEMANTIC_VAD,
    None: n.AZAUDIO_TURN_NONE,
}

#: Sessions not destroyed yet: destroyed at interpreter exit, before Python stops running callbacks.
_live_sessions: "weakref.WeakSet[RealtimeSession]" = weakref.WeakSet()


@atexit.register
def _destroy_live_sessions() -> None:
    for session in list(_live_sessions):
        session.destroy()


_send_audio = n.lib.azaudio_realtime_send_audio
_CLOSED = int(EventType.CLOSED)
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


_WAIT_SLICE = 0.1  # seconds a pull waits per library call on the main thread, so Ctrl-C is seen promptly
_INT32_MAX = 2**31 - 1


def _invalid(message: str) -> InvalidArgumentError:
    return InvalidArgumentError(n.AZAUDIO_ERR_INVALID_ARGUMENT, message)


def _choice(table: Mapping[Any, int], value: Any, what: str) -> int:
    """A named choice (case-insensitive), or the header's number for it."""
    if isinstance(value, str) and value.lower() in table:
        return table[value.lower()]
    if value is None and None in table:
        return table[None]
    if isinstance(value, int) and not isinstance(value, bool) and value in table.values():
        return value
    names = ", ".join(repr(k) for k in table)
    raise _invalid(f"{what} is {value!r}; use one of {names}")


def _json_object(value: Union[Mapping[str, Any], Sequence[Any], str, None]) -> Optional[bytes]:
    """A dict (or JSON text) as the C string argument; None stays NULL."""
    if value is None:
        return None
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return n.encode(text)


#: Call-continuity options (azaudio_realtime_options fields of the same names); None keeps the library's default.
_CONTINUITY_OPTIONS = (
    "keepalive_ms",
    "liveness_timeout_ms",
    "reconnect_max_attempts",
    "reconnect_max_total_ms",
    "reconnect_backoff_ms",
    "history_max_items",
    "history_max_chars",
    "renewal_margin_ms",
    "session_max_ms",
)


class _Options:
    """Builds azaudio_realtime_options from keyword arguments and keeps the strings it points to alive."""

    def __init__(self, **kw: Any) -> None:
        self.struct = n.azaudio_realtime_options()
        n.lib.azaudio_realtime_options_init(ctypes.byref(self.struct))
        self._keep: list[Optional[bytes]] = []
        o = self.struct
        o.deployment = self._string(kw["deployment"])
        o.protocol = _choice(PROTOCOLS, kw["protocol"], "protocol")
        o.api_version = self._string(kw["api_version"])
        o.instructions = self._string(kw["instructions"])
        o.voice = self._string(kw["voice"])
        o.input_audio_format = _choice(AUDIO_FORMATS, kw["input_format"], "input_format")
        o.output_audio_format = _choice(AUDIO_FORMATS, kw["output_format"], "output_format")
        o.input_transcription_deployment = self._string(kw["transcription_deployment"])
        o.input_transcription_language = self._string(kw["transcription_language"])
        o.turn_detection = _choice(TURN_DETECTION, kw["turn_detection"], "turn_detection")
        if kw["vad_threshold"] is not None:
            o.vad_threshold = float(kw["vad_threshold"])
        for name in ("vad_prefix_padding_ms", "vad_silence_duration_ms"):
            if kw[name] is not None:
                setattr(o, name, self._int(kw[name], name, 0, _INT32_MAX))
        for name in ("vad_create_response", "vad_interrupt_response"):
            if kw[name] is not None:
                setattr(o, name, 1 if kw[name] else 0)
        o.semantic_vad_eagerness = self._string(kw["semantic_vad_eagerness"])
        tools = kw["tools"]
        if tools is not None:
            if isinstance(tools, (Mapping, bytes)) or not isinstance(tools, (str, Sequence)):
                raise _invalid("tools must be a list of tool definitions (dicts) or a JSON array")
            o.tools_json = self._keep_bytes(_json_object(tools if isinstance(tools, str) else list(tools)))
        o.tool_choice = self._string(kw["tool_choice"])
        if kw["temperature"] is not None:
            o.temperature = float(kw["temperature"])
        if kw["max_output_tokens"] is not None:
            o.max_output_tokens = self._int(kw["max_output_tokens"], "max_output_tokens", 0, _INT32_MAX)
        o.text_only = 1 if kw["text_only"] else 0
        if kw["max_send_queue_bytes"] is not None:
            o.max_send_queue_bytes = self._int(kw["max_send_queue_bytes"], "max_send_queue_bytes", 0, 2**32 - 1)
        if kw["max_event_queue"] is not None:
            o.max_event_queue = self._int(kw["max_event_queue"], "max_event_queue", 0, 2**32 - 1)
        if kw["connect_timeout"] is not None:
            seconds = float(kw["connect_timeout"])
            if not 0 <= seconds * 1000 <= 2**32 - 1:
                raise _invalid(f"connect_timeout is {seconds}; it must be >= 0 seconds")
            o.connect_timeout_ms = int(round(seconds * 1000))
        for side in ("input", "output"):
            fmt, rate = kw[f"caller_{side}_format"], kw[f"caller_{side}_rate"]
            if fmt is not None:
                setattr(o, f"caller_{side}_format", _choice(AUDIO_FORMATS, fmt, f"caller_{side}_format"))
            if rate is not None:
                setattr(o, f"caller_{side}_rate", self._int(rate, f"caller_{side}_rate", 0, 2**32 - 1))
        o.barge_in = 1 if kw["barge_in"] else 0
        o.input_audio_coalesce_ms = self._int(kw["input_audio_coalesce_ms"], "input_audio_coalesce_ms", 0, 2**32 - 1)
        for name in _CONTINUITY_OPTIONS:
            if kw.get(name) is not None:
                setattr(o, name, self._int(kw[name], name, 0, 2**32 - 1))
        kind = kw.get("session")
        if kind is not None:  # a transcription or translation session (azaudio._session_kinds)
            kind.apply(o, self._string)
        if kw.get("ga") is not None:  # typed GA settings (azaudio._ga_settings)
            kw["ga"].apply(o, self._string)
        _ga_settings.apply_call_id(o, kw.get("call_id"), self._string)

    def _keep_bytes(self, value: Optional[bytes]) -> Optional[bytes]:
        self._keep.append(value)
        return value

    def _string(self, value: Optional[str]) -> Optional[bytes]:
        if value is not None and not isinstance(value, str):
            raise _invalid(f"expected a string, not {type(value).__name__}: {value!r}")
        return self._keep_bytes(n.encode(value))

    @staticmethod
    def _int(value: Any, name: str, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _invalid(f"{name} is {value!r}; it must be an integer from {low} to {high}")
        return value


class RealtimeSession:
    """A connected realtime session (azaudio_realtime_session). Made by :meth:`azaudio.Client.realtime`; use it
    in a ``with`` block, which destroys it at the end. See the module documentation for the threading rules.

    Every method raises :class:`azaudio.ClosedError` once the session has ended (after the CLOSED event) or was
    destroyed, and :class:`azaudio.InvalidArgumentError` (a ``ValueError``) for arguments the library refuses,
    with its message."""

    def __init__(self, client: "Client", options: _Options, on_event: Optional[EventCallback]) -> None:
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
        if on_event is not None:
            # Through a weak reference: the C callback object must not keep the session alive (a cycle would delay
            # destroy() of a session dropped without `with` until the garbage collector ran).
            me = weakref.ref(self)

            def deliver(session: Optional[int], event: Optional[int], user_data: Optional[int]) -> None:
                _keep_thread_state()
                target = me()
                if target is not None:
                    target._deliver(session, event, user_data)

            self._callback = n.azaudio_realtime_event_fn(deliver)
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

    def _deliver(self, _session: Optional[int], event: Optional[int], _user_data: Optional[int]) -> None:
        """azaudio_realtime_event_fn: runs on the library's I/O thread. Never lets an exception reach C."""
        try:
            if not event:
                return
            wrapped = RealtimeEvent._borrowed(event, self._event_lock)
            if wrapped.type == _CLOSED:
                self._closed_event.set()
            if self._callback_failed or self._on_event is None:
                wrapped._detach(False)
                return
            deliver(self._on_event, wrapped)
        except BaseException as error:  # noqa: BLE001 - must not unwind through C
            with self._lock:
                if self._pending is None:
                    self._pending = error
                self._callback_failed = True
            if _session:
                n.lib.azaudio_realtime_close(_session)

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

    def _check(self, code: int) -> None:
        if code != n.AZAUDIO_OK:
            raise last_error(code)

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

    # ---- sending ------------------------------------------------------------------------------------------------

    def send_audio(self, audio: Buffer) -> None:
        """Queue caller audio (input_audio_buffer.append) in the session's input format: bytes-like, or a numpy
        array (int16 for pcm16, uint8 codes for G.711). Non-blocking; raises BusyError when the send queue is full
        (the audio was not queued), ClosedError after the session ended."""
        handle = self._live()
        if type(audio) is bytes:  # the common case, without a view object: ctypes passes the bytes' buffer
            if audio:
                self._check(_send_audio(handle, audio, len(audio)))
            return
        dtype = "int16" if self._input_format == n.AZAUDIO_FORMAT_PCM16 else "uint8"
        array_dtype = getattr(audio, "dtype", None)
        if array_dtype is not None and str(array_dtype) != dtype:
            hint = "" if dtype == "int16" else " (encode PCM with azaudio.audio.ulaw_encode / alaw_encode first)"
            raise _invalid(f"a {self.input_format} session takes {dtype} arrays, not {array_dtype}{hint}")
        view = _Input(audio, dtype)
        if view.size == 0:
            return
        self._check(n.lib.azaudio_realtime_send_audio(handle, view.address, view.size))

    def commit(self) -> None:
        """End the caller's turn (input_audio_buffer.commit); needed with turn_detection=None."""
        self._check(n.lib.azaudio_realtime_commit(self._live()))

    def clear(self) -> None:
        """Drop uncommitted caller audio (input_audio_buffer.clear)."""
        self._check(n.lib.azaudio_realtime_clear(self._live()))

    def create_response(self, response: Optional[Mapping[str, Any]] = None, **overrides: Any) -> None:
        """Ask for a response (response.create). Per-response settings go in ``response`` (a dict) and/or as
        keyword arguments, e.g. ``create_response(instructions="Answer in French.")``."""
        settings: Optional[dict[str, Any]] = None
        if response is not None or overrides:
            settings = {**(dict(response) if response is not None else {}), **overrides}
        self._check(n.lib.azaudio_realtime_create_response(self._live(), _json_object(settings)))

    def request_response(self, **options: Any) -> None:
        """Ask for a response with typed settings (azaudio_realtime_create_response_with_options): ``out_of_band``
        (``"conversation":"none"``: its events have ``out_of_band`` True), ``instructions``, ``text_only``,
        ``max_output_tokens`` (1..4096 or "inf"), ``metadata`` (up to 16 string values), ``input`` (items)."""
        self._check(_ga_settings.request_response(self._live(), **options))

    def send_image(
        self, image: bytes, mime_type: str, text: Optional[str] = None, detail: Optional[str] = None
    ) -> None:
        """A user message with an image (PNG, JPEG, WebP or GIF bytes, up to 10 MiB), sent as a data URL, with
        optional ``text`` before it; ``detail``: "auto", "low" or "high"."""
        self._check(_ga_settings.send_image(self._live(), image, mime_type, text, detail))

    def clear_output_audio(self) -> None:
        """Sideband sessions (``call_id=``): drop the reply audio the service is playing to the caller."""
        self._check(n.lib.azaudio_realtime_clear_output_audio(self._live()))

    def cancel_response(self) -> None:
        """Cancel the response in progress (response.cancel)."""
        self._check(n.lib.azaudio_realtime_cancel_response(self._live()))

    def update_session(self, session: Union[Mapping[str, Any], str]) -> None:
        """Send session.update with these settings (a dict in the session's protocol shape)."""
        self._check(n.lib.azaudio_realtime_update_session(self._live(), _json_object(session)))

    def create_text_item(self, role: str, text: str) -> None:
        """Add a text message to the conversation (conversation.item.create); role "user", "assistant" or
        "system"."""
        self._check(n.lib.azaudio_realtime_create_text_item(self._live(), n.encode(role), n.encode(text)))

    def send_function_output(self, call_id: str, output: Union[str, Mapping[str, Any], Sequence[Any]]) -> None:
        """Answer a FUNCTION_CALL event's ``call_id`` with ``output`` (a string, or a value sent as JSON). Follow
        with create_response() for the model to go on."""
        text = output if isinstance(output, str) else json.dumps(output, ensure_ascii=False)
        self._check(n.lib.azaudio_realtime_send_function_output(self._live(), n.encode(call_id), n.encode(text)))

    def truncate(self, item_id: str, audio_end_ms: int, content_index: int = 0) -> None:
        """Cut an assistant audio item at ``audio_end_ms`` (what the listener really heard; the library clamps it
        to the audio received). InvalidArgumentError if no audio of that item was received."""
        if isinstance(audio_end_ms, bool) or not isinstance(audio_end_ms, int) or not 0 <= audio_end_ms < 2**32:
            raise _invalid(f"audio_end_ms is {audio_end_ms!r}; it must be an integer >= 0")
        if (
            isinstance(content_index, bool)
            or not isinstance(content_index, int)
            or not 0 <= content_index <= _INT32_MAX
        ):
            raise _invalid(f"content_index is {content_index!r}; it must be an integer >= 0")
        self._check(n.lib.azaudio_realtime_truncate(self._live(), n.encode(item_id), content_index, audio_end_ms))

    def audio_played(self, item_id: str, played_ms: int) -> None:
        """Report that ``played_ms`` of the reply item's audio has really been played (in all, from its start).
        Barge-in truncates there when the caller interrupts. InvalidArgumentError if no audio of the item came."""
        if isinstance(played_ms, bool) or not isinstance(played_ms, int) or not 0 <= played_ms < 2**32:
            raise _invalid(f"played_ms is {played_ms!r}; it must be an integer >= 0")
        self._check(n.lib.azaudio_realtime_audio_played(self._live(), n.encode(item_id), played_ms))

    def delete_item(self, item_id: str) -> None:
        """Remove an item from the conversation (conversation.item.delete)."""
        self._check(n.lib.azaudio_realtime_delete_item(self._live(), n.encode(item_id)))

    def send_event(self, event: Union[Mapping[str, Any], str]) -> None:
        """Send any client event: a dict (or JSON text) with a "type"."""
        self._check(n.lib.azaudio_realtime_send_event_json(self._live(), _json_object(event)))

    # ---- receiving ----------------------------------------------------------------------------------------------

    def next_event(self, timeout: Optional[float] = None) -> Optional[RealtimeEvent]:
        """Take the next event (pull mode), waiting up to ``timeout`` seconds (None: as long as it takes; 0: do not
        wait). Returns None if none came in time. Raises ClosedError once the CLOSED event was taken, and
        InvalidStateError in callback mode. On the main thread the wait is cut into short slices so that Ctrl-C
        raises KeyboardInterrupt promptly (the event stays queued)."""
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
            code = n.lib.azaudio_realtime_next_event(handle, ctypes.byref(out), wait_ms)
            if code == n.AZAUDIO_OK:
                break
            if code == n.AZAUDIO_ERR_TIMEOUT:
                self._raise_pending()
                if remaining is not None and remaining <= wait_ms / 1000:
                    return None
                continue
            if code == n.AZAUDIO_ERR_CLOSED:
                self._closed_event.set()
            raise last_error(code)
        event = RealtimeEvent._pulled(out.value) if out.value else None
        if event is not None and event.type == EventType.CLOSED:
            self._closed_event.set()
        return event

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
        n.require("azaudio_realtime_latency_summary")
        count, median, p95 = ctypes.c_uint32(), ctypes.c_int32(), ctypes.c_int32()
        self._check(
            n.lib.azaudio_realtime_latency_summary(
                self._live(), ctypes.byref(count), ctypes.byref(median), ctypes.byref(p95)
            )
        )
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
