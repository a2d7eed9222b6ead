"""The keyword arguments of the binding's calls, written once (PEP 692: ``**options: Unpack[SpeechOptions]``).

Each TypedDict below is the keyword list of one call; :class:`azaudio.Client` and :class:`azaudio.aio.AsyncClient`
take the same one, so a type checker checks every keyword of either exactly as it would an explicit signature
(a misspelt or missing ``deployment`` is an error). Defaults are applied where the options are read (noted here
after each field); a key left out means the default, an explicit None means what None means for that field.

Internal: import the names from here only for annotations; the public names are the methods' keywords.
"""

from __future__ import annotations

import os
import sys
from typing import IO, TYPE_CHECKING, Any, Callable, Mapping, Optional, Sequence, TypedDict, Union

from . import _native as n
from ._events import RealtimeEvent
from .errors import InvalidArgumentError
from .pieces import Pieces
from .results import Segment

if sys.version_info >= (3, 11):
    from typing import Unpack
elif TYPE_CHECKING:  # Python 3.10: only type checkers read the annotations (they stay strings at run time)
    from typing_extensions import Unpack

if TYPE_CHECKING:
    from ._chat import Chat
    from ._diarize import SpeakerClip
    from ._ga_settings import GASettings

__all__ = ["Unpack", "check_keywords"]

#: A token provider: returns a Microsoft Entra ID access token. Called with no argument, or with one boolean
#: (``refresh``: True after the service rejected the previous token) if it accepts one.
TokenProvider = Union[Callable[[], str], Callable[[bool], str]]
#: A log callback: receives (level, message); level is one of LOG_ERROR .. LOG_DEBUG.
LogCallback = Callable[[int, str], None]
#: An upload progress callback: receives (bytes_sent, bytes_total) of the request body; bytes_total is 0 while the
#: length is unknown (a file object). Called about every 100 ms while the body goes out, then once with
#: bytes_sent == bytes_total when it is complete; a retry starts again from 0. Raising stops the call.
ProgressCallback = Callable[[int, int], object]
#: Audio to upload: a path, the bytes of a file, or a binary file object (read as the upload goes).
AudioInput = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, IO[bytes]]
#: An event callback: receives each event on the library's I/O thread.
EventCallback = Callable[[RealtimeEvent], object]


def check_keywords(call: str, options: Mapping[str, Any], allowed: Any) -> None:
    """What Python checks for an explicit signature, for a caller without a type checker: TypeError for a keyword
    the TypedDict ``allowed`` does not name or a required one left out."""
    unknown = sorted(set(options) - set(allowed.__required_keys__) - set(allowed.__optional_keys__))
    if unknown:
        raise TypeError(f"{call}() got an unexpected keyword argument {unknown[0]!r}")
    missing = sorted(set(allowed.__required_keys__) - set(options))
    if missing:
        raise TypeError(f"{call}() missing required keyword argument {missing[0]!r}")


def milliseconds(seconds: Optional[float], *, unset: int, name: str) -> int:
    """Seconds (None: ``unset``) as the whole milliseconds of a C field; negative seconds are refused."""
    if seconds is None:
        return unset
    if seconds < 0:
        raise InvalidArgumentError(n.AZAUDIO_ERR_INVALID_ARGUMENT, f"{name} is {seconds}; it must be >= 0 seconds")
    return int(round(seconds * 1000))


# ---- the client ----------------------------------------------------------------------------------------------------


class ClientSettings(TypedDict, total=False):
    """Client.from_env() (and Client() with these plus a credential)."""

    api_version: Optional[str]  # None: the library's default (DEFAULT_API_VERSION)
    timeout: Optional[float]  # seconds, a whole call including retries; None: no limit
    connect_timeout: Optional[float]  # seconds, TCP+TLS; None: the library's default
    max_retries: Optional[int]  # None: 2
    max_retry_wait: Optional[float]
    ca_file: Optional[str]
    ca_path: Optional[str]
    insecure_skip_tls_verify: bool  # False
    proxy: Optional[str]  # "" disables proxies; None: https_proxy / no_proxy
    proxy_ca_file: Optional[str]  # CAs that verify an HTTPS proxy's certificate; None: the system's
    user_agent_suffix: Optional[str]
    log: Optional[LogCallback]
    log_level: int  # LOG_WARN


class ClientOptions(ClientSettings, total=False):
    """Client(endpoint, ...): exactly one credential."""

    api_key: Optional[str]
    bearer_token: Optional[str]
    token_provider: Optional[TokenProvider]


# ---- REST calls ----------------------------------------------------------------------------------------------------


class _Deployment(TypedDict):
    deployment: str  # required by every call


class CallOptions(TypedDict, total=False):
    """Every REST call."""

    timeout: Optional[float]  # seconds; None: the client's
    max_retries: Optional[int]  # None: the client's


class SpeechOptions(_Deployment, CallOptions, total=False):
    """speech(), speech_to_file(), speech_stream()."""

    voice: Optional[str]
    response_format: Optional[str]  # None: "mp3" (the service's default)
    speed: Optional[float]
    instructions: Optional[str]
    model: Optional[str]
    stream_format: Optional[str]


class UploadOptions(_Deployment, CallOptions, total=False):
    """What every upload call (transcribe, transcribe_stream, translate) takes."""

    model: Optional[str]
    prompt: Optional[str]
    response_format: Optional[str]  # None: "json"
    temperature: Optional[float]
    filename: Optional[str]  # None: the file's own name, else "audio.wav"
    progress: Optional[ProgressCallback]


