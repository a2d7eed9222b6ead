"""The ctypes binding of libazaudio's C ABI (include/azaudio.h). Internal: use the public modules instead.

This module only loads the library and declares what the header declares: every function's argument and result
types, the option structs (with ``struct_size`` taken from :func:`ctypes.sizeof`), the callback types and the
``#define`` constants the package needs. It contains no engine logic.

Which library is loaded, first match wins:

1. the path in the ``AZAUDIO_LIBRARY`` environment variable;
2. ``libazaudio.so.0`` bundled inside this package by the wheel build;
3. ``build/lib/libazaudio.so.0`` of the source tree this package sits in (a development checkout);
4. ``libazaudio.so.0`` from the system's library search path.

Functions of parts of the C API that the loaded library does not export (an older or partial build) are left
undeclared; :func:`has` tells whether one is there and :func:`require` raises a clear error when it is not.
"""

from __future__ import annotations

import ctypes
import os
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_char_p,
    c_double,
    c_int16,
    c_int32,
    c_int64,
    c_size_t,
    c_uint8,
    c_uint32,
    c_uint64,
    c_void_p,
)
from pathlib import Path
from typing import Any, Optional, Sequence

__all__ = ["lib", "library_path", "has", "require", "SIGNATURES"]

# ---- constants (#defines of the header) ---------------------------------------------------------------------------

AZAUDIO_OK = 0
AZAUDIO_ERR_INVALID_ARGUMENT = 1
AZAUDIO_ERR_OUT_OF_MEMORY = 2
AZAUDIO_ERR_NETWORK = 3
AZAUDIO_ERR_TLS = 4
AZAUDIO_ERR_TIMEOUT = 5
AZAUDIO_ERR_CANCELLED = 6
AZAUDIO_ERR_HTTP = 7
AZAUDIO_ERR_AUTH = 8
AZAUDIO_ERR_RATE_LIMITED = 9
AZAUDIO_ERR_NOT_FOUND = 10
AZAUDIO_ERR_PAYLOAD_TOO_LARGE = 11
AZAUDIO_ERR_UNSUPPORTED = 12
AZAUDIO_ERR_PROTOCOL = 13
AZAUDIO_ERR_CLOSED = 14
AZAUDIO_ERR_BUSY = 15
AZAUDIO_ERR_BAD_REQUEST = 16
AZAUDIO_ERR_SERVER = 17
AZAUDIO_ERR_CONTENT_FILTER = 18
AZAUDIO_ERR_IO = 19
AZAUDIO_ERR_INVALID_STATE = 20
AZAUDIO_ERR_INTERNAL = 21

AZAUDIO_LOG_ERROR = 1
AZAUDIO_LOG_WARN = 2
AZAUDIO_LOG_INFO = 3
AZAUDIO_LOG_DEBUG = 4

AZAUDIO_TOKEN_NEEDED = 0
AZAUDIO_TOKEN_REFRESH = 1

AZAUDIO_DEFAULT_API_VERSION = "2025-04-01-preview"

AZAUDIO_FORMAT_PCM16 = 1
AZAUDIO_FORMAT_ULAW = 2
AZAUDIO_FORMAT_ALAW = 3
AZAUDIO_FORMAT_PCM8 = 4
AZAUDIO_FORMAT_PCM24 = 5
AZAUDIO_FORMAT_PCM32 = 6
AZAUDIO_FORMAT_FLOAT32 = 7
AZAUDIO_FORMAT_FLOAT64 = 8

AZAUDIO_WAV_HEADER_SIZE = 44
AZAUDIO_WAV_SIZE_UNKNOWN = 0xFFFFFFFF

AZAUDIO_TIMESTAMP_SEGMENT = 1
AZAUDIO_TIMESTAMP_WORD = 2
AZAUDIO_PIECE_FLAC = 0
AZAUDIO_PIECE_WAV = 1

AZAUDIO_REALTIME_GA = 0
AZAUDIO_REALTIME_PREVIEW = 1

AZAUDIO_TURN_SERVER_VAD = 0
AZAUDIO_TURN_SEMANTIC_VAD = 1
AZAUDIO_TURN_NONE = 2

