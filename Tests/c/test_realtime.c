/* Realtime sessions through the C ABI, against the local emulator: both protocols, every audio format and turn
 * detection mode, callbacks and the pull API, function calls, faults, truncation, bad input, many sessions.
 * emulator-options: --speed 40 */
#define _DEFAULT_SOURCE
#include "azaudio.h"
#include "check.h"
#include "realtime_support.h"

#include <pthread.h>
#include <stdint.h>

/* What a session delivered, gathered from either delivery mode. */
typedef struct {
    int count[40];
    size_t audio_bytes;
    char transcript[1024];
    char input_transcript[1024];
    char status[64];
    char error_code[128];
    char function_name[64];
    char call_id[64];
    char arguments[256];
    char audio_item[128];
    int close_code;
    int closed;
    int bad_strings; /* events whose JSON broke the accessors' promises (see record) */
} seen;

static void record(void *seen_, const azaudio_realtime_event *e) {
    seen *s = seen_;
    int t = azaudio_realtime_event_type(e);
    if (t >= 0 && t < 40) s->count[t]++;
    size_t n = 0;
    azaudio_realtime_event_audio(e, &n);
    s->audio_bytes += n;
    /* An event's strings are made once and live with it (the same pointer on every call); its JSON is the event as
     * received (an audio delta keeps its received bytes: its type and base64 delta are in it) or, for an event the
     * library made, describes it. */
    const char *json = azaudio_realtime_event_json(e);
    if (!json || json != azaudio_realtime_event_json(e) || json[0] != '{')
        s->bad_strings++;
    else if (t == AZAUDIO_EVENT_AUDIO_DELTA &&
             (!strstr(json, "\"delta\"") || !strstr(json, azaudio_realtime_event_name(e))))
        s->bad_strings++;
    else if (t == AZAUDIO_EVENT_CLOSED && !strstr(json, "\"closed\""))
        s->bad_strings++;
    if (azaudio_realtime_event_item_id(e) != azaudio_realtime_event_item_id(e)) s->bad_strings++;
    switch (t) {
    case AZAUDIO_EVENT_AUDIO_DELTA:
        snprintf(s->audio_item, sizeof s->audio_item, "%s", azaudio_realtime_event_item_id(e));
        break;
    case AZAUDIO_EVENT_AUDIO_TRANSCRIPT_DONE:
    case AZAUDIO_EVENT_TEXT_DONE:
        snprintf(s->transcript, sizeof s->transcript, "%s", azaudio_realtime_event_text(e));
        break;
    case AZAUDIO_EVENT_INPUT_TRANSCRIPTION_COMPLETED:
        snprintf(s->input_transcript, sizeof s->input_transcript, "%s", azaudio_realtime_event_text(e));
        break;
    case AZAUDIO_EVENT_RESPONSE_DONE:
        snprintf(s->status, sizeof s->status, "%s", azaudio_realtime_event_status(e));
        break;
    case AZAUDIO_EVENT_ERROR:
        snprintf(s->error_code, sizeof s->error_code, "%s", azaudio_realtime_event_error_code(e));
        break;
    case AZAUDIO_EVENT_FUNCTION_CALL:
        snprintf(s->function_name, sizeof s->function_name, "%s", azaudio_realtime_event_function_name(e));
        snprintf(s->call_id, sizeof s->call_id, "%s", azaudio_realtime_event_call_id(e));
        snprintf(s->arguments, sizeof s->arguments, "%s", azaudio_realtime_event_text(e));
        break;
    case AZAUDIO_EVENT_CLOSED:
        s->close_code = azaudio_realtime_event_close_code(e);
        s->closed = 1;
        break;
    default:
        break;
    }
}

/* Pulls events until one of type `until` (or CLOSED) arrived; returns 1 if `until` came. */
static int pull_until(azaudio_realtime_session *session, seen *s, int until, double seconds) {
    return realtime_pull_until(session, record, s, until, seconds, 200);
}

static azaudio_realtime_options options_for(int protocol) {
    azaudio_realtime_options o;
    azaudio_realtime_options_init(&o);
    o.deployment = "gpt-realtime";
    o.protocol = protocol;
    return o;
}

