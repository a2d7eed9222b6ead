"""``POST .../chat/completions`` for the audio models.

The reply is deterministic: the words heard in the last user message (its
text parts, then the transcripts of its ``input_audio`` parts) are echoed as
``You said: <words>.``, or ``I did not hear anything.`` when there are none.
With ``modalities`` including ``audio`` the reply is spoken in ``audio.voice``
and returned in ``audio.format``, and its audio id can be referenced by later
assistant messages for an hour.
"""

from __future__ import annotations

import base64
import secrets
import threading
import time
from typing import Any

from aiohttp import web

from .. import usage
from ..audio import OUTPUT_RATE, AudioDecodeError, duration_seconds, encode, encode_stream
from ..body import read_json
from ..errors import MAX_CHAT_BODY_BYTES, invalid
from ..models import CHAT
from ..requestlog import summarise
from ..routing import Target, open_request
from ..streaming import SSEStream
from ..validation.chat import ChatRequest, parse_chat
from . import blocking, context, note

AUDIO_TTL_SECONDS = 3600


def reply_text(heard: str) -> str:
    """The emulator's deterministic answer to what it heard."""
    heard = " ".join(heard.split())
    return f"You said: {heard}." if heard else "I did not hear anything."


class AudioStore:
    """Ids of the audio replies given, until they expire (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._expiry: dict[str, int] = {}

    def add(self) -> tuple[str, int]:
        """Register a new audio reply; return its id and expiry (unix time)."""
        audio_id = "audio_" + secrets.token_hex(12)
        expires_at = int(time.time()) + AUDIO_TTL_SECONDS
        with self._lock:
            now = time.time()
            self._expiry = {k: v for k, v in self._expiry.items() if v > now}
            self._expiry[audio_id] = expires_at
        return audio_id, expires_at

    def __contains__(self, audio_id: object) -> bool:
        with self._lock:
            return self._expiry.get(audio_id, 0) > time.time()


AUDIO_STORE = web.AppKey("audio_store", AudioStore)


def _filter_results() -> dict[str, Any]:
    """Azure's content filter annotations: nothing filtered."""
    return {name: {"filtered": False, "severity": "safe"} for name in ("hate", "self_harm", "sexual", "violence")}


def _prompt_filter_results() -> list[dict[str, Any]]:
    return [{"prompt_index": 0, "content_filter_results": _filter_results()}]


async def _heard(request: web.Request, req: ChatRequest) -> tuple[str, float]:
    """What the last user message says, and how many seconds of audio it had."""
    parts, seconds = list(req.last_user_text), 0.0
    for audio in req.last_user_audio:
        try:
            recognition = await blocking(context(request).stt.recognise_file, audio.data, audio.format)
        except AudioDecodeError:
            raise invalid("Audio file might be corrupted or unsupported", "messages") from None
        parts.append(recognition.text)
        seconds += recognition.duration
    return " ".join(parts), seconds


def _envelope(completion_id: str, created: int, target: Target, kind: str) -> dict[str, Any]:
    return {
        "id": completion_id,
        "object": kind,
        "created": created,
        "model": target.model_name,
        "system_fingerprint": "fp_azaudio_emulator",
    }


async def _stream(
    request: web.Request, req: ChatRequest, target: Target, reply: str, pcm: bytes | None, usage_obj: dict[str, Any]
) -> web.StreamResponse:
    """The SSE answer: Azure's prompt-filter preamble, per choice a role delta,
    transcript/text and audio deltas, a finish chunk; then usage and [DONE]."""
    store = request.app[AUDIO_STORE]
    stream = SSEStream(request, context(request))
    base = _envelope("chatcmpl-" + secrets.token_hex(12), int(time.time()), target, "chat.completion.chunk")

    def chunk(index: int, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**base, "choices": [{"index": index, "delta": delta, "finish_reason": finish, "logprobs": None}]}

    await stream.send(
        {
            "id": "",
            "object": "",
            "created": 0,
            "model": "",
            "choices": [],
            "prompt_filter_results": _prompt_filter_results(),
        }
    )
    words = reply.split(" ")
    for index in range(req.n):
        await stream.send(chunk(index, {"role": "assistant", "content": None if pcm else "", "refusal": None}))
        if pcm is None:
            for i, word in enumerate(words):
                await stream.send(chunk(index, {"content": (" " if i else "") + word}))
            continue
        audio_id, expires_at = store.add()
        audio_chunks = [c async for c in encode_stream(pcm, "pcm")]
        for i in range(max(len(words), len(audio_chunks))):
            if i < len(words):
                delta = {"transcript": (" " if i else "") + words[i]}
                if i == 0:
                    delta = {"id": audio_id, "expires_at": expires_at, **delta}
                await stream.send(chunk(index, {"audio": delta}))
            if i < len(audio_chunks):
                await stream.send(chunk(index, {"audio": {"data": base64.b64encode(audio_chunks[i]).decode()}}))
    final = [chunk(index, {}, "stop") for index in range(req.n)]
    if req.include_usage:
        final.append({**base, "choices": [], "usage": usage_obj})
    return await stream.close(*final, done_marker=True)


async def _read_body(request: web.Request) -> dict[str, Any]:
    return await read_json(request, MAX_CHAT_BODY_BYTES)


async def chat_completions(request: web.Request) -> web.StreamResponse:
    """Answer a chat completion with the deterministic reply, spoken when asked."""
    ctx = context(request)
    target, body = await open_request(request, ctx, CHAT, _read_body, lambda b: b.get("model"))
    note(request, target, summarise(body))
    req = parse_chat(body)
    store = request.app[AUDIO_STORE]
    for audio_id in req.audio_ids:
        if audio_id not in store:
            raise invalid(f"Audio with id '{audio_id}' was not found or has expired.", "messages")
    heard, heard_seconds = await _heard(request, req)
    reply = reply_text(heard)
    pcm = await blocking(ctx.tts.synthesize_pcm16, reply, req.voice) if req.voice else None
    reply_seconds = duration_seconds(pcm, OUTPUT_RATE) if pcm else 0.0
    usage_obj = usage.chat(" ".join(req.last_user_text), heard_seconds, reply, reply_seconds)
    if req.stream:
        return await _stream(request, req, target, reply, pcm, usage_obj)
    audio_data = None
    if pcm is not None:
        fmt = "pcm" if req.audio_format == "pcm16" else req.audio_format
        audio_data = base64.b64encode(await encode(pcm, fmt)).decode()
    choices = []
    for index in range(req.n):
        message: dict[str, Any] = {"role": "assistant", "content": reply, "refusal": None}
        if audio_data is not None:
            audio_id, expires_at = store.add()
            message["content"] = None
            message["audio"] = {"id": audio_id, "expires_at": expires_at, "data": audio_data, "transcript": reply}
        choices.append(
            {
                "index": index,
                "message": message,
                "finish_reason": "stop",
                "logprobs": None,
                "content_filter_results": _filter_results(),
            }
        )
    completion = _envelope("chatcmpl-" + secrets.token_hex(12), int(time.time()), target, "chat.completion")
    return web.json_response(
        {**completion, "prompt_filter_results": _prompt_filter_results(), "choices": choices, "usage": usage_obj}
    )
