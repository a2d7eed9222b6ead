"""``POST .../audio/speech``: text to speech, streamed as it is encoded."""

from __future__ import annotations

import base64
import contextlib
from typing import Any

from aiohttp import web

from .. import usage
from ..audio import CONTENT_TYPES, OUTPUT_RATE, duration_seconds, encode_stream
from ..body import is_multipart, read_form, read_json
from ..models import SPEECH
from ..requestlog import summarise
from ..routing import open_request
from ..streaming import BodyStream, SSEStream
from ..validation.speech import parse_speech
from . import blocking, context, note


async def _read_fields(request: web.Request) -> tuple[dict[str, Any], bool, dict[str, Any]]:
    """The body's fields, from JSON or (as Azure's spec has it) multipart;
    whether they came from a form (string values); and their log summary."""
    if is_multipart(request):
        form = await read_form(request)
        return {**{k: v[-1] for k, v in form.fields.items()}, **form.files}, True, form.summary()
    body = await read_json(request)
    return body, False, summarise(body)


async def speech(request: web.Request) -> web.StreamResponse:
    """Synthesise ``input`` and stream it in ``response_format``, as a chunked
    body or as ``speech.audio.delta`` events."""
    ctx = context(request)
    target, (fields, form, summary) = await open_request(
        request, ctx, SPEECH, _read_fields, lambda body: body[0].get("model")
    )
    note(request, target, summary)
    req = parse_speech(fields, target.model, form=form)
    pcm = await blocking(ctx.tts.synthesize_pcm16, req.input, req.voice, req.speed)
    async with contextlib.aclosing(encode_stream(pcm, req.response_format)) as chunks:  # stops ffmpeg early
        if req.stream_format == "sse":
            stream = SSEStream(request, ctx)
            async for chunk in chunks:
                await stream.send({"type": "speech.audio.delta", "audio": base64.b64encode(chunk).decode()})
            done = {"type": "speech.audio.done", "usage": usage.speech(req.input, duration_seconds(pcm, OUTPUT_RATE))}
            return await stream.close(done)
        body = BodyStream(request, ctx, CONTENT_TYPES[req.response_format])
        async for chunk in chunks:
            await body.write(chunk)
        return await body.finish()
