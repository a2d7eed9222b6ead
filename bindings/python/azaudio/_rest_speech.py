"""Text to speech: Client.speech, speech_to_file and speech_stream (azaudio_speak_*). Internal: a mixin of
:class:`azaudio.Client`."""

from __future__ import annotations

import ctypes
import os
from typing import Any, Callable, Iterator, Union

from . import _native as n
from ._bridges import guarded_audio
from ._calls import Guard, run
from ._client_base import ClientBase
from ._options import SpeechOptions, Unpack, check_keywords
from ._streams import ItemStream

_STRINGS = ("deployment", "model", "voice", "response_format", "instructions", "stream_format")


class SpeechCalls(ClientBase):
    def _speech_options(self, token: Any, strings: dict[str, Any], options: SpeechOptions) -> Any:
        c = n.azaudio_speech_options()
        n.init_struct(c)
        for name, value in strings.items():
            setattr(c, name, value)
        speed = options.get("speed")
        if speed is not None:
            c.speed = speed
        self._call_options(c, token, options)
        return c

    @staticmethod
    def _speech_strings(call: str, text: str, options: SpeechOptions) -> tuple[bytes, dict[str, Any]]:
        check_keywords(call, options, SpeechOptions)
        encoded = n.encode(text)
        assert encoded is not None
        values = (
            options["deployment"],
            options.get("model"),
            options.get("voice"),
            options.get("response_format"),
            options.get("instructions"),
            options.get("stream_format"),
        )
        return encoded, {name: n.encode(value) for name, value in zip(_STRINGS, values, strict=True)}

    def speech(self, text: str, **options: Unpack[SpeechOptions]) -> bytes:
        """Speak ``text`` (1 to 4096 characters) with the ``deployment`` (required) and return the whole audio.

        ``voice``; ``response_format``: "mp3" (the service's default), "opus", "aac", "flac", "wav" or "pcm" (raw
        24 kHz 16-bit mono); ``speed`` 0.25..4.0; ``instructions`` how to speak (gpt-4o-mini-tts); ``model``,
        ``stream_format``; ``timeout`` (seconds) and ``max_retries`` for this call. Ctrl-C cancels."""
        handle = self._live()
        n.require("azaudio_speak_to_buffer")
        text_arg, strings = self._speech_strings("speech", text, options)

        def body(token: Any) -> bytes:
            c = self._speech_options(token, strings, options)
            data = ctypes.POINTER(ctypes.c_uint8)()
            size = ctypes.c_size_t()
            code = n.lib.azaudio_speak_to_buffer(
                handle, text_arg, ctypes.byref(c), ctypes.byref(data), ctypes.byref(size)
            )
            self._finish(code)
            try:
                return ctypes.string_at(data, size.value) if size.value else b""
            finally:
                n.lib.azaudio_free(ctypes.cast(data, ctypes.c_void_p))

        return run(body)

    def speech_to_file(self, text: str, path: Union[str, "os.PathLike[str]"], **options: Unpack[SpeechOptions]) -> None:
        """Speak ``text`` into the file at ``path``, written as the audio arrives (removed again on failure); the
        keywords as speech()."""
        handle = self._live()
        n.require("azaudio_speak_to_file")
        text_arg, strings = self._speech_strings("speech_to_file", text, options)
        path_arg = n.encode_path(path)

        def body(token: Any) -> None:
            c = self._speech_options(token, strings, options)
            self._finish(n.lib.azaudio_speak_to_file(handle, text_arg, path_arg, ctypes.byref(c)))

        run(body)

    def speech_stream(self, text: str, **options: Unpack[SpeechOptions]) -> Iterator[bytes]:
        """Speak ``text`` and yield the audio in chunks as they come off the wire (playback can start at once); the
        keywords as speech(). Leaving the loop early cancels the request; a failure after some chunks raises (the
        audio is partial)."""
        handle = self._live()
        n.require("azaudio_speak")
        text_arg, strings = self._speech_strings("speech_stream", text, options)

        def call(on_audio: Callable[[bytes], object], guard: Guard) -> None:
            def body(token: Any) -> None:
                c = self._speech_options(token, strings, options)
                audio_fn = guarded_audio(on_audio, guard)
                self._finish(n.lib.azaudio_speak(handle, text_arg, ctypes.byref(c), audio_fn, None), guard)

            run(body, cancel_on_interrupt=False, guard=guard)

        return ItemStream(call)
