/* Telephony behaviour of realtime sessions, against the local emulator: barge-in at the played position (truncate
 * position, clamping, nothing played, cancel, both delivery modes), audio in the caller's own format and rate
 * (8 kHz mu-law passthrough, 16/48 kHz PCM in and out), and the phone bridge and game voice examples end to end.
 * emulator-options: --speed 4 */
#define _DEFAULT_SOURCE
#include "azaudio.h"
#include "check.h"
#include "realtime_support.h"

#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>

#define SPEED           4 /* the emulator's --speed above */
#define EXAMPLE_SPEEDUP 2 /* the examples' clock: slow enough for the emulator's recognition to keep up */

static uint8_t *question_pcm; /* a longer question (a longer reply to talk over), 24 kHz PCM16 */
static size_t question_size;

/* A long reply: about 6 s of audio, 1.5 s of streaming at --speed 4. */
static const char *LONG_TEXT =
    "tell me a long story about the sea and the ships and the wind and the harbour lights at night";

/* ---- what a session delivered ---------------------------------------------------------------------------------- */

typedef struct {
    int count[40];
    int order[512]; /* event types in delivery order */
    int n;
    size_t audio_bytes;
    int tail_deltas;
    char audio_item[128];
    char flush_item[128];
    int64_t flush_ms;
    int64_t truncated_ms;
    int64_t speech_started_ms, speech_stopped_ms;
    char status[64];
    char reason[128];
    int cancelled;           /* responses that ended cancelled */
    char cancel_reason[128]; /* why the last one was */
    char error_code[128];
    char input_transcript[256];
    char session_json[4096];
    uint8_t *audio; /* every audio delta's bytes, in order */
    size_t audio_cap;
    int closed;
} seen;

static void record(void *seen_, const azaudio_realtime_event *e) {
    seen *s = seen_;
    int t = azaudio_realtime_event_type(e);
    if (t >= 0 && t < 40) s->count[t]++;
    if (s->n < 512) s->order[s->n++] = t;
    if (getenv("TEL_DEBUG") && t != AZAUDIO_EVENT_AUDIO_DELTA && t != AZAUDIO_EVENT_AUDIO_TRANSCRIPT_DELTA)
        fprintf(stderr, "  [event] %.300s\n", azaudio_realtime_event_json(e));
    switch (t) {
    case AZAUDIO_EVENT_AUDIO_DELTA: {
        size_t n = 0;
        const uint8_t *a = azaudio_realtime_event_audio(e, &n);
        if (s->audio_bytes + n > s->audio_cap) {
            s->audio_cap = (s->audio_bytes + n) * 2;
            s->audio = realloc(s->audio, s->audio_cap);
        }
        if (n) memcpy(s->audio + s->audio_bytes, a, n);
        s->audio_bytes += n;
        snprintf(s->audio_item, sizeof s->audio_item, "%s", azaudio_realtime_event_item_id(e));
        if (strstr(azaudio_realtime_event_json(e), "resampler_tail")) s->tail_deltas++;
        break;
    }
    case AZAUDIO_EVENT_PLAYBACK_FLUSH:
        snprintf(s->flush_item, sizeof s->flush_item, "%s", azaudio_realtime_event_item_id(e));
        s->flush_ms = azaudio_realtime_event_audio_ms(e);
        break;
    case AZAUDIO_EVENT_ITEM_TRUNCATED:
        s->truncated_ms = azaudio_realtime_event_audio_ms(e);
        break;
    case AZAUDIO_EVENT_SPEECH_STARTED:
        s->speech_started_ms = azaudio_realtime_event_audio_ms(e);
        break;
    case AZAUDIO_EVENT_SPEECH_STOPPED:
        s->speech_stopped_ms = azaudio_realtime_event_audio_ms(e);
        break;
    case AZAUDIO_EVENT_RESPONSE_DONE:
        snprintf(s->status, sizeof s->status, "%s", azaudio_realtime_event_status(e));
        snprintf(s->reason, sizeof s->reason, "%s", azaudio_realtime_event_text(e));
        if (strcmp(s->status, "cancelled") == 0) {
            s->cancelled++;
            snprintf(s->cancel_reason, sizeof s->cancel_reason, "%s", s->reason);
        }
        break;
    case AZAUDIO_EVENT_ERROR:
        snprintf(s->error_code, sizeof s->error_code, "%s", azaudio_realtime_event_error_code(e));
        fprintf(stderr, "  (error event: %s)\n", azaudio_realtime_event_json(e));
        break;
    case AZAUDIO_EVENT_INPUT_TRANSCRIPTION_COMPLETED:
        snprintf(s->input_transcript, sizeof s->input_transcript, "%s", azaudio_realtime_event_text(e));
        break;
    case AZAUDIO_EVENT_SESSION_UPDATED:
        snprintf(s->session_json, sizeof s->session_json, "%s", azaudio_realtime_event_json(e));
        break;
    case AZAUDIO_EVENT_CLOSED:
        s->closed = 1;
        break;
    default:
        break;
    }
}

