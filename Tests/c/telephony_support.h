/* Helpers shared by the telephony C tests (test_telephony_*.c, run with the emulator's --speed 4): what a realtime
 * session delivered (seen, record, the pull helpers), audio helpers (resampling, the test speech as mu-law, sending
 * frames, talking over a reply), a longer question, and RUN_SELECTED for running one test by name. */
#ifndef AZAUDIO_TELEPHONY_SUPPORT_H
#define AZAUDIO_TELEPHONY_SUPPORT_H

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

static inline void record(void *seen_, const azaudio_realtime_event *e) {
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

static inline void seen_init(seen *s) {
    memset(s, 0, sizeof *s);
    s->flush_ms = s->truncated_ms = s->speech_started_ms = s->speech_stopped_ms = -1;
}

static inline void seen_free(seen *s) { free(s->audio); }

/* Pulls events until one of type `until` came (returns 1) or CLOSED / the deadline (returns 0). */
static inline int pull_until(azaudio_realtime_session *session, seen *s, int until, double seconds) {
    return realtime_pull_until(session, record, s, until, seconds, 100);
}

/* Pulls events until `ms` of PCM16 24 kHz reply audio arrived. */
static inline int pull_audio_ms(azaudio_realtime_session *session, seen *s, size_t ms, double seconds) {
    double deadline = now_seconds() + seconds;
    while (s->audio_bytes < ms * 48 && now_seconds() < deadline) {
        if (!pull_until(session, s, AZAUDIO_EVENT_AUDIO_DELTA, deadline - now_seconds())) return 0;
    }
    return s->audio_bytes >= ms * 48;
}

/* Pulls whatever arrives for `seconds`. */
static inline void pull_for(azaudio_realtime_session *session, seen *s, double seconds) {
    double deadline = now_seconds() + seconds;
    while (now_seconds() < deadline) {
        azaudio_realtime_event *e = NULL;
        if (realtime_next(session, &e, 50) != 1) continue;
        record(s, e);
        azaudio_realtime_event_free(e);
    }
}

static inline azaudio_realtime_options options(void) {
    azaudio_realtime_options o;
    AZAUDIO_INIT(realtime_options, &o);
    o.deployment = "gpt-realtime";
    return o;
}

/* A session opened with `o` on a fresh emulator log, and `got` made empty for it. NULL (the test is failed) if it did
 * not open. */
static inline azaudio_realtime_session *telephony_session(const azaudio_realtime_options *o, seen *got) {
    emulator_reset();
    seen_init(got);
    azaudio_realtime_session *s = connect_with(o);
    CHECK(s != NULL);
    return s;
}

/* ---- audio helpers --------------------------------------------------------------------------------------------- */

/* Resamples PCM16 (whole stream, flushed). Returns samples in *out_samples; free the result. */
static inline int16_t *resample(const int16_t *in, size_t samples, uint32_t from, uint32_t to, size_t *out_samples) {
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

/* 24 kHz PCM16 test audio (`size` bytes) as 8 kHz mu-law; free the result. */
static inline uint8_t *ulaw_8k(const uint8_t *pcm24, size_t size, size_t *out_size) {
    size_t n = 0;
    int16_t *pcm8 = resample((const int16_t *)pcm24, size / 2, 24000, 8000, &n);
    uint8_t *codes = malloc(n + 1);
    azaudio_g711_ulaw_encode(pcm8, n, codes);
    free(pcm8);
    *out_size = n;
    return codes;
}

/* The test speech as 8 kHz mu-law. */
static inline uint8_t *speech_ulaw(size_t *size) { return ulaw_8k(speech_pcm, speech_size, size); }

/* Sends `size` bytes in frames of `frame` bytes, then `silence_frames` frames of silence (`silence` byte). */
static inline void send_frames(azaudio_realtime_session *s, const uint8_t *audio, size_t size, size_t frame,
                               uint8_t silence, int silence_frames) {
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
static inline void speak_over(azaudio_realtime_session *s) { send_frames(s, speech_pcm, speech_size, 960, 0, 40); }

/* Starts a long spoken reply to a text message and waits until `ms` of its audio arrived. */
static inline int start_long_reply(azaudio_realtime_session *s, seen *got, size_t ms) {
    CHECK_RESULT(azaudio_realtime_create_text_item(s, "user", LONG_TEXT), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    return pull_audio_ms(s, got, ms, 20);
}

/* The start of a barge-in case: a session opened with `o`, a reply of at least `reply_ms` of audio, `played_ms` of it
 * reported played (none when negative), then the caller speaking over it. NULL (the test is failed) if the session
 * did not open. */
static inline azaudio_realtime_session *speak_over_reply(const azaudio_realtime_options *o, seen *got, size_t reply_ms,
                                                         int64_t played_ms) {
    azaudio_realtime_session *s = telephony_session(o, got);
    if (!s) return NULL;
    CHECK(start_long_reply(s, got, reply_ms));
    if (played_ms >= 0)
        CHECK_RESULT(azaudio_realtime_audio_played(s, got->audio_item, (uint32_t)played_ms), AZAUDIO_OK);
    speak_over(s);
    return s;
}

/* RUN, unless a test name was given on the command line and this is not it. */
#define RUN_SELECTED(name)                                                                                             \
    do {                                                                                                               \
        if (!only || strcmp(only, #name) == 0) RUN(name);                                                              \
    } while (0)

/* The emulator and the test speech (realtime_setup), and the longer question. 0 on failure. */
static inline int telephony_setup(void) {
    if (!realtime_setup()) return 0;
    return realtime_speak_pcm("Please tell me about the weather in Oslo tomorrow morning and whether I will need an "
                              "umbrella.",
                              &question_pcm, &question_size);
}

static inline void telephony_teardown(void) {
    azaudio_free(question_pcm);
    realtime_teardown();
}

#endif