/* Converts the 24 kHz test speech to 8 kHz G.711 of the given format. */
static uint8_t *speech_as_g711(int format, size_t *out_size) {
    azaudio_resampler *r = NULL;
    azaudio_resampler_create(24000, 8000, &r);
    size_t in = speech_size / 2;
    size_t cap = azaudio_resampler_max_output(r, in) + azaudio_resampler_max_output(r, 0);
    int16_t *pcm8 = malloc(cap * sizeof *pcm8);
    size_t n = 0, tail = 0;
    azaudio_resampler_process(r, (const int16_t *)speech_pcm, in, pcm8, cap, &n);
    azaudio_resampler_flush(r, pcm8 + n, cap - n, &tail);
    n += tail;
    azaudio_resampler_destroy(r);
    uint8_t *codes = malloc(n);
    if (format == AZAUDIO_FORMAT_ULAW)
        azaudio_g711_ulaw_encode(pcm8, n, codes);
    else
        azaudio_g711_alaw_encode(pcm8, n, codes);
    free(pcm8);
    *out_size = n;
    return codes;
}

/* Sends speech then silence in 20 ms frames (as fast as the queue takes them: the emulator's VAD works on the
 * input's own timeline). */
static void send_speech(azaudio_realtime_session *s, int format) {
    size_t size = speech_size;
    uint8_t *audio = speech_pcm;
    uint8_t *owned = NULL;
    if (format != AZAUDIO_FORMAT_PCM16) audio = owned = speech_as_g711(format, &size);
    size_t frame = format == AZAUDIO_FORMAT_PCM16 ? 960 : 160;
    for (size_t off = 0; off < size; off += frame) {
        size_t n = size - off < frame ? size - off : frame;
        if (format == AZAUDIO_FORMAT_PCM16) n &= ~(size_t)1;
        if (n) CHECK_RESULT(azaudio_realtime_send_audio(s, audio + off, n), AZAUDIO_OK);
    }
    uint8_t silence[960];
    memset(silence, format == AZAUDIO_FORMAT_PCM16 ? 0 : (format == AZAUDIO_FORMAT_ULAW ? 0xFF : 0xD5), sizeof silence);
    for (int i = 0; i < 75; i++) CHECK_RESULT(azaudio_realtime_send_audio(s, silence, frame), AZAUDIO_OK);
    free(owned);
}

/* One spoken turn: speech in, the reply's audio and transcript out. */
static void voice_turn(int protocol, int format, int turn_detection) {
    azaudio_realtime_options o = options_for(protocol);
    o.input_audio_format = format;
    o.output_audio_format = format;
    o.turn_detection = turn_detection;
    o.input_transcription_deployment = "whisper";
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    seen got;
    memset(&got, 0, sizeof got);
    send_speech(s, format);
    if (turn_detection == AZAUDIO_TURN_NONE) {
        CHECK_RESULT(azaudio_realtime_commit(s), AZAUDIO_OK);
        CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    }
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_RESPONSE_DONE, 30));
    CHECK(strcmp(got.status, "completed") == 0);
    CHECK(got.count[AZAUDIO_EVENT_SESSION_CREATED] == 1 && got.count[AZAUDIO_EVENT_SESSION_UPDATED] == 1);
    CHECK(got.count[AZAUDIO_EVENT_INPUT_COMMITTED] == 1);
    if (turn_detection != AZAUDIO_TURN_NONE) {
        CHECK(got.count[AZAUDIO_EVENT_SPEECH_STARTED] == 1);
        CHECK(got.count[AZAUDIO_EVENT_SPEECH_STOPPED] == 1);
    }
    CHECK(got.count[AZAUDIO_EVENT_AUDIO_DELTA] > 0);
    CHECK(got.audio_bytes > (size_t)(format == AZAUDIO_FORMAT_PCM16 ? 24000 : 4000)); /* over 0.5 s */
    if (format == AZAUDIO_FORMAT_PCM16) CHECK(got.audio_bytes % 2 == 0);
    CHECK_STR_CONTAINS(got.transcript, "You said");
    CHECK(got.bad_strings == 0);
    azaudio_realtime_destroy(s);
}

