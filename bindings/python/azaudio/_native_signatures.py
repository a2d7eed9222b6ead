"""Every function of include/azaudio.h as (restype, argtypes), in header order (tests/test_header.py compares them
with the header). Internal: azaudio._native declares them on the loaded library."""

from __future__ import annotations

import ctypes
from ctypes import (
    POINTER,
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
from typing import Any, Sequence

from ._native_structs import (
    azaudio_audio_fn,
    azaudio_call_accept_options,
    azaudio_chat_options,
    azaudio_client_options,
    azaudio_error_details,
    azaudio_read_fn,
    azaudio_realtime_event_record,
    azaudio_realtime_options,
    azaudio_realtime_response_options,
    azaudio_segment,
    azaudio_speech_options,
    azaudio_transcription_options,
    azaudio_translation_options,
    azaudio_usage,
    azaudio_wav_info,
)

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
    "azaudio_realtime_event_json_data": (c_void_p, (_HANDLE, _P_SIZE)),
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
    "azaudio_realtime_take_events": (
        _RESULT,
        (_HANDLE, POINTER(azaudio_realtime_event_record), c_size_t, c_size_t, _P_SIZE, c_int32),
    ),
    "azaudio_realtime_latency_summary": (_RESULT, (_HANDLE, POINTER(c_uint32), POINTER(c_int32), POINTER(c_int32))),
    "azaudio_realtime_audible_latency_summary": (
        _RESULT,
        (_HANDLE, POINTER(c_uint32), POINTER(c_int32), POINTER(c_int32)),
    ),
    "azaudio_realtime_event_rate_limit": (
        c_int32,
        (_HANDLE, c_char_p, POINTER(c_int64), POINTER(c_int64), POINTER(ctypes.c_double)),
    ),
    "azaudio_realtime_event_audio_range": (c_int32, (_HANDLE, POINTER(c_int64), POINTER(c_int64))),
    "azaudio_realtime_event_received_at": (c_int64, (_HANDLE,)),
    "azaudio_realtime_event_out_of_band": (c_int32, (_HANDLE,)),
    "azaudio_realtime_response_options_init": (_RESULT, (POINTER(azaudio_realtime_response_options),)),
    "azaudio_realtime_create_response_with_options": (
        _RESULT,
        (_HANDLE, POINTER(azaudio_realtime_response_options)),
    ),
    "azaudio_realtime_send_image": (_RESULT, (_HANDLE, c_void_p, c_size_t, c_char_p, c_char_p, c_char_p)),
    "azaudio_realtime_clear_output_audio": (_RESULT, (_HANDLE,)),
    # Asynchronous connect
    "azaudio_realtime_connect_async": (_RESULT, (_HANDLE, POINTER(azaudio_realtime_options), _OUT_HANDLE)),
    "azaudio_realtime_event_result": (_RESULT, (_HANDLE,)),
    # Sized initialisation (what AZAUDIO_INIT calls)
    "azaudio_client_options_init_sized": (_RESULT, (POINTER(azaudio_client_options), c_size_t)),
    "azaudio_wav_info_init_sized": (_RESULT, (POINTER(azaudio_wav_info), c_size_t)),
    "azaudio_transcription_options_init_sized": (_RESULT, (POINTER(azaudio_transcription_options), c_size_t)),
    "azaudio_translation_options_init_sized": (_RESULT, (POINTER(azaudio_translation_options), c_size_t)),
    "azaudio_speech_options_init_sized": (_RESULT, (POINTER(azaudio_speech_options), c_size_t)),
    "azaudio_chat_options_init_sized": (_RESULT, (POINTER(azaudio_chat_options), c_size_t)),
    "azaudio_realtime_options_init_sized": (_RESULT, (POINTER(azaudio_realtime_options), c_size_t)),
    "azaudio_call_accept_options_init_sized": (_RESULT, (POINTER(azaudio_call_accept_options), c_size_t)),
    "azaudio_realtime_response_options_init_sized": (
        _RESULT,
        (POINTER(azaudio_realtime_response_options), c_size_t),
    ),
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
