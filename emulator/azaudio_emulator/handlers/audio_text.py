"""``POST .../audio/transcriptions`` and ``.../audio/translations``."""

from __future__ import annotations

import math

from aiohttp import web

from .. import transcripts, usage, utterances
from ..audio import AudioDecodeError
from ..body import Form, read_form
from ..errors import invalid
from ..languages import LANGUAGES
from ..models import TRANSCRIPTION, TRANSLATION
from ..routing import open_request
from ..streaming import SSEStream
from ..stt import Recognition, Word
from ..validation.transcription import AudioTextRequest, parse_transcription, parse_translation
from . import blocking, context, diarized, note


def _model_field(form: Form) -> str | None:
    values = form.fields.get("model")
    return values[-1] if values else None


async def _recognise(request: web.Request, req: AudioTextRequest) -> Recognition:
    try:
        recognition = await blocking(utterances.recognise_upload, context(request).stt, req.file.data, req.extension)
    except AudioDecodeError:
        raise invalid("Audio file might be corrupted or unsupported", "file") from None
    ceiling = context(request).max_audio_seconds
    if ceiling is not None and recognition.duration > ceiling:
        raise invalid(
            f"Audio duration {recognition.duration:.1f} seconds is longer than {ceiling:g} seconds, "
            "which is the maximum for this model.",
            "file",
        )
    return recognition


def _render(
    req: AudioTextRequest,
    recognition: Recognition,
    task: str,
    language: str,
    json_usage: dict | None,
    verbose_usage: dict | None,
) -> web.Response:
    """The non-streamed answer in the requested response_format."""
    fmt = req.response_format
    if fmt == "text":
        return web.Response(text=recognition.text + "\n", content_type="text/plain")
    if fmt in ("srt", "vtt"):
        segs = transcripts.segments(recognition, req.temperature)
        render = transcripts.srt if fmt == "srt" else transcripts.vtt
        return web.Response(text=render(segs), content_type="text/plain")
    if fmt == "verbose_json":
        return web.json_response(
            transcripts.verbose(recognition, task, language, req.temperature, req.granularities, verbose_usage)
        )
    body = {"text": recognition.text}
    if req.include_logprobs:
        body["logprobs"] = _logprobs(recognition.words)
    if json_usage is not None:
        body["usage"] = json_usage
    return web.json_response(body)


def _logprobs(words: tuple[Word, ...]) -> list[dict]:
    """``logprobs`` entries: one token per recognised word."""
    return [
        {"token": w.word, "logprob": round(math.log(max(w.probability, 1e-6)), 4), "bytes": list(w.word.encode())}
        for w in words
    ]


async def _stream(request: web.Request, req: AudioTextRequest, recognition: Recognition) -> web.StreamResponse:
    """The SSE answer of gpt-4o-*-transcribe with ``stream=true``: a delta per word, then done."""
    stream = SSEStream(request, context(request))
    for i, word in enumerate(recognition.words):
        event = {"type": "transcript.text.delta", "delta": (" " if i else "") + word.word}
        if req.include_logprobs:
            event["logprobs"] = _logprobs((word,))
        await stream.send(event)
    done = {
        "type": "transcript.text.done",
        "text": recognition.text,
        "usage": usage.transcription_tokens(recognition.duration, req.prompt, recognition.text),
    }
    if req.include_logprobs:
        done["logprobs"] = _logprobs(recognition.words)
    return await stream.close(done)


async def transcriptions(request: web.Request) -> web.StreamResponse:
    """Transcribe the uploaded audio (whisper, gpt-4o-transcribe, gpt-4o-mini-transcribe, gpt-transcribe,
    gpt-4o-transcribe-diarize)."""
    target, form = await open_request(request, context(request), TRANSCRIPTION, read_form, _model_field)
    note(request, target, form.summary())
    req = parse_transcription(form, target.model)
    if target.model.family == "gpt-4o-transcribe-diarize":
        return await diarized.transcribe(request, req)
    recognition = await _recognise(request, req)
    if req.stream:
        return await _stream(request, req, recognition)
    language = LANGUAGES[req.language or "en"]
    if target.model.family == "whisper":
        json_usage = usage.duration(recognition.duration)
    else:
        json_usage = usage.transcription_tokens(recognition.duration, req.prompt, recognition.text)
    return _render(req, recognition, "transcribe", language, json_usage, usage.duration(recognition.duration))


async def translations(request: web.Request) -> web.StreamResponse:
    """Translate the uploaded audio to English text (whisper)."""
    target, form = await open_request(request, context(request), TRANSLATION, read_form, _model_field)
    note(request, target, form.summary())
    req = parse_translation(form)
    recognition = await _recognise(request, req)
    return _render(req, recognition, "translate", "english", None, None)
