"""The sending half of a realtime session: audio, turns, responses, conversation items and raw client events.
Internal: a base of :class:`azaudio.RealtimeSession` (see azaudio.realtime for the threading rules)."""

from __future__ import annotations

import json
from typing import Any, Mapping, Optional, Sequence, Union

from . import _ga_settings
from . import _native as n
from ._buffers import Buffer, _Input
from ._fast import BRIDGE
from ._realtime_options import INT32_MAX
from ._realtime_options import invalid as _invalid
from ._realtime_options import json_object as _json_object
from .errors import last_error

# Bytes go through the compiled bridge when it is there (no ctypes argument conversion), else through ctypes. With
# the bridge, send_audio itself is a C method (see the end of this file): this Python method then only runs for what
# is not the common case (not bytes, a session not live).
_send_audio = n.lib.azaudio_realtime_send_audio
_send_bytes = BRIDGE.send_audio if BRIDGE is not None else None
_OK = n.AZAUDIO_OK


def _raise_code(code: int) -> None:
    raise last_error(code)


class RealtimeSending:
    """Every send method: thread-safe, never blocks (a full send queue raises BusyError)."""

    _input_format: int
    _handle: Optional[int]
    _pending: Optional[BaseException]

    def _live(self) -> int:
        raise NotImplementedError

    @property
    def input_format(self) -> str:
        raise NotImplementedError

    def _check(self, code: int) -> None:
        if code != n.AZAUDIO_OK:
            raise last_error(code)

    def send_audio(self, audio: Buffer) -> None:
        """Queue caller audio (input_audio_buffer.append) in the session's input format: bytes-like, or a numpy
        array (int16 for pcm16, uint8 codes for G.711). Non-blocking; raises BusyError when the send queue is full
        (the audio was not queued), ClosedError after the session ended."""
        handle = self._handle
        if handle is None or self._pending is not None:  # _live() raises; the common case skips the call
            handle = self._live()
        if type(audio) is bytes:  # the common case, without a view object: ctypes passes the bytes' buffer
            if audio:
                code = _send_bytes(handle, audio) if _send_bytes is not None else _send_audio(handle, audio, len(audio))
                if code != _OK:
                    raise last_error(code)
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
        if isinstance(content_index, bool) or not isinstance(content_index, int) or not 0 <= content_index <= INT32_MAX:
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


if BRIDGE is not None:  # session.send_audio(bytes) without a Python frame; the same behaviour (see _cbridge.c)
    RealtimeSending.send_audio = BRIDGE.send_audio_method(  # type: ignore[method-assign]
        RealtimeSending, RealtimeSending.send_audio, _raise_code
    )
