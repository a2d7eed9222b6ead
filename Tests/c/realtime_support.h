/* Helpers shared by the realtime C tests (test_realtime.c, test_telephony.c): the client and spoken audio they
 * share, connecting, and pulling events. Include after rest_support.h. Each test file keeps its own `seen` record
 * and passes its recorder to the pull helpers. */
#ifndef AZAUDIO_REALTIME_SUPPORT_H
#define AZAUDIO_REALTIME_SUPPORT_H

#include "rest_support.h"
#include "realtime_pull_support.h"

#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static azaudio_client *client;
static uint8_t *speech_pcm; /* "what time is it" spoken at 24 kHz, PCM16 */
static size_t speech_size;

/* Receives each pulled event (the test file's recorder). */
typedef void (*realtime_recorder)(void *seen, const azaudio_realtime_event *event);

/* Waits up to timeout_ms for the next event (azaudio_realtime_poll_event: no event yet is not an error): 1 and *out
 * set when one came, 0 when none did, -1 on a failure. */
static inline int realtime_next(azaudio_realtime_session *session, azaudio_realtime_event **out, int32_t timeout_ms) {
    if (azaudio_realtime_poll_event(session, out, timeout_ms) != AZAUDIO_OK) return -1;
    return *out != NULL;
}

/* Pulls events (waiting at most poll_ms each time) until one of type `until` came (returns 1), or CLOSED came or
 * the deadline passed (returns 0). */
static inline int realtime_pull_until(azaudio_realtime_session *session, realtime_recorder record, void *seen,
                                      int until, double seconds, int32_t poll_ms) {
    double deadline = now_seconds() + seconds;
    while (now_seconds() < deadline) {
        azaudio_realtime_event *e = NULL;
        int got = realtime_next(session, &e, poll_ms);
        if (got == 0) continue;
        if (got < 0) return 0;
        int t = azaudio_realtime_event_type(e);
        record(seen, e);
        azaudio_realtime_event_free(e);
        if (t == until) return 1;
        if (t == AZAUDIO_EVENT_CLOSED) return 0;
    }
    fprintf(stderr, "  timed out waiting for event %d\n", until);
    return 0;
}

static inline azaudio_realtime_session *connect_with(const azaudio_realtime_options *o) {
    azaudio_realtime_session *s = NULL;
    if (azaudio_realtime_connect(client, o, &s) != AZAUDIO_OK)
        fprintf(stderr, "  connect failed: %s\n", azaudio_last_error());
    return s;
}

/* Speaks `text` as 24 kHz PCM16 into a buffer (free it with azaudio_free); 0 on failure, with the reason printed. */
static inline int realtime_speak_pcm(const char *text, uint8_t **pcm, size_t *size) {
    return rest_speak_pcm(client, text, NULL, pcm, size);
}

/* rest_setup(), the shared client and the spoken question; 0 on failure. */
static inline int realtime_setup(void) {
    rest_setup();
    client = rest_client();
    return realtime_speak_pcm("What time is it?", &speech_pcm, &speech_size);
}

static inline void realtime_teardown(void) {
    azaudio_free(speech_pcm);
    azaudio_client_destroy(client);
    rest_teardown();
}

/* ---- Call continuity (test_realtime_continuity.c, test_realtime_long_call.c) ---- */

/* A session with turn detection off (text replies only if `text_only`), events to `callback` (NULL: pull mode). */
static inline azaudio_realtime_session *realtime_manual_session(int text_only, azaudio_realtime_event_fn callback) {
    azaudio_realtime_options o = realtime_manual_options();
    o.text_only = text_only;
    o.event_callback = callback;
    return connect_with(&o);
}

/* Whether descriptor `fd` is readable within `wait_ms`. */
static inline int realtime_fd_readable(int32_t fd, int wait_ms) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, wait_ms) == 1 && (p.revents & POLLIN);
}

/* Reconnect on, short backoff, renewal `margin_ms` before the session's limit. */
static inline azaudio_realtime_options realtime_renewing_options(uint32_t margin_ms) {
    azaudio_realtime_options o = realtime_manual_options();
    o.reconnect_max_attempts = 3;
    o.reconnect_backoff_ms = 20;
    o.renewal_margin_ms = margin_ms;
    return o;
}

/* Sends `frames` 20 ms frames of quiet PCM16 (24 kHz: 960 bytes each). */
static inline void realtime_send_quiet(azaudio_realtime_session *s, int frames) {
    uint8_t frame[960];
    memset(frame, 0, sizeof frame);
    for (int i = 0; i < frames; i++) CHECK_RESULT(azaudio_realtime_send_audio(s, frame, sizeof frame), AZAUDIO_OK);
}

/* The emulator's view of its realtime sessions (free it). */
static inline char *realtime_emulator_sessions(void) {
    return emulator_call("GET", "/_emulator/realtime/sessions", NULL);
}

/* The text of session `index` (0-based) in the sessions view, in `out`; 0 if there is none. */
static inline int realtime_session_text(const char *view, int index, char *out, size_t size) {
    const char *p = view;
    for (int i = 0; i <= index; i++) {
        p = p ? strstr(p + (i ? 1 : 0), "\"session_id\"") : NULL;
        if (!p) return 0;
    }
    const char *end = strstr(p + 1, "\"session_id\"");
    size_t n = end ? (size_t)(end - p) : strlen(p);
    if (n >= size) n = size - 1;
    memcpy(out, p, n);
    out[n] = 0;
    return 1;
}

/* A number after `"key": ` in `text`, or -1. */
static inline long realtime_json_number(const char *text, const char *key) {
    char quoted[64];
    snprintf(quoted, sizeof quoted, "\"%s\": ", key);
    const char *p = strstr(text, quoted);
    return p ? strtol(p + strlen(quoted), NULL, 10) : -1;
}

/* The caller audio (bytes) every session in the sessions view received, summed; how many sessions in *sessions. */
static inline long realtime_input_bytes(const char *view, int *sessions) {
    static char one[65536];
    long total = 0;
    int n = 0;
    while (view && realtime_session_text(view, n, one, sizeof one)) {
        total += realtime_json_number(one, "audio_bytes");
        n++;
    }
    *sessions = n;
    return total;
}

/* A number after `"key":` (no space: the library's JSON) in `json`, or -1000 when the key is absent. */
static inline long realtime_figure(const char *json, const char *key) {
    char quoted[96];
    snprintf(quoted, sizeof quoted, "\"%s\":", key);
    const char *p = strstr(json, quoted);
    return p ? strtol(p + strlen(quoted), NULL, 10) : -1000;
}

#endif
