"""The client: an Azure OpenAI endpoint, its credentials and connection settings (azaudio_client)."""

from __future__ import annotations

import ctypes
import inspect
import os
import queue
import threading
from typing import IO, TYPE_CHECKING, Any, Callable, Iterator, Mapping, Optional, Sequence, Union

from . import _diarize, sip
from . import _native as n
from ._calls import Guard, ThreadErrors, copy_to, finish, run
from ._diarize import SpeakerClip
from ._owned import Owned
from .errors import AzAudioError, ClosedError, InvalidArgumentError, last_error
from .pieces import Pieces, take_partial
from .results import ChatReply, Segment, Transcription, transcription_from_handle

if TYPE_CHECKING:
    from ._session_kinds import SessionKind
    from .realtime import EventCallback, RealtimeSession

__all__ = [
    "Client",
    "Chat",
    "TokenProvider",
    "LogCallback",
    "AudioInput",
    "LOG_ERROR",
    "LOG_WARN",
    "LOG_INFO",
    "LOG_DEBUG",
    "DEFAULT_API_VERSION",
]

LOG_ERROR = n.AZAUDIO_LOG_ERROR
LOG_WARN = n.AZAUDIO_LOG_WARN
LOG_INFO = n.AZAUDIO_LOG_INFO
LOG_DEBUG = n.AZAUDIO_LOG_DEBUG
DEFAULT_API_VERSION = n.AZAUDIO_DEFAULT_API_VERSION

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

_STREAM_QUEUE_ITEMS = 64


def _ms(seconds: Optional[float], *, unset: int, name: str) -> int:
    if seconds is None:
        return unset
    if seconds < 0:
        raise InvalidArgumentError(n.AZAUDIO_ERR_INVALID_ARGUMENT, f"{name} is {seconds}; it must be >= 0 seconds")
    return int(round(seconds * 1000))


class _TokenBridge:
    """Bridges a Python token provider to azaudio_token_fn, with the buffer-size protocol: when the token does not
    fit it returns the length needed and keeps the token for the library's second call."""

    def __init__(self, provider: TokenProvider, errors: ThreadErrors) -> None:
        self._provider = provider
        self._errors = errors
        self._local = threading.local()
        try:
            parameters = inspect.signature(provider).parameters.values()
            positional = [
                p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
            ]
            self._wants_refresh = len(positional) >= 1 or any(p.kind == p.VAR_POSITIONAL for p in parameters)
        except (TypeError, ValueError):
            self._wants_refresh = False
        self.function = n.azaudio_token_fn(self._call)

    def _token(self, refresh: bool) -> bytes:
        if self._wants_refresh:
            token = self._provider(refresh)  # type: ignore[call-arg]
        else:
            token = self._provider()  # type: ignore[call-arg]
        if not isinstance(token, str):
            raise TypeError(f"the token provider returned {type(token).__name__}, not str")
        return token.encode("utf-8")

    def _call(self, reason: int, buffer: Optional[int], size: int, _user_data: Optional[int]) -> int:
        try:
            held: Optional[bytes] = getattr(self._local, "held", None)
            self._local.held = None
            token = held if held is not None else self._token(reason == n.AZAUDIO_TOKEN_REFRESH)
            if len(token) + 1 > size or not buffer:
                self._local.held = token
                return len(token)
            copy_to(buffer, token + b"\0")
            return len(token)
        except BaseException as error:  # noqa: BLE001 - must not unwind through C
            self._errors.record(error)
            return -1


class _LogBridge:
    """Bridges a Python log callback to azaudio_log_fn. An exception in it is kept and re-raised by the call that
    was running on the same thread."""

    def __init__(self, callback: LogCallback, errors: ThreadErrors) -> None:
        self._callback = callback
        self._errors = errors
        self.function = n.azaudio_log_fn(self._call)

    def _call(self, level: int, message: Optional[bytes], _user_data: Optional[int]) -> None:
        try:
            self._callback(level, n.text(message))
        except BaseException as error:  # noqa: BLE001 - must not unwind through C
            self._errors.record(error)


def _guarded_text(callback: Callable[[str], object], guard: Guard) -> Any:
    def call(text: Optional[int], length: int, _user_data: Optional[int]) -> int:
        if guard.stop.is_set():
            return 1
        try:
            callback(ctypes.string_at(text, length).decode("utf-8", "replace") if text else "")
            return 0
        except BaseException as error:  # noqa: BLE001 - must not unwind through C
            guard.record(error)
            return 1

    return n.azaudio_text_fn(call)


def _guarded_audio(callback: Callable[[bytes], object], guard: Guard) -> Any:
    def call(data: Optional[int], size: int, _user_data: Optional[int]) -> int:
        if guard.stop.is_set():
            return 1
        try:
            callback(ctypes.string_at(data, size) if data else b"")
            return 0
        except BaseException as error:  # noqa: BLE001 - must not unwind through C
            guard.record(error)
            return 1

    return n.azaudio_audio_fn(call)


def _guarded_progress(callback: ProgressCallback, guard: Guard) -> Any:
    def call(sent: int, total: int, _user_data: Optional[int]) -> int:
        if guard.stop.is_set():
            return 1
        try:
            callback(sent, total)
            return 0
        except BaseException as error:  # noqa: BLE001 - must not unwind through C
            guard.record(error)
            return 1

    return n.azaudio_progress_fn(call)


def _guarded_reader(stream: IO[bytes], guard: Guard) -> Any:
    def call(buffer: Optional[int], capacity: int, _user_data: Optional[int]) -> int:
        if guard.stop.is_set():
            return -1
        try:
            chunk = stream.read(capacity)
            if not chunk:
                return 0
            if not isinstance(chunk, (bytes, bytearray)):
                raise TypeError("the audio file object must be opened in binary mode")
            copy_to(buffer, bytes(chunk[:capacity]))
            return min(len(chunk), capacity)
        except BaseException as error:  # noqa: BLE001 - must not unwind through C
            guard.record(error)
            return -1

    return n.azaudio_read_fn(call)