static void seen_init(seen *s) {
    memset(s, 0, sizeof *s);
    s->flush_ms = s->truncated_ms = s->speech_started_ms = s->speech_stopped_ms = -1;
}

static void seen_free(seen *s) { free(s->audio); }

/* Pulls events until one of type `until` came (returns 1) or CLOSED / the deadline (returns 0). */
static int pull_until(azaudio_realtime_session *session, seen *s, int until, double seconds) {
    return realtime_pull_until(session, record, s, until, seconds, 100);
}

/* Pulls events until `ms` of PCM16 24 kHz reply audio arrived. */
static int pull_audio_ms(azaudio_realtime_session *session, seen *s, size_t ms, double seconds) {
    double deadline = now_seconds() + seconds;
    while (s->audio_bytes < ms * 48 && now_seconds() < deadline) {
        if (!pull_until(session, s, AZAUDIO_EVENT_AUDIO_DELTA, deadline - now_seconds())) return 0;
    }
    return s->audio_bytes >= ms * 48;
}

/* Pulls whatever arrives for `seconds`. */
static void pull_for(azaudio_realtime_session *session, seen *s, double seconds) {
    double deadline = now_seconds() + seconds;
    while (now_seconds() < deadline) {
        azaudio_realtime_event *e = NULL;
        if (realtime_next(session, &e, 50) != 1) continue;
        record(s, e);
        azaudio_realtime_event_free(e);
    }
}

static azaudio_realtime_options options(void) {
    azaudio_realtime_options o;
    azaudio_realtime_options_init(&o);
    o.deployment = "gpt-realtime";
    return o;
}

/* ---- audio helpers --------------------------------------------------------------------------------------------- */

/* Resamples PCM16 (whole stream, flushed). Returns samples in *out_samples; free the result. */
static int16_t *resample(const int16_t *in, size_t samples, uint32_t from, uint32_t to, size_t *out_samples) {
    azaudio_resampler *r = NULL;
    azaudio_resampler_create(from, to, &r);
    size_t cap = azaudio_resampler_max_output(r, samples) + azaudio_resampler_max_output(r, 0);
    int16_t *out = malloc(cap * sizeof *out);
    size_t n = 0, tail = 0;
    azaudio_resampler_process(r, in, samples, out, cap, &n);
    azaudio_resampler_flush(r, out + n, cap - n, &tail);
    azaudio_resampler_destroy(r);
    *out_samples = n + tail;
    return out;
}

/* The test speech as 8 kHz mu-law. */
static uint8_t *speech_ulaw(size_t *size) {
    size_t n = 0;
    int16_t *pcm8 = resample((const int16_t *)speech_pcm, speech_size / 2, 24000, 8000, &n);
    uint8_t *codes = malloc(n);
    azaudio_g711_ulaw_encode(pcm8, n, codes);
    free(pcm8);
    *size = n;
    return codes;
}

/* Sends `size` bytes in frames of `frame` bytes, then `silence_frames` frames of silence (`silence` byte). */
static void send_frames(azaudio_realtime_session *s, const uint8_t *audio, size_t size, size_t frame, uint8_t silence,
                        int silence_frames) {
    for (size_t off = 0; off < size; off += frame) {
        size_t n = size - off < frame ? size - off : frame;
        CHECK_RESULT(azaudio_realtime_send_audio(s, audio + off, n), AZAUDIO_OK);
    }
    uint8_t quiet[8192]; /* the largest frame: 20 ms of 48 kHz stereo PCM16 is 3840 bytes */
    if (frame > sizeof quiet) frame = sizeof quiet;
    memset(quiet, silence, sizeof quiet);
    for (int i = 0; i < silence_frames; i++) CHECK_RESULT(azaudio_realtime_send_audio(s, quiet, frame), AZAUDIO_OK);
}

/* The caller speaks over the reply (24 kHz PCM16 session input). */
static void speak_over(azaudio_realtime_session *s) { send_frames(s, speech_pcm, speech_size, 960, 0, 40); }

/* Starts a long spoken reply to a text message and waits until `ms` of its audio arrived. */
static int start_long_reply(azaudio_realtime_session *s, seen *got, size_t ms) {
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", LONG_TEXT), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    return pull_audio_ms(s, got, ms, 20);
}

/* ---- barge-in -------------------------------------------------------------------------------------------------- */

