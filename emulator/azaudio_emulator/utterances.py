"""Long uploads recognised utterance by utterance.

pocketsphinx with its full US English model spends about 0.4 CPU-seconds per second of audio, so an hour-long
recording cut into pieces took hours. An upload longer than LONG_SECONDS is instead cut at its pauses by an energy
detector run on the decoded audio at its own sample rate: samples reaching SPEECH_PEAK are speech, and speech less
than JOIN_GAP apart makes one utterance, taken from PAD_BEFORE before its first loud sample to PAD_AFTER after its
last. Each utterance is recognised on its own and its words are moved to where it is in the
upload; the silence between utterances is never decoded. The words and their times therefore come from the
uploaded audio itself.

What an utterance was recognised as is kept by the SHA-256 of its samples and rate (`STTEngine.utterances`, at most
1024): the decoder starts every utterance afresh, so the same samples always give the same words, and a recording
that repeats a phrase recognises it once. The pitch of each utterance (for diarization) is measured with it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from . import audio, diarize
from .stt import RATE, Recognition, STTEngine, Word

#: Uploads longer than this (seconds) are recognised utterance by utterance.
LONG_SECONDS = 60.0
#: A sample this loud (about -30 dBFS) is speech.
SPEECH_PEAK = 1024
_LOUD = bytes(0 if b < SPEECH_PEAK >> 8 or b >= 256 - (SPEECH_PEAK >> 8) else 1 for b in range(256))
#: Speech closer than this (seconds) is one utterance.
JOIN_GAP = 0.5
#: Audio kept around an utterance's loud samples (seconds).
PAD_BEFORE = 0.12
PAD_AFTER = 0.06


@dataclass(frozen=True)
class _Heard:
    """One utterance's words (times from its own start) and pitch frames."""

    words: tuple[Word, ...]
    frames: list[float | None]


def speech_spans(pcm: bytes, rate: int) -> list[tuple[int, int]]:
    """The utterances of mono pcm16 audio at `rate`: sample ranges [start, end), padded, in order."""
    # A sample is loud (1024 or more, -1025 or less) exactly when its high byte is outside 0xFC..0x03: one byte per
    # sample, 1 where loud, and every scan below is a bytes search.
    loud = pcm[1 : len(pcm) // 2 * 2 : 2].translate(_LOUD)
    count, join = len(loud), int(rate * JOIN_GAP)
    spans = []
    first = loud.find(1)
    while first >= 0:
        last = first
        while (more := loud.rfind(1, last + 1, last + 1 + join)) >= 0:
            last = more
        spans.append((max(0, first - int(rate * PAD_BEFORE)), min(count, last + 1 + int(rate * PAD_AFTER))))
        first = loud.find(1, last + 1)
    return spans


def _hear(stt: STTEngine, pcm: bytes, rate: int) -> _Heard:
    key = hashlib.sha256(rate.to_bytes(4, "little") + pcm).digest()
    heard = stt.utterances.get(key)
    if heard is None:
        pcm16k = audio.resample(pcm, rate, RATE)
        heard = _Heard(stt.recognise(pcm16k, RATE).words, diarize.PitchTrack(pcm16k).frames)
        stt.utterances.put(key, heard)
    return heard


def analyse(stt: STTEngine, pcm: bytes, rate: int) -> tuple[Recognition, diarize.SpanPitchTrack]:
    """Recognise mono pcm16 audio at `rate` utterance by utterance: the words at their times in the whole audio,
    and its pitch track (blocking)."""
    words: list[Word] = []
    pitches: list[tuple[float, list[float | None]]] = []
    for start, end in speech_spans(pcm, rate):
        heard = _hear(stt, pcm[start * 2 : end * 2], rate)
        offset = start / rate
        words += [Word(w.word, w.start + offset, w.end + offset, w.probability) for w in heard.words]
        pitches.append((offset, heard.frames))
    seconds = audio.duration_seconds(pcm, rate)
    return Recognition(tuple(words), seconds), diarize.SpanPitchTrack(pitches, seconds)


def decode_upload(data: bytes, extension: str) -> tuple[bytes, int]:
    """Decode an upload for recognition (blocking): at 16 kHz when it lasts LONG_SECONDS or less, else at its own
    rate; decoded once when its header says how long it is. Raises audio.AudioDecodeError."""
    declared = audio.declared_seconds(data, extension)
    if declared is None or declared <= LONG_SECONDS:
        pcm = audio.decode_file(data, extension, RATE)
        if audio.duration_seconds(pcm, RATE) <= LONG_SECONDS:
            return pcm, RATE
    return audio.decode_file_native(data, extension)


def is_long(pcm: bytes, rate: int) -> bool:
    """Whether decoded audio is recognised utterance by utterance."""
    return audio.duration_seconds(pcm, rate) > LONG_SECONDS


def recognise_upload(stt: STTEngine, data: bytes, extension: str) -> Recognition:
    """Decode an uploaded file and recognise it: whole when short, utterance by utterance past LONG_SECONDS.

    Raises audio.AudioDecodeError when the file is not decodable audio.
    """
    pcm, rate = decode_upload(data, extension)
    return analyse(stt, pcm, rate)[0] if is_long(pcm, rate) else stt.recognise(pcm, rate)
