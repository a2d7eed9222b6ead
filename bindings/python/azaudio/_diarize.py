"""The 2026 transcription options in the C struct: known speakers (diarization), languages and keywords
(gpt-transcribe), and the streamed-segment callback."""

from __future__ import annotations

import ctypes
import os
from typing import Any, Callable, Mapping, Optional, Sequence, Union

from . import _native as n
from ._calls import Guard
from .results import Segment, segment_from_struct

#: A known speaker's reference clip: a path, or ``(bytes, filename)`` whose extension names the format, or bytes
#: (taken as WAV).
SpeakerClip = Union[str, "os.PathLike[str]", bytes, bytearray, "tuple[bytes, str]"]


def _guarded_segment(callback: Callable[[Segment], object], guard: Guard) -> Any:
    def call(segment: Any, _user_data: Optional[int]) -> int:
        if guard.stop.is_set():
            return 1
        try:
            callback(segment_from_struct(segment.contents))
            return 0
        except BaseException as error:  # noqa: BLE001 - must not unwind through C
            guard.record(error)
            return 1

    return n.azaudio_segment_fn(call)


def _strings(values: Sequence[str]) -> Any:
    array = (ctypes.c_char_p * len(values))()
    for i, value in enumerate(values):
        array[i] = n.encode(value)
    return array


def apply(
    options: Any,
    *,
    known_speakers: Mapping[str, SpeakerClip],
    languages: Sequence[str],
    keywords: Sequence[str],
    on_segment: Optional[Callable[[Segment], object]],
    guard: Guard,
) -> list[Any]:
    """Fill the 2026 fields of an ``azaudio_transcription_options``; returns what must stay alive for the call."""
    keep: list[Any] = []
    if known_speakers:
        entries = (n.azaudio_known_speaker * len(known_speakers))()
        for entry, (name, clip) in zip(entries, known_speakers.items(), strict=False):
            entry.name = n.encode(name)
            if isinstance(clip, (str, os.PathLike)):
                entry.path = n.encode_path(clip)
                continue
            data, filename = clip if isinstance(clip, tuple) else (clip, f"{name}.wav")
            buffer = ctypes.create_string_buffer(bytes(data), len(data))
            keep.append(buffer)
            entry.data = ctypes.cast(buffer, ctypes.POINTER(ctypes.c_uint8))
            entry.size = len(data)
            entry.filename = n.encode(filename)
        keep.append(entries)
        options.known_speakers = entries
        options.known_speaker_count = len(known_speakers)
    if languages:
        array = _strings(languages)
        keep.append(array)
        options.languages = array
        options.language_count = len(languages)
    if keywords:
        array = _strings(keywords)
        keep.append(array)
        options.keywords = array
        options.keyword_count = len(keywords)
    if on_segment is not None:
        fn = _guarded_segment(on_segment, guard)
        keep.append(fn)
        options.on_segment = fn
    return keep
