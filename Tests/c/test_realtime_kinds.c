/* Transcription-only and translation realtime sessions through the C ABI, against the local emulator: the URL and
 * session.update each kind sends, their typed events in both delivery modes, and bad options refused before
 * anything is sent.
 * emulator-options: --speed 40 */
#define _DEFAULT_SOURCE
#include "azaudio.h"
#include "check.h"
#include "realtime_support.h"

#include <string.h>

typedef struct {
    int count[64];
    char transcript[1024];
    char deltas[1024];
    char output_text[1024];
    char speaker[64];
    char session_json[2048]; /* the session.updated the service confirmed */
    double seg_start, seg_end;
    size_t translated_audio;
    int32_t rate, channels;
    int64_t elapsed_ms;
    int closed;
} seen;

static void record(seen *s, const azaudio_realtime_event *e) {
    int t = azaudio_realtime_event_type(e);
    if (t >= 0 && t < 64) s->count[t]++;
    const char *text = azaudio_realtime_event_text(e);
    switch (t) {
    case AZAUDIO_EVENT_SESSION_UPDATED:
        snprintf(s->session_json, sizeof s->session_json, "%s", azaudio_realtime_event_json(e));
        break;
    case AZAUDIO_EVENT_INPUT_TRANSCRIPTION_DELTA:
    case AZAUDIO_EVENT_TRANSLATION_INPUT_TRANSCRIPT_DELTA:
        strncat(s->deltas, text, sizeof s->deltas - strlen(s->deltas) - 1);
        break;
    case AZAUDIO_EVENT_TRANSLATION_OUTPUT_TRANSCRIPT_DELTA:
        strncat(s->output_text, text, sizeof s->output_text - strlen(s->output_text) - 1);
        break;
    case AZAUDIO_EVENT_INPUT_TRANSCRIPTION_COMPLETED:
        snprintf(s->transcript, sizeof s->transcript, "%s", text);
        break;
    case AZAUDIO_EVENT_INPUT_TRANSCRIPTION_SEGMENT:
        snprintf(s->speaker, sizeof s->speaker, "%s", azaudio_realtime_event_speaker(e));
        CHECK(azaudio_realtime_event_segment_times(e, &s->seg_start, &s->seg_end) == 1);
        break;
    case AZAUDIO_EVENT_TRANSLATION_AUDIO_DELTA: {
        size_t n = 0;
        azaudio_realtime_event_audio(e, &n);
        s->translated_audio += n;
        CHECK(azaudio_realtime_event_audio_format(e, &s->rate, &s->channels) == 1);
        s->elapsed_ms = azaudio_realtime_event_audio_ms(e);
        break;
    }
    case AZAUDIO_EVENT_CLOSED:
        s->closed = 1;
        break;
    default:
        break;
    }
}

static void record_into(void *user, const azaudio_realtime_event *e) { record((seen *)user, e); }

static int pull_until(azaudio_realtime_session *session, seen *s, int until, double seconds) {
    return realtime_pull_until(session, record_into, s, until, seconds, 100);
}

/* Speech then 1.5 s of silence, in 200 ms chunks. */
static void send_speech(azaudio_realtime_session *s) {
    size_t chunk = 9600;
    for (size_t off = 0; off < speech_size; off += chunk) {
        size_t n = speech_size - off < chunk ? speech_size - off : chunk;
        CHECK_RESULT(azaudio_realtime_send_audio(s, speech_pcm + off, n), AZAUDIO_OK);
    }
    static uint8_t silence[9600];
    for (int i = 0; i < 8; i++) CHECK_RESULT(azaudio_realtime_send_audio(s, silence, sizeof silence), AZAUDIO_OK);
}

/* A session opened with `o` and sent the test speech, `got` emptied for it; NULL (a failed check) if it did not
 * open. */
static azaudio_realtime_session *speaking_session(const azaudio_realtime_options *o, seen *got) {
    azaudio_realtime_session *s = NULL;
    CHECK_RESULT(azaudio_realtime_connect(client, o, &s), AZAUDIO_OK);
    if (!s) return NULL;
    send_speech(s);
    memset(got, 0, sizeof *got);
    return s;
}

