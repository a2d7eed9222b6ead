"""The callback typedefs and structs of include/azaudio.h as ctypes types, field by field in header order.
Internal: read them through azaudio._native.

Kept by hand and checked, not generated: tests/test_header.py compares every field's name and type with the header
and every size and offset with what the C compiler computes, so a mirror that drifts fails the binding's tests.
"""

from __future__ import annotations

import ctypes
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_char_p,
    c_double,
    c_int32,
    c_int64,
    c_size_t,
    c_uint8,
    c_uint32,
    c_uint64,
    c_void_p,
)
from typing import Any

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
        ("proxy_ca_file", c_char_p),
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


#: The long-audio fields both upload structs end with (azaudio_transcription_options and
#: azaudio_translation_options declare the same block; the test checks each struct against the header).
_LONG_AUDIO_FIELDS: Any = [
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
    ] + _LONG_AUDIO_FIELDS


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
    ] + _LONG_AUDIO_FIELDS


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
        ("reask_interrupted_response", c_int32),
        ("idle_timeout_ms", c_int32),
        ("reasoning_effort", c_char_p),
        ("truncation", c_int32),
        ("truncation_retention_ratio", c_double),
        ("truncation_post_instructions_tokens", c_int32),
        ("output_speed", c_double),
        ("parallel_tool_calls", c_int32),
        ("call_id", c_char_p),
    ]


class azaudio_realtime_response_options(_Sized):
    _fields_ = [
        ("struct_size", c_uint32),
        ("out_of_band", c_int32),
        ("instructions", c_char_p),
        ("modality", c_int32),
        ("max_output_tokens", c_int32),
        ("metadata_json", c_char_p),
        ("input_json", c_char_p),
    ]


class azaudio_realtime_event_record(Structure):
    """One event of a batch (azaudio_realtime_take_events). The pointers whose size comes in the next field are read
    as addresses (c_void_p): ``json`` is not NUL-terminated, so c_char_p would stop at a NUL or run past its end."""

    _fields_ = [
        ("event", c_void_p),
        ("type", c_int32),
        ("audio", c_void_p),
        ("audio_size", c_size_t),
        ("json", c_void_p),
        ("json_size", c_size_t),
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
        azaudio_realtime_response_options,
        azaudio_known_speaker,
        azaudio_segment,
        azaudio_call_accept_options,
        azaudio_realtime_event_record,
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