AZAUDIO_EVENT_OTHER = 0
AZAUDIO_EVENT_SESSION_CREATED = 1
AZAUDIO_EVENT_SESSION_UPDATED = 2
AZAUDIO_EVENT_AUDIO_DELTA = 3
AZAUDIO_EVENT_AUDIO_DONE = 4
AZAUDIO_EVENT_AUDIO_TRANSCRIPT_DELTA = 5
AZAUDIO_EVENT_AUDIO_TRANSCRIPT_DONE = 6
AZAUDIO_EVENT_TEXT_DELTA = 7
AZAUDIO_EVENT_TEXT_DONE = 8
AZAUDIO_EVENT_INPUT_TRANSCRIPTION_DELTA = 9
AZAUDIO_EVENT_INPUT_TRANSCRIPTION_COMPLETED = 10
AZAUDIO_EVENT_INPUT_TRANSCRIPTION_FAILED = 11
AZAUDIO_EVENT_SPEECH_STARTED = 12
AZAUDIO_EVENT_SPEECH_STOPPED = 13
AZAUDIO_EVENT_INPUT_COMMITTED = 14
AZAUDIO_EVENT_INPUT_CLEARED = 15
AZAUDIO_EVENT_RESPONSE_CREATED = 16
AZAUDIO_EVENT_RESPONSE_DONE = 17
AZAUDIO_EVENT_FUNCTION_CALL = 18
AZAUDIO_EVENT_FUNCTION_CALL_ARGUMENTS_DELTA = 19
AZAUDIO_EVENT_ITEM_CREATED = 20
AZAUDIO_EVENT_ITEM_DONE = 21
AZAUDIO_EVENT_ITEM_TRUNCATED = 22
AZAUDIO_EVENT_ITEM_DELETED = 23
AZAUDIO_EVENT_ITEM_RETRIEVED = 24
AZAUDIO_EVENT_OUTPUT_ITEM_ADDED = 25
AZAUDIO_EVENT_OUTPUT_ITEM_DONE = 26
AZAUDIO_EVENT_CONTENT_PART_ADDED = 27
AZAUDIO_EVENT_CONTENT_PART_DONE = 28
AZAUDIO_EVENT_RATE_LIMITS_UPDATED = 29
AZAUDIO_EVENT_ERROR = 30
AZAUDIO_EVENT_CONVERSATION_CREATED = 31
AZAUDIO_EVENT_CLOSED = 32
AZAUDIO_EVENT_PLAYBACK_FLUSH = 33
AZAUDIO_EVENT_RECONNECTING = 34
AZAUDIO_EVENT_RECONNECTED = 35
AZAUDIO_EVENT_RESPONSE_INTERRUPTED = 36
AZAUDIO_EVENT_RENEWING = 37
AZAUDIO_EVENT_RENEWED = 38
AZAUDIO_EVENT_TURN_LATENCY = 39
AZAUDIO_EVENT_INPUT_TRANSCRIPTION_SEGMENT = 40
AZAUDIO_EVENT_TRANSLATION_INPUT_TRANSCRIPT_DELTA = 41
AZAUDIO_EVENT_TRANSLATION_OUTPUT_TRANSCRIPT_DELTA = 42
AZAUDIO_EVENT_TRANSLATION_AUDIO_DELTA = 43
AZAUDIO_EVENT_SESSION_CLOSED = 44
AZAUDIO_SESSION_CONVERSATION = 0
AZAUDIO_SESSION_TRANSCRIPTION = 1
AZAUDIO_SESSION_TRANSLATION = 2
AZAUDIO_NOISE_REDUCTION_DEFAULT = 0
AZAUDIO_NOISE_REDUCTION_NEAR_FIELD = 1
AZAUDIO_NOISE_REDUCTION_FAR_FIELD = 2
AZAUDIO_NOISE_REDUCTION_OFF = 3
AZAUDIO_CALLER_FORMAT_SESSION = 0

# ---- callback types -----------------------------------------------------------------------------------------------

#: typedef void (*azaudio_log_fn)(int32_t level, const char *message, void *user_data);
azaudio_log_fn = CFUNCTYPE(None, c_int32, c_char_p, c_void_p)
#: typedef int64_t (*azaudio_token_fn)(int32_t reason, char *buffer, size_t buffer_size, void *user_data);
azaudio_token_fn = CFUNCTYPE(c_int64, c_int32, c_void_p, c_size_t, c_void_p)
#: typedef int32_t (*azaudio_text_fn)(const char *text, size_t length, void *user_data);
azaudio_text_fn = CFUNCTYPE(c_int32, c_void_p, c_size_t, c_void_p)
#: typedef int32_t (*azaudio_audio_fn)(const uint8_t *data, size_t size, void *user_data);
azaudio_audio_fn = CFUNCTYPE(c_int32, c_void_p, c_size_t, c_void_p)
#: typedef int64_t (*azaudio_read_fn)(uint8_t *buffer, size_t capacity, void *user_data);
azaudio_read_fn = CFUNCTYPE(c_int64, c_void_p, c_size_t, c_void_p)
#: typedef int32_t (*azaudio_progress_fn)(uint64_t bytes_sent, uint64_t bytes_total, void *user_data);
azaudio_progress_fn = CFUNCTYPE(c_int32, c_uint64, c_uint64, c_void_p)
#: typedef int32_t (*azaudio_pieces_progress_fn)(int32_t pieces_done, int32_t pieces_total, double seconds_done,
#:                                               double seconds_total, void *user_data);
azaudio_pieces_progress_fn = CFUNCTYPE(c_int32, c_int32, c_int32, c_double, c_double, c_void_p)
#: typedef void (*azaudio_realtime_event_fn)(azaudio_realtime_session *session,
#:                                           const azaudio_realtime_event *event, void *user_data);
azaudio_realtime_event_fn = CFUNCTYPE(None, c_void_p, c_void_p, c_void_p)

# ---- structs ------------------------------------------------------------------------------------------------------