static azaudio_realtime_options transcription_options(const char *deployment) {
    azaudio_realtime_options o;
    AZAUDIO_INIT(realtime_options, &o);
    o.session_kind = AZAUDIO_SESSION_TRANSCRIPTION;
    o.deployment = deployment;
    o.input_transcription_language = "en";
    return o;
}

static void callback(azaudio_realtime_session *session, const azaudio_realtime_event *event, void *user) {
    (void)session;
    record_into(user, event);
}

TEST(a_transcription_session_streams_deltas_then_the_completed_line) {
    emulator_reset();
    azaudio_realtime_options o = transcription_options("gpt-4o-transcribe");
    o.transcription_prompt = "time questions";
    o.noise_reduction = AZAUDIO_NOISE_REDUCTION_NEAR_FIELD;
    o.transcription_logprobs = 1;
    seen got;
    azaudio_realtime_session *s = speaking_session(&o, &got);
    if (!s) return;
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_INPUT_TRANSCRIPTION_COMPLETED, 30));
    CHECK(got.count[AZAUDIO_EVENT_SESSION_UPDATED] == 1);
    CHECK(got.count[AZAUDIO_EVENT_SPEECH_STARTED] >= 1);
    CHECK(got.count[AZAUDIO_EVENT_INPUT_TRANSCRIPTION_DELTA] >= 2);
    CHECK_STR_CONTAINS(got.transcript, "what");
    CHECK(strcmp(got.deltas, got.transcript) == 0);
    /* Played-audio reports are for conversation replies (barge-in): a transcription session has none. */
    CHECK_RESULT(azaudio_realtime_audio_played(s, "item_1", 100), AZAUDIO_ERR_INVALID_STATE);
    CHECK_STR_CONTAINS(azaudio_last_error(), "transcription session");
    CHECK_RESULT(azaudio_realtime_truncate(s, "item_1", 0, 100), AZAUDIO_ERR_INVALID_STATE);
    char *log = emulator_requests();
    CHECK_STR_CONTAINS(log, "\"intent\": \"transcription\"");
    free(log);
    /* what the service confirmed is what was asked */
    CHECK_STR_CONTAINS(got.session_json, "\"type\": \"transcription\"");
    CHECK_STR_CONTAINS(got.session_json, "\"prompt\": \"time questions\"");
    CHECK_STR_CONTAINS(got.session_json, "near_field");
    CHECK_STR_CONTAINS(got.session_json, "item.input_audio_transcription.logprobs");
    azaudio_realtime_close(s);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_CLOSED, 10));
    azaudio_realtime_destroy(s);
}

/* Reconnect in a transcription session: the connection is reset as the first utterance is committed; the
 * caller's next utterance, sent during the outage, is held and reaches the new session (configured the same way,
 * nothing replayed) and is transcribed there. Every frame reaches exactly one session. */
TEST(a_transcription_session_reconnects_after_a_reset_with_its_held_audio_and_no_frame_twice) {
    emulator_reset();
    /* session.created, session.updated, then the commit's input_audio_buffer.committed: reset. */
    emulator_fault("{\"kind\":\"tcp_reset\",\"after_events\":3}");
    azaudio_realtime_options o = transcription_options("gpt-4o-transcribe");
    o.turn_detection = AZAUDIO_TURN_NONE; /* the test commits: nothing else is in flight at the reset */
    o.reconnect_max_attempts = 3;
    o.reconnect_backoff_ms = 300; /* an outage long enough to send into */
    azaudio_realtime_session *s = NULL;
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_OK);
    if (!s) return;
    seen got;
    memset(&got, 0, sizeof got);
    CHECK_RESULT(azaudio_realtime_send_audio(s, speech_pcm, speech_size), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_commit(s), AZAUDIO_OK);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_RECONNECTING, 20));
    CHECK_RESULT(azaudio_realtime_send_audio(s, speech_pcm, speech_size), AZAUDIO_OK); /* held */
    CHECK_RESULT(azaudio_realtime_commit(s), AZAUDIO_OK);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_RECONNECTED, 20));
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_INPUT_TRANSCRIPTION_COMPLETED, 30));
    CHECK_STR_CONTAINS(got.transcript, "what");
    CHECK(got.count[AZAUDIO_EVENT_CLOSED] == 0 && got.count[AZAUDIO_EVENT_ERROR] == 0);
    azaudio_realtime_close(s);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_CLOSED, 10));
    azaudio_realtime_destroy(s);
    char *view = realtime_emulator_sessions();
    static char one[16384];
    long bytes[2] = {-1, -1};
    for (int i = 0; i < 2; i++)
        if (view && realtime_session_text(view, i, one, sizeof one))
            bytes[i] = realtime_json_number(one, "audio_bytes");
    CHECK(view && !realtime_session_text(view, 2, one, sizeof one)); /* two sessions */
    CHECK(bytes[0] == (long)speech_size && bytes[1] == (long)speech_size);
    free(view);
    char *log = emulator_requests();
    CHECK(log && strstr(log, "conversation.item.create") == NULL); /* nothing replayed */
    const char *second = log ? strstr(log, "\"session.update\"") : NULL;
    CHECK(second && strstr(second + 1, "\"session.update\"")); /* configured again */
    free(log);
    emulator_reset();
}