TEST(ga_voice_turn_in_pcm16_with_server_vad) {
    voice_turn(AZAUDIO_REALTIME_GA, AZAUDIO_FORMAT_PCM16, AZAUDIO_TURN_SERVER_VAD);
}
TEST(ga_voice_turn_in_ulaw_with_semantic_vad) {
    voice_turn(AZAUDIO_REALTIME_GA, AZAUDIO_FORMAT_ULAW, AZAUDIO_TURN_SEMANTIC_VAD);
}
TEST(ga_voice_turn_in_alaw_with_manual_commit) {
    voice_turn(AZAUDIO_REALTIME_GA, AZAUDIO_FORMAT_ALAW, AZAUDIO_TURN_NONE);
}
TEST(preview_voice_turn_in_pcm16_with_manual_commit) {
    voice_turn(AZAUDIO_REALTIME_PREVIEW, AZAUDIO_FORMAT_PCM16, AZAUDIO_TURN_NONE);
}
TEST(preview_voice_turn_in_ulaw_with_server_vad) {
    voice_turn(AZAUDIO_REALTIME_PREVIEW, AZAUDIO_FORMAT_ULAW, AZAUDIO_TURN_SERVER_VAD);
}
TEST(preview_voice_turn_in_alaw_with_semantic_vad) {
    voice_turn(AZAUDIO_REALTIME_PREVIEW, AZAUDIO_FORMAT_ALAW, AZAUDIO_TURN_SEMANTIC_VAD);
}

TEST(text_turn_reports_the_reply_text_only) {
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    o.text_only = 1;
    o.turn_detection = AZAUDIO_TURN_NONE;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    seen got;
    memset(&got, 0, sizeof got);
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", "hello there"), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_RESPONSE_DONE, 20));
    CHECK(got.count[AZAUDIO_EVENT_TEXT_DELTA] > 0);
    CHECK(got.audio_bytes == 0);
    CHECK_STR_CONTAINS(got.transcript, "hello there");
    azaudio_realtime_destroy(s);
}

/* Callback mode: events arrive on the I/O thread; the callback closes the session at response.done. */
typedef struct {
    pthread_mutex_t lock;
    seen got;
    azaudio_realtime_session *self;
} callback_state;

static void on_event(azaudio_realtime_session *session, const azaudio_realtime_event *e, void *user) {
    callback_state *st = user;
    pthread_mutex_lock(&st->lock);
    record(&st->got, e);
    st->self = session;
    pthread_mutex_unlock(&st->lock);
    if (azaudio_realtime_event_type(e) == AZAUDIO_EVENT_RESPONSE_DONE) azaudio_realtime_close(session);
}

static int wait_closed(callback_state *st, double seconds) {
    double deadline = now_seconds() + seconds;
    while (now_seconds() < deadline) {
        pthread_mutex_lock(&st->lock);
        int closed = st->got.closed;
        pthread_mutex_unlock(&st->lock);
        if (closed) return 1;
        usleep(10000);
    }
    return 0;
}

TEST(callbacks_receive_every_event_and_close_from_a_callback_works) {
    callback_state st;
    memset(&st, 0, sizeof st);
    pthread_mutex_init(&st.lock, NULL);
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    o.turn_detection = AZAUDIO_TURN_NONE;
    o.event_callback = on_event;
    o.event_user_data = &st;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    azaudio_realtime_event *e = NULL;
    CHECK_RESULT(azaudio_realtime_next_event(s, &e, 0), AZAUDIO_ERR_INVALID_STATE);
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", "good morning"), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    CHECK(wait_closed(&st, 20));
    CHECK(st.self == s);
    CHECK(st.got.count[AZAUDIO_EVENT_SESSION_CREATED] == 1);
    CHECK(st.got.count[AZAUDIO_EVENT_AUDIO_DELTA] > 0);
    CHECK(st.got.close_code == 1000);
    CHECK(st.got.count[AZAUDIO_EVENT_CLOSED] == 1);
    CHECK_RESULT(azaudio_realtime_commit(s), AZAUDIO_ERR_CLOSED);
    azaudio_realtime_destroy(s);
    pthread_mutex_destroy(&st.lock);
}

static void destroy_from_callback(azaudio_realtime_session *session, const azaudio_realtime_event *e, void *user) {
    int *calls = user;
    (*calls)++;
    if (azaudio_realtime_event_type(e) == AZAUDIO_EVENT_RESPONSE_CREATED) azaudio_realtime_destroy(session);
}

TEST(destroy_from_inside_a_callback_stops_delivery) {
    int calls = 0;
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    o.turn_detection = AZAUDIO_TURN_NONE;
    o.event_callback = destroy_from_callback;
    o.event_user_data = &calls;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    azaudio_realtime_create_text_item(s, "user", "hi");
    azaudio_realtime_create_response(s, NULL);
    usleep(1500000);
    int after = calls;
    usleep(300000);
    CHECK(calls == after); /* nothing delivered after destroy */
    CHECK(calls >= 3);
}