TEST(barge_in_truncates_at_the_played_position) {
    emulator_reset();
    azaudio_realtime_options o = options();
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    seen got;
    seen_init(&got);
    CHECK(start_long_reply(s, &got, 800));
    CHECK_RESULT(azaudio_realtime_audio_played(s, got.audio_item, 200), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_audio_played(s, got.audio_item, 430), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_audio_played(s, got.audio_item, 300), AZAUDIO_OK); /* older report: ignored */
    speak_over(s);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_PLAYBACK_FLUSH, 10));
    CHECK(strcmp(got.flush_item, got.audio_item) == 0);
    CHECK(got.flush_ms == 430);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_ITEM_TRUNCATED, 10));
    CHECK(got.truncated_ms == 430); /* the server's echo of the truncate the library sent */
    pull_for(s, &got, 0.3);
    CHECK(got.cancelled == 1);
    CHECK_STR_CONTAINS(got.cancel_reason, "turn_detected"); /* the server cancelled it (interrupt_response) */
    CHECK(got.count[AZAUDIO_EVENT_ERROR] == 0);
    CHECK(client_events("conversation.item.truncate") == 1);
    CHECK(client_events("response.cancel") == 0); /* not twice: the server's VAD already cancels */
    azaudio_realtime_destroy(s);
    seen_free(&got);
}

TEST(barge_in_clamps_the_position_to_the_audio_received) {
    emulator_reset();
    azaudio_realtime_options o = options();
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    seen got;
    seen_init(&got);
    CHECK(start_long_reply(s, &got, 200));
    /* A host that claims more than it can have played (e.g. it counts wall-clock time). */
    CHECK_RESULT(azaudio_realtime_audio_played(s, got.audio_item, 600000), AZAUDIO_OK);
    speak_over(s);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_PLAYBACK_FLUSH, 10));
    size_t received_ms_now = got.audio_bytes / 48; /* everything delivered before the flush */
    CHECK(got.flush_ms > 0 && got.flush_ms < 600000);
    CHECK(got.flush_ms == (int64_t)received_ms_now);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_ITEM_TRUNCATED, 10));
    CHECK(got.truncated_ms == got.flush_ms);
    pull_until(s, &got, AZAUDIO_EVENT_RESPONSE_DONE, 10);
    CHECK(got.count[AZAUDIO_EVENT_ERROR] == 0); /* the service accepted it: within what it sent */
    azaudio_realtime_destroy(s);
    seen_free(&got);
}

TEST(barge_in_sends_no_truncate_when_nothing_was_played) {
    emulator_reset();
    azaudio_realtime_options o = options();
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    seen got;
    seen_init(&got);
    CHECK(start_long_reply(s, &got, 200));
    speak_over(s);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_PLAYBACK_FLUSH, 10));
    CHECK(strcmp(got.flush_item, got.audio_item) == 0);
    CHECK(got.flush_ms == 0);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_RESPONSE_DONE, 10));
    pull_for(s, &got, 0.3);
    CHECK(got.count[AZAUDIO_EVENT_ITEM_TRUNCATED] == 0);
    CHECK(got.count[AZAUDIO_EVENT_ERROR] == 0);
    CHECK(client_events("conversation.item.truncate") == 0);
    azaudio_realtime_destroy(s);
    seen_free(&got);
}

TEST(barge_in_cancels_the_response_when_the_server_does_not) {
    emulator_reset();
    azaudio_realtime_options o = options();
    o.vad_interrupt_response = 0;
    o.vad_create_response = 0;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    seen got;
    seen_init(&got);
    CHECK(start_long_reply(s, &got, 300));
    CHECK_RESULT(azaudio_realtime_audio_played(s, got.audio_item, 250), AZAUDIO_OK);
    speak_over(s);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_RESPONSE_DONE, 10));
    CHECK(got.cancelled == 1);
    CHECK_STR_CONTAINS(got.cancel_reason, "client_cancelled");
    CHECK(got.flush_ms == 250);
    CHECK(got.count[AZAUDIO_EVENT_PLAYBACK_FLUSH] == 1);
    pull_for(s, &got, 0.3);
    CHECK(got.truncated_ms == 250);
    CHECK(got.count[AZAUDIO_EVENT_ERROR] == 0);
    CHECK(client_events("response.cancel") == 1);
    azaudio_realtime_destroy(s);
    seen_free(&got);
}

TEST(no_barge_in_once_the_reply_was_all_played) {
    emulator_reset();
    azaudio_realtime_options o = options();
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    seen got;
    seen_init(&got);
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", "hello there"), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_RESPONSE_DONE, 20));
    CHECK_RESULT(azaudio_realtime_audio_played(s, got.audio_item, (uint32_t)(got.audio_bytes / 48)), AZAUDIO_OK);
    speak_over(s);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_SPEECH_STARTED, 10));
    pull_for(s, &got, 0.3);
    CHECK(got.count[AZAUDIO_EVENT_PLAYBACK_FLUSH] == 0);
    CHECK(client_events("conversation.item.truncate") == 0);
    azaudio_realtime_destroy(s);
    seen_free(&got);
}