class _Pieces(TypedDict, total=False):
    pieces: Optional[Pieces]  # None: the library's defaults for audio over the upload limit


class TranslateOptions(UploadOptions, _Pieces, total=False):
    """translate()."""


class TranscribeStreamOptions(UploadOptions, total=False):
    """transcribe_stream()."""

    language: Optional[str]
    include_logprobs: bool  # False
    chunking_strategy: Optional[str]


class TranscribeOptions(TranscribeStreamOptions, _Pieces, total=False):
    """transcribe()."""

    timestamps: Sequence[str]  # ()
    known_speakers: Mapping[str, SpeakerClip]  # {}
    languages: Sequence[str]  # ()
    keywords: Sequence[str]  # ()
    on_segment: Optional[Callable[[Segment], object]]


class ChatAudioOptions(_Deployment, CallOptions, total=False):
    """chat_audio() (after its ``prompt``)."""

    audio: Optional[Union[str, "os.PathLike[str]", bytes]]
    audio_format: str  # "wav"
    system: Optional[str]
    chat: Optional[Chat]  # a whole conversation instead of prompt/audio/system
    audio_output: bool  # True
    voice: Optional[str]
    output_format: Optional[str]
    max_completion_tokens: Optional[int]
    temperature: Optional[float]
    model: Optional[str]
    stream: bool  # False
    on_text: Optional[Callable[[str], object]]
    on_transcript: Optional[Callable[[str], object]]
    on_audio: Optional[Callable[[bytes], object]]
    progress: Optional[ProgressCallback]


class CallAcceptOptions(CallOptions, total=False):
    """accept_call() (after its ``call_id``)."""

    deployment: Optional[str]
    instructions: Optional[str]
    voice: Optional[str]
    session_json: Optional[str]


# ---- realtime sessions ---------------------------------------------------------------------------------------------


class _SessionCommon(_Deployment, total=False):
    """What every session kind takes."""

    caller_input_format: Optional[str]
    caller_input_rate: Optional[int]
    input_audio_coalesce_ms: int  # 0: every send_audio() goes out at once
    connect_timeout: Optional[float]  # seconds; None: 30


class VadSettings(TypedDict, total=False):
    """turn_detection's settings; None (or left out): not sent, the service's defaults apply."""

    vad_threshold: Optional[float]
    vad_prefix_padding_ms: Optional[int]
    vad_silence_duration_ms: Optional[int]
    vad_create_response: Optional[bool]
    vad_interrupt_response: Optional[bool]
    semantic_vad_eagerness: Optional[str]


class SessionTransport(TypedDict, total=False):
    """Queues and connection liveness, which any session kind uses; None (or left out): the library's default (see
    azaudio_realtime_options in azaudio.h)."""

    max_send_queue_bytes: Optional[int]
    max_event_queue: Optional[int]
    keepalive_ms: Optional[int]
    liveness_timeout_ms: Optional[int]


class _OnEvent(TypedDict, total=False):
    on_event: Optional[EventCallback]  # None: pull mode


class RealtimeSettings(_SessionCommon, VadSettings, SessionTransport, total=False):
    """realtime() without ``on_event`` (what AsyncClient.realtime takes)."""

    protocol: str  # "ga"
    api_version: Optional[str]
    instructions: Optional[str]
    voice: Optional[str]
    input_format: str  # "pcm16"
    output_format: str  # "pcm16"
    transcription_deployment: Optional[str]
    transcription_language: Optional[str]
    turn_detection: Optional[str]  # "server_vad"; None: no detection
    tools: Optional[Union[Sequence[Mapping[str, Any]], str]]
    tool_choice: Optional[str]
    temperature: Optional[float]
    max_output_tokens: Optional[int]
    text_only: bool  # False
    caller_output_format: Optional[str]
    caller_output_rate: Optional[int]
    barge_in: bool  # True
    # Reconnect and renewal (conversation sessions only); None (or left out): the library's default.
    reconnect_max_attempts: Optional[int]
    reconnect_max_total_ms: Optional[int]
    reconnect_backoff_ms: Optional[int]
    history_max_items: Optional[int]
    history_max_chars: Optional[int]
    renewal_margin_ms: Optional[int]
    session_max_ms: Optional[int]
    reask_interrupted_response: bool  # False
    # Typed GA settings (azaudio.GASettings) and a sideband session's SIP call id.
    ga: Optional["GASettings"]
    call_id: Optional[str]


class RealtimeOptions(RealtimeSettings, _OnEvent, total=False):
    """realtime()."""


class TranscriptionSessionSettings(_SessionCommon, VadSettings, SessionTransport, total=False):
    """transcription_session() without ``on_event``."""

    language: Optional[str]
    prompt: Optional[str]
    delay: Optional[str]
    noise_reduction: Optional[str]
    turn_detection: Optional[str]  # "server_vad"
    logprobs: bool  # False
    input_format: str  # "pcm16"


class TranscriptionSessionOptions(TranscriptionSessionSettings, _OnEvent, total=False):
    """transcription_session()."""


class _TranslationTarget(_SessionCommon):
    to: str  # required: the language spoken back


class TranslationSessionSettings(_TranslationTarget, total=False):
    """translation_session() without ``on_event``."""

    transcription_deployment: Optional[str]
    noise_reduction: Optional[str]
    path: Optional[str]


class TranslationSessionOptions(TranslationSessionSettings, _OnEvent, total=False):
    """translation_session()."""