TEST(function_call_round_trip) {
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_PREVIEW);
    o.turn_detection = AZAUDIO_TURN_NONE;
    o.tools_json = "[{\"type\":\"function\",\"name\":\"get_weather\",\"description\":\"Weather for a city\","
                   "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}]";
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    seen got;
    memset(&got, 0, sizeof got);
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", "please get weather for Oslo"), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_FUNCTION_CALL, 20));
    CHECK(strcmp(got.function_name, "get_weather") == 0); /* preview omits it on the wire: the library fills it */
    CHECK(got.call_id[0] != '\0');
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_RESPONSE_DONE, 20));
    CHECK_RESULT(azaudio_realtime_send_function_output(s, got.call_id, "{\"temperature_c\":21}"), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    memset(got.transcript, 0, sizeof got.transcript);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_RESPONSE_DONE, 20));
    CHECK_STR_CONTAINS(got.transcript, "get_weather");
    azaudio_realtime_destroy(s);
}

TEST(truncate_is_clamped_to_the_audio_received) {
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    o.turn_detection = AZAUDIO_TURN_NONE;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    seen got;
    memset(&got, 0, sizeof got);
    azaudio_realtime_create_text_item(s, "user", "tell me something");
    azaudio_realtime_create_response(s, NULL);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_RESPONSE_DONE, 20));
    CHECK_RESULT(azaudio_realtime_truncate(s, "no-such-item", 0, 100), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "no audio of item");
    /* Far beyond the reply's length: the library clamps, so the service accepts it. */
    CHECK_RESULT(azaudio_realtime_truncate(s, got.audio_item, 0, 3600000), AZAUDIO_OK);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_ITEM_TRUNCATED, 10));
    CHECK(got.count[AZAUDIO_EVENT_ERROR] == 0);
    azaudio_realtime_destroy(s);
}

TEST(server_close_mid_session_ends_with_a_closed_event_and_its_code) {
    emulator_fault("{\"kind\":\"ws_close\",\"code\":1011,\"reason\":\"upstream failed\",\"after_events\":4}");
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    o.turn_detection = AZAUDIO_TURN_NONE;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    seen got;
    memset(&got, 0, sizeof got);
    azaudio_realtime_create_text_item(s, "user", "hello");
    azaudio_realtime_create_response(s, NULL);
    CHECK(!pull_until(s, &got, AZAUDIO_EVENT_RESPONSE_DONE, 20));
    CHECK(got.closed);
    CHECK(got.close_code == 1011);
    azaudio_realtime_event *e = NULL;
    CHECK_RESULT(azaudio_realtime_next_event(s, &e, 0), AZAUDIO_ERR_CLOSED);
    CHECK_RESULT(azaudio_realtime_send_audio(s, "\0\0", 2), AZAUDIO_ERR_CLOSED);
    azaudio_realtime_destroy(s);
    emulator_reset();
}

TEST(session_expired_arrives_as_an_error_then_close_1001) {
    emulator_fault("{\"kind\":\"session_expired\",\"after_seconds\":0.3}");
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    seen got;
    memset(&got, 0, sizeof got);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_CLOSED, 10));
    CHECK(strcmp(got.error_code, "session_expired") == 0);
    CHECK(got.close_code == 1001);
    azaudio_realtime_destroy(s);
    emulator_reset();
}

TEST(a_malformed_server_event_is_reported_and_the_session_goes_on) {
    emulator_fault("{\"kind\":\"malformed_event\"}");
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    o.turn_detection = AZAUDIO_TURN_NONE;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    seen got;
    memset(&got, 0, sizeof got);
    azaudio_realtime_create_text_item(s, "user", "hello");
    azaudio_realtime_create_response(s, NULL);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_RESPONSE_DONE, 20));
    CHECK(got.count[AZAUDIO_EVENT_ERROR] == 1);
    CHECK(strcmp(got.error_code, "malformed_server_event") == 0);
    azaudio_realtime_destroy(s);
    emulator_reset();
}

TEST(refused_handshakes_fail_connect_with_the_http_status) {
    azaudio_realtime_session *s = NULL;
    emulator_fault("{\"kind\":\"handshake_status\",\"status\":429}");
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_ERR_RATE_LIMITED);
    azaudio_error_details d = rest_details(client);
    CHECK(d.http_status == 429);
    emulator_reset();

    o.deployment = "no-such-deployment";
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_ERR_NOT_FOUND);
    d = rest_details(client);
    CHECK(strcmp(d.service_code, "DeploymentNotFound") == 0);

    azaudio_client *wrong = rest_client_with(NULL, "wrong-key");
    o.deployment = "gpt-realtime";
    CHECK_RESULT(azaudio_realtime_connect(wrong, &o, &s), AZAUDIO_ERR_AUTH);
    CHECK(strstr(azaudio_last_error(), "wrong-key") == NULL);
    azaudio_client_destroy(wrong);
    CHECK(s == NULL);
}

