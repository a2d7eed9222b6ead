"""Speaker diarization by pitch, for ``gpt-4o-transcribe-diarize``.

The recogniser gives words with times; this module cuts them into segments at
pauses and at jumps in pitch, measures each segment's fundamental frequency
(autocorrelation on 4 kHz audio), and labels segments with the same voice alike:
a known speaker when the segment's pitch is close to their reference clip's,
otherwise ``A``, ``B``, ... in order of appearance. Two voices of clearly
different pitch (the emulator's own ``onyx`` and ``shimmer``, or a low and a
high flite/espeak-ng voice) are told apart; voices of similar pitch are not, which is
the limit of this method (the service uses a real speaker model).

Pure Python: the pitch of each 20 ms frame is measured once per request
(about 0.1 s of CPU per 10 s of audio).
"""

from __future__ import annotations

import bisect
import operator
import statistics
from array import array
from dataclasses import dataclass

from .stt import Recognition, Word

RATE = 16_000
_DECIMATE = 4
_LOW_RATE = RATE // _DECIMATE
_FRAME = 160  # 40 ms at 4 kHz
_HOP = 80  # 20 ms
_MIN_F0, _MAX_F0 = 60.0, 400.0
_VOICED = 0.45  # normalised autocorrelation a voiced frame reaches

#: Segments break at a pause this long (seconds) ...
PAUSE = 0.6
#: ... or where a word's pitch differs from the segment's by more than this ratio.
PITCH_JUMP = 1.35
#: A segment joins a speaker whose pitch is within this ratio.
SAME_SPEAKER = 1.25


