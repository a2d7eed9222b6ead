"""Rendering a recognition in the transcription response formats:
json, text, srt, verbose_json (segments, words) and vtt."""

from __future__ import annotations

import math
import zlib
from typing import Any

from .stt import Recognition, Word

_SEGMENT_GAP = 0.6
_SEGMENT_WORDS = 12


def _group(words: tuple[Word, ...]) -> list[list[Word]]:
    """Cut words into segments at pauses and every twelve words."""
    groups: list[list[Word]] = []
    for word in words:
        if groups and word.start - groups[-1][-1].end < _SEGMENT_GAP and len(groups[-1]) < _SEGMENT_WORDS:
            groups[-1].append(word)
        else:
            groups.append([word])
    return groups


def segments(recognition: Recognition, temperature: float) -> list[dict[str, Any]]:
    """``TranscriptionSegment`` objects for the recognised words."""
    result = []
    for i, group in enumerate(_group(recognition.words)):
        text = " " + " ".join(w.word for w in group)
        raw = text.encode()
        result.append(
            {
                "id": i,
                "seek": 0,
                "start": round(group[0].start, 2),
                "end": round(group[-1].end, 2),
                "text": text,
                "tokens": [zlib.crc32(w.word.encode()) % 50_000 for w in group],
                "temperature": temperature,
                "avg_logprob": round(sum(math.log(max(w.probability, 1e-6)) for w in group) / len(group), 4),
                "compression_ratio": round(len(raw) / len(zlib.compress(raw)), 4),
                "no_speech_prob": 0.0,
            }
        )
    return result


def words(recognition: Recognition) -> list[dict[str, Any]]:
    """``TranscriptionWord`` objects."""
    return [{"word": w.word, "start": round(w.start, 2), "end": round(w.end, 2)} for w in recognition.words]


def _timestamp(seconds: float, separator: str) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def srt(segs: list[dict[str, Any]]) -> str:
    """SubRip subtitles."""
    blocks = [
        f"{i + 1}\n{_timestamp(s['start'], ',')} --> {_timestamp(s['end'], ',')}\n{s['text'].strip()}\n"
        for i, s in enumerate(segs)
    ]
    return "\n".join(blocks) + ("\n" if blocks else "")


def vtt(segs: list[dict[str, Any]]) -> str:
    """WebVTT subtitles."""
    blocks = [f"{_timestamp(s['start'], '.')} --> {_timestamp(s['end'], '.')}\n{s['text'].strip()}\n" for s in segs]
    return "WEBVTT\n\n" + "\n".join(blocks)


def verbose(
    recognition: Recognition,
    task: str,
    language: str,
    temperature: float,
    granularities: tuple[str, ...],
    usage: dict[str, Any] | None,
) -> dict[str, Any]:
    """``CreateTranscriptionResponseVerboseJson`` / ``CreateTranslationResponseVerboseJson``."""
    body: dict[str, Any] = {
        "task": task,
        "language": language,
        "duration": round(recognition.duration, 2),
        "text": recognition.text,
    }
    if "word" in granularities:
        body["words"] = words(recognition)
    if "segment" in granularities:
        body["segments"] = segments(recognition, temperature)
    if usage is not None:
        body["usage"] = usage
    return body
