"""The model catalogue: which models exist and which operations each serves.

Deployments map a deployment name to a model name; a model name may carry a
dated suffix (``gpt-4o-audio-preview-2024-12-17``) or be the OpenAI spelling
(``whisper-1``, ``tts-1``, ``tts-1-hd``), and resolves to one catalogue entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TRANSCRIPTION = "audioTranscription"
TRANSLATION = "audioTranslation"
SPEECH = "audioSpeech"
CHAT = "chatCompletion"
REALTIME = "realtime"


@dataclass(frozen=True)
class ModelInfo:
    """One model of the catalogue.

    ``family`` groups models that follow the same request rules:
    ``whisper``, ``gpt-4o-transcribe``, ``gpt-4o-transcribe-diarize``,
    ``gpt-transcribe``, ``tts``, ``gpt-4o-mini-tts``, ``audio-chat``,
    ``realtime`` (conversation sessions), ``realtime-transcribe``
    (transcription-only sessions) and ``realtime-translate`` (translation
    sessions).
    """

    name: str
    family: str
    operations: frozenset[str]


def _model(name: str, family: str, *operations: str) -> ModelInfo:
    return ModelInfo(name, family, frozenset(operations))


MODELS: dict[str, ModelInfo] = {
    m.name: m
    for m in (
        _model("whisper", "whisper", TRANSCRIPTION, TRANSLATION),
        _model("gpt-4o-transcribe", "gpt-4o-transcribe", TRANSCRIPTION),
        _model("gpt-4o-mini-transcribe", "gpt-4o-transcribe", TRANSCRIPTION),
        _model("gpt-4o-transcribe-diarize", "gpt-4o-transcribe-diarize", TRANSCRIPTION),
        _model("gpt-transcribe", "gpt-transcribe", TRANSCRIPTION),
        _model("tts", "tts", SPEECH),
        _model("tts-hd", "tts", SPEECH),
        _model("gpt-4o-mini-tts", "gpt-4o-mini-tts", SPEECH),
        _model("gpt-4o-audio-preview", "audio-chat", CHAT),
        _model("gpt-4o-mini-audio-preview", "audio-chat", CHAT),
        _model("gpt-audio", "audio-chat", CHAT),
        _model("gpt-audio-mini", "audio-chat", CHAT),
        _model("gpt-4o-realtime-preview", "realtime", REALTIME),
        _model("gpt-4o-mini-realtime-preview", "realtime", REALTIME),
        _model("gpt-realtime", "realtime", REALTIME),
        _model("gpt-realtime-mini", "realtime", REALTIME),
        _model("gpt-realtime-1.5", "realtime", REALTIME),
        _model("gpt-realtime-2", "realtime", REALTIME),
        _model("gpt-realtime-whisper", "realtime-transcribe", REALTIME),
        _model("gpt-live-transcribe", "realtime-transcribe", REALTIME),
        _model("gpt-realtime-translate", "realtime-translate", REALTIME),
    )
}

#: OpenAI's spellings of the same models.
ALIASES = {"whisper-1": "whisper", "tts-1": "tts", "tts-1-hd": "tts-hd"}

#: By default every model is deployed under its own name.
DEFAULT_DEPLOYMENTS: dict[str, str] = {name: name for name in MODELS}

_DATED_SUFFIX = re.compile(r"-\d{4}-\d{2}-\d{2}$")


def lookup_model(name: str) -> ModelInfo | None:
    """Return the catalogue entry for `name` (dated or aliased), or None."""
    base = _DATED_SUFFIX.sub("", name)
    base = ALIASES.get(base, base)
    return MODELS.get(base)


def parse_deployments(spec: str) -> dict[str, str]:
    """Parse ``name=model,name=model`` into a deployment table.

    Raises ValueError naming the first malformed pair or unknown model.
    """
    deployments: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in spec.split(","))):
        name, sep, model = (s.strip() for s in pair.partition("="))
        if not sep or not name or not model:
            raise ValueError(f"deployment {pair!r} is not of the form name=model")
        if lookup_model(model) is None:
            known = ", ".join(sorted(MODELS))
            raise ValueError(f"deployment {name!r}: unknown model {model!r} (known: {known})")
        deployments[name] = model
    if not deployments:
        raise ValueError("no deployments given")
    return deployments