def _low_band(pcm: bytes) -> array:
    """Mono pcm16 at 16 kHz -> floats at 4 kHz (box filter, then every fourth sample)."""
    samples = array("h")
    samples.frombytes(pcm[: len(pcm) // 2 * 2])
    out = array("f")
    for i in range(0, len(samples) - _DECIMATE + 1, _DECIMATE):
        out.append((samples[i] + samples[i + 1] + samples[i + 2] + samples[i + 3]) / 4.0)
    return out


def _frame_f0(x: array, start: int) -> float | None:
    """The fundamental frequency of the frame at `start`, or None when it is not voiced."""
    frame = x[start : start + _FRAME]
    mean = sum(frame) / len(frame)
    frame = [v - mean for v in frame]
    energy = sum(map(operator.mul, frame, frame))
    if energy < len(frame) * 200.0**2:  # quieter than about -44 dBFS: silence or breath
        return None
    min_lag = int(_LOW_RATE / _MAX_F0)
    max_lag = min(int(_LOW_RATE / _MIN_F0), len(frame) - 20)
    scores = [
        sum(map(operator.mul, frame, frame[lag:])) / energy * len(frame) / (len(frame) - lag)
        for lag in range(min_lag, max_lag + 1)
    ]
    best = max(scores)
    if best < _VOICED:
        return None
    # The first peak that nearly reaches the best: avoids reading a double period (an octave too low).
    for i, score in enumerate(scores):
        if (
            score >= 0.9 * best
            and (i == 0 or score >= scores[i - 1])
            and (i + 1 == len(scores) or score >= scores[i + 1])
        ):
            return _LOW_RATE / (min_lag + i)
    return _LOW_RATE / (min_lag + scores.index(best))


class PitchTrack:
    """The pitch of every 20 ms frame of a recording (None where unvoiced), measured once."""

    def __init__(self, pcm: bytes) -> None:
        x = _low_band(pcm)
        self.frames = [_frame_f0(x, s) for s in range(0, len(x) - _FRAME + 1, _HOP)]
        self.seconds = len(x) / _LOW_RATE

    def pitch(self, start_s: float, end_s: float) -> float | None:
        """The median pitch (Hz) of the voiced frames between two times, or None."""
        first = max(0, int(start_s * _LOW_RATE / _HOP))
        last = int(end_s * _LOW_RATE / _HOP)
        values = [f for f in self.frames[first:last] if f is not None]
        return statistics.median(values) if values else None


class SpanPitchTrack:
    """The pitch of a recording measured only where its utterances are: each utterance's frames (20 ms apart, as
    `PitchTrack.frames`) from its offset (seconds); unvoiced everywhere else."""

    def __init__(self, spans: list[tuple[float, list[float | None]]], seconds: float) -> None:
        self._spans = sorted(spans, key=operator.itemgetter(0))
        self._offsets = [offset for offset, _ in self._spans]
        self.seconds = seconds

    def pitch(self, start_s: float, end_s: float) -> float | None:
        """The median pitch (Hz) of the voiced frames between two times, or None."""
        hop = _HOP / _LOW_RATE
        values: list[float] = []
        for offset, frames in self._spans[max(0, bisect.bisect_right(self._offsets, start_s) - 1) :]:
            if offset >= end_s:
                break
            first = max(0, int((start_s - offset) / hop))
            last = int((end_s - offset) / hop)
            values += [f for f in frames[first:last] if f is not None]
        return statistics.median(values) if values else None


def clip_pitch(pcm: bytes) -> float | None:
    """The median pitch of a whole reference clip (16 kHz pcm16)."""
    track = PitchTrack(pcm)
    return track.pitch(0.0, track.seconds)


def _ratio(a: float, b: float) -> float:
    return max(a, b) / min(a, b)


@dataclass
class Segment:
    """A diarized segment: its words, times, pitch and speaker label."""

    words: list[Word]
    pitch: float | None = None
    speaker: str = ""

    @property
    def start(self) -> float:
        return self.words[0].start

    @property
    def end(self) -> float:
        return self.words[-1].end

    @property
    def text(self) -> str:
        return " ".join(w.word for w in self.words)


def _cut(track: PitchTrack | SpanPitchTrack, words: tuple[Word, ...]) -> list[Segment]:
    segments: list[Segment] = []
    pitches: list[float] = []
    for word in words:
        f0 = track.pitch(word.start, word.end)
        if (
            segments
            and word.start - segments[-1].end < PAUSE
            and not (f0 and pitches and _ratio(f0, statistics.median(pitches)) > PITCH_JUMP)
        ):
            segments[-1].words.append(word)
        else:
            segments.append(Segment([word]))
            pitches = []
        if f0:
            pitches.append(f0)
    return segments


def diarize(pcm: bytes, recognition: Recognition, known: dict[str, float | None] | None = None) -> list[Segment]:
    """Label the recognised words of `pcm` (16 kHz pcm16) by speaker.

    `known` maps a known speaker's name to their reference clip's pitch.
    """
    return diarize_track(PitchTrack(pcm), recognition, known)


def diarize_track(
    track: PitchTrack | SpanPitchTrack, recognition: Recognition, known: dict[str, float | None] | None = None
) -> list[Segment]:
    """`diarize` on a recording's pitch track measured already."""
    segments = _cut(track, recognition.words)
    known_pitches = {name: f0 for name, f0 in (known or {}).items() if f0}
    clusters: list[tuple[str, list[float]]] = []  # anonymous speakers: label and pitches heard
    for segment in segments:
        segment.pitch = track.pitch(segment.start, segment.end)
        if segment.pitch is None:
            continue  # labelled below from its neighbour
        near = min(known_pitches.items(), key=lambda kv: _ratio(kv[1], segment.pitch), default=None)
        if near is not None and _ratio(near[1], segment.pitch) <= SAME_SPEAKER:
            segment.speaker = near[0]
            continue
        match = min(clusters, key=lambda c: _ratio(statistics.median(c[1]), segment.pitch), default=None)
        if match is not None and _ratio(statistics.median(match[1]), segment.pitch) <= SAME_SPEAKER:
            match[1].append(segment.pitch)
            segment.speaker = match[0]
        else:
            label = _label(len(clusters))
            clusters.append((label, [segment.pitch]))
            segment.speaker = label
    previous = "A"
    for segment in segments:  # an unvoiced segment keeps the speaker before it
        if not segment.speaker:
            segment.speaker = previous
        previous = segment.speaker
    return segments


def _label(n: int) -> str:
    """A, B, ..., Z, AA, AB, ..."""
    label = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        label = chr(ord("A") + r) + label
    return label
