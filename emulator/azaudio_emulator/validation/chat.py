"""Rules for ``/chat/completions`` with the audio models.

From CreateChatCompletionRequest (OpenAI spec) and createChatCompletionRequest
(Azure specs): the union of their top-level fields is accepted, typed and
range-checked; messages are checked by role and content part; ``audio`` is
required when ``modalities`` asks for audio; audio output streaming needs
``pcm16`` (as the service answers); image and file parts are refused, as the
audio models do not take them.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import invalid
from . import common

AUDIO_FORMATS = ("wav", "aac", "mp3", "flac", "opus", "pcm16")
INPUT_AUDIO_FORMATS = ("wav", "mp3")
VOICES = (
    "alloy",
    "ash",
    "ballad",
    "coral",
    "echo",
    "fable",
    "nova",
    "onyx",
    "sage",
    "shimmer",
    "verse",
    "marin",
    "cedar",
)
ROLES = ("developer", "system", "user", "assistant", "tool", "function")
MAX_INPUT_AUDIO_BYTES = 20 * 1024 * 1024

_ROLE_FIELDS = {
    "developer": {"role", "content", "name"},
    "system": {"role", "content", "name"},
    "user": {"role", "content", "name"},
    "assistant": {"role", "content", "refusal", "name", "audio", "tool_calls", "function_call"},
    "tool": {"role", "content", "tool_call_id"},
    "function": {"role", "content", "name"},
}


def _nullable(check: Callable[[str, Any], Any]) -> Callable[[str, Any], Any]:
    return lambda p, v: None if v is None else check(p, v)


def _string_or_array(p: str, v: Any) -> Any:
    return v if isinstance(v, str) else common.array(p, v)


def _string_or_object(p: str, v: Any) -> Any:
    return v if isinstance(v, str) else common.obj(p, v)


def _integer(minimum=None, maximum=None):
    return _nullable(lambda p, v: common.number(p, v, minimum, maximum, integer=True))


def _decimal(minimum, maximum):
    return _nullable(lambda p, v: common.number(p, v, minimum, maximum))


_boolean = _nullable(common.boolean)
_string = _nullable(common.string)
_object = _nullable(common.obj)
_array = _nullable(common.array)

#: Top-level fields other than messages/modalities/audio/stream_options, with their checks.
_FIELD_CHECKS: dict[str, Callable[[str, Any], Any]] = {
    "model": _string,
    "temperature": _decimal(0, 2),
    "top_p": _decimal(0, 1),
    "n": _integer(1, 128),
    "stream": _boolean,
    "stop": _nullable(_string_or_array),
    "max_tokens": _integer(1),
    "max_completion_tokens": _integer(1),
    "presence_penalty": _decimal(-2, 2),
    "frequency_penalty": _decimal(-2, 2),
    "logit_bias": _object,
    "logprobs": _boolean,
    "top_logprobs": _integer(0, 20),
    "user": _string,
    "seed": _integer(),
    "tools": _array,
    "tool_choice": _nullable(_string_or_object),
    "parallel_tool_calls": _boolean,
    "response_format": _object,
    "store": _boolean,
    "metadata": _object,
    "service_tier": _string,
    "prediction": _object,
    "function_call": _nullable(_string_or_object),
    "functions": _array,
    "reasoning_effort": _string,
    "verbosity": _string,
    "web_search_options": _object,
    "safety_identifier": _string,
    "prompt_cache_key": _string,
    "prompt_cache_retention": _string,
    "prompt_cache_options": _object,
    "moderation": _object,
    "data_sources": _array,
    "user_security_context": _object,
}
FIELDS = {"messages", "modalities", "audio", "stream_options", *_FIELD_CHECKS}


@dataclass(frozen=True)
class InputAudio:
    """An ``input_audio`` part of the last user message."""

    data: bytes
    format: str


@dataclass
class ChatRequest:
    """A validated chat completion request."""

    last_user_text: list[str] = field(default_factory=list)
    last_user_audio: list[InputAudio] = field(default_factory=list)
    audio_ids: list[str] = field(default_factory=list)
    voice: str | None = None
    audio_format: str | None = None
    stream: bool = False
    include_usage: bool = False
    n: int = 1


def _input_audio(param: str, part: dict[str, Any]) -> InputAudio:
    payload = common.obj(f"{param}.input_audio", part.get("input_audio"))
    common.reject_unknown(payload, ("data", "format"), f"{param}.input_audio.")
    for name in ("data", "format"):
        if name not in payload:
            raise common.missing(f"{param}.input_audio.{name}")
    fmt = common.choice(f"{param}.input_audio.format", payload["format"], INPUT_AUDIO_FORMATS)
    encoded = common.string(f"{param}.input_audio.data", payload["data"])
    if len(encoded) * 3 // 4 > MAX_INPUT_AUDIO_BYTES:
        raise invalid(f"Invalid '{param}.input_audio.data': audio larger than 20 MB.", f"{param}.input_audio.data")
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise invalid(
            f"Invalid '{param}.input_audio.data': expected base64-encoded audio.", f"{param}.input_audio.data"
        ) from None
    return InputAudio(data, fmt)


def _content(param: str, role: str, content: Any, request: ChatRequest, last_user: bool) -> None:
    if content is None and role == "assistant":
        return
    if isinstance(content, str):
        if last_user:
            request.last_user_text.append(content)
        return
    parts = common.array(param, content)
    allowed = {"user": ("text", "input_audio", "image_url", "file"), "assistant": ("text", "refusal")}
    for j, part in enumerate(parts):
        p = f"{param}[{j}]"
        common.obj(p, part)
        if "type" not in part:
            raise common.missing(f"{p}.type")
        kind = common.choice(f"{p}.type", part["type"], allowed.get(role, ("text",)))
        if kind in ("image_url", "file"):
            raise invalid(f"Invalid content type. {kind} is not supported by the audio models.", f"{p}.type")
        if kind == "input_audio":
            common.reject_unknown(part, ("type", "input_audio"), f"{p}.")
            audio = _input_audio(p, part)
            if last_user:
                request.last_user_audio.append(audio)
            continue
        common.reject_unknown(part, ("type", kind), f"{p}.")
        if kind not in part:
            raise common.missing(f"{p}.{kind}")
        text = common.string(f"{p}.{kind}", part[kind])
        if last_user and kind == "text":
            request.last_user_text.append(text)


def _messages(messages: Any, request: ChatRequest) -> None:
    messages = common.array("messages", messages)
    if not messages:
        raise invalid(
            "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
            "messages",
            "empty_array",
        )
    last_user = max((i for i, m in enumerate(messages) if isinstance(m, dict) and m.get("role") == "user"), default=-1)
    for i, message in enumerate(messages):
        param = f"messages[{i}]"
        common.obj(param, message)
        if "role" not in message:
            raise common.missing(f"{param}.role")
        role = common.choice(f"{param}.role", message["role"], ROLES)
        common.reject_unknown(message, _ROLE_FIELDS[role], f"{param}.")
        if role == "tool" and "tool_call_id" not in message:
            raise common.missing(f"{param}.tool_call_id")
        if "content" not in message and role != "assistant":
            raise common.missing(f"{param}.content")
        _content(f"{param}.content", role, message.get("content"), request, i == last_user)
        if role == "assistant" and message.get("audio") is not None:
            audio = common.obj(f"{param}.audio", message["audio"])
            common.reject_unknown(audio, ("id",), f"{param}.audio.")
            if "id" not in audio:
                raise common.missing(f"{param}.audio.id")
            request.audio_ids.append(common.string(f"{param}.audio.id", audio["id"]))


def parse_chat(body: dict[str, Any]) -> ChatRequest:
    """Validate a chat completion body; raise ApiError on the first problem."""
    common.reject_unknown(body, FIELDS)
    if "messages" not in body:
        raise common.missing("messages")
    for name, check in _FIELD_CHECKS.items():
        if name in body:
            check(name, body[name])
    request = ChatRequest(stream=bool(body.get("stream")), n=body.get("n") or 1)
    _messages(body["messages"], request)
    modalities = body.get("modalities") or ["text"]
    for i, modality in enumerate(common.array("modalities", modalities)):
        common.choice(f"modalities[{i}]", modality, ("text", "audio"))
    if body.get("stream_options") is not None:
        options = common.obj("stream_options", body["stream_options"])
        if not request.stream:
            raise invalid("The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options")
        common.reject_unknown(options, ("include_usage", "include_obfuscation"), "stream_options.")
        for name, value in options.items():
            common.boolean(f"stream_options.{name}", value)
        request.include_usage = bool(options.get("include_usage"))
    if "audio" in modalities:
        if body.get("audio") is None:
            raise common.missing("audio")
        audio = common.obj("audio", body["audio"])
        common.reject_unknown(audio, ("voice", "format"), "audio.")
        for name in ("voice", "format"):
            if name not in audio:
                raise common.missing(f"audio.{name}")
        request.voice = common.choice("audio.voice", audio["voice"], VOICES)
        request.audio_format = common.choice("audio.format", audio["format"], AUDIO_FORMATS)
        if request.stream and request.audio_format != "pcm16":
            raise invalid(
                "Audio output streaming requires 'audio.format' to be 'pcm16'.", "audio.format", "unsupported_value"
            )
    return request
