"""Speech to text with pocketsphinx (its bundled US English model).

One decoder is created on first use and reused (creating one costs a third of
a second); a lock serialises access, as a decoder is not thread-safe. Calls
block: run them in an executor.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from . import audio

RATE = 16_000
_FRAMES_PER_SECOND = 100
_ALTERNATE = re.compile(r"\(\d+\)$")


@dataclass(frozen=True)
class Word:
    """A recognised word and where it is in the audio (seconds)."""

    word: str
    start: float
    end: float
    probability: float


@dataclass(frozen=True)
class Recognition:
    """The result of recognising one piece of audio."""

    words: tuple[Word, ...]
    duration: float

    @property
    def text(self) -> str:
        """The transcript: the words joined by spaces."""
        return " ".join(w.word for w in self.words)


class Memo:
    """Answers kept by key, at most `entries` (the least recently used dropped first); thread-safe."""

    def __init__(self, entries: int) -> None:
        self._entries = entries
        self._lock = threading.Lock()
        self._items: OrderedDict[bytes, Any] = OrderedDict()
        #: How many lookups found an answer, and how many did not.
        self.hits = 0
        self.misses = 0

    def get(self, key: bytes) -> Any | None:
        with self._lock:
            value = self._items.get(key)
            if value is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: bytes, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._entries:
                self._items.popitem(last=False)


class STTEngine:
    """Recognises English speech; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._decoder = None
        self._initial_cmn: str | None = None
        #: What the utterances of long uploads were recognised as, by their samples' digest (see utterances.py).
        self.utterances = Memo(1024)

    def _get_decoder(self):
        if self._decoder is None:
            from pocketsphinx import Decoder  # imported lazily: loading the model takes time

            self._decoder = Decoder(samprate=RATE, loglevel="FATAL")
            self._initial_cmn = self._decoder.get_cmn()
        return self._decoder

    def warm_up(self) -> None:
        """Load the model on a background thread now, so the first recognition does not pay for it (a served
        emulator calls this at start; a request that comes first waits on the lock, as before)."""

        def load() -> None:
            with self._lock:
                self._get_decoder()

        threading.Thread(target=load, name="stt-warm-up", daemon=True).start()

    def recognise(self, pcm: bytes, rate: int = RATE) -> Recognition:
        """Recognise mono pcm16 audio sampled at `rate`."""
        pcm = audio.resample(pcm, rate, RATE)
        duration = audio.duration_seconds(pcm, RATE)
        if len(pcm) < RATE // 10:  # under 50 ms: nothing to recognise
            return Recognition((), duration)
        with self._lock:
            decoder = self._get_decoder()
            # The front end adapts to every utterance decoded (noise estimate, live cepstral mean): start each one
            # afresh, so the same audio always gives the same words whatever was recognised before.
            decoder.reinit_feat()
            if self._initial_cmn is not None:
                decoder.set_cmn(self._initial_cmn)
            decoder.start_utt()
            decoder.process_raw(pcm, full_utt=True)
            decoder.end_utt()
            segments = list(decoder.seg()) if decoder.hyp() is not None else []
        words = tuple(
            Word(
                _ALTERNATE.sub("", s.word),
                s.start_frame / _FRAMES_PER_SECOND,
                (s.end_frame + 1) / _FRAMES_PER_SECOND,
                s.prob,
            )
            for s in segments
            if not (s.word.startswith("<") or s.word.startswith("["))
        )
        return Recognition(words, duration)

    def recognise_file(self, data: bytes, extension: str) -> Recognition:
        """Decode an uploaded file with ffmpeg and recognise it.

        Raises audio.AudioDecodeError when the file is not decodable audio.
        """
        return self.recognise(audio.decode_file(data, extension, RATE), RATE)

    def transcribe_pcm16(self, pcm: bytes, rate: int) -> str:
        """The transcript of mono pcm16 audio sampled at `rate`."""
        return self.recognise(pcm, rate).text

    def transcribe_pcm16_words(self, pcm: bytes, rate: int) -> list[tuple[str, float, float]]:
        """The words of mono pcm16 audio with their start and end (seconds)."""
        return [(w.word, w.start, w.end) for w in self.recognise(pcm, rate).words]
