"""Rules for ``/audio/transcriptions`` and ``/audio/translations`` (multipart).

From CreateTranscriptionRequest / CreateTranslationRequest (OpenAI spec) and
createTranscriptionRequest / createTranslationRequest (Azure specs), plus the
per-model rules the specs state in prose: gpt-4o-*-transcribe answer only
``json`` and ``text`` and take no timestamp granularities; ``include[]=logprobs``
is for gpt-4o-*-transcribe with ``json`` only; timestamp granularities need
``verbose_json``; whisper ignores ``stream``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..audio import INPUT_EXTENSIONS, extension_of
from ..body import Form, UploadedFile
from ..errors import invalid
from ..languages import LANGUAGES
from ..models import ModelInfo
from . import common, diarization
from .diarization import KnownSpeakerClip

RESPONSE_FORMATS = ("json", "text", "srt", "verbose_json", "vtt", "diarized_json")
TRANSLATION_RESPONSE_FORMATS = ("json", "text", "srt", "verbose_json", "vtt")
GPT4O_RESPONSE_FORMATS = ("json", "text")
#: Families with the gpt-4o-transcribe rules (json and text, logprobs, streaming).
GPT4O_FAMILIES = ("gpt-4o-transcribe", "gpt-transcribe")
GRANULARITIES = ("word", "segment")

_ARRAY_FIELDS = {"include": "include[]", "timestamp_granularities": "timestamp_granularities[]"}
VAD_FIELDS = ("type", "prefix_padding_ms", "silence_duration_ms", "threshold")
_CHUNKING_PARTS = {f"chunking_strategy[{k}]" for k in VAD_FIELDS}

TRANSCRIPTION_FIELDS = {
    "file",
    "model",
    "language",
    "prompt",
    "response_format",
    "temperature",
    "stream",
    "chunking_strategy",
    *_ARRAY_FIELDS,
    *_ARRAY_FIELDS.values(),
    *_CHUNKING_PARTS,
    *diarization.FIELDS,
}
TRANSLATION_FIELDS = {"file", "model", "prompt", "response_format", "temperature"}


@dataclass(frozen=True)
class AudioTextRequest:
    """A validated transcription or translation request."""

    file: UploadedFile
    extension: str
    response_format: str
    temperature: float
    prompt: str | None = None
    language: str | None = None
    granularities: tuple[str, ...] = ()
    include_logprobs: bool = False
    stream: bool = False
    known_speakers: tuple[KnownSpeakerClip, ...] = ()
    chunking: bool = False


def invalid_file_format():
    """OpenAI's answer to a file it cannot identify."""
    supported = ", ".join(f"'{e}'" for e in INPUT_EXTENSIONS)
    return invalid(f"Invalid file format. Supported formats: [{supported}]", "file")


def _last(form: Form, name: str) -> str | None:
    values = form.fields.get(name)
    return values[-1] if values else None


def _array(form: Form, name: str) -> list[str]:
    return form.fields.get(name, []) + form.fields.get(_ARRAY_FIELDS[name], [])


def _file(form: Form) -> tuple[UploadedFile, str]:
    for name in sorted(set(form.files) - {"file"}):
        raise invalid(f"Invalid type for '{name}': expected a string, but got a file instead.", name, "invalid_type")
    upload = form.files.get("file")
    if upload is None:
        if "file" in form.fields:  # sent as a plain field: no filename to identify it
            raise invalid_file_format()
        raise common.missing("file")
    extension = extension_of(upload.filename)
    if extension not in INPUT_EXTENSIONS:
        raise invalid_file_format()
    return upload, extension


def _common_fields(form: Form, formats: tuple[str, ...]) -> tuple[str, float, str | None]:
    response_format = common.choice("response_format", _last(form, "response_format") or "json", formats)
    temperature = _last(form, "temperature")
    temperature = 0.0 if temperature is None else common.number("temperature", temperature, 0, 1, form=True)
    return response_format, temperature, _last(form, "prompt")