def _bytes_pointer(data: Union[bytes, bytearray, memoryview]) -> tuple[Any, bytes]:
    """A ``const uint8_t *`` for read-only input; returns (pointer, the bytes object to keep alive)."""
    raw = bytes(data) if not isinstance(data, bytes) else data
    return ctypes.cast(ctypes.c_char_p(raw), ctypes.POINTER(ctypes.c_uint8)), raw


class Client(Owned):
    """A connection to an Azure OpenAI resource (libazaudio's azaudio_client).

    Create one per endpoint and share it between threads; close it (or use ``with``) when done. Creating a client
    validates and normalises the endpoint and the credentials but sends nothing.

    Exactly one credential: ``api_key`` (the api-key header), ``bearer_token`` (a fixed Entra ID token) or
    ``token_provider`` (a callable returning a token, called before each request; if it raises, the call fails and
    the exception is re-raised in the caller).

    ``api_version``: None (the library's default, currently ``DEFAULT_API_VERSION``), a dated version, ``"v1"`` or
    ``"preview"``. Times are in seconds: ``timeout`` bounds a whole call including retries (None: no limit),
    ``connect_timeout`` the TCP+TLS connection. ``max_retries`` (default 2) applies to 429, 5xx and failed
    connections. ``ca_file``/``ca_path`` replace the system's CAs; ``proxy`` is a proxy URL ("" disables proxies,
    None uses the https_proxy/no_proxy variables). ``log`` receives ``(level, message)`` at ``log_level`` or more
    severe, on whichever thread does the work; messages never contain keys or tokens.
    """

    def __init__(
        self,
        endpoint: Optional[str] = None,
        *,
        api_key: Optional[str] = None,
        bearer_token: Optional[str] = None,
        token_provider: Optional[TokenProvider] = None,
        api_version: Optional[str] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        max_retry_wait: Optional[float] = None,
        ca_file: Optional[str] = None,
        ca_path: Optional[str] = None,
        insecure_skip_tls_verify: bool = False,
        proxy: Optional[str] = None,
        user_agent_suffix: Optional[str] = None,
        log: Optional[LogCallback] = None,
        log_level: int = LOG_WARN,
        _from_env: bool = False,
    ) -> None:
        self._handle: Optional[int] = None
        self._errors = ThreadErrors()
        self._token_bridge = _TokenBridge(token_provider, self._errors) if token_provider is not None else None
        self._log_bridge = _LogBridge(log, self._errors) if log is not None else None

        options = n.azaudio_client_options()
        n.lib.azaudio_client_options_init(ctypes.byref(options))
        keep: list[Optional[bytes]] = []

        def string(value: Optional[str]) -> Optional[bytes]:
            keep.append(n.encode(value))
            return keep[-1]

        options.endpoint = string(endpoint)
        options.api_key = string(api_key)
        options.bearer_token = string(bearer_token)
        if self._token_bridge is not None:
            options.token_provider = self._token_bridge.function
        options.api_version = string(api_version)
        if connect_timeout is not None:
            options.connect_timeout_ms = _ms(connect_timeout, unset=0, name="connect_timeout")
        options.timeout_ms = _ms(timeout, unset=0, name="timeout")
        if max_retries is not None:
            options.max_retries = max_retries
        if max_retry_wait is not None:
            options.max_retry_wait_ms = _ms(max_retry_wait, unset=0, name="max_retry_wait")
        if ca_file is None and ca_path is None:
            ca_file, ca_path = n.wheel_ca_locations()
        options.ca_file = string(ca_file)
        options.ca_path = string(ca_path)
        options.insecure_skip_tls_verify = 1 if insecure_skip_tls_verify else 0
        options.proxy = string(proxy)
        options.user_agent_suffix = string(user_agent_suffix)
        if self._log_bridge is not None:
            options.log_callback = self._log_bridge.function
        options.log_level = log_level

        handle = ctypes.c_void_p()
        create = n.lib.azaudio_client_create_from_env if _from_env else n.lib.azaudio_client_create
        code = create(ctypes.byref(options), ctypes.byref(handle))
        if code != n.AZAUDIO_OK:
            raise last_error(code)
        self._handle = handle.value
        pending = self._errors.take()  # a log callback that raised while the client was created
        if pending is not None:
            self.close()
            raise pending
        self._endpoint = n.text(n.lib.azaudio_client_endpoint(self._handle))
        self._api_version = api_version

    @classmethod
    def from_env(
        cls,
        *,
        api_version: Optional[str] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        max_retry_wait: Optional[float] = None,
        ca_file: Optional[str] = None,
        ca_path: Optional[str] = None,
        insecure_skip_tls_verify: bool = False,
        proxy: Optional[str] = None,
        user_agent_suffix: Optional[str] = None,
        log: Optional[LogCallback] = None,
        log_level: int = LOG_WARN,
    ) -> "Client":
        """A client from the variables openai-python's AzureOpenAI reads (azaudio_client_create_from_env):
        AZURE_OPENAI_ENDPOINT (required), AZURE_OPENAI_API_KEY or AZURE_OPENAI_AD_TOKEN, and OPENAI_API_VERSION
        (which wins over ``api_version``). A missing variable raises InvalidArgumentError naming it."""
        return cls(
            api_version=api_version,
            timeout=timeout,
            connect_timeout=connect_timeout,
            max_retries=max_retries,
            max_retry_wait=max_retry_wait,
            ca_file=ca_file,
            ca_path=ca_path,
            insecure_skip_tls_verify=insecure_skip_tls_verify,
            proxy=proxy,
            user_agent_suffix=user_agent_suffix,
            log=log,
            log_level=log_level,
            _from_env=True,
        )

    # ---- lifetime ---------------------------------------------------------------------------------------------

    @property
    def endpoint(self) -> str:
        """The normalised endpoint the library uses, e.g. ``https://name.openai.azure.com`` (no trailing slash)."""
        return self._endpoint

    @property
    def closed(self) -> bool:
        """Whether close() was called."""
        return self._handle is None

    def close(self) -> None:
        """Close the connections and free the client. Calls still running on other threads must have returned.
        Closing twice is allowed; any other use afterwards raises ClosedError."""
        handle, self._handle = self._handle, None
        if handle:
            n.lib.azaudio_client_destroy(handle)

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<azaudio.Client {self._endpoint} ({state})>"

    def _live(self) -> int:
        if self._handle is None:
            raise ClosedError(n.AZAUDIO_ERR_CLOSED, "the client is closed")
        return self._handle

    def _finish(self, code: int, guard: Optional[Guard] = None) -> None:
        finish(self._handle, code, guard, self._errors)

    def _call_options(self, options: Any, token: Any, timeout: Optional[float], max_retries: Optional[int]) -> None:
        options.cancel_token = token.handle
        options.timeout_ms = _ms(timeout, unset=-1, name="timeout")
        if max_retries is not None:
            options.max_retries = max_retries

    # ---- speech to text ---------------------------------------------------------------------------------------

    def transcribe(
        self,
        file: AudioInput,
        *,
        deployment: str,
        model: Optional[str] = None,
        language: Optional[str] = None,
        prompt: Optional[str] = None,
        response_format: Optional[str] = None,
        temperature: Optional[float] = None,
        timestamps: Sequence[str] = (),
        include_logprobs: bool = False,
        chunking_strategy: Optional[str] = None,
        filename: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        progress: Optional[ProgressCallback] = None,
        known_speakers: Mapping[str, SpeakerClip] = {},
        languages: Sequence[str] = (),
        keywords: Sequence[str] = (),
        on_segment: Optional[Callable[[Segment], object]] = None,
        pieces: Optional[Pieces] = None,
    ) -> Transcription:
        """Transcribe audio (a path, bytes, or a binary file object) with a speech-to-text deployment.

        ``response_format``: "json" (default), "text", "srt", "vtt", "verbose_json" (language, duration, segments,
        words) or "diarized_json" (gpt-4o-transcribe-diarize: segments with ``speaker``); ``timestamps``: any of
        "segment", "word" (needs verbose_json). ``filename`` names the format for bytes and file objects (default
        "audio.wav"). ``progress(sent, total)`` follows the upload (see :data:`ProgressCallback`).
        ``known_speakers`` maps up to 4 names to 2-10 s reference clips (a path, ``(bytes, filename)`` or WAV
        bytes) for diarized_json; ``languages`` and ``keywords`` guide gpt-transcribe. ``on_segment`` streams the
        call and receives each diarized :class:`Segment` as it completes. Audio over the upload limit is cut into
        pieces and merged; ``pieces`` tunes that (see :class:`Pieces`). Ctrl-C cancels the call. Raises an
        AzAudioError subclass.
        """
        return self._transcribe(
            "transcribe",
            file,
            deployment=deployment,
            model=model,
            language=language,
            prompt=prompt,
            response_format=response_format,
            temperature=temperature,
            timestamps=timestamps,
            include_logprobs=include_logprobs,
            chunking_strategy=chunking_strategy,
            filename=filename,
            timeout=timeout,
            max_retries=max_retries,
            on_delta=None,
            progress=progress,
            extra={
                "known_speakers": known_speakers,
                "languages": languages,
                "keywords": keywords,
                "on_segment": on_segment,
            },
            stream=on_segment is not None,
            pieces=pieces,
        )

    def transcribe_stream(
        self,
        file: AudioInput,
        *,
        deployment: str,
        model: Optional[str] = None,
        language: Optional[str] = None,
        prompt: Optional[str] = None,
        response_format: Optional[str] = None,
        temperature: Optional[float] = None,
        include_logprobs: bool = False,
        chunking_strategy: Optional[str] = None,
        filename: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        progress: Optional[ProgressCallback] = None,
    ) -> "TranscriptionStream":
        """Transcribe with streaming (gpt-4o-transcribe, gpt-4o-mini-transcribe): iterate over the result for the
        text deltas as they arrive; afterwards ``.transcription`` holds the whole result. Leaving the loop early
        cancels the request."""

        def call(on_delta: Callable[[str], object], guard: Guard) -> Transcription:
            return self._transcribe(
                "transcribe",
                file,
                deployment=deployment,
                model=model,
                language=language,
                prompt=prompt,
                response_format=response_format,
                temperature=temperature,
                timestamps=(),
                include_logprobs=include_logprobs,
                chunking_strategy=chunking_strategy,
                filename=filename,
                timeout=timeout,
                max_retries=max_retries,
                on_delta=on_delta,
                guard=guard,
                stream=True,
                progress=progress,
            )

        self._live()
        n.require("azaudio_transcribe_file")
        return TranscriptionStream(call)

    def translate(
        self,
        file: AudioInput,
        *,
        deployment: str,
        model: Optional[str] = None,
        prompt: Optional[str] = None,
        response_format: Optional[str] = None,
        temperature: Optional[float] = None,
        filename: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        progress: Optional[ProgressCallback] = None,
        pieces: Optional[Pieces] = None,
    ) -> Transcription:
        """Translate speech in any language into English text (whisper deployments); as transcribe()."""
        return self._transcribe(
            "translate",
            file,
            deployment=deployment,
            model=model,
            language=None,
            prompt=prompt,
            response_format=response_format,
            temperature=temperature,
            timestamps=(),
            include_logprobs=False,
            chunking_strategy=None,
            filename=filename,
            timeout=timeout,
            max_retries=max_retries,
            on_delta=None,
            progress=progress,
            pieces=pieces,
        )

    def _transcribe(
        self,
        kind: str,
        file: AudioInput,
        *,
        deployment: str,
        model: Optional[str],
        language: Optional[str],
        prompt: Optional[str],
        response_format: Optional[str],
        temperature: Optional[float],
        timestamps: Sequence[str],
        include_logprobs: bool,
        chunking_strategy: Optional[str],
        filename: Optional[str],
        timeout: Optional[float],
        max_retries: Optional[int],
        on_delta: Optional[Callable[[str], object]],
        guard: Optional[Guard] = None,
        stream: bool = False,
        progress: Optional[ProgressCallback] = None,
        extra: Optional[dict[str, Any]] = None,
        pieces: Optional[Pieces] = None,
    ) -> Transcription:
        handle = self._live()
        n.require(f"azaudio_{kind}_file")
        granularity = 0
        for name in timestamps:
            bits = {"segment": n.AZAUDIO_TIMESTAMP_SEGMENT, "word": n.AZAUDIO_TIMESTAMP_WORD}.get(name)
            if bits is None:
                raise InvalidArgumentError(
                    n.AZAUDIO_ERR_INVALID_ARGUMENT, f"unknown timestamp granularity {name!r}: use 'segment' or 'word'"
                )
            granularity |= bits
        strings = [n.encode(s) for s in (deployment, model, language, prompt, response_format, chunking_strategy)]
        guard = guard or Guard()
        delta_fn = _guarded_text(on_delta, guard) if on_delta is not None else None
        progress_fn = _guarded_progress(progress, guard) if progress is not None else None

        alive: list[Any] = []  # what the C options point to, for the whole call

        def body(token: Any) -> Transcription:
            options: Any
            if kind == "transcribe":
                options = n.azaudio_transcription_options()
                n.lib.azaudio_transcription_options_init(ctypes.byref(options))
                options.language = strings[2]
                options.timestamp_granularities = granularity
                options.include_logprobs = 1 if include_logprobs else 0
                options.chunking_strategy = strings[5]
                options.stream = 1 if stream else 0
                if delta_fn is not None:
                    options.on_delta = delta_fn
                if extra:
                    alive.extend(_diarize.apply(options, guard=guard, **extra))
            else:
                options = n.azaudio_translation_options()
                n.lib.azaudio_translation_options_init(ctypes.byref(options))
            options.deployment = strings[0]
            options.model = strings[1]
            options.prompt = strings[3]
            options.response_format = strings[4]
            if temperature is not None:
                options.temperature = temperature
            if progress_fn is not None:
                options.on_progress = progress_fn
            pieces_keep = pieces.apply(options, guard) if pieces is not None else []  # alive for the call
            self._call_options(options, token, timeout, max_retries)
            out = ctypes.c_void_p()
            functions = {
                "file": getattr(n.lib, f"azaudio_{kind}_file"),
                "memory": getattr(n.lib, f"azaudio_{kind}_memory"),
                "callback": getattr(n.lib, f"azaudio_{kind}_callback"),
            }
            if isinstance(file, (str, os.PathLike)):
                code = functions["file"](handle, n.encode_path(file), ctypes.byref(options), ctypes.byref(out))
            elif isinstance(file, (bytes, bytearray, memoryview)):
                pointer, keep = _bytes_pointer(file)
                code = functions["memory"](
                    handle,
                    pointer,
                    len(keep),
                    n.encode(filename or "audio.wav"),
                    ctypes.byref(options),
                    ctypes.byref(out),
                )
            elif hasattr(file, "read"):
                name = filename or os.path.basename(str(getattr(file, "name", "") or "")) or "audio.wav"
                reader = _guarded_reader(file, guard)
                code = functions["callback"](
                    handle, n.encode(name), ctypes.byref(options), ctypes.byref(out), reader, None
                )
            else:
                raise TypeError(f"cannot read audio from {type(file).__name__}: give a path, bytes or a binary file")
            try:
                self._finish(code, guard)
            except AzAudioError as error:
                error.partial = take_partial(pieces_keep)
                raise
            try:
                return transcription_from_handle(out.value)
            finally:
                n.lib.azaudio_transcript_free(out.value)

        # Streaming runs on its own worker (TranscriptionStream): no second worker for Ctrl-C.
        return run(body, cancel_on_interrupt=not (stream and on_delta is not None), guard=guard)

    # ---- SIP calls answered by the service (see azaudio.sip) ---------------------------------------------------

    def accept_call(
        self,
        call_id: str,
        *,
        deployment: Optional[str] = None,
        instructions: Optional[str] = None,
        voice: Optional[str] = None,
        session_json: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> None:
        """Accept an incoming SIP call (from a verified realtime.call.incoming webhook) with a realtime session."""
        sip.accept_call(
            self,
            call_id,
            deployment=deployment,
            instructions=instructions,
            voice=voice,
            session_json=session_json,
            timeout=timeout,
            max_retries=max_retries,
        )

    def reject_call(self, call_id: str, status_code: int = 0) -> None:
        """Reject a ringing call with a SIP status (400-699; 0: 603 Decline)."""
        sip.reject_call(self, call_id, status_code)

    def refer_call(self, call_id: str, target_uri: str) -> None:
        """Transfer an accepted call (SIP REFER) to a tel:, sip: or sips: URI."""
        sip.refer_call(self, call_id, target_uri)

    def hangup_call(self, call_id: str) -> None:
        """End a call."""
        sip.hangup_call(self, call_id)

    # ---- text to speech ---------------------------------------------------------------------------------------

    def _speech_options(
        self,
        token: Any,
        strings: list[Optional[bytes]],
        speed: Optional[float],
        timeout: Optional[float],
        max_retries: Optional[int],
    ) -> Any:
        options = n.azaudio_speech_options()
        n.lib.azaudio_speech_options_init(ctypes.byref(options))
        options.deployment, options.model, options.voice, options.response_format = strings[:4]
        options.instructions, options.stream_format = strings[4:6]
        if speed is not None:
            options.speed = speed
        self._call_options(options, token, timeout, max_retries)
        return options

    def speech(
        self,
        text: str,
        *,
        deployment: str,
        voice: Optional[str] = None,
        response_format: Optional[str] = None,
        speed: Optional[float] = None,
        instructions: Optional[str] = None,
        model: Optional[str] = None,
        stream_format: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> bytes:
        """Speak ``text`` (1 to 4096 characters) and return the whole audio.

        ``response_format``: "mp3" (the service's default), "opus", "aac", "flac", "wav" or "pcm" (raw 24 kHz
        16-bit mono); ``speed`` 0.25..4.0; ``instructions`` how to speak (gpt-4o-mini-tts). Ctrl-C cancels."""
        handle = self._live()
        n.require("azaudio_speak_to_buffer")
        strings = [n.encode(s) for s in (deployment, model, voice, response_format, instructions, stream_format)]
        text_arg = n.encode(text)

        def body(token: Any) -> bytes:
            options = self._speech_options(token, strings, speed, timeout, max_retries)
            data = ctypes.POINTER(ctypes.c_uint8)()
            size = ctypes.c_size_t()
            code = n.lib.azaudio_speak_to_buffer(
                handle, text_arg, ctypes.byref(options), ctypes.byref(data), ctypes.byref(size)
            )
            self._finish(code)
            try:
                return ctypes.string_at(data, size.value) if size.value else b""
            finally:
                n.lib.azaudio_free(ctypes.cast(data, ctypes.c_void_p))

        return run(body)

    def speech_to_file(
        self,
        text: str,
        path: Union[str, "os.PathLike[str]"],
        *,
        deployment: str,
        voice: Optional[str] = None,
        response_format: Optional[str] = None,
        speed: Optional[float] = None,
        instructions: Optional[str] = None,
        model: Optional[str] = None,
        stream_format: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> None:
        """Speak ``text`` into the file at ``path``, written as the audio arrives (removed again on failure)."""
        handle = self._live()
        n.require("azaudio_speak_to_file")
        strings = [n.encode(s) for s in (deployment, model, voice, response_format, instructions, stream_format)]
        text_arg, path_arg = n.encode(text), n.encode_path(path)

        def body(token: Any) -> None:
            options = self._speech_options(token, strings, speed, timeout, max_retries)
            self._finish(n.lib.azaudio_speak_to_file(handle, text_arg, path_arg, ctypes.byref(options)))

        run(body)

    def speech_stream(
        self,
        text: str,
        *,
        deployment: str,
        voice: Optional[str] = None,
        response_format: Optional[str] = None,
        speed: Optional[float] = None,
        instructions: Optional[str] = None,
        model: Optional[str] = None,
        stream_format: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Iterator[bytes]:
        """Speak ``text`` and yield the audio in chunks as they come off the wire (playback can start at once).
        Leaving the loop early cancels the request; a failure after some chunks raises (the audio is partial)."""
        handle = self._live()
        n.require("azaudio_speak")
        strings = [n.encode(s) for s in (deployment, model, voice, response_format, instructions, stream_format)]
        text_arg = n.encode(text)

        def call(on_audio: Callable[[bytes], object], guard: Guard) -> None:
            def body(token: Any) -> None:
                options = self._speech_options(token, strings, speed, timeout, max_retries)
                audio_fn = _guarded_audio(on_audio, guard)
                self._finish(n.lib.azaudio_speak(handle, text_arg, ctypes.byref(options), audio_fn, None), guard)

            run(body, cancel_on_interrupt=False, guard=guard)

        return _Stream(call)

    # ---- audio chat ---------------------------------------------------------------------------------------------

    def chat_audio(
        self,
        prompt: Optional[str] = None,
        *,
        deployment: str,
        audio: Optional[Union[str, "os.PathLike[str]", bytes]] = None,
        audio_format: str = "wav",
        system: Optional[str] = None,
        chat: Optional["Chat"] = None,
        audio_output: bool = True,
        voice: Optional[str] = None,
        output_format: Optional[str] = None,
        max_completion_tokens: Optional[int] = None,
        temperature: Optional[float] = None,
        model: Optional[str] = None,
        stream: bool = False,
        on_text: Optional[Callable[[str], object]] = None,
        on_transcript: Optional[Callable[[str], object]] = None,
        on_audio: Optional[Callable[[bytes], object]] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        progress: Optional[ProgressCallback] = None,
    ) -> ChatReply:
        """An audio chat completion (gpt-4o-audio-preview, gpt-4o-mini-audio-preview).

        Either give a whole conversation as ``chat`` (a :class:`Chat`), or ``prompt`` text and/or ``audio`` (a
        .wav/.mp3 path, or bytes in ``audio_format``) for a single user message, with an optional ``system``
        message. The reply has ``text``, ``transcript`` and ``audio`` (in ``output_format``: "wav" by default,
        "pcm16" when streaming). With ``stream=True`` the callbacks receive deltas as they arrive.
        ``progress(sent, total)`` follows the upload of the request (the conversation with its base64 audio)."""
        handle = self._live()
        n.require("azaudio_chat_complete")
        own_chat = chat is None
        if chat is None:
            chat = Chat()
            if system is not None:
                chat.add_message("system", system)
            chat.add_message("user", prompt)
            if audio is not None:
                if isinstance(audio, (str, os.PathLike)):
                    chat.add_audio_file(audio)
                else:
                    chat.add_audio(audio, audio_format)
        elif prompt is not None or audio is not None or system is not None:
            raise InvalidArgumentError(
                n.AZAUDIO_ERR_INVALID_ARGUMENT, "give either chat= or prompt/audio/system, not both"
            )
        strings = [n.encode(s) for s in (deployment, model, voice, output_format)]
        guard = Guard()
        text_fn = _guarded_text(on_text, guard) if on_text is not None else None
        transcript_fn = _guarded_text(on_transcript, guard) if on_transcript is not None else None
        audio_fn = _guarded_audio(on_audio, guard) if on_audio is not None else None
        progress_fn = _guarded_progress(progress, guard) if progress is not None else None
        chat_handle = chat._live()

        def body(token: Any) -> ChatReply:
            options = n.azaudio_chat_options()
            n.lib.azaudio_chat_options_init(ctypes.byref(options))
            options.deployment, options.model, options.voice, options.audio_format = strings
            options.audio_output = 1 if audio_output else 0
            if max_completion_tokens is not None:
                options.max_completion_tokens = max_completion_tokens
            if temperature is not None:
                options.temperature = temperature
            options.stream = 1 if stream else 0
            if text_fn is not None:
                options.on_text = text_fn
            if transcript_fn is not None:
                options.on_transcript = transcript_fn
            if audio_fn is not None:
                options.on_audio = audio_fn
            if progress_fn is not None:
                options.on_progress = progress_fn
            self._call_options(options, token, timeout, max_retries)
            out = ctypes.c_void_p()
            code = n.lib.azaudio_chat_complete(handle, chat_handle, ctypes.byref(options), ctypes.byref(out))
            self._finish(code, guard)
            return ChatReply(out.value)

        try:
            return run(body)
        finally:
            if own_chat:
                chat.close()

    # ---- realtime sessions ----------------------------------------------------------------------------------------

    def realtime(
        self,
        *,
        deployment: str,
        protocol: str = "ga",
        api_version: Optional[str] = None,
        instructions: Optional[str] = None,
        voice: Optional[str] = None,
        input_format: str = "pcm16",
        output_format: str = "pcm16",
        transcription_deployment: Optional[str] = None,
        transcription_language: Optional[str] = None,
        turn_detection: Optional[str] = "server_vad",
        vad_threshold: Optional[float] = None,
        vad_prefix_padding_ms: Optional[int] = None,
        vad_silence_duration_ms: Optional[int] = None,
        vad_create_response: Optional[bool] = None,
        vad_interrupt_response: Optional[bool] = None,
        semantic_vad_eagerness: Optional[str] = None,
        tools: Optional[Union[Sequence[Mapping[str, Any]], str]] = None,
        tool_choice: Optional[str] = None,
        temperature: Optional[float] = None,
        max_output_tokens: Optional[int] = None,
        text_only: bool = False,
        on_event: Optional["EventCallback"] = None,
        max_send_queue_bytes: Optional[int] = None,
        max_event_queue: Optional[int] = None,
        connect_timeout: Optional[float] = None,
        caller_input_format: Optional[str] = None,
        caller_input_rate: Optional[int] = None,
        caller_output_format: Optional[str] = None,
        caller_output_rate: Optional[int] = None,
        barge_in: bool = True,
        input_audio_coalesce_ms: int = 0,
        keepalive_ms: Optional[int] = None,
        liveness_timeout_ms: Optional[int] = None,
        reconnect_max_attempts: Optional[int] = None,
        reconnect_max_total_ms: Optional[int] = None,
        reconnect_backoff_ms: Optional[int] = None,
        history_max_items: Optional[int] = None,
        history_max_chars: Optional[int] = None,
        renewal_margin_ms: Optional[int] = None,
        session_max_ms: Optional[int] = None,
        session: Optional["SessionKind"] = None,
    ) -> "RealtimeSession":
        """Open a realtime session (azaudio_realtime_connect) and return it, ready: use it as a context manager.

        Blocks until the service has accepted the session settings (session.created and session.updated are the
        first events). ``protocol``: "ga" (``/openai/v1/realtime``) or "preview" (``/openai/realtime``, with
        ``api_version``). ``input_format`` / ``output_format``: "pcm16" (24 kHz mono), "g711_ulaw" or "g711_alaw"
        (8 kHz). ``transcription_deployment`` turns on transcription of the caller's speech.
        ``turn_detection``: "server_vad" (default), "semantic_vad", or None (call commit() and create_response()
        yourself), with the ``vad_*`` settings and ``semantic_vad_eagerness``. ``tools``: function definitions
        (dicts, sent as JSON), ``tool_choice``: "auto", "none" or "required". ``temperature`` (preview only),
        ``max_output_tokens``, ``text_only`` (no audio in replies). Settings left at None are not sent, so the
        service's defaults apply.

        Events wait to be pulled with ``session.events()`` / ``session.next_event()``, or with ``on_event`` go to
        that callable on the library's I/O thread (see :mod:`azaudio.realtime`). ``connect_timeout`` (seconds,
        default 30) bounds the wait for the session to be ready.

        ``caller_input_format`` / ``caller_input_rate`` and ``caller_output_format`` / ``caller_output_rate``: the
        audio your side sends and wants back when it differs from the session's (mono "pcm16", "g711_ulaw" or
        "g711_alaw" at any rate from 8000 to 192000 Hz, e.g. 44100; stereo or float audio: convert it with
        ``audio.to_mono_pcm16()`` or ``audio.read_wav_mono()``); the library converts on the way (8 kHz mu-law into a
        g711_ulaw session passes straight through). ``barge_in`` (default True): when the caller starts speaking
        during a reply, the library truncates the reply at the position reported with ``session.audio_played()``
        and delivers a PLAYBACK_FLUSH event. ``input_audio_coalesce_ms`` (0 to 1000, default 0: every
        ``send_audio()`` goes out at once): the library holds your input audio until at least that many ms are
        waiting and sends them as one append, which costs less CPU per session-second at the price of up to that
        much more input latency (see azaudio_realtime_options.input_audio_coalesce_ms in azaudio.h).

        Calls that last (None: the library's default; see azaudio_realtime_options in azaudio.h):
        ``keepalive_ms`` (15000) pings a quiet connection, ``liveness_timeout_ms`` (30000) takes one that sent
        nothing that long for dead. ``reconnect_max_attempts`` (0: off) reconnects after a lost connection within
        ``reconnect_max_total_ms`` (60000), waiting ``reconnect_backoff_ms`` (250) doubled per attempt with jitter,
        replays the conversation (``history_max_items`` 200, ``history_max_chars`` 32000) and sends the audio given
        meanwhile; RESPONSE_INTERRUPTED, RECONNECTING and RECONNECTED events tell the app. With reconnect on, the
        session is also renewed ``renewal_margin_ms`` (120000) before its time limit (``expires_at``, else
        ``session_max_ms``, 1800000) at a turn boundary: RENEWING, then RENEWED once the new session took over.

        Raises InvalidArgumentError (bad options; checked before connecting), AuthenticationError, NotFoundError
        (unknown deployment), RateLimitError, APIError, BadRequestError (the service rejected the settings),
        NetworkError, TLSError, TimeoutError, ProtocolError."""
        from .realtime import RealtimeSession, _Options

        n.require("azaudio_realtime_connect")
        self._live()
        options = _Options(
            deployment=deployment,
            protocol=protocol,
            api_version=api_version,
            instructions=instructions,
            voice=voice,
            input_format=input_format,
            output_format=output_format,
            transcription_deployment=transcription_deployment,
            transcription_language=transcription_language,
            turn_detection=turn_detection,
            vad_threshold=vad_threshold,
            vad_prefix_padding_ms=vad_prefix_padding_ms,
            vad_silence_duration_ms=vad_silence_duration_ms,
            vad_create_response=vad_create_response,
            vad_interrupt_response=vad_interrupt_response,
            semantic_vad_eagerness=semantic_vad_eagerness,
            tools=tools,
            tool_choice=tool_choice,
            temperature=temperature,
            max_output_tokens=max_output_tokens,
            text_only=text_only,
            max_send_queue_bytes=max_send_queue_bytes,
            max_event_queue=max_event_queue,
            connect_timeout=connect_timeout,
            caller_input_format=caller_input_format,
            caller_input_rate=caller_input_rate,
            caller_output_format=caller_output_format,
            caller_output_rate=caller_output_rate,
            barge_in=barge_in,
            input_audio_coalesce_ms=input_audio_coalesce_ms,
            keepalive_ms=keepalive_ms,
            liveness_timeout_ms=liveness_timeout_ms,
            reconnect_max_attempts=reconnect_max_attempts,
            reconnect_max_total_ms=reconnect_max_total_ms,
            reconnect_backoff_ms=reconnect_backoff_ms,
            history_max_items=history_max_items,
            history_max_chars=history_max_chars,
            renewal_margin_ms=renewal_margin_ms,
            session_max_ms=session_max_ms,
            session=session,
        )
        return RealtimeSession(self, options, on_event)

    def transcription_session(
        self,
        *,
        deployment: str,
        language: Optional[str] = None,
        prompt: Optional[str] = None,
        delay: Optional[str] = None,
        noise_reduction: Optional[str] = None,
        turn_detection: Optional[str] = "server_vad",
        logprobs: bool = False,
        input_format: str = "pcm16",
        caller_input_format: Optional[str] = None,
        caller_input_rate: Optional[int] = None,
        input_audio_coalesce_ms: int = 0,
        on_event: Optional["EventCallback"] = None,
        connect_timeout: Optional[float] = None,
        **vad: Any,
    ) -> "RealtimeSession":
        """Open a transcription-only session (``/openai/v1/realtime?intent=transcription``): send audio, receive
        INPUT_TRANSCRIPTION_DELTA / _COMPLETED / _SEGMENT events (segments carry ``speaker`` and
        ``segment_times``). ``deployment`` transcribes (gpt-4o-transcribe, whisper, gpt-realtime-whisper,
        gpt-4o-transcribe-diarize...). ``delay``: "minimal" ... "xhigh" (gpt-realtime-whisper only);
        ``noise_reduction``: "near_field", "far_field", "off" or None (the service's default); ``turn_detection``:
        "server_vad", "semantic_vad" or None (continuous models want None; commit() cuts an item); ``vad``: the
        ``vad_*`` settings of :meth:`realtime`. Same sending, pull and callback delivery as :meth:`realtime`."""
        from ._session_kinds import SessionKind

        kind = SessionKind(
            n.AZAUDIO_SESSION_TRANSCRIPTION,
            prompt=prompt,
            delay=delay,
            noise_reduction=noise_reduction,
            logprobs=logprobs,
        )
        return self.realtime(
            deployment=deployment,
            transcription_language=language,
            turn_detection=turn_detection,
            input_format=input_format,
            caller_input_format=caller_input_format,
            caller_input_rate=caller_input_rate,
            input_audio_coalesce_ms=input_audio_coalesce_ms,
            on_event=on_event,
            connect_timeout=connect_timeout,
            barge_in=False,
            session=kind,
            **vad,
        )

    def translation_session(
        self,
        *,
        deployment: str,
        to: str,
        transcription_deployment: Optional[str] = None,
        noise_reduction: Optional[str] = None,
        path: Optional[str] = None,
        caller_input_format: Optional[str] = None,
        caller_input_rate: Optional[int] = None,
        input_audio_coalesce_ms: int = 0,
        on_event: Optional["EventCallback"] = None,
        connect_timeout: Optional[float] = None,
    ) -> "RealtimeSession":
        """Open a translation session (``gpt-realtime-translate``; path ``/openai/v1/realtime/translations`` unless
        ``path`` says otherwise: Azure documents none yet). Send 24 kHz PCM16 (or ``caller_input_*``), keep sending
        silence; receive TRANSLATION_INPUT_TRANSCRIPT_DELTA (with ``transcription_deployment``),
        TRANSLATION_OUTPUT_TRANSCRIPT_DELTA and TRANSLATION_AUDIO_DELTA (``audio``, ``audio_format``, ``audio_ms``
        = elapsed ms). ``close()`` sends session.close: SESSION_CLOSED then CLOSED follow."""
        from ._session_kinds import SessionKind

        kind = SessionKind(n.AZAUDIO_SESSION_TRANSLATION, noise_reduction=noise_reduction, language=to, path=path)
        return self.realtime(
            deployment=deployment,
            transcription_deployment=transcription_deployment,
            caller_input_format=caller_input_format,
            caller_input_rate=caller_input_rate,
            input_audio_coalesce_ms=input_audio_coalesce_ms,
            on_event=on_event,
            connect_timeout=connect_timeout,
            barge_in=False,
            session=kind,
        )


class TranscriptionStream:
    """The text deltas of a streamed transcription, as an iterator; ``transcription`` is the whole result once the
    iteration has ended."""

    def __init__(self, call: Callable[[Callable[[str], object], Guard], Transcription]) -> None:
        self.transcription: Optional[Transcription] = None

        def run_call(on_delta: Callable[[str], object], guard: Guard) -> Transcription:
            self.transcription = call(on_delta, guard)
            return self.transcription

        self._chunks = _Stream(run_call)
        #: The blocking call behind the iterator (azaudio.aio runs it itself).
        self.call: StreamCall = run_call

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        chunk: str = next(self._chunks)
        return chunk

    def close(self) -> None:
        """Stop the request if it is still running."""
        self._chunks.close()


_END = object()

#: A blocking streamed call: ``call(on_item, guard)`` passes each item to on_item and stops when guard is cancelled.
StreamCall = Callable[[Callable[[Any], object], Guard], object]


def _stream(call: StreamCall) -> Iterator[Any]:
    """Run ``call(on_item, guard)`` on a worker thread and yield what it passes to on_item, in order, through a
    bounded queue. Closing the iterator early (break, garbage collection, Ctrl-C) stops the call and joins it."""
    items: "queue.Queue[Any]" = queue.Queue(maxsize=_STREAM_QUEUE_ITEMS)
    guard = Guard()
    outcome: list[BaseException] = []

    def on_item(item: Any) -> None:
        while not guard.stop.is_set():
            try:
                items.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def work() -> None:
        try:
            call(on_item, guard)
        except BaseException as error:  # noqa: BLE001 - handed to the consumer
            outcome.append(error)
        while True:
            try:
                items.put(_END, timeout=0.1)
                return
            except queue.Full:
                if guard.stop.is_set():
                    return

    def generate() -> Iterator[Any]:
        worker = threading.Thread(target=work, name="azaudio-stream", daemon=True)
        worker.start()
        try:
            while True:
                try:
                    item = items.get(timeout=0.25)
                except queue.Empty:
                    if not worker.is_alive() and items.empty():
                        break
                    continue
                if item is _END:
                    break
                yield item
            worker.join()
            if outcome:
                raise outcome[0]
        finally:
            if worker.is_alive():
                guard.cancel()
                _drain_and_join(worker, items)

    return generate()


class _Stream(Iterator[Any]):
    """What speech_stream returns: the iterator of _stream, keeping its blocking ``call`` (for azaudio.aio). Nothing
    runs until the first next()."""

    def __init__(self, call: StreamCall) -> None:
        self.call = call
        self._items = _stream(call)

    def __next__(self) -> Any:
        return next(self._items)

    def close(self) -> None:
        """Stop the request if it is still running."""
        close = getattr(self._items, "close", None)
        if close is not None:
            close()


def _drain_and_join(worker: threading.Thread, items: "queue.Queue[Any]") -> None:
    while worker.is_alive():
        try:
            while True:
                items.get_nowait()
        except queue.Empty:
            pass
        try:
            worker.join(0.1)
        except KeyboardInterrupt:
            continue


class Chat(Owned):
    """A conversation for audio chat completions (azaudio_chat): messages with text and input audio."""

    def __init__(self) -> None:
        n.require("azaudio_chat_create")
        handle = ctypes.c_void_p()
        code = n.lib.azaudio_chat_create(ctypes.byref(handle))
        if code != n.AZAUDIO_OK:
            raise last_error(code)
        self._handle: Optional[int] = handle.value

    def _live(self) -> int:
        if self._handle is None:
            raise ClosedError(n.AZAUDIO_ERR_CLOSED, "the chat is closed")
        return self._handle

    def _check(self, code: int) -> "Chat":
        if code != n.AZAUDIO_OK:
            raise last_error(code)
        return self

    def add_message(self, role: str, text: Optional[str] = None) -> "Chat":
        """Append a message: role "system", "developer", "user" or "assistant", with optional text."""
        return self._check(n.lib.azaudio_chat_add_message(self._live(), n.encode(role), n.encode(text)))

    def add_audio(self, data: Union[bytes, bytearray, memoryview], format: str = "wav") -> "Chat":
        """Append input audio ("wav" or "mp3" bytes) to the last message, which must be a user message."""
        pointer, keep = _bytes_pointer(data)
        return self._check(n.lib.azaudio_chat_add_audio(self._live(), pointer, len(keep), n.encode(format)))

    def add_audio_file(self, path: Union[str, "os.PathLike[str]"]) -> "Chat":
        """Append the contents of a .wav or .mp3 file (read now) to the last message, a user message."""
        return self._check(n.lib.azaudio_chat_add_audio_file(self._live(), n.encode_path(path)))

    def add_assistant_audio(self, audio_id: str) -> "Chat":
        """Append an assistant message referring to an earlier reply's audio by its id."""
        return self._check(n.lib.azaudio_chat_add_assistant_audio(self._live(), n.encode(audio_id)))

    def add_reply(self, reply: ChatReply) -> "Chat":
        """Append a reply as the assistant's turn (by its audio id when it has one, else its text)."""
        return self._check(n.lib.azaudio_chat_add_reply(self._live(), reply._live()))

    def clear(self) -> None:
        """Remove every message."""
        n.lib.azaudio_chat_clear(self._live())

    def __len__(self) -> int:
        return int(n.lib.azaudio_chat_message_count(self._live()))

    def close(self) -> None:
        """Free the conversation."""
        handle, self._handle = self._handle, None
        if handle:
            n.lib.azaudio_chat_destroy(handle)
