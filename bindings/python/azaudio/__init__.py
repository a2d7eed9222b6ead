"""azaudio: Azure OpenAI audio from Python, through libazaudio (a native library with a stable C ABI).

    import azaudio

    with azaudio.Client.from_env() as client:       # AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY
        audio = client.speech("Hello!", deployment="tts", response_format="wav")
        print(client.transcribe(audio, deployment="whisper").text)

Errors are :class:`AzAudioError` subclasses carrying the library's code, message, HTTP status, service error code
and request id. :meth:`Client.realtime` opens a realtime speech-in/speech-out session (:mod:`azaudio.realtime`).
:mod:`azaudio.audio` holds the audio kit (G.711, resampler, WAV, frames). The library that is loaded can be chosen
with the ``AZAUDIO_LIBRARY`` environment variable.
"""

from __future__ import annotations

from . import _native, audio
from ._ga_settings import GASettings
from .batch import BatchResult, transcribe_many
from .client import (
    DEFAULT_API_VERSION,
    LOG_DEBUG,
    LOG_ERROR,
    LOG_INFO,
    LOG_WARN,
    Chat,
    Client,
    TranscriptionStream,
)
from .errors import (
    APIError,
    AuthenticationError,
    AzAudioError,
    BadRequestError,
    BusyError,
    CancelledError,
    ClosedError,
    ContentFilterError,
    FileIOError,
    InternalError,
    InvalidArgumentError,
    InvalidStateError,
    NetworkError,
    NotFoundError,
    OutOfMemoryError,
    PayloadTooLargeError,
    ProtocolError,
    RateLimitError,
    ServerError,
    TimeoutError,
    TLSError,
    UnsupportedError,
    error_class,
)
from .pieces import Pieces
from .realtime import EventType, RealtimeEvent, RealtimeSession
from .results import ChatReply, Segment, Transcription, Usage, Word
from .sip import IncomingCall, verify_webhook

__version__ = "0.1.0"

#: The C header version this package was written against (AZAUDIO_VERSION_NUMBER).
HEADER_VERSION_NUMBER = 1000


def version() -> str:
    """The version of the loaded libazaudio, e.g. "0.1.0" (azaudio_version_string())."""
    return _native.version_string()


def version_number() -> int:
    """The loaded library's version as MAJOR * 1000000 + MINOR * 1000 + PATCH (azaudio_version_number())."""
    return int(_native.lib.azaudio_version_number())


def library_path() -> str:
    """The path (or name) of the libazaudio that was loaded."""
    return _native.library_path


def has_feature(name: str) -> bool:
    """Whether the loaded library has a part of the C API: "rest" (transcription, translation, speech, chat),
    "realtime", "audio" (the audio kit), "diarization" (speaker-labelled segments) or "sip_calls" (webhook
    verification and the calls endpoints)."""
    probes = {
        "rest": "azaudio_transcribe_file",
        "realtime": "azaudio_realtime_connect",
        "audio": "azaudio_g711_ulaw_encode",
        "diarization": "azaudio_transcript_segment_info",
        "sip_calls": "azaudio_call_accept",
    }
    probe = probes.get(name)
    if probe is None:
        raise ValueError(f"unknown feature {name!r}: use one of {', '.join(sorted(probes))}")
    return _native.has(probe)


__all__ = [
    "GASettings",
    "audio",
    "Pieces",
    "BatchResult",
    "transcribe_many",
    "Client",
    "Chat",
    "ChatReply",
    "Transcription",
    "TranscriptionStream",
    "Segment",
    "IncomingCall",
    "verify_webhook",
    "Word",
    "Usage",
    "RealtimeSession",
    "RealtimeEvent",
    "EventType",
    "AzAudioError",
    "APIError",
    "AuthenticationError",
    "BadRequestError",
    "BusyError",
    "CancelledError",
    "ClosedError",
    "ContentFilterError",
    "FileIOError",
    "InternalError",
    "InvalidArgumentError",
    "InvalidStateError",
    "NetworkError",
    "NotFoundError",
    "OutOfMemoryError",
    "PayloadTooLargeError",
    "ProtocolError",
    "RateLimitError",
    "ServerError",
    "TimeoutError",
    "TLSError",
    "UnsupportedError",
    "error_class",
    "version",
    "version_number",
    "library_path",
    "has_feature",
    "DEFAULT_API_VERSION",
    "LOG_ERROR",
    "LOG_WARN",
    "LOG_INFO",
    "LOG_DEBUG",
]
