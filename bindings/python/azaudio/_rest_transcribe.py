"""Speech to text: Client.transcribe, transcribe_stream and translate (azaudio_transcribe_* / azaudio_translate_*).
Internal: a mixin of :class:`azaudio.Client`."""

from __future__ import annotations

import ctypes
import os
from typing import Any, Callable, Optional

from . import _diarize
from . import _native as n
from ._bridges import bytes_pointer, guarded_progress, guarded_reader, guarded_text
from ._calls import Guard, run
from ._client_base import ClientBase
from ._options import (
    AudioInput,
    TranscribeOptions,
    TranscribeStreamOptions,
    TranslateOptions,
    Unpack,
    check_keywords,
)
from ._streams import TranscriptionStream
from .errors import AzAudioError, InvalidArgumentError
from .pieces import take_partial
from .results import Transcription, transcription_from_handle

_GRANULARITIES = {"segment": n.AZAUDIO_TIMESTAMP_SEGMENT, "word": n.AZAUDIO_TIMESTAMP_WORD}


class TranscriptionCalls(ClientBase):
    def transcribe(self, file: AudioInput, **options: Unpack[TranscribeOptions]) -> Transcription:
        """Transcribe audio (a path, bytes, or a binary file object) with a speech-to-text deployment.

        ``deployment`` (required) transcribes; ``model``, ``language``, ``prompt`` and ``temperature`` are sent
        when given. ``response_format``: "json" (default), "text", "srt", "vtt", "verbose_json" (language,
        duration, segments, words) or "diarized_json" (gpt-4o-transcribe-diarize: segments with ``speaker``);
        ``timestamps``: any of "segment", "word" (needs verbose_json); ``include_logprobs``,
        ``chunking_strategy``. ``filename`` names the format for bytes and file objects (default "audio.wav").
        ``progress(sent, total)`` follows the upload (see :data:`azaudio.client.ProgressCallback`).
        ``known_speakers`` maps up to 4 names to 2-10 s reference clips (a path, ``(bytes, filename)`` or WAV
        bytes) for diarized_json; ``languages`` and ``keywords`` guide gpt-transcribe. ``on_segment`` streams the
        call and receives each diarized :class:`Segment` as it completes. Audio over the upload limit is cut into
        pieces and merged; ``pieces`` tunes that (see :class:`Pieces`). ``timeout`` (seconds) and
        ``max_retries`` override the client's for this call. Ctrl-C cancels the call. Raises an AzAudioError
        subclass.
        """
        check_keywords("transcribe", options, TranscribeOptions)
        on_segment = options.get("on_segment")
        return self._transcribe("transcribe", file, options, stream=on_segment is not None)

    def transcribe_stream(self, file: AudioInput, **options: Unpack[TranscribeStreamOptions]) -> TranscriptionStream:
        """Transcribe with streaming (gpt-4o-transcribe, gpt-4o-mini-transcribe): iterate over the result for the
        text deltas as they arrive; afterwards ``.transcription`` holds the whole result. Leaving the loop early
        cancels the request. Takes transcribe()'s keywords except the timestamps, diarization and pieces ones."""
        check_keywords("transcribe_stream", options, TranscribeStreamOptions)

        def call(on_delta: Callable[[str], object], guard: Guard) -> Transcription:
            return self._transcribe("transcribe", file, options, on_delta=on_delta, guard=guard, stream=True)

        self._live()
        n.require("azaudio_transcribe_file")
        return TranscriptionStream(call)

    def translate(self, file: AudioInput, **options: Unpack[TranslateOptions]) -> Transcription:
        """Translate speech in any language into English text (whisper deployments); as transcribe(), with
        ``deployment``, ``model``, ``prompt``, ``response_format``, ``temperature``, ``filename``, ``timeout``,
        ``max_retries``, ``progress`` and ``pieces``."""
        check_keywords("translate", options, TranslateOptions)
        return self._transcribe("translate", file, options)

    def _transcribe(
        self,
        kind: str,
        file: AudioInput,
        given: TranscribeOptions | TranscribeStreamOptions | TranslateOptions,
        *,
        on_delta: Optional[Callable[[str], object]] = None,
        guard: Optional[Guard] = None,
        stream: bool = False,
    ) -> Transcription:
        options: dict[str, Any] = dict(given)
        handle = self._live()
        n.require(f"azaudio_{kind}_file")
        granularity = 0
        for name in options.get("timestamps", ()):
            bits = _GRANULARITIES.get(name)
            if bits is None:
                raise InvalidArgumentError(
                    n.AZAUDIO_ERR_INVALID_ARGUMENT, f"unknown timestamp granularity {name!r}: use 'segment' or 'word'"
                )
            granularity |= bits
        strings = {
            name: n.encode(options.get(name))
            for name in ("deployment", "model", "language", "prompt", "response_format", "chunking_strategy")
        }
        guard = guard or Guard()
        delta_fn = guarded_text(on_delta, guard) if on_delta is not None else None
        progress = options.get("progress")
        progress_fn = guarded_progress(progress, guard) if progress is not None else None
        temperature = options.get("temperature")
        pieces = options.get("pieces")
        diarize = {
            name: options[name] for name in ("known_speakers", "languages", "keywords", "on_segment") if name in options
        }

        alive: list[Any] = []  # what the C options point to, for the whole call

        def body(token: Any) -> Transcription:
            c: Any
            if kind == "transcribe":
                c = n.azaudio_transcription_options()
                n.init_struct(c)
                c.language = strings["language"]
                c.timestamp_granularities = granularity
                c.include_logprobs = 1 if options.get("include_logprobs") else 0
                c.chunking_strategy = strings["chunking_strategy"]
                c.stream = 1 if stream else 0
                if delta_fn is not None:
                    c.on_delta = delta_fn
                if diarize:
                    alive.extend(
                        _diarize.apply(
                            c,
                            guard=guard,
                            known_speakers=diarize.get("known_speakers", {}),
                            languages=diarize.get("languages", ()),
                            keywords=diarize.get("keywords", ()),
                            on_segment=diarize.get("on_segment"),
                        )
                    )
            else:
                c = n.azaudio_translation_options()
                n.init_struct(c)
            c.deployment = strings["deployment"]
            c.model = strings["model"]
            c.prompt = strings["prompt"]
            c.response_format = strings["response_format"]
            if temperature is not None:
                c.temperature = temperature
            if progress_fn is not None:
                c.on_progress = progress_fn
            pieces_keep = pieces.apply(c, guard) if pieces is not None else []
            alive.extend(pieces_keep)
            self._call_options(c, token, given)
            out = ctypes.c_void_p()
            try:
                self._finish(self._send(kind, handle, file, options.get("filename"), c, out, guard), guard)
            except AzAudioError as error:
                error.partial = take_partial(pieces_keep)
                raise
            try:
                return transcription_from_handle(out.value)
            finally:
                n.lib.azaudio_transcript_free(out.value)

        # Streaming runs on its own worker (TranscriptionStream): no second worker for Ctrl-C.
        return run(body, cancel_on_interrupt=not (stream and on_delta is not None), guard=guard)

    @staticmethod
    def _send(kind: str, handle: int, file: AudioInput, filename: Optional[str], c: Any, out: Any, guard: Guard) -> int:
        """The upload by the C function for ``file``'s kind: a path, bytes, or a file object read as it goes."""
        if isinstance(file, (str, os.PathLike)):
            return int(
                getattr(n.lib, f"azaudio_{kind}_file")(handle, n.encode_path(file), ctypes.byref(c), ctypes.byref(out))
            )
        if isinstance(file, (bytes, bytearray, memoryview)):
            pointer, keep = bytes_pointer(file)
            memory = getattr(n.lib, f"azaudio_{kind}_memory")
            named = n.encode(filename or "audio.wav")
            return int(memory(handle, pointer, len(keep), named, ctypes.byref(c), ctypes.byref(out)))
        if hasattr(file, "read"):
            name = filename or os.path.basename(str(getattr(file, "name", "") or "")) or "audio.wav"
            reader = guarded_reader(file, guard)
            callback = getattr(n.lib, f"azaudio_{kind}_callback")
            return int(callback(handle, n.encode(name), ctypes.byref(c), ctypes.byref(out), reader, None))
        raise TypeError(f"cannot read audio from {type(file).__name__}: give a path, bytes or a binary file")