TEST(barge_in_off_leaves_it_to_the_host) {
    emulator_reset();
    azaudio_realtime_options o = options();
    o.barge_in = 0;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    seen got;
    seen_init(&got);
    CHECK(start_long_reply(s, &got, 300));
    CHECK_RESULT(azaudio_realtime_audio_played(s, got.audio_item, 250), AZAUDIO_OK);
    speak_over(s);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_RESPONSE_DONE, 10));
    CHECK(got.count[AZAUDIO_EVENT_PLAYBACK_FLUSH] == 0);
    CHECK(client_events("conversation.item.truncate") == 0);
    azaudio_realtime_destroy(s);
    seen_free(&got);
}

/* Callback mode: the flush comes on the I/O thread right after SPEECH_STARTED. */
typedef struct {
    pthread_mutex_t lock;
    seen got;
} shared_seen;

static void on_event(azaudio_realtime_session *session, const azaudio_realtime_event *e, void *user) {
    (void)session;
    shared_seen *st = user;
    pthread_mutex_lock(&st->lock);
    record(&st->got, e);
    pthread_mutex_unlock(&st->lock);
}

static int wait_for(shared_seen *st, int type, int count, double seconds) {
    double deadline = now_seconds() + seconds;
    while (now_seconds() < deadline) {
        pthread_mutex_lock(&st->lock);
        int n = st->got.count[type];
        pthread_mutex_unlock(&st->lock);
        if (n >= count) return 1;
        usleep(5000);
    }
    return 0;
}

TEST(barge_in_in_callback_mode_flushes_right_after_speech_started) {
    emulator_reset();
    shared_seen st;
    memset(&st, 0, sizeof st);
    seen_init(&st.got);
    pthread_mutex_init(&st.lock, NULL);
    azaudio_realtime_options o = options();
    o.event_callback = on_event;
    o.event_user_data = &st;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", LONG_TEXT), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    double deadline = now_seconds() + 20;
    for (;;) {
        pthread_mutex_lock(&st.lock);
        size_t bytes = st.got.audio_bytes;
        pthread_mutex_unlock(&st.lock);
        if (bytes >= 500 * 48 || now_seconds() > deadline) break;
        usleep(2000);
    }
    pthread_mutex_lock(&st.lock);
    char item[128];
    snprintf(item, sizeof item, "%s", st.got.audio_item);
    pthread_mutex_unlock(&st.lock);
    CHECK_RESULT(azaudio_realtime_audio_played(s, item, 320), AZAUDIO_OK);
    speak_over(s);
    CHECK(wait_for(&st, AZAUDIO_EVENT_ITEM_TRUNCATED, 1, 10));
    pthread_mutex_lock(&st.lock);
    CHECK(st.got.flush_ms == 320 && st.got.truncated_ms == 320);
    CHECK(strcmp(st.got.flush_item, item) == 0);
    int next = -1;
    for (int i = 0; i + 1 < st.got.n; i++)
        if (st.got.order[i] == AZAUDIO_EVENT_SPEECH_STARTED) next = st.got.order[i + 1];
    CHECK(next == AZAUDIO_EVENT_PLAYBACK_FLUSH);
    pthread_mutex_unlock(&st.lock);
    azaudio_realtime_destroy(s);
    seen_free(&st.got);
    pthread_mutex_destroy(&st.lock);
}

TEST(audio_played_rejects_unknown_items_and_bad_input) {
    azaudio_realtime_options o = options();
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    CHECK_RESULT(azaudio_realtime_audio_played(s, "no-such-item", 100), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "no audio of item");
    CHECK_RESULT(azaudio_realtime_audio_played(s, NULL, 100), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_audio_played(NULL, "x", 100), AZAUDIO_ERR_INVALID_ARGUMENT);
    azaudio_realtime_destroy(s);
}

/* ---- caller formats -------------------------------------------------------------------------------------------- */

/* One spoken turn in 8 kHz mu-law; returns the reply audio and the VAD positions in *got. */
static void ulaw_turn(int caller_formats, seen *got) {
    azaudio_realtime_options o = options();
    o.input_audio_format = AZAUDIO_FORMAT_ULAW;
    o.output_audio_format = AZAUDIO_FORMAT_ULAW;
    o.input_transcription_deployment = "whisper";
    if (caller_formats) {
        o.caller_input_format = AZAUDIO_FORMAT_ULAW;
        o.caller_input_rate = 8000;
        o.caller_output_format = AZAUDIO_FORMAT_ULAW;
        o.caller_output_rate = 8000;
    }
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    size_t size = 0;
    uint8_t *codes = speech_ulaw(&size);
    CHECK(pull_until(s, got, AZAUDIO_EVENT_SESSION_UPDATED, 5));
    send_frames(s, codes, size, 160, 0xFF, 60);
    CHECK(pull_until(s, got, AZAUDIO_EVENT_RESPONSE_DONE, 20));
    free(codes);
    azaudio_realtime_destroy(s);
}

