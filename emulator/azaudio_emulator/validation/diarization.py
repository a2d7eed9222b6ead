"""Rules of the 2026 transcription models, from CreateTranscriptionRequest (2026-08-21 spec).

``gpt-4o-transcribe-diarize`` answers ``json``, ``text`` or ``diarized_json``
and takes no ``prompt``, ``include[]`` or ``timestamp_granularities[]``; it
takes up to 4 ``known_speaker_names[]`` with as many
``known_speaker_references[]`` (data URLs of 2-10 s clips in an accepted input
format). ``languages[]`` and ``keywords[]`` are for ``gpt-transcribe``.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from ..audio import INPUT_EXTENSIONS
from ..body import Form
from ..errors import ApiError, invalid
from ..languages import LANGUAGES
from ..models import ModelInfo

DIARIZE = "gpt-4o-transcribe-diarize"
DIARIZE_FORMATS = ("json", "text", "diarized_json")
MAX_SPEAKERS = 4
MIN_CLIP_SECONDS, MAX_CLIP_SECONDS = 2.0, 10.0

#: Content types of a reference data URL -> the extension ffmpeg is told.
_DATA_URL_TYPES = {
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/wave": "wav",
    "audio/mpeg": "mp3",
    "audio/mp3": "mp3",
    "audio/flac": "flac",
    "audio/ogg": "ogg",
    "audio/mp4": "m4a",
    "audio/m4a": "m4a",
    "audio/webm": "webm",
}

#: The multipart names of the 2026 fields (with and without the [] suffix).
FIELDS = {
    "known_speaker_names",
    "known_speaker_names[]",
    "known_speaker_references",
    "known_speaker_references[]",
    "languages",
    "languages[]",
    "keywords",
    "keywords[]",
}


@dataclass(frozen=True)
class KnownSpeakerClip:
    """A known speaker's name and their reference clip, still encoded."""

    name: str
    data: bytes
    extension: str


def _values(form: Form, name: str) -> list[str]:
    return form.fields.get(name, []) + form.fields.get(name + "[]", [])


def _unsupported(param: str, model: ModelInfo) -> ApiError:
    return invalid(f"{param} is not supported with model '{model.name}'.", param, "unsupported_value")


def _reference(index: int, url: str) -> tuple[bytes, str]:
    param = f"known_speaker_references[{index}]"
    head, sep, payload = url.partition(",")
    if not (sep and head.startswith("data:") and head.endswith(";base64")):
        raise invalid(f"Invalid '{param}': expected a base64 data URL such as 'data:audio/wav;base64,...'.", param)
    content_type = head[len("data:") : -len(";base64")].lower()
    extension = _DATA_URL_TYPES.get(content_type)
    if extension is None or extension not in INPUT_EXTENSIONS:
        raise invalid(f"Invalid '{param}': unsupported audio type '{content_type}'.", param)
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise invalid(f"Invalid '{param}': the data URL is not valid base64.", param) from None
    if not data:
        raise invalid(f"Invalid '{param}': the audio is empty.", param)
    return data, extension


def check(
    form: Form,
    model: ModelInfo,
    response_format: str,
    prompt: str | None,
    granularities: list[str],
    includes: list[str],
    language: str | None,
) -> list[KnownSpeakerClip]:
    """Apply the 2026 rules; return the known speakers (clips not yet decoded)."""
    diarize = model.family == DIARIZE
    if diarize:
        if response_format not in DIARIZE_FORMATS:
            raise invalid(
                f"response_format '{response_format}' is not compatible with model '{model.name}'. "
                "Use 'json', 'text' or 'diarized_json' instead.",
                "response_format",
                "unsupported_value",
            )
        if prompt is not None:
            raise _unsupported("prompt", model)
        if granularities:
            raise _unsupported("timestamp_granularities[]", model)
        if includes:
            raise _unsupported("include[]", model)
    elif response_format == "diarized_json":
        raise invalid(
            f"response_format 'diarized_json' is not compatible with model '{model.name}'. Use '{DIARIZE}'.",
            "response_format",
            "unsupported_value",
        )
    names = _values(form, "known_speaker_names")
    references = _values(form, "known_speaker_references")
    if (names or references) and not diarize:
        raise _unsupported("known_speaker_names[]", model)
    if len(names) > MAX_SPEAKERS:
        raise invalid(
            f"Invalid 'known_speaker_names': array too long. Expected an array with maximum length "
            f"{MAX_SPEAKERS}, but got an array with length {len(names)} instead.",
            "known_speaker_names",
            "array_above_max_length",
        )
    if len(references) != len(names):
        raise invalid(
            f"known_speaker_references[] has {len(references)} entries but known_speaker_names[] has "
            f"{len(names)}; give one reference per name.",
            "known_speaker_references",
        )
    for i, name in enumerate(names):
        if not name.strip():
            raise invalid(f"Invalid 'known_speaker_names[{i}]': empty name.", f"known_speaker_names[{i}]")
    languages = _values(form, "languages")
    keywords = _values(form, "keywords")
    if (languages or keywords) and model.family != "gpt-transcribe":
        raise _unsupported("languages[]" if languages else "keywords[]", model)
    for code in languages:
        if code not in LANGUAGES:
            raise invalid(
                f"Invalid language '{code}' in languages[]. Language parameter must be specified in ISO-639-1 format.",
                "languages",
            )
    if languages and language is not None:
        raise invalid("Give either 'language' or 'languages', not both.", "languages")
    clips = []
    for i, (name, url) in enumerate(zip(names, references, strict=False)):
        data, extension = _reference(i, url)
        clips.append(KnownSpeakerClip(name, data, extension))
    return clips


def check_clip_duration(index: int, seconds: float) -> None:
    """A decoded reference clip must last 2 to 10 seconds."""
    if not MIN_CLIP_SECONDS <= seconds <= MAX_CLIP_SECONDS:
        param = f"known_speaker_references[{index}]"
        raise invalid(
            f"Invalid '{param}': the audio sample is {seconds:.1f} seconds long; known speaker "
            f"references must be between 2 and 10 seconds.",
            param,
        )