TEST(a_diarizing_transcription_session_delivers_segments_with_a_speaker_to_a_callback) {
    emulator_reset();
    azaudio_realtime_options o = transcription_options("gpt-4o-transcribe-diarize");
    seen got;
    memset(&got, 0, sizeof got);
    o.event_callback = callback;
    o.event_user_data = &got;
    o.turn_detection = AZAUDIO_TURN_NONE;
    o.caller_input_format = AZAUDIO_FORMAT_PCM16; /* caller audio at 16 kHz, converted on the way */
    o.caller_input_rate = 16000;
    o.input_audio_coalesce_ms = 100;
    azaudio_realtime_session *s = NULL;
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_OK);
    if (!s) return;
    /* 24 kHz speech to 16 kHz */
    azaudio_resampler *r = NULL;
    azaudio_resampler_create(24000, 16000, &r);
    size_t in = speech_size / 2, cap = azaudio_resampler_max_output(r, in) + azaudio_resampler_max_output(r, 0);
    int16_t *pcm16k = malloc(cap * 2);
    size_t n = 0;
    azaudio_resampler_process(r, (const int16_t *)speech_pcm, in, pcm16k, cap, &n);
    azaudio_resampler_destroy(r);
    for (size_t off = 0; off < n; off += 320) {
        size_t k = n - off < 320 ? n - off : 320;
        CHECK_RESULT(azaudio_realtime_send_audio(s, pcm16k + off, k * 2), AZAUDIO_OK);
    }
    free(pcm16k);
    CHECK_RESULT(azaudio_realtime_commit(s), AZAUDIO_OK);
    double deadline = now_seconds() + 30;
    while (now_seconds() < deadline && got.count[AZAUDIO_EVENT_INPUT_TRANSCRIPTION_COMPLETED] == 0) usleep(20000);
    CHECK(got.count[AZAUDIO_EVENT_INPUT_TRANSCRIPTION_SEGMENT] >= 1);
    CHECK(got.speaker[0] != '\0');
    CHECK(got.seg_end > got.seg_start && got.seg_start >= 0);
    CHECK_STR_CONTAINS(got.transcript, "what");
    CHECK_STR_CONTAINS(got.session_json, "\"turn_detection\": null");
    azaudio_realtime_destroy(s);
}

