/* Shared by the realtime C tests: pulling events into a test's own record until one type arrives. */
#ifndef AZAUDIO_REALTIME_SUPPORT_H
#define AZAUDIO_REALTIME_SUPPORT_H

#include "azaudio.h"
#include "rest_support.h"

#include <stdio.h>

/* Records one event into a test's own summary (`user`). */
typedef void (*realtime_record_fn)(void *user, const azaudio_realtime_event *event);

/* Pulls events, passing each to `record`, until one of type `until` came (returns 1), or CLOSED came or `seconds`
 * passed (returns 0; the timeout is reported on stderr). */
static inline int realtime_pull_until(azaudio_realtime_session *session, realtime_record_fn record, void *user,
                                      int until, double seconds) {
    double deadline = now_seconds() + seconds;
    while (now_seconds() < deadline) {
        azaudio_realtime_event *e = NULL;
        azaudio_result rc = azaudio_realtime_next_event(session, &e, 100);
        if (rc == AZAUDIO_ERR_TIMEOUT) continue;
        if (rc != AZAUDIO_OK) return 0;
        int t = azaudio_realtime_event_type(e);
        record(user, e);
        azaudio_realtime_event_free(e);
        if (t == until) return 1;
        if (t == AZAUDIO_EVENT_CLOSED) return 0;
    }
    fprintf(stderr, "  timed out waiting for event %d\n", until);
    return 0;
}

#endif