TEST(mulaw_8k_passes_straight_through_a_g711_ulaw_session) {
    seen plain, caller;
    seen_init(&plain);
    seen_init(&caller);
    ulaw_turn(0, &plain);
    ulaw_turn(1, &caller);
    CHECK_STR_CONTAINS(caller.session_json, "\"audio/pcmu\""); /* the service confirmed g711_ulaw both ways */
    CHECK(strstr(caller.session_json, "audio/pcm\"") == NULL);
    /* Same bytes in (the server's VAD saw the same audio at the same positions) and out (identical reply). */
    CHECK(caller.speech_started_ms == plain.speech_started_ms && caller.speech_stopped_ms == plain.speech_stopped_ms);
    CHECK(caller.audio_bytes > 4000 && caller.audio_bytes == plain.audio_bytes);
    CHECK(caller.audio_bytes == plain.audio_bytes && memcmp(caller.audio, plain.audio, caller.audio_bytes) == 0);
    CHECK(caller.tail_deltas == 0);
    CHECK(caller.input_transcript[0] != '\0' && strcmp(caller.input_transcript, plain.input_transcript) == 0);
    seen_free(&plain);
    seen_free(&caller);
}

/* The test speech sent at `rate` Hz PCM16 with `channels` channels (each a copy; converted to the session's 24 kHz
 * mono by the library). */
static void pcm_input_turn_channels(uint32_t rate, uint32_t channels, seen *got) {
    azaudio_realtime_options o = options();
    o.input_transcription_deployment = "whisper";
    o.caller_input_format = AZAUDIO_FORMAT_PCM16;
    o.caller_input_rate = rate;
    o.caller_input_channels = channels;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    size_t n = 0;
    int16_t *mono = resample((const int16_t *)speech_pcm, speech_size / 2, 24000, rate, &n);
    int16_t *pcm = malloc(n * channels * sizeof *pcm);
    for (size_t i = 0; i < n * channels; i++) pcm[i] = mono[i / channels];
    free(mono);
    size_t frame = rate / 50 * 2 * channels; /* 20 ms */
    send_frames(s, (const uint8_t *)pcm, n * 2 * channels, frame, 0, 60);
    CHECK(pull_until(s, got, AZAUDIO_EVENT_SPEECH_STOPPED, 10));
    CHECK(pull_until(s, got, AZAUDIO_EVENT_INPUT_TRANSCRIPTION_COMPLETED, 20));
    free(pcm);
    azaudio_realtime_destroy(s);
}

static void pcm_input_turn(uint32_t rate, seen *got) { pcm_input_turn_channels(rate, 1, got); }

TEST(pcm_16k_and_48k_input_is_resampled_to_the_session_rate) {
    seen ref, at16, at48;
    seen_init(&ref);
    seen_init(&at16);
    seen_init(&at48);
    pcm_input_turn(24000, &ref); /* the session's own format: sent as is */
    pcm_input_turn(16000, &at16);
    pcm_input_turn(48000, &at48);
    /* The server's VAD places speech at the same input times: the converted stream has the right duration. */
    CHECK(ref.speech_stopped_ms > 0);
    CHECK(llabs(at16.speech_started_ms - ref.speech_started_ms) <= 10);
    CHECK(llabs(at16.speech_stopped_ms - ref.speech_stopped_ms) <= 10);
    CHECK(llabs(at48.speech_started_ms - ref.speech_started_ms) <= 10);
    CHECK(llabs(at48.speech_stopped_ms - ref.speech_stopped_ms) <= 10);
    CHECK(at16.input_transcript[0] != '\0' && at48.input_transcript[0] != '\0'); /* heard as speech */
    seen_free(&ref);
    seen_free(&at16);
    seen_free(&at48);
}

TEST(pcm_44100_hz_stereo_input_is_mixed_and_resampled_to_the_session_rate) {
    seen ref, at44;
    seen_init(&ref);
    seen_init(&at44);
    pcm_input_turn(24000, &ref);
    pcm_input_turn_channels(44100, 2, &at44); /* CD audio: 44.1 kHz stereo */
    CHECK(ref.speech_stopped_ms > 0);
    CHECK(llabs(at44.speech_started_ms - ref.speech_started_ms) <= 10);
    CHECK(llabs(at44.speech_stopped_ms - ref.speech_stopped_ms) <= 10);
    CHECK(at44.input_transcript[0] != '\0');
    seen_free(&ref);
    seen_free(&at44);
}

