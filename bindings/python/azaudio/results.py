"""Results of REST calls: transcriptions and chat replies, read through the library's accessors."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from typing import Any, Optional

from . import _native as n
from .errors import ClosedError, last_error

__all__ = ["Segment", "Word", "Usage", "Transcription", "ChatReply"]


@dataclass(frozen=True)
class Segment:
    """A segment of a verbose_json or diarized_json transcription: start and end in seconds, and its text;
    ``speaker`` (diarized_json: a known speaker's name or "A", "B", ...; else "") and the service's ``id``."""

    start: float
    end: float
    text: str
    speaker: str = ""
    id: str = ""


def segment_from_struct(s: Any) -> Segment:
    """A Segment from an ``azaudio_segment`` filled by the library."""
    return Segment(s.start, s.end, n.text(s.text), n.text(s.speaker), n.text(s.id))


@dataclass(frozen=True)
class Word:
    """A word of a verbose_json transcription with word timestamps."""

    start: float
    end: float
    word: str


@dataclass(frozen=True)
class Usage:
    """What a call consumed as the service reported it: ``type`` is "tokens" or "duration"; numbers it did not
    report are None."""

    type: str
    input_tokens: Optional[int]
    output_tokens: Optional[int]
    total_tokens: Optional[int]
    seconds: Optional[float]


def _usage(function: Any, handle: Optional[int]) -> Optional[Usage]:
    usage = n.azaudio_usage()
    code = function(handle, ctypes.byref(usage))
    if code != n.AZAUDIO_OK:
        raise last_error(code)
    kind = n.text(usage.type)
    if not kind:
        return None

    def number(value: int) -> Optional[int]:
        return None if value < 0 else int(value)

    return Usage(
        type=kind,
        input_tokens=number(usage.input_tokens),
        output_tokens=number(usage.output_tokens),
        total_tokens=number(usage.total_tokens),
        seconds=usage.seconds if kind == "duration" else None,
    )


def _raw(function: Any, handle: Optional[int]) -> str:
    size = ctypes.c_size_t()
    pointer = function(handle, ctypes.byref(size))
    return ctypes.string_at(pointer, size.value).decode("utf-8", "replace") if pointer else ""


@dataclass(frozen=True)
class Transcription:
    """The result of a transcription or translation.

    ``text`` is the text (the whole body for text, srt and vtt formats); ``language`` and ``duration`` (seconds)
    come with verbose_json, as do ``segments`` and ``words``; ``raw`` is the reply body as received."""

    text: str
    language: str = ""
    duration: Optional[float] = None
    segments: list[Segment] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)
    usage: Optional[Usage] = None
    logprob_count: int = 0
    request_id: str = ""
    status: int = 0
    raw: str = ""

    def __str__(self) -> str:
        return self.text


def transcription_from_handle(handle: Optional[int]) -> Transcription:
    """Copy an azaudio_transcript into a Transcription (the caller frees the handle)."""
    lib = n.lib
    segments: list[Segment] = []
    words: list[Word] = []
    start, end, text = ctypes.c_double(), ctypes.c_double(), ctypes.c_char_p()
    for index in range(lib.azaudio_transcript_segment_count(handle)):
        if n.has("azaudio_transcript_segment_info"):
            info = n.azaudio_segment()
            code = lib.azaudio_transcript_segment_info(handle, index, ctypes.byref(info))
            if code != n.AZAUDIO_OK:
                raise last_error(code)
            segments.append(segment_from_struct(info))
            continue
        code = lib.azaudio_transcript_segment(handle, index, ctypes.byref(start), ctypes.byref(end), ctypes.byref(text))
        if code != n.AZAUDIO_OK:
            raise last_error(code)
        segments.append(Segment(start.value, end.value, n.text(text.value)))
    for index in range(lib.azaudio_transcript_word_count(handle)):
        code = lib.azaudio_transcript_word(handle, index, ctypes.byref(start), ctypes.byref(end), ctypes.byref(text))
        if code != n.AZAUDIO_OK:
            raise last_error(code)
        words.append(Word(start.value, end.value, n.text(text.value)))
    duration = lib.azaudio_transcript_duration(handle)
    return Transcription(
        text=n.text(lib.azaudio_transcript_text(handle)),
        language=n.text(lib.azaudio_transcript_language(handle)),
        duration=None if duration < 0 else duration,
        segments=segments,
        words=words,
        usage=_usage(lib.azaudio_transcript_usage, handle),
        logprob_count=int(lib.azaudio_transcript_logprob_count(handle)),
        request_id=n.text(lib.azaudio_transcript_request_id(handle)),
        status=int(lib.azaudio_transcript_http_status(handle)),
        raw=_raw(lib.azaudio_transcript_raw_body, handle),
    )


class ChatReply:
    """The assistant's reply to an audio chat completion.

    ``text`` (empty when it answered with audio), ``transcript`` of the spoken reply, ``audio`` bytes in the
    requested format, ``audio_id`` and ``audio_expires_at`` (to refer to the audio later), ``finish_reason``,
    ``usage``, ``request_id``, ``status`` and ``raw`` (the body, for non-streamed replies). The reply keeps the
    library's object for :meth:`azaudio.Chat.add_reply` until it is closed or collected."""

    def __init__(self, handle: Optional[int]) -> None:
        self._handle = handle
        lib = n.lib
        size = ctypes.c_size_t()
        audio = lib.azaudio_chat_reply_audio(handle, ctypes.byref(size))
        self.text: str = n.text(lib.azaudio_chat_reply_text(handle))
        self.transcript: str = n.text(lib.azaudio_chat_reply_transcript(handle))
        self.audio: bytes = ctypes.string_at(audio, size.value) if audio and size.value else b""
        self.audio_id: str = n.text(lib.azaudio_chat_reply_audio_id(handle))
        self.audio_expires_at: int = int(lib.azaudio_chat_reply_audio_expires_at(handle))
        self.finish_reason: str = n.text(lib.azaudio_chat_reply_finish_reason(handle))
        self.usage: Optional[Usage] = _usage(lib.azaudio_chat_reply_usage, handle)
        self.raw: str = _raw(lib.azaudio_chat_reply_raw_body, handle)
        self.status: int = int(lib.azaudio_chat_reply_http_status(handle))
        self.request_id: str = n.text(lib.azaudio_chat_reply_request_id(handle))

    def _live(self) -> int:
        if not self._handle:
            raise ClosedError(n.AZAUDIO_ERR_CLOSED, "the chat reply is closed")
        return self._handle

    def close(self) -> None:
        """Free the library's object (the Python attributes stay)."""
        handle, self._handle = self._handle, None
        if handle:
            n.lib.azaudio_chat_reply_free(handle)

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    def __repr__(self) -> str:
        return f"<azaudio.ChatReply text={self.text!r} transcript={self.transcript!r} audio={len(self.audio)} bytes>"
