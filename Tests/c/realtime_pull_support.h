/* realtime_pull_support.h - stateless realtime helpers for any C test (no shared client or audio, unlike
 * realtime_support.h, which includes this): manual-turn options, pulling the next event before a deadline, and one
 * spoken turn in pull mode checked to its last event. Include after rest_support.h (now_seconds). */
#ifndef AZAUDIO_REALTIME_PULL_SUPPORT_H
#define AZAUDIO_REALTIME_PULL_SUPPORT_H

#include "azaudio.h"
#include "check.h"

#include <stddef.h>
#include <stdint.h>

/* The session's next event, waiting until `deadline` (now_seconds() time) at the most. Returns 1 with *out set
 * (free it), 0 once the deadline passed or the session has no more events. */
static inline int realtime_next_before(azaudio_realtime_session *session, double deadline,
                                       azaudio_realtime_event **out) {
    while (now_seconds() < deadline) {
        azaudio_result rc = azaudio_realtime_next_event(session, out, 100);
        if (rc == AZAUDIO_OK) return 1;
        if (rc != AZAUDIO_ERR_TIMEOUT) return 0;
    }
    return 0;
}

static inline azaudio_realtime_options realtime_manual_options(void) {
    azaudio_realtime_options o;
    azaudio_realtime_options_init(&o);
    o.deployment = "gpt-realtime";
    o.turn_detection = AZAUDIO_TURN_NONE; /* the test decides when turns happen */
    return o;
}

/* One manual turn in pull mode on client `c`: `question` (24 kHz PCM16) as one append, then commit and response;
 * checks that every event up to RESPONSE_DONE comes (within 30 s) with nothing more sent, audio among them. */
static inline void realtime_check_spoken_turn(azaudio_client *c, const uint8_t *question, size_t question_size) {
    azaudio_realtime_options o = realtime_manual_options();
    azaudio_realtime_session *s = NULL;
    CHECK_RESULT(azaudio_realtime_connect(c, &o, &s), AZAUDIO_OK);
    if (!s) return;
    CHECK_RESULT(azaudio_realtime_send_audio(s, question, question_size), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_commit(s), AZAUDIO_OK);
    CHECK_RESULT(azaudio_realtime_create_response(s, NULL), AZAUDIO_OK);
    int deltas = 0, done = 0, closed = 0;
    size_t audio = 0;
    double deadline = now_seconds() + 30;
    azaudio_realtime_event *e = NULL;
    while (!done && !closed && realtime_next_before(s, deadline, &e)) {
        int t = azaudio_realtime_event_type(e);
        if (t == AZAUDIO_EVENT_AUDIO_DELTA) {
            size_t n = 0;
            azaudio_realtime_event_audio(e, &n);
            audio += n;
            deltas++;
        }
        done = t == AZAUDIO_EVENT_RESPONSE_DONE;
        closed = t == AZAUDIO_EVENT_CLOSED;
        azaudio_realtime_event_free(e);
    }
    CHECK(done);
    CHECK(deltas > 1);
    CHECK(audio > 0);
    azaudio_realtime_destroy(s);
}

#endif