/* A deterministic reply ("You said: hello there.") in the caller output format. */
static void reply_in_channels(int32_t format, uint32_t rate, uint32_t channels, seen *got) {
    azaudio_realtime_options o = options();
    o.turn_detection = AZAUDIO_TURN_NONE;
    o.caller_output_format = format;
    o.caller_output_rate = rate;
    o.caller_output_channels = channels;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", "hello there"), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    CHECK(pull_until(s, got, AZAUDIO_EVENT_RESPONSE_DONE, 20));
    azaudio_realtime_destroy(s);
}

static double rms_db(const int16_t *x, size_t n) {
    double sum = 0;
    for (size_t i = 0; i < n; i++) sum += (double)x[i] * x[i];
    return n ? 10 * log10(sum / n + 1e-9) : -1000;
}

static void reply_in(int32_t format, uint32_t rate, seen *got) { reply_in_channels(format, rate, 0, got); }

TEST(output_at_44100_hz_stereo_has_the_reply_duration_on_both_channels) {
    seen ref, cd;
    seen_init(&ref);
    seen_init(&cd);
    reply_in(AZAUDIO_CALLER_FORMAT_SESSION, 0, &ref);
    reply_in_channels(AZAUDIO_FORMAT_PCM16, 44100, 2, &cd);
    size_t n = ref.audio_bytes / 2; /* 24 kHz samples */
    CHECK(n > 12000);
    size_t frames = cd.audio_bytes / 4;
    CHECK(cd.audio_bytes % 4 == 0 && frames == (n * 147 + 79) / 80); /* ceil(N * 44100 / 24000) */
    const int16_t *pcm = (const int16_t *)cd.audio;
    int same = 1;
    for (size_t i = 0; i < frames; i++) same &= pcm[2 * i] == pcm[2 * i + 1];
    CHECK(same);
    seen_free(&ref);
    seen_free(&cd);
}

TEST(pcm_16k_and_48k_and_mulaw_output_has_the_reply_duration) {
    seen ref, at16, at48, ulaw8;
    seen_init(&ref);
    seen_init(&at16);
    seen_init(&at48);
    seen_init(&ulaw8);
    reply_in(AZAUDIO_CALLER_FORMAT_SESSION, 0, &ref);
    reply_in(AZAUDIO_FORMAT_PCM16, 16000, &at16);
    reply_in(AZAUDIO_FORMAT_PCM16, 48000, &at48);
    reply_in(AZAUDIO_FORMAT_ULAW, 8000, &ulaw8);
    size_t n = ref.audio_bytes / 2; /* 24 kHz samples */
    CHECK(n > 12000);
    /* A stream of N samples gives ceil(N * out / in) samples once the resampler's tail is out. */
    CHECK(at16.audio_bytes / 2 == (n * 2 + 2) / 3);
    CHECK(at48.audio_bytes / 2 == n * 2);
    CHECK(ulaw8.audio_bytes == (n + 2) / 3);
    CHECK(at16.tail_deltas == 1 && at48.tail_deltas == 1 && ulaw8.tail_deltas == 1);
    CHECK(ref.tail_deltas == 0);
    /* Same loudness: the same speech, not noise or silence. */
    double r = rms_db((const int16_t *)ref.audio, n);
    CHECK(fabs(rms_db((const int16_t *)at48.audio, n * 2) - r) < 0.5);
    CHECK(fabs(rms_db((const int16_t *)at16.audio, at16.audio_bytes / 2) - r) < 1.0);
    seen_free(&ref);
    seen_free(&at16);
    seen_free(&at48);
    seen_free(&ulaw8);
}

