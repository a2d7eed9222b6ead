"""Transcription with ``gpt-4o-transcribe-diarize``: segments labelled by speaker.

Answers ``diarized_json`` (CreateTranscriptionResponseDiarizedJson), ``json``
or ``text``; with ``stream=true`` the SSE events ``transcript.text.delta``
(with ``segment_id``), ``transcript.text.segment`` and ``transcript.text.done``.
Speakers are told apart by pitch (see ``diarize``).
"""

from __future__ import annotations

import hashlib

from aiohttp import web

from .. import audio, diarize, usage, utterances
from ..audio import AudioDecodeError
from ..errors import invalid
from ..streaming import SSEStream
from ..stt import Recognition
from ..validation.diarization import check_clip_duration
from ..validation.transcription import AudioTextRequest
from . import blocking, context

#: Above this the service wants chunking_strategy (spec: "Required ... for inputs longer than 30 seconds").
MAX_UNCHUNKED_SECONDS = 30.0


def _analyse(stt, req: AudioTextRequest) -> tuple[Recognition, list[diarize.Segment]]:
    """Decode, recognise and diarize (blocking: runs in an executor)."""
    try:
        pcm, rate = utterances.decode_upload(req.file.data, req.extension)
    except AudioDecodeError:
        raise invalid("Audio file might be corrupted or unsupported", "file") from None
    known: dict[str, float | None] = {}
    for i, clip in enumerate(req.known_speakers):
        try:
            seconds, known[clip.name] = _clip(stt, clip.data, clip.extension)
        except AudioDecodeError:
            raise invalid(
                f"Invalid 'known_speaker_references[{i}]': the audio could not be decoded.",
                f"known_speaker_references[{i}]",
            ) from None
        check_clip_duration(i, seconds)
    duration = audio.duration_seconds(pcm, rate)
    if duration > MAX_UNCHUNKED_SECONDS and not req.chunking:
        raise invalid(
            f"chunking_strategy is required for audio longer than {MAX_UNCHUNKED_SECONDS:.0f} seconds "
            "with this model: set it to 'auto'.",
            "chunking_strategy",
        )
    if not utterances.is_long(pcm, rate):
        pcm = audio.resample(pcm, rate, diarize.RATE)
        recognition = stt.recognise(pcm, diarize.RATE)
        return recognition, diarize.diarize(pcm, recognition, known)
    recognition, track = utterances.analyse(stt, pcm, rate)
    return recognition, diarize.diarize_track(track, recognition, known)


def _clip(stt, data: bytes, extension: str) -> tuple[float, float | None]:
    """A reference clip's duration and pitch, kept by the digest of its bytes (the pieces of a long recording carry
    the same clips again and again). Raises AudioDecodeError."""
    key = b"clip:" + hashlib.sha256(extension.encode() + b"\0" + data).digest()
    measured = stt.utterances.get(key)
    if measured is None:
        pcm = audio.decode_file(data, extension, diarize.RATE)
        measured = (audio.duration_seconds(pcm, diarize.RATE), diarize.clip_pitch(pcm))
        stt.utterances.put(key, measured)
    return measured


def _segment(i: int, s: diarize.Segment) -> dict:
    return {
        "type": "transcript.text.segment",
        "id": f"seg_{i + 1:03d}",
        "start": round(s.start, 2),
        "end": round(s.end, 2),
        "text": s.text,
        "speaker": s.speaker,
    }


async def transcribe(request: web.Request, req: AudioTextRequest) -> web.StreamResponse:
    """Answer a validated gpt-4o-transcribe-diarize request."""
    recognition, segments = await blocking(_analyse, context(request).stt, req)
    bill = usage.duration(recognition.duration)
    if req.stream:
        stream = SSEStream(request, context(request))
        for i, segment in enumerate(segments):
            seg = _segment(i, segment)
            for j, word in enumerate(segment.words):
                await stream.send(
                    {
                        "type": "transcript.text.delta",
                        "delta": (" " if i or j else "") + word.word,
                        "segment_id": seg["id"],
                    }
                )
            await stream.send(seg)
        return await stream.close(
            {
                "type": "transcript.text.done",
                "text": recognition.text,
                "usage": usage.transcription_tokens(recognition.duration, None, recognition.text),
            }
        )
    if req.response_format == "text":
        return web.Response(text=recognition.text + "\n", content_type="text/plain")
    if req.response_format == "json":
        return web.json_response({"text": recognition.text, "usage": bill})
    return web.json_response(
        {
            "task": "transcribe",
            "duration": round(recognition.duration, 2),
            "text": recognition.text,
            "segments": [_segment(i, s) for i, s in enumerate(segments)],
            "usage": bill,
        }
    )
