"""Audio chat completions: :class:`Chat` (a conversation, azaudio_chat) and Client.chat_audio
(azaudio_chat_complete). Internal module; the public names are ``azaudio.Chat`` and the client's method."""

from __future__ import annotations

import ctypes
import os
from typing import Any, Optional, Union

from . import _native as n
from ._bridges import bytes_pointer, guarded_audio, guarded_progress, guarded_text
from ._calls import Guard, run
from ._client_base import ClientBase
from ._options import ChatAudioOptions, Unpack, check_keywords
from ._owned import Owned
from .errors import ClosedError, InvalidArgumentError, last_error
from .results import ChatReply

__all__ = ["Chat", "ChatCalls"]


class Chat(Owned):
    """A conversation for audio chat completions (azaudio_chat): messages with text and input audio."""

    def __init__(self) -> None:
        n.require("azaudio_chat_create")
        handle = ctypes.c_void_p()
        code = n.lib.azaudio_chat_create(ctypes.byref(handle))
        if code != n.AZAUDIO_OK:
            raise last_error(code)
        self._handle: Optional[int] = handle.value

    def _live(self) -> int:
        if self._handle is None:
            raise ClosedError(n.AZAUDIO_ERR_CLOSED, "the chat is closed")
        return self._handle

    def _check(self, code: int) -> "Chat":
        if code != n.AZAUDIO_OK:
            raise last_error(code)
        return self

    def add_message(self, role: str, text: Optional[str] = None) -> "Chat":
        """Append a message: role "system", "developer", "user" or "assistant", with optional text."""
        return self._check(n.lib.azaudio_chat_add_message(self._live(), n.encode(role), n.encode(text)))

    def add_audio(self, data: Union[bytes, bytearray, memoryview], format: str = "wav") -> "Chat":
        """Append input audio ("wav" or "mp3" bytes) to the last message, which must be a user message."""
        pointer, keep = bytes_pointer(data)
        return self._check(n.lib.azaudio_chat_add_audio(self._live(), pointer, len(keep), n.encode(format)))

    def add_audio_file(self, path: Union[str, "os.PathLike[str]"]) -> "Chat":
        """Append the contents of a .wav or .mp3 file (read now) to the last message, a user message."""
        return self._check(n.lib.azaudio_chat_add_audio_file(self._live(), n.encode_path(path)))

    def add_assistant_audio(self, audio_id: str) -> "Chat":
        """Append an assistant message referring to an earlier reply's audio by its id."""
        return self._check(n.lib.azaudio_chat_add_assistant_audio(self._live(), n.encode(audio_id)))

    def add_reply(self, reply: ChatReply) -> "Chat":
        """Append a reply as the assistant's turn (by its audio id when it has one, else its text)."""
        return self._check(n.lib.azaudio_chat_add_reply(self._live(), reply._live()))

    def clear(self) -> None:
        """Remove every message."""
        n.lib.azaudio_chat_clear(self._live())

    def __len__(self) -> int:
        return int(n.lib.azaudio_chat_message_count(self._live()))

    def close(self) -> None:
        """Free the conversation."""
        handle, self._handle = self._handle, None
        if handle:
            n.lib.azaudio_chat_destroy(handle)


class ChatCalls(ClientBase):
    def chat_audio(self, prompt: Optional[str] = None, **options: Unpack[ChatAudioOptions]) -> ChatReply:
        """An audio chat completion (gpt-4o-audio-preview, gpt-4o-mini-audio-preview) with the ``deployment``.

        Either give a whole conversation as ``chat`` (a :class:`Chat`), or ``prompt`` text and/or ``audio`` (a
        .wav/.mp3 path, or bytes in ``audio_format``, default "wav") for a single user message, with an optional
        ``system`` message. The reply has ``text``, ``transcript`` and ``audio`` (in ``output_format``: "wav" by
        default, "pcm16" when streaming; ``audio_output=False`` for text only; ``voice``). With ``stream=True`` the
        callbacks ``on_text``, ``on_transcript`` and ``on_audio`` receive deltas as they arrive.
        ``max_completion_tokens``, ``temperature``, ``model``; ``timeout`` and ``max_retries`` for this call.
        ``progress(sent, total)`` follows the upload of the request (the conversation with its base64 audio)."""
        check_keywords("chat_audio", options, ChatAudioOptions)
        handle = self._live()
        n.require("azaudio_chat_complete")
        chat = options.get("chat")
        audio, system = options.get("audio"), options.get("system")
        own_chat = chat is None
        if chat is None:
            chat = Chat()
            if system is not None:
                chat.add_message("system", system)
            chat.add_message("user", prompt)
            if audio is not None:
                if isinstance(audio, (str, os.PathLike)):
                    chat.add_audio_file(audio)
                else:
                    chat.add_audio(audio, options.get("audio_format", "wav"))
        elif prompt is not None or audio is not None or system is not None:
            raise InvalidArgumentError(
                n.AZAUDIO_ERR_INVALID_ARGUMENT, "give either chat= or prompt/audio/system, not both"
            )
        strings = [n.encode(options["deployment"]), n.encode(options.get("model")), n.encode(options.get("voice"))]
        strings.append(n.encode(options.get("output_format")))
        guard = Guard()
        callbacks: dict[str, Any] = {}
        on_text, on_transcript = options.get("on_text"), options.get("on_transcript")
        if on_text is not None:
            callbacks["on_text"] = guarded_text(on_text, guard)
        if on_transcript is not None:
            callbacks["on_transcript"] = guarded_text(on_transcript, guard)
        on_audio, progress = options.get("on_audio"), options.get("progress")
        if on_audio is not None:
            callbacks["on_audio"] = guarded_audio(on_audio, guard)
        if progress is not None:
            callbacks["on_progress"] = guarded_progress(progress, guard)
        chat_handle = chat._live()
        max_tokens, temperature = options.get("max_completion_tokens"), options.get("temperature")

        def body(token: Any) -> ChatReply:
            c = n.azaudio_chat_options()
            n.init_struct(c)
            c.deployment, c.model, c.voice, c.audio_format = strings
            c.audio_output = 1 if options.get("audio_output", True) else 0
            if max_tokens is not None:
                c.max_completion_tokens = max_tokens
            if temperature is not None:
                c.temperature = temperature
            c.stream = 1 if options.get("stream") else 0
            for name, function in callbacks.items():
                setattr(c, name, function)
            self._call_options(c, token, options)
            out = ctypes.c_void_p()
            code = n.lib.azaudio_chat_complete(handle, chat_handle, ctypes.byref(c), ctypes.byref(out))
            self._finish(code, guard)
            return ChatReply(out.value)

        try:
            return run(body)
        finally:
            if own_chat:
                chat.close()
