"""Audio of any length: how a transcription or translation is cut into pieces (the "Audio of any length" fields of
azaudio_transcription_options / azaudio_translation_options)."""

from __future__ import annotations

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
    a later call with the same audio sends only the others. ``progress``: see :data:`PiecesProgress`."""

    max_upload_bytes: Optional[int] = None
    max_piece_seconds: Optional[float] = None
    concurrency: Optional[int] = None
    encoding: Optional[str] = None
    journal_dir: Optional[str] = None
    progress: Optional[PiecesProgress] = None

    def apply(self, options: Any, guard: Guard) -> list[Any]:
        """Set the fields on a C options struct; returns the objects that must outlive the call."""
        keep: list[Any] = []
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