TEST(caller_format_options_are_checked) {
    azaudio_realtime_session *s = NULL;
    azaudio_realtime_options o = options();
    o.caller_input_format = AZAUDIO_FORMAT_PCM16;
    o.caller_input_rate = 192001;
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "caller_input_rate");
    o.caller_input_rate = 7999;
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    o.caller_input_rate = 0xFFFFFFFFu;
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    o = options();
    o.caller_input_format = AZAUDIO_FORMAT_FLOAT32; /* convert with azaudio_audio_to_mono_pcm16() first */
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    o = options();
    o.caller_input_format = AZAUDIO_FORMAT_PCM16;
    o.caller_input_channels = 33;
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "caller_input_channels is 33");
    o.caller_input_channels = 0xFFFFFFFFu;
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    o = options();
    o.caller_output_channels = 2; /* without a format */
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "caller_output_format");
    o = options();
    o.caller_output_rate = 48000; /* without a format */
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_STR_CONTAINS(azaudio_last_error(), "caller_output_format");
    o = options();
    o.caller_output_format = 9;
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    o = options();
    o.barge_in = 2;
    CHECK_RESULT(azaudio_realtime_connect(client, &o, &s), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK(s == NULL);

    /* A program built against the 0.1.0 header (struct_size up to connect_timeout_ms) still connects. */
    o = options();
    o.struct_size = (uint32_t)offsetof(azaudio_realtime_options, caller_input_format);
    o.caller_input_rate = 12345; /* beyond its struct_size: never read */
    s = connect_with(&o);
    CHECK(s != NULL);
    azaudio_realtime_destroy(s);

    /* PCM16 caller input must be whole samples; G.711 at 48 kHz is allowed (odd sizes fine). */
    o = options();
    o.caller_input_format = AZAUDIO_FORMAT_PCM16;
    o.caller_input_rate = 48000;
    s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    CHECK_RESULT(azaudio_realtime_send_audio(s, "\0\0\0", 3), AZAUDIO_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(azaudio_realtime_send_audio(s, "\0\0\0\0", 4), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_commit(s), AZAUDIO_OK); /* sends the resampler's tail first */
    azaudio_realtime_destroy(s);
}

TEST(alaw_8k_into_a_pcm16_session_is_decoded_and_resampled) {
    azaudio_realtime_options o = options();
    o.input_transcription_deployment = "whisper";
    o.caller_input_format = AZAUDIO_FORMAT_ALAW;
    azaudio_realtime_session *s = connect_with(&o);
    CHECK(s != NULL);
    if (!s) return;
    size_t n = 0;
    int16_t *pcm8 = resample((const int16_t *)speech_pcm, speech_size / 2, 24000, 8000, &n);
    uint8_t *codes = malloc(n);
    azaudio_g711_alaw_encode(pcm8, n, codes);
    seen got;
    seen_init(&got);
    send_frames(s, codes, n, 160, 0xD5, 60);
    CHECK(pull_until(s, &got, AZAUDIO_EVENT_INPUT_TRANSCRIPTION_COMPLETED, 20));
    CHECK(got.input_transcript[0] != '\0'); /* heard as speech, not noise */
    CHECK(got.speech_stopped_ms > 0);
    free(pcm8);
    free(codes);
    seen_free(&got);
    azaudio_realtime_destroy(s);
}

/* ---- the examples, end to end ---------------------------------------------------------------------------------- */

/* Builds an example with the test flags (warnings are errors) into /tmp; returns 1 on success. */
static int build_example(const char *name, char *binary, size_t size) {
    snprintf(binary, size, "/tmp/azaudio_test_%s_%ld", name, (long)getpid());
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "${CC:-cc} -std=c99 -Wall -Wextra -Werror -O1 -Iinclude examples/%s.c -o %s -Lbuild/lib -lazaudio "
             "-Wl,-rpath,$PWD/build/lib -lm",
             name, binary);
    int rc = system(cmd);
    if (rc != 0) fprintf(stderr, "  building examples/%s.c failed: %s\n", name, cmd);
    return rc == 0;
}

