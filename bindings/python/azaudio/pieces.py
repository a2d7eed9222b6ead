"""Audio of any length: how a transcription or translation is cut into pieces (the "Audio of any length" fields of
azaudio_transcription_options / azaudio_translation_options)."""

from __future__ import annotations

import ctypes
import os
from dataclasses import dataclass
from typing import Any, Callable, Optional

from . import _native as n
from ._calls import Guard

#: ``progress(pieces_done, pieces_total, seconds_done, seconds_total)``, on the calling thread.
PiecesProgress = Callable[[int, int, float, float], object]


@dataclass
class Pieces:
    """When and how audio over the upload limit (or a duration ceiling) is cut into pieces, sent concurrently and
    merged into one result. Every field left as None keeps the library's default.

    ``max_upload_bytes``: a request larger than this is cut (default 26214400; 0: never cut).
    ``max_piece_seconds``: the longest piece (default: the model's ceiling). ``concurrency``: pieces in flight
    (1-16, default 4). ``encoding``: "flac" (default) or "wav". ``journal_dir``: where answered pieces are kept so
    a later call with the same audio sends only the others. ``progress``: see :data:`PiecesProgress`.
    ``job_timeout``: seconds for the whole call, every piece included (default: no limit); past it the call raises
    :class:`azaudio.errors.TimeoutError`. Whenever a call cut into pieces raises after some pieces were answered,
    the exception's ``partial`` holds their merged result (a ``Transcription``), else None.
    ``raw_format``: the audio is headerless PCM: "pcm8" (unsigned), "pcm16", "pcm24", "pcm32", "float32",
    "float64" (little-endian), "ulaw" or "alaw", with ``raw_sample_rate`` and ``raw_channels`` (interleaved); it is
    always decoded and sent as FLAC or WAV pieces."""

    max_upload_bytes: Optional[int] = None
    max_piece_seconds: Optional[float] = None
    concurrency: Optional[int] = None
    encoding: Optional[str] = None
    journal_dir: Optional[str] = None
    progress: Optional[PiecesProgress] = None
    job_timeout: Optional[float] = None
    raw_format: Optional[str] = None
    raw_sample_rate: int = 0
    raw_channels: int = 1

    def apply(self, options: Any, guard: Guard) -> list[Any]:
        """Set the fields on a C options struct; returns the objects that must outlive the call."""
        slot = ctypes.c_void_p()
        keep: list[Any] = [slot]
        options.out_partial = ctypes.pointer(slot)
        if self.job_timeout is not None:
            options.job_timeout_ms = max(1, int(self.job_timeout * 1000))
        if self.raw_format is not None:
            if self.raw_format not in _RAW_FORMATS:
                raise ValueError(f"unknown raw_format {self.raw_format!r}: use one of {', '.join(_RAW_FORMATS)}")
            options.raw_format = _RAW_FORMATS[self.raw_format]
            options.raw_sample_rate = self.raw_sample_rate
            options.raw_channels = self.raw_channels
        if self.max_upload_bytes is not None:
            options.max_upload_bytes = self.max_upload_bytes
        if self.max_piece_seconds is not None:
            options.max_piece_seconds = self.max_piece_seconds
        if self.concurrency is not None:
            options.max_concurrent_pieces = self.concurrency
        if self.encoding is not None:
            codes = {"flac": n.AZAUDIO_PIECE_FLAC, "wav": n.AZAUDIO_PIECE_WAV}
            if self.encoding not in codes:
                raise ValueError(f"unknown piece encoding {self.encoding!r}: use 'flac' or 'wav'")
            options.piece_encoding = codes[self.encoding]
        if self.journal_dir is not None:
            path = os.fsencode(self.journal_dir)
            keep.append(path)
            options.journal_dir = path
        if self.progress is not None:
            callback = self.progress

            def call(done: int, total: int, seconds: float, seconds_total: float, _user: Optional[int]) -> int:
                if guard.stop.is_set():
                    return 1
                try:
                    callback(done, total, seconds, seconds_total)
                    return 0
                except BaseException as error:  # noqa: BLE001 - must not unwind through C
                    guard.record(error)
                    return 1

            fn = n.azaudio_pieces_progress_fn(call)
            keep.append(fn)
            options.on_pieces_progress = fn
        return keep


_RAW_FORMATS = {
    "pcm8": n.AZAUDIO_FORMAT_PCM8,
    "pcm16": n.AZAUDIO_FORMAT_PCM16,
    "pcm24": n.AZAUDIO_FORMAT_PCM24,
    "pcm32": n.AZAUDIO_FORMAT_PCM32,
    "float32": n.AZAUDIO_FORMAT_FLOAT32,
    "float64": n.AZAUDIO_FORMAT_FLOAT64,
    "ulaw": n.AZAUDIO_FORMAT_ULAW,
    "alaw": n.AZAUDIO_FORMAT_ALAW,
}


def take_partial(keep: list[Any]) -> Optional[Any]:
    """The partial result a failed call left in the slot `apply` set up (as a Transcription; the C result is
    freed), or None."""
    if not keep or not isinstance(keep[0], ctypes.c_void_p) or not keep[0].value:
        return None
    from .results import transcription_from_handle

    handle = keep[0].value
    keep[0].value = None
    try:
        return transcription_from_handle(handle)
    finally:
        n.lib.azaudio_transcript_free(handle)