def _chunking_strategy(form: Form) -> bool:
    """Validate ``chunking_strategy``: "auto" or a server_vad object, sent as
    JSON text or as ``chunking_strategy[key]`` parts. True when one was given."""
    raw = _last(form, "chunking_strategy")
    parts = {
        name[len("chunking_strategy[") : -1]: form.fields[name][-1] for name in _CHUNKING_PARTS if name in form.fields
    }
    if raw is None and not parts:
        return False
    if raw is not None:
        if raw == "auto":
            return True
        try:
            parts = json.loads(raw)
        except json.JSONDecodeError:
            raise invalid(
                "Invalid value for 'chunking_strategy': expected 'auto' or a server_vad object.", "chunking_strategy"
            ) from None
        common.obj("chunking_strategy", parts)
    form_values = raw is None
    common.reject_unknown(parts, VAD_FIELDS, "chunking_strategy.")
    if "type" not in parts:
        raise common.missing("chunking_strategy.type")
    common.choice("chunking_strategy.type", parts["type"], ("server_vad",))
    for name in ("prefix_padding_ms", "silence_duration_ms"):
        if name in parts:
            common.number(f"chunking_strategy.{name}", parts[name], 0, form=form_values, integer=True)
    if "threshold" in parts:
        common.number("chunking_strategy.threshold", parts["threshold"], 0, 1, form=form_values)
    return True


def parse_transcription(form: Form, model: ModelInfo) -> AudioTextRequest:
    """Validate a transcription form for `model`; raise ApiError on the first problem."""
    common.reject_unknown(form.names(), TRANSCRIPTION_FIELDS)
    upload, extension = _file(form)
    gpt4o = model.family in GPT4O_FAMILIES
    response_format, temperature, prompt = _common_fields(form, RESPONSE_FORMATS)
    known_speakers = diarization.check(
        form,
        model,
        response_format,
        prompt,
        _array(form, "timestamp_granularities"),
        _array(form, "include"),
        _last(form, "language"),
    )
    if gpt4o and response_format not in GPT4O_RESPONSE_FORMATS:
        raise invalid(
            f"response_format '{response_format}' is not compatible with model '{model.name}'. "
            "Use 'json' or 'text' instead.",
            "response_format",
            "unsupported_value",
        )
    language = _last(form, "language")
    if language is not None and language not in LANGUAGES:
        raise invalid(
            f"Invalid language '{language}'. Language parameter must be specified in ISO-639-1 format.",
            "language",
        )
    granularities = tuple(
        dict.fromkeys(
            common.choice("timestamp_granularities[]", g, GRANULARITIES)
            for g in _array(form, "timestamp_granularities")
        )
    )
    if granularities and gpt4o:
        raise invalid(
            f"timestamp_granularities[] is not supported with model '{model.name}'.",
            "timestamp_granularities[]",
            "unsupported_value",
        )
    if granularities and response_format != "verbose_json":
        raise invalid(
            "timestamp_granularities[] requires response_format 'verbose_json'.",
            "timestamp_granularities[]",
            "unsupported_value",
        )
    includes = [common.choice("include[]", i, ("logprobs",)) for i in _array(form, "include")]
    if includes and not gpt4o:
        raise invalid(
            f"include[] 'logprobs' is not supported with model '{model.name}'.", "include[]", "unsupported_value"
        )
    if includes and response_format != "json":
        raise invalid("include[] 'logprobs' requires response_format 'json'.", "include[]", "unsupported_value")
    stream_field = _last(form, "stream")
    stream = False if stream_field is None else common.boolean("stream", stream_field, form=True)
    chunking = _chunking_strategy(form)
    return AudioTextRequest(
        upload,
        extension,
        response_format,
        temperature,
        prompt,
        language,
        granularities or (("segment",) if response_format == "verbose_json" else ()),
        bool(includes),
        stream and (gpt4o or model.family == diarization.DIARIZE),
        tuple(known_speakers),
        chunking,
    )


def parse_translation(form: Form) -> AudioTextRequest:
    """Validate a translation form; raise ApiError on the first problem."""
    common.reject_unknown(form.names(), TRANSLATION_FIELDS)
    upload, extension = _file(form)
    response_format, temperature, prompt = _common_fields(form, TRANSLATION_RESPONSE_FORMATS)
    return AudioTextRequest(
        upload,
        extension,
        response_format,
        temperature,
        prompt,
        granularities=("segment",) if response_format == "verbose_json" else (),
    )