/* Runs a command, capturing stdout+stderr into out; returns its exit status. */
static int run_capture(const char *cmd, char *out, size_t size) {
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    size_t n = fread(out, 1, size - 1, p);
    out[n] = 0;
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A call: the question, 6 s of silence (the reply starts), the caller talking over it, then silence. */
static int write_call_wav(const char *path, uint32_t rate) {
    size_t n = 0, q = 0;
    int16_t *speech = resample((const int16_t *)speech_pcm, speech_size / 2, 24000, rate, &n);
    int16_t *question = resample((const int16_t *)question_pcm, question_size / 2, 24000, rate, &q);
    size_t gap = rate * 6, tail = rate * 2;
    size_t total = q + gap + n + tail;
    int16_t *call = calloc(total, sizeof *call);
    memcpy(call, question, q * sizeof *call);
    memcpy(call + q + gap, speech, n * sizeof *call);
    free(question);
    azaudio_wav_info info;
    azaudio_wav_info_init(&info);
    info.sample_rate = rate;
    int ok = azaudio_wav_write_file(path, &info, call, total * sizeof *call) == AZAUDIO_OK;
    free(speech);
    free(call);
    return ok;
}

TEST(phone_bridge_example_runs_a_call_with_barge_in) {
    char bin[256], in[128], out[128], cmd[1024];
    static char log[65536];
    if (!build_example("phone_bridge", bin, sizeof bin)) {
        CHECK(0);
        return;
    }
    snprintf(in, sizeof in, "/tmp/azaudio_test_call_%ld.wav", (long)getpid());
    snprintf(out, sizeof out, "/tmp/azaudio_test_call_reply_%ld.wav", (long)getpid());
    CHECK(write_call_wav(in, 8000)); /* PCM16 8 kHz: the example converts it to mu-law with the kit */
    emulator_reset();
    snprintf(cmd, sizeof cmd, "%s %s %s gpt-realtime --speedup %d 2>&1", bin, in, out, EXAMPLE_SPEEDUP);
    int rc = run_capture(cmd, log, sizeof log);
    printf("%s", log);
    CHECK(rc == 0);
    CHECK_STR_CONTAINS(log, "g711_ulaw in and out");
    CHECK_STR_CONTAINS(log, "barge-in");
    CHECK_STR_CONTAINS(log, "You said");
    CHECK(client_events("conversation.item.truncate") >= 1);
    azaudio_audio_buffer *reply = NULL;
    CHECK_RESULT(azaudio_wav_read_file(out, &reply), AZAUDIO_OK);
    azaudio_wav_info info;
    azaudio_wav_info_init(&info);
    azaudio_audio_buffer_info(reply, &info);
    CHECK(info.format == AZAUDIO_FORMAT_ULAW && info.sample_rate == 8000 && info.channels == 1);
    CHECK(info.frame_count >= 8000 * 3 && info.frame_count % 160 == 0); /* whole 20 ms frames, the call's length */
    azaudio_audio_buffer_destroy(reply);
    remove(in);
    remove(out);
    remove(bin);
}

TEST(game_voice_example_runs_48k_in_and_out) {
    char bin[256], in[128], out[128], cmd[1024];
    static char log[65536];
    if (!build_example("game_voice", bin, sizeof bin)) {
        CHECK(0);
        return;
    }
    snprintf(in, sizeof in, "/tmp/azaudio_test_mic_%ld.wav", (long)getpid());
    snprintf(out, sizeof out, "/tmp/azaudio_test_speaker_%ld.wav", (long)getpid());
    CHECK(write_call_wav(in, 48000));
    emulator_reset();
    snprintf(cmd, sizeof cmd, "%s %s %s gpt-realtime --speedup %d 2>&1", bin, in, out, EXAMPLE_SPEEDUP);
    int rc = run_capture(cmd, log, sizeof log);
    printf("%s", log);
    CHECK(rc == 0);
    CHECK_STR_CONTAINS(log, "48 kHz");
    CHECK_STR_CONTAINS(log, "You said");
    azaudio_audio_buffer *reply = NULL;
    CHECK_RESULT(azaudio_wav_read_file(out, &reply), AZAUDIO_OK);
    azaudio_wav_info info;
    azaudio_wav_info_init(&info);
    azaudio_audio_buffer_info(reply, &info);
    CHECK(info.format == AZAUDIO_FORMAT_PCM16 && info.sample_rate == 48000 && info.channels == 1);
    CHECK(info.frame_count >= 48000 * 3);
    azaudio_audio_buffer_destroy(reply);
    remove(in);
    remove(out);
    remove(bin);
}

/* RUN, unless a test name was given on the command line and this is not it. */
#define RUN_SELECTED(name)                                                                                             \
    do {                                                                                                               \
        if (!only || strcmp(only, #name) == 0) RUN(name);                                                              \
    } while (0)

int main(int argc, char **argv) {
    const char *only = argc > 1 ? argv[1] : NULL; /* run one test by name */
    if (!realtime_setup()) return 2;
    if (!realtime_speak_pcm("Please tell me about the weather in Oslo tomorrow morning and whether I will need an "
                            "umbrella.",
                            &question_pcm, &question_size))
        return 2;
    RUN_SELECTED(barge_in_truncates_at_the_played_position);
    RUN_SELECTED(barge_in_clamps_the_position_to_the_audio_received);
    RUN_SELECTED(barge_in_sends_no_truncate_when_nothing_was_played);
    RUN_SELECTED(barge_in_cancels_the_response_when_the_server_does_not);
    RUN_SELECTED(no_barge_in_once_the_reply_was_all_played);
    RUN_SELECTED(barge_in_off_leaves_it_to_the_host);
    RUN_SELECTED(barge_in_in_callback_mode_flushes_right_after_speech_started);
    RUN_SELECTED(audio_played_rejects_unknown_items_and_bad_input);
    RUN_SELECTED(mulaw_8k_passes_straight_through_a_g711_ulaw_session);
    RUN_SELECTED(pcm_16k_and_48k_input_is_resampled_to_the_session_rate);
    RUN_SELECTED(pcm_44100_hz_stereo_input_is_mixed_and_resampled_to_the_session_rate);
    RUN_SELECTED(pcm_16k_and_48k_and_mulaw_output_has_the_reply_duration);
    RUN_SELECTED(output_at_44100_hz_stereo_has_the_reply_duration_on_both_channels);
    RUN_SELECTED(caller_format_options_are_checked);
    RUN_SELECTED(alaw_8k_into_a_pcm16_session_is_decoded_and_resampled);
    RUN_SELECTED(phone_bridge_example_runs_a_call_with_barge_in);
    RUN_SELECTED(game_voice_example_runs_48k_in_and_out);
    azaudio_free(question_pcm);
    realtime_teardown();
    return check_summary();
}
