"""Realtime sessions of the client: Client.realtime, transcription_session and translation_session
(azaudio_realtime_connect). Internal: a mixin of :class:`azaudio.Client`."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, Optional, cast

from . import _native as n
from ._client_base import ClientBase
from ._options import (
    EventCallback,
    RealtimeOptions,
    RealtimeSettings,
    TranscriptionSessionOptions,
    TranslationSessionOptions,
    Unpack,
    check_keywords,
)
from ._session_kinds import SessionKind

if TYPE_CHECKING:
    from .realtime import RealtimeSession

#: realtime() keywords that transcription_session() passed on through its former ``**vad`` (releases before the
#: split by capability): still taken, with a DeprecationWarning, and passed on as then, so the library decides as it
#: did. A transcription session uses none of them: its URL is always the GA one, it makes no replies, and it keeps
#: no conversation to reconnect or renew with (the library refuses most of them for this kind with a message that
#: says so). The queue and liveness settings (SessionTransport) are transcription_session's own keywords now.
_LEGACY_TRANSCRIPTION_KEYWORDS = frozenset(
    {"protocol", "api_version", "instructions", "voice", "output_format", "transcription_deployment"}
    | {"transcription_language", "tools", "tool_choice", "temperature", "max_output_tokens", "text_only"}
    | {"caller_output_format", "caller_output_rate", "history_max_items", "history_max_chars"}
    | {"reconnect_max_attempts", "reconnect_max_total_ms", "reconnect_backoff_ms", "renewal_margin_ms"}
    | {"session_max_ms"}
)


def _legacy_transcription_keywords(options: dict[str, Any]) -> dict[str, Any]:
    """Take the legacy keywords out of ``options``, with a DeprecationWarning for each (pointing at the caller of
    transcription_session)."""
    legacy = {key: options.pop(key) for key in sorted(_LEGACY_TRANSCRIPTION_KEYWORDS & set(options))}
    for key in legacy:
        hint = "use language=" if key == "transcription_language" else "a transcription session does not use it"
        warnings.warn(
            f"transcription_session({key}=...) is deprecated and will be refused in a future release: {hint}",
            DeprecationWarning,
            stacklevel=3,
        )
    return legacy


class RealtimeCalls(ClientBase):
    def realtime(self, **options: Unpack[RealtimeOptions]) -> "RealtimeSession":
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
        ``reask_interrupted_response`` asks the new session again for a response the loss cut off.

        ``ga``: typed GA settings (:class:`azaudio.GASettings`: noise reduction, idle timeout, reasoning effort,
        truncation, speed, logprobs, parallel tool calls). ``call_id``: a sideband session controlling that SIP
        call (after :meth:`accept_call`; ``deployment`` may be ""): the call's audio never reaches you.

        Raises InvalidArgumentError (bad options; checked before connecting), AuthenticationError, NotFoundError
        (unknown deployment), RateLimitError, APIError, BadRequestError (the service rejected the settings),
        NetworkError, TLSError, TimeoutError, ProtocolError."""
        check_keywords("realtime", options, RealtimeOptions)
        on_event = options.pop("on_event", None)
        return self._open_session(options, on_event, None)

    def _open_session(
        self, settings: RealtimeSettings, on_event: Optional[EventCallback], kind: Optional[SessionKind]
    ) -> "RealtimeSession":
        from . import realtime  # at call time: realtime imports the client's modules
        from ._realtime_options import RealtimeStruct

        n.require("azaudio_realtime_connect")
        self._live()
        return realtime.RealtimeSession(self, RealtimeStruct(settings, kind), on_event)

    def transcription_session(self, **options: Unpack[TranscriptionSessionOptions]) -> "RealtimeSession":
        """Open a transcription-only session (``/openai/v1/realtime?intent=transcription``): send audio, receive
        INPUT_TRANSCRIPTION_DELTA / _COMPLETED / _SEGMENT events (segments carry ``speaker`` and
        ``segment_times``). ``deployment`` transcribes (gpt-4o-transcribe, whisper, gpt-realtime-whisper,
        gpt-4o-transcribe-diarize...); ``language``, ``prompt``, ``logprobs``. ``delay``: "minimal" ... "xhigh"
        (gpt-realtime-whisper only); ``noise_reduction``: "near_field", "far_field", "off" or None (the service's
        default); ``turn_detection``: "server_vad" (default), "semantic_vad" or None (continuous models want None;
        commit() cuts an item), with the ``vad_*`` settings of :meth:`realtime`. ``input_format``,
        ``caller_input_format`` / ``caller_input_rate``, ``input_audio_coalesce_ms``, ``on_event``,
        ``connect_timeout``, ``max_send_queue_bytes``, ``max_event_queue``, ``keepalive_ms`` and
        ``liveness_timeout_ms`` as in :meth:`realtime`: same sending, pull and callback delivery. realtime()'s other
        keywords (``transcription_language``, ``instructions``, ``reconnect_max_attempts``...) are still taken for
        older code, with a DeprecationWarning, and passed on (the library refuses those a transcription session
        cannot use)."""
        legacy = _legacy_transcription_keywords(cast(dict[str, Any], options))
        check_keywords("transcription_session", options, TranscriptionSessionOptions)
        kind = SessionKind(
            n.AZAUDIO_SESSION_TRANSCRIPTION,
            prompt=options.pop("prompt", None),
            delay=options.pop("delay", None),
            noise_reduction=options.pop("noise_reduction", None),
            logprobs=options.pop("logprobs", False),
        )
        on_event = options.pop("on_event", None)
        language = options.pop("language", None)
        if language is None:
            language = legacy.pop("transcription_language", None)
        # What is left are realtime()'s own keywords (the shared bases of both TypedDicts).
        settings = cast(RealtimeSettings, {**legacy, **options, "transcription_language": language, "barge_in": False})
        return self._open_session(settings, on_event, kind)

    def translation_session(self, **options: Unpack[TranslationSessionOptions]) -> "RealtimeSession":
        """Open a translation session (``gpt-realtime-translate`` as ``deployment``; path
        ``/openai/v1/realtime/translations`` unless ``path`` says otherwise: Azure documents none yet) into the
        language ``to``. Send 24 kHz PCM16 (or ``caller_input_*``), keep sending silence; receive
        TRANSLATION_INPUT_TRANSCRIPT_DELTA (with ``transcription_deployment``), TRANSLATION_OUTPUT_TRANSCRIPT_DELTA
        and TRANSLATION_AUDIO_DELTA (``audio``, ``audio_format``, ``audio_ms`` = elapsed ms). ``noise_reduction``,
        ``input_audio_coalesce_ms``, ``on_event`` and ``connect_timeout`` as in :meth:`transcription_session`.
        ``close()`` sends session.close: SESSION_CLOSED then CLOSED follow."""
        check_keywords("translation_session", options, TranslationSessionOptions)
        kind = SessionKind(
            n.AZAUDIO_SESSION_TRANSLATION,
            noise_reduction=options.pop("noise_reduction", None),
            language=options["to"],
            path=options.pop("path", None),
        )
        on_event = options.pop("on_event", None)
        rest = {key: value for key, value in options.items() if key != "to"}
        settings = cast(RealtimeSettings, {**rest, "barge_in": False})  # realtime()'s own keywords, as above
        return self._open_session(settings, on_event, kind)