TEST(rejected_session_settings_fail_connect_with_the_service_message) {
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    o.voice = "no-such-voice";
    azaudio_realtime_session *s = NULL;
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_ERR_BAD_REQUEST);
    CHECK_STR_CONTAINS(azaudio_last_error(), "rejected the session settings");
    CHECK(s == NULL);
}

TEST(bad_input_gets_invalid_argument_and_a_message) {
    azaudio_realtime_session *s = NULL;
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    CHECK_RESULT(azaudio_realtime_options_init(NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_connect(NULL, &o, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_connect(client, NULL, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_connect(client, &o, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    azaudio_realtime_options bad = o;
    bad.struct_size = 0;
    CHECK_RESULT(azaudio_realtime_connect(client, &bad, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "struct_size");
    bad = o;
    bad.deployment = NULL;
    CHECK_RESULT(azaudio_realtime_connect(client, &bad, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "deployment");
    bad = o;
    bad.input_audio_coalesce_ms = 1001;
    CHECK_RESULT(azaudio_realtime_connect(client, &bad, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "input_audio_coalesce_ms");
    bad = o;
    bad.input_audio_format = 99;
    CHECK_RESULT(azaudio_realtime_connect(client, &bad, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    bad = o;
    bad.temperature = 0.8; /* not part of GA */
    CHECK_RESULT(azaudio_realtime_connect(client, &bad, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    bad = o;
    bad.tools_json = "{oops";
    CHECK_RESULT(azaudio_realtime_connect(client, &bad, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    bad = o;
    bad.turn_detection = 7;
    CHECK_RESULT(azaudio_realtime_connect(client, &bad, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK(s == NULL);

    s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    CHECK_RESULT(azaudio_realtime_send_audio(s, NULL, 10), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_send_audio(s, "\0\0\0", 3), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "whole 16-bit samples");
    CHECK_RESULT(azaudio_realtime_send_event_json(s, "not json"), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_send_event_json(s, "{\"no_type\":1}"), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "robot", "x"), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_update_session(s, "[1]"), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_create_response(s, "nope"), AZAUDIO_ERR_INVALID_ARGUMENT);
    azaudio_realtime_event *e = NULL;
    CHECK_RESULT(azaudio_realtime_next_event(s, NULL, 0), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_next_event(s, &e, -5), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_commit(NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK(azaudio_realtime_event_type(NULL) == AZAUDIO_EVENT_OTHER);
    CHECK(azaudio_realtime_event_text(NULL) == NULL);
    azaudio_realtime_event_free(NULL);
    azaudio_realtime_destroy(NULL);
    azaudio_realtime_destroy(s);
}

static void ignore_event(azaudio_realtime_session *session, const azaudio_realtime_event *e, void *user) {
    (void)session, (void)e, (void)user;
}

TEST(an_empty_poll_is_ok_with_no_event_and_leaves_the_last_error_alone) {
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    azaudio_realtime_session *s = connect_with(&o);
    if (!s) {
        CHECK(0);
        return;
    }
    seen got;
    memset(&got, 0, sizeof got);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_SESSION_UPDATED, 10));
    /* A failure of another call, then empty polls: its message stays, each poll is OK with no event. */
    CHECK_RESULT(azaudio_wav_parse(NULL, 44, NULL), AZAUDIO_ERR_INVALID_ARGUMENT);
    char before[256];
    snprintf(before, sizeof before, "%s", azaudio_last_error());
    for (int i = 0; i < 1000; i++) {
        azaudio_realtime_event *e = (azaudio_realtime_event *)&got; /* not NULL: the call must clear it */
        CHECK_RESULT(azaudio_realtime_poll_event(s, &e, 0), AZAUDIO_OK);
        CHECK(e == NULL);
        if (e != NULL) break;
    }
    azaudio_realtime_event *e = NULL;
    CHECK_RESULT(azaudio_realtime_poll_event(s, &e, 20), AZAUDIO_OK);
    CHECK(e == NULL);
    CHECK(strcmp(azaudio_last_error(), before) == 0);
    /* The existing function keeps its behaviour for old callers. */
    CHECK_RESULT(azaudio_realtime_next_event(s, &e, 0), AZAUDIO_ERR_TIMEOUT);
    CHECK_RESULT(azaudio_realtime_poll_event(s, NULL, 0), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_poll_event(s, &e, -2), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_poll_event(NULL, &e, 0), AZAUDIO_ERR_INVALID_ARGUMENT);
    /* An event that is there is returned; after the CLOSED event, CLOSED. */
    azaudio_realtime_close(s);
    int closed = 0;
    double deadline = now_seconds() + 10;
    while (!closed && now_seconds() < deadline) {
        e = NULL;
        CHECK_RESULT(azaudio_realtime_poll_event(s, &e, 100), AZAUDIO_OK);
        if (e) closed = azaudio_realtime_event_type(e) == AZAUDIO_EVENT_CLOSED;
        azaudio_realtime_event_free(e);
    }
    CHECK(closed);
    CHECK_RESULT(azaudio_realtime_poll_event(s, &e, 0), AZAUDIO_ERR_CLOSED);
    azaudio_realtime_destroy(s);
    /* A session that delivers to a callback has nothing to poll. */
    o.event_callback = ignore_event;
    s = connect_with(&o);
    CHECK(s != NULL);
    if (s) CHECK_RESULT(azaudio_realtime_poll_event(s, &e, 0), AZAUDIO_ERR_INVALID_STATE);
    azaudio_realtime_destroy(s);
}

TEST(the_send_queue_is_bounded) {
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    o.max_send_queue_bytes = 8192;
    emulator_fault("{\"kind\":\"slow_read\",\"seconds\":2}");
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    static uint8_t second[48000]; /* 1 s of audio: about 64 KB as base64 JSON */
    int busy = 0;
    for (int i = 0; i < 200 && !busy; i++) {
        azaudio_result rc = azaudio_realtime_send_audio(s, second, sizeof second);
        if (rc == AZAUDIO_ERR_BUSY)
            busy = 1;
        else
            CHECK_RESULT(rc, AZAUDIO_OK);
    }
    CHECK(busy);
    CHECK_STR_CONTAINS(azaudio_last_error(), "send queue is full");
    azaudio_realtime_destroy(s);
    emulator_reset();
}

static int reads_paused, reads_resumed;

static void watch_log(int32_t level, const char *message, void *user) {
    (void)level;
    (void)user;
    if (strstr(message, "reading paused")) reads_paused++;
    if (strstr(message, "reading resumed")) reads_resumed++;
}

static size_t reply_audio_bytes(uint32_t max_event_queue, unsigned pause_us) {
    azaudio_client_options co;
    azaudio_client_options_init(&co);
    co.endpoint = rest_endpoint;
    co.api_key = getenv("AZURE_OPENAI_API_KEY");
    co.log_callback = watch_log;
    co.log_level = AZAUDIO_LOG_DEBUG;
    azaudio_client *logged = NULL;
    if (azaudio_client_create(&co, &logged) != AZAUDIO_OK) return 0;
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    o.turn_detection = AZAUDIO_TURN_NONE;
    o.max_event_queue = max_event_queue;
    azaudio_realtime_session *s = NULL;
    azaudio_realtime_connect(logged, &o, &s);
    azaudio_client_destroy(logged); /* the session keeps it alive */
    if (!s) return 0;
    seen got;
    memset(&got, 0, sizeof got);
    azaudio_realtime_create_text_item(s, "user", "tell me a long story about the sea");
    azaudio_realtime_create_response(s, NULL);
    usleep(pause_us); /* a consumer that falls behind */
    int done = pull_until(s, &got, AZAUDIO_EVENT_RESPONSE_DONE, 30);
    azaudio_realtime_destroy(s);
    return done && got.count[AZAUDIO_EVENT_ERROR] == 0 ? got.audio_bytes : 0;
}

TEST(a_slow_puller_loses_nothing_when_the_event_queue_is_full) {
    size_t normal = reply_audio_bytes(4096, 0);
    CHECK(reads_paused == 0);
    size_t throttled = reply_audio_bytes(16, 1500000);
    CHECK(normal > 0);
    CHECK(throttled == normal);
    CHECK(reads_paused >= 1 && reads_resumed >= 1);
}

static void *send_from_a_thread(void *arg) {
    azaudio_realtime_session *s = arg;
    int16_t frame[480];
    memset(frame, 0, sizeof frame);
    for (int i = 0; i < 100; i++) {
        if (azaudio_realtime_send_audio(s, frame, sizeof frame) != AZAUDIO_OK) return (void *)1;
    }
    return NULL;
}

TEST(send_audio_from_several_threads_at_once) {
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    o.turn_detection = AZAUDIO_TURN_NONE;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    pthread_t t[4];
    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, send_from_a_thread, s);
    for (int i = 0; i < 4; i++) {
        void *rc = NULL;
        pthread_join(t[i], &rc);
        CHECK(rc == NULL);
    }
    seen got;
    memset(&got, 0, sizeof got);
    CHECK_RESULT(azaudio_realtime_commit(s), AZAUDIO_OK);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_INPUT_COMMITTED, 10));
    CHECK(got.count[AZAUDIO_EVENT_ERROR] == 0);
    azaudio_realtime_destroy(s);
}

TEST(fifty_sessions_at_once_on_one_io_thread) {
    enum { N = 50 };
    azaudio_realtime_session *s[N];
    seen got[N];
    memset(got, 0, sizeof got);
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    o.turn_detection = AZAUDIO_TURN_NONE;
    o.text_only = 1;
    int connected = 0;
    for (int i = 0; i < N; i++) {
        s[i] = connect_with(&o);
        if (s[i]) connected++;
    }
    CHECK(connected == N);
    for (int i = 0; i < N; i++) {
        if (!s[i]) continue;
        azaudio_realtime_create_text_item(s[i], "user", "hello");
        azaudio_realtime_create_response(s[i], NULL);
    }
    int done = 0;
    for (int i = 0; i < N; i++) {
        if (s[i] && pull_until(s[i], &got[i], AZAUDIO_EVENT_RESPONSE_DONE, 30) &&
            strcmp(got[i].status, "completed") == 0)
            done++;
    }
    CHECK(done == N);
    for (int i = 0; i < N; i++) azaudio_realtime_destroy(s[i]);
}

TEST(destroying_the_client_first_leaves_sessions_usable_until_destroyed) {
    azaudio_client *own = rest_client();
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    azaudio_realtime_session *s = NULL;
    CHECK_RESULT(azaudio_realtime_connect(own, &o, &s), AZAUDIO_OK);
    azaudio_client_destroy(own);
    if (!s) return;
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", "still there?"), AZAUDIO_OK);
    azaudio_realtime_destroy(s);
}

/* ---- input coalescing ------------------------------------------------------------------------------------------ */

/* True when no input_audio_buffer.append follows the first `type` in the emulator's log of client events. */
static int no_append_after(const char *type) {
    char *body = emulator_requests();
    char quoted[128];
    snprintf(quoted, sizeof quoted, "\"%s\"", type);
    const char *at = body ? strstr(body, quoted) : NULL;
    int ok = at && !strstr(at, "\"input_audio_buffer.append\"");
    free(body);
    return ok;
}

/* A manual-commit turn with `coalesce_ms`: returns the appends the emulator received and fills `heard` with the
 * input transcription. */
static int coalesced_turn(uint32_t coalesce_ms, char *heard, size_t heard_size) {
    emulator_reset();
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    o.turn_detection = AZAUDIO_TURN_NONE;
    o.input_transcription_deployment = "whisper";
    o.input_audio_coalesce_ms = coalesce_ms;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return -1;
    seen got;
    memset(&got, 0, sizeof got);
    send_speech(s, AZAUDIO_FORMAT_PCM16);
    CHECK_RESULT(azaudio_realtime_commit(s), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_RESPONSE_DONE, 30));
    CHECK(strcmp(got.status, "completed") == 0);
    CHECK(no_append_after("input_audio_buffer.commit")); /* held audio went out before the commit */
    snprintf(heard, heard_size, "%s", got.input_transcript);
    int appends = client_events("input_audio_buffer.append");
    azaudio_realtime_destroy(s);
    return appends;
}

TEST(coalesced_input_sends_fewer_appends_and_the_service_hears_the_same) {
    size_t frames = (speech_size + 959) / 960 + 75; /* send_speech: the speech in 20 ms frames, then 75 of silence */
    char plain[1024], coalesced[1024];
    int plain_appends = coalesced_turn(0, plain, sizeof plain);
    int coalesced_appends = coalesced_turn(100, coalesced, sizeof coalesced);
    CHECK(plain_appends == (int)frames);
    /* 100 ms (4800 bytes) or up to one frame more per append; the last, shorter one goes out with the commit. */
    size_t bytes = speech_size + 75 * 960;
    CHECK(coalesced_appends >= (int)(bytes / (4800 + 960)) && coalesced_appends <= (int)(bytes / 4800) + 1);
    fprintf(stderr, "  %d appends without coalescing, %d with 100 ms\n", plain_appends, coalesced_appends);
    CHECK(plain[0] != 0);
    CHECK(strcmp(plain, coalesced) == 0); /* every byte arrived, in order */
    if (strcmp(plain, coalesced) != 0) fprintf(stderr, "  heard '%s' vs '%s'\n", plain, coalesced);
}

/* A manual-commit GA session holding input for `coalesce_ms`, after an emulator reset. */
static azaudio_realtime_session *coalescing_session(uint32_t coalesce_ms) {
    emulator_reset();
    azaudio_realtime_options o = options_for(AZAUDIO_REALTIME_GA);
    o.turn_detection = AZAUDIO_TURN_NONE;
    o.input_audio_coalesce_ms = coalesce_ms;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    return s;
}

TEST(held_audio_goes_out_when_the_caller_stops_sending) {
    azaudio_realtime_session *s = coalescing_session(200);
    if (!s) return;
    uint8_t frame[960];
    memset(frame, 0, sizeof frame);
    for (int i = 0; i < 3; i++) CHECK_RESULT(azaudio_realtime_send_audio(s, frame, sizeof frame), AZAUDIO_OK);
    CHECK(client_events("input_audio_buffer.append") == 0); /* 60 ms held of 200 */
    double deadline = now_seconds() + 5;
    while (client_events("input_audio_buffer.append") == 0 && now_seconds() < deadline) usleep(20000);
    CHECK(client_events("input_audio_buffer.append") == 1); /* the I/O thread sent it, in one append */
    azaudio_realtime_destroy(s);
}

TEST(clear_drops_held_audio_and_close_sends_it) {
    azaudio_realtime_session *s = coalescing_session(1000);
    if (!s) return;
    uint8_t frame[960];
    memset(frame, 0, sizeof frame);
    CHECK_RESULT(azaudio_realtime_send_audio(s, frame, sizeof frame), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_clear(s), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_send_audio(s, frame, sizeof frame), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_close(s), AZAUDIO_OK);
    seen got;
    memset(&got, 0, sizeof got);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_CLOSED, 10) && got.closed);
    CHECK(client_events("input_audio_buffer.clear") == 1);
    CHECK(client_events("input_audio_buffer.append") == 1); /* the frame sent after the clear, at close */
    CHECK(no_append_after("input_audio_buffer.clear") == 0);
    azaudio_realtime_destroy(s);
}

int main(void) {
    if (!realtime_setup()) return 2;
    RUN(ga_voice_turn_in_pcm16_with_server_vad);
    RUN(ga_voice_turn_in_ulaw_with_semantic_vad);
    RUN(ga_voice_turn_in_alaw_with_manual_commit);
    RUN(preview_voice_turn_in_pcm16_with_manual_commit);
    RUN(preview_voice_turn_in_ulaw_with_server_vad);
    RUN(preview_voice_turn_in_alaw_with_semantic_vad);
    RUN(text_turn_reports_the_reply_text_only);
    RUN(callbacks_receive_every_event_and_close_from_a_callback_works);
    RUN(destroy_from_inside_a_callback_stops_delivery);
    RUN(function_call_round_trip);
    RUN(truncate_is_clamped_to_the_audio_received);
    RUN(server_close_mid_session_ends_with_a_closed_event_and_its_code);
    RUN(session_expired_arrives_as_an_error_then_close_1001);
    RUN(a_malformed_server_event_is_reported_and_the_session_goes_on);
    RUN(refused_handshakes_fail_connect_with_the_http_status);
    RUN(rejected_session_settings_fail_connect_with_the_service_message);
    RUN(bad_input_gets_invalid_argument_and_a_message);
    RUN(an_empty_poll_is_ok_with_no_event_and_leaves_the_last_error_alone);
    RUN(the_send_queue_is_bounded);
    RUN(a_slow_puller_loses_nothing_when_the_event_queue_is_full);
    RUN(send_audio_from_several_threads_at_once);
    RUN(fifty_sessions_at_once_on_one_io_thread);
    RUN(destroying_the_client_first_leaves_sessions_usable_until_destroyed);
    RUN(coalesced_input_sends_fewer_appends_and_the_service_hears_the_same);
    RUN(held_audio_goes_out_when_the_caller_stops_sending);
    RUN(clear_drops_held_audio_and_close_sends_it);
    realtime_teardown();
    return check_summary();
}