class _Sized(Structure):
    """A C options struct whose first field is ``uint32_t struct_size``: set from ctypes.sizeof on creation."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.struct_size = ctypes.sizeof(self)


class azaudio_client_options(_Sized):
    _fields_ = [
        ("struct_size", c_uint32),
        ("endpoint", c_char_p),
        ("api_key", c_char_p),
        ("bearer_token", c_char_p),
        ("token_provider", azaudio_token_fn),
        ("token_provider_user_data", c_void_p),
        ("api_version", c_char_p),
        ("connect_timeout_ms", c_uint32),
        ("timeout_ms", c_uint32),
        ("max_retries", c_int32),
        ("max_retry_wait_ms", c_uint32),
        ("ca_file", c_char_p),
        ("ca_path", c_char_p),
        ("insecure_skip_tls_verify", c_int32),
        ("proxy", c_char_p),
        ("user_agent_suffix", c_char_p),
        ("log_callback", azaudio_log_fn),
        ("log_user_data", c_void_p),
        ("log_level", c_int32),
        ("idle_timeout_ms", c_uint32),
        ("min_body_bytes_per_s", c_uint32),
        ("body_rate_window_ms", c_uint32),
    ]


class azaudio_error_details(_Sized):
    _fields_ = [
        ("struct_size", c_uint32),
        ("result", c_int32),
        ("http_status", c_int32),
        ("message", c_char_p),
        ("service_code", c_char_p),
        ("request_id", c_char_p),
        ("raw_body", c_char_p),
        ("retry_after_seconds", c_double),
    ]


class azaudio_wav_info(_Sized):
    _fields_ = [
        ("struct_size", c_uint32),
        ("format", c_int32),
        ("sample_rate", c_uint32),
        ("channels", c_uint32),
        ("bits_per_sample", c_uint32),
        ("block_align", c_uint32),
        ("frame_count", c_uint64),
        ("data_offset", c_uint64),
        ("data_size", c_uint64),
    ]


class azaudio_usage(_Sized):
    _fields_ = [
        ("struct_size", c_uint32),
        ("type", c_char_p),
        ("input_tokens", c_int64),
        ("output_tokens", c_int64),
        ("total_tokens", c_int64),
        ("seconds", c_double),
    ]


class azaudio_known_speaker(Structure):
    _fields_ = [
        ("name", c_char_p),
        ("path", c_char_p),
        ("data", POINTER(c_uint8)),
        ("size", c_size_t),
        ("filename", c_char_p),
    ]


class azaudio_segment(_Sized):
    _fields_ = [
        ("struct_size", c_uint32),
        ("id", c_char_p),
        ("speaker", c_char_p),
        ("start", c_double),
        ("end", c_double),
        ("text", c_char_p),
    ]


azaudio_segment_fn = CFUNCTYPE(c_int32, POINTER(azaudio_segment), c_void_p)


class azaudio_transcription_options(_Sized):
    _fields_ = [
        ("struct_size", c_uint32),
        ("deployment", c_char_p),
        ("model", c_char_p),
        ("language", c_char_p),
        ("prompt", c_char_p),
        ("response_format", c_char_p),
        ("temperature", c_double),
        ("timestamp_granularities", c_int32),
        ("include_logprobs", c_int32),
        ("chunking_strategy", c_char_p),
        ("stream", c_int32),
        ("on_delta", azaudio_text_fn),
        ("delta_user_data", c_void_p),
        ("cancel_token", c_void_p),
        ("timeout_ms", c_int64),
        ("max_retries", c_int32),
        ("on_progress", azaudio_progress_fn),
        ("progress_user_data", c_void_p),
        ("known_speakers", POINTER(azaudio_known_speaker)),
        ("known_speaker_count", c_size_t),
        ("on_segment", azaudio_segment_fn),
        ("segment_user_data", c_void_p),
        ("languages", POINTER(c_char_p)),
        ("language_count", c_size_t),
        ("keywords", POINTER(c_char_p)),
        ("keyword_count", c_size_t),
        ("max_upload_bytes", c_int64),
        ("max_piece_seconds", c_double),
        ("max_concurrent_pieces", c_int32),
        ("piece_encoding", c_int32),
        ("journal_dir", c_char_p),
        ("on_pieces_progress", azaudio_pieces_progress_fn),
        ("pieces_progress_user_data", c_void_p),
        ("out_partial", POINTER(c_void_p)),
        ("job_timeout_ms", c_int64),
        ("raw_format", c_int32),
        ("raw_sample_rate", c_int32),
        ("raw_channels", c_int32),
    ]


class azaudio_call_accept_options(_Sized):
    _fields_ = [
        ("struct_size", c_uint32),
        ("deployment", c_char_p),
        ("instructions", c_char_p),
        ("voice", c_char_p),
        ("session_json", c_char_p),
        ("cancel_token", c_void_p),
        ("timeout_ms", c_int64),
        ("max_retries", c_int32),
    ]


class azaudio_translation_options(_Sized):
    _fields_ = [
        ("struct_size", c_uint32),
        ("deployment", c_char_p),
        ("model", c_char_p),
        ("prompt", c_char_p),
        ("response_format", c_char_p),
        ("temperature", c_double),
        ("cancel_token", c_void_p),
        ("timeout_ms", c_int64),
        ("max_retries", c_int32),
        ("on_progress", azaudio_progress_fn),
        ("progress_user_data", c_void_p),
        ("max_upload_bytes", c_int64),
        ("max_piece_seconds", c_double),
        ("max_concurrent_pieces", c_int32),
        ("piece_encoding", c_int32),
        ("journal_dir", c_char_p),
        ("on_pieces_progress", azaudio_pieces_progress_fn),
        ("pieces_progress_user_data", c_void_p),
        ("out_partial", POINTER(c_void_p)),
        ("job_timeout_ms", c_int64),
        ("raw_format", c_int32),
        ("raw_sample_rate", c_int32),
        ("raw_channels", c_int32),
    ]


class azaudio_speech_options(_Sized):
    _fields_ = [
        ("struct_size", c_uint32),
        ("deployment", c_char_p),
        ("model", c_char_p),
        ("voice", c_char_p),
        ("response_format", c_char_p),
        ("speed", c_double),
        ("instructions", c_char_p),
        ("stream_format", c_char_p),
        ("cancel_token", c_void_p),
        ("timeout_ms", c_int64),
        ("max_retries", c_int32),
    ]


class azaudio_chat_options(_Sized):
    _fields_ = [
        ("struct_size", c_uint32),
        ("deployment", c_char_p),
        ("model", c_char_p),
        ("audio_output", c_int32),
        ("voice", c_char_p),
        ("audio_format", c_char_p),
        ("max_completion_tokens", c_int32),
        ("temperature", c_double),
        ("stream", c_int32),
        ("on_text", azaudio_text_fn),
        ("text_user_data", c_void_p),
        ("on_transcript", azaudio_text_fn),
        ("transcript_user_data", c_void_p),
        ("on_audio", azaudio_audio_fn),
        ("audio_user_data", c_void_p),
        ("cancel_token", c_void_p),
        ("timeout_ms", c_int64),
        ("max_retries", c_int32),
        ("on_progress", azaudio_progress_fn),
        ("progress_user_data", c_void_p),
    ]


class azaudio_realtime_options(_Sized):
    _fields_ = [
        ("struct_size", c_uint32),
        ("deployment", c_char_p),
        ("protocol", c_int32),
        ("api_version", c_char_p),
        ("instructions", c_char_p),
        ("voice", c_char_p),
        ("input_audio_format", c_int32),
        ("output_audio_format", c_int32),
        ("input_transcription_deployment", c_char_p),
        ("input_transcription_language", c_char_p),
        ("turn_detection", c_int32),
        ("vad_threshold", c_double),
        ("vad_prefix_padding_ms", c_int32),
        ("vad_silence_duration_ms", c_int32),
        ("vad_create_response", c_int32),
        ("vad_interrupt_response", c_int32),
        ("semantic_vad_eagerness", c_char_p),
        ("tools_json", c_char_p),
        ("tool_choice", c_char_p),
        ("temperature", c_double),
        ("max_output_tokens", c_int32),
        ("text_only", c_int32),
        ("event_callback", azaudio_realtime_event_fn),
        ("event_user_data", c_void_p),
        ("max_send_queue_bytes", c_uint32),
        ("max_event_queue", c_uint32),
        ("connect_timeout_ms", c_uint32),
        ("caller_input_format", c_int32),
        ("caller_input_rate", c_uint32),
        ("caller_output_format", c_int32),
        ("caller_output_rate", c_uint32),
        ("barge_in", c_int32),
        ("input_audio_coalesce_ms", c_uint32),
        ("caller_input_channels", c_uint32),
        ("caller_output_channels", c_uint32),
        ("keepalive_ms", c_uint32),
        ("liveness_timeout_ms", c_uint32),
        ("reconnect_max_attempts", c_uint32),
        ("reconnect_max_total_ms", c_uint32),
        ("reconnect_backoff_ms", c_uint32),
        ("history_max_items", c_uint32),
        ("history_max_chars", c_uint32),
        ("renewal_margin_ms", c_uint32),
        ("session_max_ms", c_uint32),
        ("session_kind", c_int32),
        ("transcription_prompt", c_char_p),
        ("transcription_delay", c_char_p),
        ("noise_reduction", c_int32),
        ("transcription_logprobs", c_int32),
        ("translation_language", c_char_p),
        ("translation_path", c_char_p),
    ]


#: Every struct mirror, by its C name (the tests compare them with the header).
STRUCTS: dict[str, type[Structure]] = {
    cls.__name__: cls
    for cls in (
        azaudio_client_options,
        azaudio_error_details,
        azaudio_wav_info,
        azaudio_usage,
        azaudio_transcription_options,
        azaudio_translation_options,
        azaudio_speech_options,
        azaudio_chat_options,
        azaudio_realtime_options,
        azaudio_known_speaker,
        azaudio_segment,
        azaudio_call_accept_options,
    )
}

#: Callback typedefs, by their C name.
CALLBACKS: dict[str, Any] = {
    "azaudio_log_fn": azaudio_log_fn,
    "azaudio_token_fn": azaudio_token_fn,
    "azaudio_text_fn": azaudio_text_fn,
    "azaudio_audio_fn": azaudio_audio_fn,
    "azaudio_read_fn": azaudio_read_fn,
    "azaudio_progress_fn": azaudio_progress_fn,
    "azaudio_pieces_progress_fn": azaudio_pieces_progress_fn,
    "azaudio_realtime_event_fn": azaudio_realtime_event_fn,
    "azaudio_segment_fn": azaudio_segment_fn,
}

# ---- function signatures ------------------------------------------------------------------------------------------

# Opaque handles (azaudio_client *, azaudio_resampler *, ...) are c_void_p; their out-parameters (azaudio_X **)
# are POINTER(c_void_p). Strings the library returns are c_char_p (ctypes copies them into bytes at once).
_HANDLE = c_void_p
_OUT_HANDLE = POINTER(c_void_p)
_RESULT = c_int32
_P_INT16 = POINTER(c_int16)
_P_UINT8 = POINTER(c_uint8)
_P_SIZE = POINTER(c_size_t)
_P_DOUBLE = POINTER(c_double)
_P_CHARP = POINTER(c_char_p)

#: name -> (restype, argtypes), in header order. Grouped by the header's sections.
SIGNATURES: dict[str, tuple[Any, Sequence[Any]]] = {
    # Versions
    "azaudio_version_number": (c_uint32, ()),
    "azaudio_version_string": (c_char_p, ()),
    # Results and errors
    "azaudio_result_string": (c_char_p, (_RESULT,)),
    "azaudio_last_error": (c_char_p, ()),
    # The client
    "azaudio_client_options_init": (_RESULT, (POINTER(azaudio_client_options),)),
    "azaudio_client_create": (_RESULT, (POINTER(azaudio_client_options), _OUT_HANDLE)),
    "azaudio_client_create_from_env": (_RESULT, (POINTER(azaudio_client_options), _OUT_HANDLE)),
    "azaudio_client_destroy": (None, (_HANDLE,)),
    "azaudio_client_endpoint": (c_char_p, (_HANDLE,)),
    "azaudio_client_last_error": (_RESULT, (_HANDLE, POINTER(azaudio_error_details))),
    "azaudio_last_error_details": (_RESULT, (POINTER(azaudio_error_details),)),
    # Audio kit: G.711
    "azaudio_g711_ulaw_encode": (_RESULT, (_P_INT16, c_size_t, _P_UINT8)),
    "azaudio_g711_ulaw_decode": (_RESULT, (_P_UINT8, c_size_t, _P_INT16)),
    "azaudio_g711_alaw_encode": (_RESULT, (_P_INT16, c_size_t, _P_UINT8)),
    "azaudio_g711_alaw_decode": (_RESULT, (_P_UINT8, c_size_t, _P_INT16)),
    # Audio kit: resampler
    "azaudio_resampler_create": (_RESULT, (c_uint32, c_uint32, _OUT_HANDLE)),
    "azaudio_resampler_destroy": (None, (_HANDLE,)),
    "azaudio_resampler_max_output": (c_size_t, (_HANDLE, c_size_t)),
    "azaudio_resampler_latency_samples": (c_uint32, (_HANDLE,)),
    "azaudio_resampler_process": (_RESULT, (_HANDLE, _P_INT16, c_size_t, _P_INT16, c_size_t, _P_SIZE)),
    "azaudio_resampler_flush": (_RESULT, (_HANDLE, _P_INT16, c_size_t, _P_SIZE)),
    "azaudio_resampler_reset": (_RESULT, (_HANDLE,)),
    # Audio kit: WAV
    "azaudio_wav_info_init": (_RESULT, (POINTER(azaudio_wav_info),)),
    "azaudio_wav_parse": (_RESULT, (c_void_p, c_size_t, POINTER(azaudio_wav_info))),
    "azaudio_wav_read_file": (_RESULT, (c_char_p, _OUT_HANDLE)),
    "azaudio_wav_read_memory": (_RESULT, (c_void_p, c_size_t, _OUT_HANDLE)),
    "azaudio_audio_buffer_info": (_RESULT, (_HANDLE, POINTER(azaudio_wav_info))),
    "azaudio_audio_buffer_data": (c_void_p, (_HANDLE,)),
    "azaudio_audio_buffer_size": (c_size_t, (_HANDLE,)),
    "azaudio_audio_buffer_destroy": (None, (_HANDLE,)),
    "azaudio_audio_to_mono_pcm16": (_RESULT, (c_int32, c_uint32, c_void_p, c_size_t, _P_INT16)),
    "azaudio_audio_buffer_to_mono_pcm16": (_RESULT, (_HANDLE, c_uint32, _OUT_HANDLE)),
    "azaudio_wav_header": (_RESULT, (POINTER(azaudio_wav_info), c_uint32, _P_UINT8, c_size_t)),
    "azaudio_wav_write_file": (_RESULT, (c_char_p, POINTER(azaudio_wav_info), c_void_p, c_size_t)),
    # Audio kit: frames and pacing
    "azaudio_frame_bytes": (_RESULT, (c_int32, c_uint32, c_uint32, c_uint32, _P_SIZE)),
    "azaudio_frame_cursor_create": (
        _RESULT,
        (c_int32, c_uint32, c_uint32, c_uint32, c_void_p, c_size_t, _OUT_HANDLE),
    ),
    "azaudio_frame_cursor_next": (_RESULT, (_HANDLE, POINTER(c_void_p), _P_SIZE, POINTER(c_uint64))),
    "azaudio_frame_cursor_count": (c_size_t, (_HANDLE,)),
    "azaudio_frame_cursor_rewind": (_RESULT, (_HANDLE,)),
    "azaudio_frame_cursor_destroy": (None, (_HANDLE,)),
    "azaudio_monotonic_us": (c_uint64, ()),
    "azaudio_sleep_until_us": (_RESULT, (c_uint64,)),
    # REST: memory and cancellation
    "azaudio_free": (None, (c_void_p,)),
    "azaudio_cancel_token_create": (_RESULT, (_OUT_HANDLE,)),
    "azaudio_cancel_token_cancel": (None, (_HANDLE,)),
    "azaudio_cancel_token_reset": (None, (_HANDLE,)),
    "azaudio_cancel_token_is_cancelled": (c_int32, (_HANDLE,)),
    "azaudio_cancel_token_destroy": (None, (_HANDLE,)),
    # REST: speech to text
    "azaudio_transcription_options_init": (_RESULT, (POINTER(azaudio_transcription_options),)),
    "azaudio_transcribe_file": (
        _RESULT,
        (_HANDLE, c_char_p, POINTER(azaudio_transcription_options), _OUT_HANDLE),
    ),
    "azaudio_transcribe_memory": (
        _RESULT,
        (_HANDLE, _P_UINT8, c_size_t, c_char_p, POINTER(azaudio_transcription_options), _OUT_HANDLE),
    ),
    "azaudio_transcribe_callback": (
        _RESULT,
        (_HANDLE, c_char_p, POINTER(azaudio_transcription_options), _OUT_HANDLE, azaudio_read_fn, c_void_p),
    ),
    "azaudio_translation_options_init": (_RESULT, (POINTER(azaudio_translation_options),)),
    "azaudio_translate_file": (
        _RESULT,
        (_HANDLE, c_char_p, POINTER(azaudio_translation_options), _OUT_HANDLE),
    ),
    "azaudio_translate_memory": (
        _RESULT,
        (_HANDLE, _P_UINT8, c_size_t, c_char_p, POINTER(azaudio_translation_options), _OUT_HANDLE),
    ),
    "azaudio_translate_callback": (
        _RESULT,
        (_HANDLE, c_char_p, POINTER(azaudio_translation_options), _OUT_HANDLE, azaudio_read_fn, c_void_p),
    ),
    "azaudio_transcript_text": (c_char_p, (_HANDLE,)),
    "azaudio_transcript_raw_body": (c_void_p, (_HANDLE, _P_SIZE)),
    "azaudio_transcript_language": (c_char_p, (_HANDLE,)),
    "azaudio_transcript_duration": (c_double, (_HANDLE,)),
    "azaudio_transcript_segment_count": (c_size_t, (_HANDLE,)),
    "azaudio_transcript_segment": (_RESULT, (_HANDLE, c_size_t, _P_DOUBLE, _P_DOUBLE, _P_CHARP)),
    "azaudio_transcript_segment_speaker": (c_char_p, (_HANDLE, c_size_t)),
    "azaudio_transcript_segment_info": (_RESULT, (_HANDLE, c_size_t, POINTER(azaudio_segment))),
    "azaudio_transcript_word_count": (c_size_t, (_HANDLE,)),
    # SIP calls answered by the service
    "azaudio_webhook_verify": (_RESULT, (c_char_p, c_char_p, c_char_p, c_char_p, c_void_p, c_size_t, c_int64, c_int64)),
    "azaudio_incoming_call_parse": (_RESULT, (c_void_p, c_size_t, _OUT_HANDLE)),
    "azaudio_incoming_call_id": (c_char_p, (_HANDLE,)),
    "azaudio_incoming_call_sip_header_count": (c_size_t, (_HANDLE,)),
    "azaudio_incoming_call_sip_header": (_RESULT, (_HANDLE, c_size_t, _P_CHARP, _P_CHARP)),
    "azaudio_incoming_call_sip_header_value": (c_char_p, (_HANDLE, c_char_p)),
    "azaudio_incoming_call_free": (None, (_HANDLE,)),
    "azaudio_call_accept_options_init": (_RESULT, (POINTER(azaudio_call_accept_options),)),
    "azaudio_call_accept": (_RESULT, (_HANDLE, c_char_p, POINTER(azaudio_call_accept_options))),
    "azaudio_call_reject": (_RESULT, (_HANDLE, c_char_p, c_int32)),
    "azaudio_call_refer": (_RESULT, (_HANDLE, c_char_p, c_char_p)),
    "azaudio_call_hangup": (_RESULT, (_HANDLE, c_char_p)),
    "azaudio_transcript_word": (_RESULT, (_HANDLE, c_size_t, _P_DOUBLE, _P_DOUBLE, _P_CHARP)),
    "azaudio_transcript_logprob_count": (c_size_t, (_HANDLE,)),
    "azaudio_transcript_usage": (_RESULT, (_HANDLE, POINTER(azaudio_usage))),
    "azaudio_transcript_http_status": (c_int32, (_HANDLE,)),
    "azaudio_transcript_request_id": (c_char_p, (_HANDLE,)),
    "azaudio_transcript_free": (None, (_HANDLE,)),
    # REST: text to speech
    "azaudio_speech_options_init": (_RESULT, (POINTER(azaudio_speech_options),)),
    "azaudio_speak": (
        _RESULT,
        (_HANDLE, c_char_p, POINTER(azaudio_speech_options), azaudio_audio_fn, c_void_p),
    ),
    "azaudio_speak_to_file": (_RESULT, (_HANDLE, c_char_p, c_char_p, POINTER(azaudio_speech_options))),
    "azaudio_speak_to_buffer": (
        _RESULT,
        (_HANDLE, c_char_p, POINTER(azaudio_speech_options), POINTER(_P_UINT8), _P_SIZE),
    ),
    # REST: audio chat completions
    "azaudio_chat_create": (_RESULT, (_OUT_HANDLE,)),
    "azaudio_chat_destroy": (None, (_HANDLE,)),
    "azaudio_chat_add_message": (_RESULT, (_HANDLE, c_char_p, c_char_p)),
    "azaudio_chat_add_audio": (_RESULT, (_HANDLE, _P_UINT8, c_size_t, c_char_p)),
    "azaudio_chat_add_audio_file": (_RESULT, (_HANDLE, c_char_p)),
    "azaudio_chat_add_assistant_audio": (_RESULT, (_HANDLE, c_char_p)),
    "azaudio_chat_add_reply": (_RESULT, (_HANDLE, _HANDLE)),
    "azaudio_chat_message_count": (c_size_t, (_HANDLE,)),
    "azaudio_chat_clear": (None, (_HANDLE,)),
    "azaudio_chat_options_init": (_RESULT, (POINTER(azaudio_chat_options),)),
    "azaudio_chat_complete": (_RESULT, (_HANDLE, _HANDLE, POINTER(azaudio_chat_options), _OUT_HANDLE)),
    "azaudio_chat_reply_text": (c_char_p, (_HANDLE,)),
    "azaudio_chat_reply_transcript": (c_char_p, (_HANDLE,)),
    "azaudio_chat_reply_audio": (_P_UINT8, (_HANDLE, _P_SIZE)),
    "azaudio_chat_reply_audio_id": (c_char_p, (_HANDLE,)),
    "azaudio_chat_reply_audio_expires_at": (c_int64, (_HANDLE,)),
    "azaudio_chat_reply_finish_reason": (c_char_p, (_HANDLE,)),
    "azaudio_chat_reply_usage": (_RESULT, (_HANDLE, POINTER(azaudio_usage))),
    "azaudio_chat_reply_raw_body": (c_void_p, (_HANDLE, _P_SIZE)),
    "azaudio_chat_reply_http_status": (c_int32, (_HANDLE,)),
    "azaudio_chat_reply_request_id": (c_char_p, (_HANDLE,)),
    "azaudio_chat_reply_free": (None, (_HANDLE,)),
    # Realtime sessions. Event strings are read as c_char_p, so ctypes copies them before the event is freed.
    "azaudio_realtime_options_init": (_RESULT, (POINTER(azaudio_realtime_options),)),
    "azaudio_realtime_connect": (_RESULT, (_HANDLE, POINTER(azaudio_realtime_options), _OUT_HANDLE)),
    "azaudio_realtime_send_audio": (_RESULT, (_HANDLE, c_void_p, c_size_t)),
    "azaudio_realtime_commit": (_RESULT, (_HANDLE,)),
    "azaudio_realtime_clear": (_RESULT, (_HANDLE,)),
    "azaudio_realtime_create_response": (_RESULT, (_HANDLE, c_char_p)),
    "azaudio_realtime_cancel_response": (_RESULT, (_HANDLE,)),
    "azaudio_realtime_update_session": (_RESULT, (_HANDLE, c_char_p)),
    "azaudio_realtime_create_text_item": (_RESULT, (_HANDLE, c_char_p, c_char_p)),
    "azaudio_realtime_send_function_output": (_RESULT, (_HANDLE, c_char_p, c_char_p)),
    "azaudio_realtime_truncate": (_RESULT, (_HANDLE, c_char_p, c_int32, c_uint32)),
    "azaudio_realtime_audio_played": (_RESULT, (_HANDLE, c_char_p, c_uint32)),
    "azaudio_realtime_delete_item": (_RESULT, (_HANDLE, c_char_p)),
    "azaudio_realtime_send_event_json": (_RESULT, (_HANDLE, c_char_p)),
    "azaudio_realtime_next_event": (_RESULT, (_HANDLE, _OUT_HANDLE, c_int32)),
    "azaudio_realtime_poll_event": (_RESULT, (_HANDLE, _OUT_HANDLE, c_int32)),
    "azaudio_realtime_close": (_RESULT, (_HANDLE,)),
    "azaudio_realtime_destroy": (None, (_HANDLE,)),
    "azaudio_realtime_event_type": (c_int32, (_HANDLE,)),
    "azaudio_realtime_event_name": (c_char_p, (_HANDLE,)),
    "azaudio_realtime_event_json": (c_char_p, (_HANDLE,)),
    "azaudio_realtime_event_text": (c_char_p, (_HANDLE,)),
    "azaudio_realtime_event_audio": (_P_UINT8, (_HANDLE, _P_SIZE)),
    "azaudio_realtime_event_item_id": (c_char_p, (_HANDLE,)),
    "azaudio_realtime_event_response_id": (c_char_p, (_HANDLE,)),
    "azaudio_realtime_event_call_id": (c_char_p, (_HANDLE,)),
    "azaudio_realtime_event_function_name": (c_char_p, (_HANDLE,)),
    "azaudio_realtime_event_status": (c_char_p, (_HANDLE,)),
    "azaudio_realtime_event_usage_json": (c_char_p, (_HANDLE,)),
    "azaudio_realtime_event_error_code": (c_char_p, (_HANDLE,)),
    "azaudio_realtime_event_audio_ms": (c_int64, (_HANDLE,)),
    "azaudio_realtime_event_close_code": (c_int32, (_HANDLE,)),
    "azaudio_realtime_event_speaker": (c_char_p, (_HANDLE,)),
    "azaudio_realtime_event_segment_times": (c_int32, (_HANDLE, POINTER(ctypes.c_double), POINTER(ctypes.c_double))),
    "azaudio_realtime_event_audio_format": (c_int32, (_HANDLE, POINTER(c_int32), POINTER(c_int32))),
    "azaudio_realtime_event_free": (None, (_HANDLE,)),
    "azaudio_realtime_event_fd": (_RESULT, (_HANDLE, POINTER(c_int32))),
    "azaudio_realtime_latency_summary": (_RESULT, (_HANDLE, POINTER(c_uint32), POINTER(c_int32), POINTER(c_int32))),
}

#: Functions every usable library exports; the others belong to parts a partial build may lack.
CORE = (
    "azaudio_version_number",
    "azaudio_version_string",
    "azaudio_result_string",
    "azaudio_last_error",
    "azaudio_client_options_init",
    "azaudio_client_create",
)

# ---- loading ------------------------------------------------------------------------------------------------------

_SONAME = "libazaudio.so.0"


def _candidates() -> list[str]:
    """Where to look for the library, in order (see the module docstring)."""
    found: list[str] = []
    env = os.environ.get("AZAUDIO_LIBRARY")
    if env:
        return [env]
    here = Path(__file__).resolve().parent
    bundled = here / _SONAME
    if bundled.exists():
        found.append(str(bundled))
    tree = here.parent.parent.parent / "build" / "lib" / _SONAME
    if tree.exists():
        found.append(str(tree))
    found.append(_SONAME)
    return found


class LibraryNotFoundError(ImportError):
    """libazaudio could not be loaded from any of the places this module looks."""


def _load() -> tuple[ctypes.CDLL, str]:
    errors: list[str] = []
    for candidate in _candidates():
        try:
            return ctypes.CDLL(candidate), candidate
        except OSError as error:
            errors.append(f"{candidate}: {error}")
    raise LibraryNotFoundError(
        "cannot load libazaudio (set AZAUDIO_LIBRARY to the path of libazaudio.so.0): " + "; ".join(errors)
    )


def _missing(name: str) -> Any:
    """A stand-in for a function the loaded library lacks: calling it raises UnsupportedError."""

    def call(*_args: Any) -> Any:
        require(name)

    call.__name__ = name
    return call


def _declare(library: ctypes.CDLL) -> set[str]:
    present: set[str] = set()
    for name, (restype, argtypes) in SIGNATURES.items():
        try:
            function = getattr(library, name)
        except AttributeError:
            if name in CORE:
                raise LibraryNotFoundError(f"{library._name} is not libazaudio: it does not export {name}") from None
            setattr(library, name, _missing(name))
            continue
        function.restype = restype
        function.argtypes = list(argtypes)
        present.add(name)
    return present


lib, library_path = _load()
_present = _declare(lib)


_EVENT_READERS = {
    f"azaudio_realtime_event_{field}"
    for field in (
        "type",
        "name",
        "json",
        "text",
        "audio",
        "item_id",
        "response_id",
        "call_id",
        "function_name",
        "status",
        "usage_json",
        "error_code",
        "audio_ms",
        "close_code",
        "free",
        "speaker",
        "segment_times",
        "audio_format",
    )
}


def _event_readers() -> Any:
    """The realtime event accessors again, called WITHOUT releasing the GIL (ctypes.PyDLL): they only read an
    immutable event and never block, so keeping the GIL saves the hand-over to another Python thread in the middle
    of an event callback (the costly part of a short C call when threads compete). Nothing else is declared here:
    a call that can wait on a lock must release the GIL."""
    readers = ctypes.PyDLL(library_path)
    for name, (restype, argtypes) in SIGNATURES.items():
        if name in _EVENT_READERS and name in _present:
            function = getattr(readers, name)
            function.restype = restype
            function.argtypes = list(argtypes)
    return readers


#: The event accessors that keep the GIL (see _event_readers); same names and signatures as on ``lib``.
event_lib = _event_readers()


def has(name: str) -> bool:
    """Whether the loaded library exports the C function ``name``."""
    return name in _present


def require(name: str) -> None:
    """Raise :class:`azaudio.UnsupportedError` if the loaded library lacks the C function ``name``."""
    if name not in _present:
        from .errors import UnsupportedError

        raise UnsupportedError(
            AZAUDIO_ERR_UNSUPPORTED,
            f"this build of libazaudio ({library_path}, version {version_string()}) has no {name}(): "
            "the feature is not available in this build",
        )


#: Where the libcurl that auditwheel puts into the wheel (Debian's build) looks for CA certificates by default.
_GRAFTED_CURL_CA_FILE = "/etc/ssl/certs/ca-certificates.crt"


def wheel_ca_locations(
    grafted: Optional[bool] = None, default_exists: Optional[bool] = None
) -> tuple[Optional[str], Optional[str]]:
    """(ca_file, ca_path) to give a client that sets neither. With the library from the manylinux wheel, whose
    libcurl was built on Debian and looks in /etc/ssl/certs/ca-certificates.crt, a system that keeps its CAs
    elsewhere (Fedora/RHEL: /etc/pki/tls/certs/ca-bundle.crt) gets the locations its OpenSSL knows, as Python's
    ssl module reports them. (None, None) otherwise: the library's own default."""
    if grafted is None:
        grafted = (Path(library_path).resolve().parent.parent / "azaudio.libs").is_dir()
    if not grafted:
        return None, None
    if default_exists is None:
        default_exists = os.path.exists(_GRAFTED_CURL_CA_FILE)
    if default_exists:
        return None, None
    import ssl

    paths = ssl.get_default_verify_paths()
    cafile = paths.cafile or (paths.openssl_cafile if os.path.exists(paths.openssl_cafile) else None)
    capath = paths.capath or (paths.openssl_capath if os.path.isdir(paths.openssl_capath) else None)
    return cafile, capath


def version_string() -> str:
    """azaudio_version_string() as str."""
    raw: Optional[bytes] = lib.azaudio_version_string()
    return (raw or b"").decode()


def text(raw: Optional[bytes]) -> str:
    """A C string result as str ('' for NULL); invalid UTF-8 is replaced rather than raised."""
    return raw.decode("utf-8", "replace") if raw else ""


def encode(value: Optional[str]) -> Optional[bytes]:
    """A Python string as a C string argument (None stays NULL). Embedded NULs are refused."""
    if value is None:
        return None
    return _no_nul(value.encode("utf-8"), value)


def encode_path(path: "str | os.PathLike[str]") -> bytes:
    """A file system path as a C string argument, encoded as the operating system expects."""
    return _no_nul(os.fsencode(path), path)


def _no_nul(data: bytes, original: object) -> bytes:
    if b"\0" in data:
        from .errors import InvalidArgumentError

        raise InvalidArgumentError(AZAUDIO_ERR_INVALID_ARGUMENT, f"string contains a NUL character: {original!r}")
    return data
