/* Shared helpers for the realtime C tests (pull mode). */
#ifndef AZAUDIO_REALTIME_SUPPORT_H
#define AZAUDIO_REALTIME_SUPPORT_H

#include "azaudio.h"
#include "rest_support.h"

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

#endif