TEST(a_translation_session_delivers_both_transcripts_and_translated_audio_then_closes) {
    emulator_reset();
    azaudio_realtime_options o;
    AZAUDIO_INIT(realtime_options, &o);
    o.session_kind = AZAUDIO_SESSION_TRANSLATION;
    o.deployment = "gpt-realtime-translate";
    o.translation_language = "es";
    o.input_transcription_deployment = "gpt-4o-transcribe";
    seen got;
    azaudio_realtime_session *s = speaking_session(&o, &got);
    if (!s) return;
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_TRANSLATION_AUDIO_DELTA, 30));
    CHECK_RESULT(azaudio_realtime_commit(s), AZAUDIO_ERR_INVALID_STATE);
    /* No reply items in a translation session: nothing to report played or to truncate. */
    CHECK_RESULT(azaudio_realtime_audio_played(s, "item_1", 100), AZAUDIO_ERR_INVALID_STATE);
    CHECK_STR_CONTAINS(azaudio_last_error(), "translation session");
    CHECK_RESULT(azaudio_realtime_truncate(s, "item_1", 0, 100), AZAUDIO_ERR_INVALID_STATE);
    azaudio_realtime_close(s);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_CLOSED, 30));
    CHECK(got.count[AZAUDIO_EVENT_SESSION_CLOSED] == 1);
    CHECK(got.translated_audio > 0);
    CHECK(got.rate == 24000 && got.channels == 1);
    CHECK(got.elapsed_ms >= 0);
    CHECK_STR_CONTAINS(got.deltas, "what");
    CHECK_STR_CONTAINS(got.output_text, "[es]");
    CHECK_STR_CONTAINS(got.session_json, "\"language\": \"es\"");
    char *log = emulator_requests();
    CHECK_STR_CONTAINS(log, "\"path\": \"/openai/v1/realtime/translations\"");
    free(log);
    azaudio_realtime_destroy(s);
}

TEST(bad_session_kind_options_are_refused_before_connecting) {
    emulator_reset();
    azaudio_realtime_session *s = NULL;
    azaudio_realtime_options o = transcription_options("gpt-4o-transcribe");
    o.transcription_delay = "soon";
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "transcription_delay");
    o = transcription_options("gpt-4o-transcribe");
    o.noise_reduction = 9;
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "noise_reduction");
    o = transcription_options("gpt-4o-transcribe");
    o.protocol = AZAUDIO_REALTIME_PREVIEW;
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "GA");
    o = transcription_options("gpt-4o-transcribe");
    o.session_kind = 7;
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "session_kind");
    AZAUDIO_INIT(realtime_options, &o);
    o.session_kind = AZAUDIO_SESSION_TRANSLATION;
    o.deployment = "gpt-realtime-translate";
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "translation_language");
    o.translation_language = "es";
    o.reconnect_max_attempts = 3; /* a translation session's state cannot be carried over */
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "reconnect_max_attempts");
    o.reconnect_max_attempts = 0;
    o.translation_path = "no-slash";
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "translation_path");
    o.translation_path = NULL;
    o.input_audio_format = AZAUDIO_FORMAT_ULAW;
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "PCM16");
    CHECK(s == NULL);
    CHECK(emulator_request_count() == 0);
}

TEST(a_transcription_session_refused_by_the_service_fails_connect_with_its_message) {
    azaudio_realtime_options o = transcription_options("tts"); /* a deployment that cannot transcribe */
    azaudio_realtime_session *s = NULL;
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_ERR_BAD_REQUEST);
    CHECK_STR_CONTAINS(azaudio_last_error(), "cannot transcribe");
    CHECK(s == NULL);
}

TEST(a_redirect_that_drops_openai_is_named_in_the_error_not_left_as_a_bare_status) {
    emulator_reset();
    emulator_fault("{\"kind\":\"handshake_status\",\"status\":307,"
                   "\"location\":\"/v1/realtime?intent=transcription\"}");
    azaudio_realtime_options o = transcription_options("gpt-4o-transcribe");
    azaudio_realtime_session *s = NULL;
    CHECK(azaudio_realtime_connect(client, &o, &s) != AZAUDIO_OK);
    CHECK_STR_CONTAINS(azaudio_last_error(), "drops the /openai prefix");
    CHECK_STR_CONTAINS(azaudio_last_error(), "/v1/realtime");
    CHECK(s == NULL);
    emulator_reset();
}

int main(void) {
    if (!realtime_setup()) return 2;
    RUN(a_transcription_session_streams_deltas_then_the_completed_line);
    RUN(a_transcription_session_reconnects_after_a_reset_with_its_held_audio_and_no_frame_twice);
    RUN(a_diarizing_transcription_session_delivers_segments_with_a_speaker_to_a_callback);
    RUN(a_translation_session_delivers_both_transcripts_and_translated_audio_then_closes);
    RUN(bad_session_kind_options_are_refused_before_connecting);
    RUN(a_transcription_session_refused_by_the_service_fails_connect_with_its_message);
    RUN(a_redirect_that_drops_openai_is_named_in_the_error_not_left_as_a_bare_status);
    realtime_teardown();
    return check_summary();
}
