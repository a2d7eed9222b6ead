/* continuity.c - long calls outlive a realtime session. The service ends every session at its maximum duration
 * (session_expired, close 1001) or may drop it; the call itself stays up: the gateway opens a new session for it
 * (off the loop, as for the first), keeps the line's 20 ms clock running meanwhile (the caller hears silence, their
 * audio is not forwarded), and gives the new session what was said so far as one system item. */
#include <string.h>

#include "call.h"

#define MAX_RESUMES 20
#define HISTORY_KEEP 1500 /* bytes of the latest conversation kept for the next session */

void gw_history_add(gw_call *call, const char *who, const char *text) {
    if (!text || !*text) return;
    char line[512];
    int n = re_snprintf(line, sizeof line, "%s: %s\n", who, text);
    if (n <= 0) return;
    size_t len = strlen(call->history), add = strlen(line);
    if (add >= sizeof call->history) return;
    if (len + add >= sizeof call->history || len + add > HISTORY_KEEP) {
        /* Drop the oldest lines until the new one fits. */
        const char *keep = call->history;
        while (*keep && (strlen(keep) + add > HISTORY_KEEP)) {
            const char *nl = strchr(keep, '\n');
            keep = nl ? nl + 1 : keep + strlen(keep);
        }
        memmove(call->history, keep, strlen(keep) + 1);
        len = strlen(call->history);
    }
    memcpy(call->history + len, line, add + 1);
}

int gw_continuity_lost(gw_call *call, int close_code) {
    if (!call->answered || call->ended || call->resumes >= MAX_RESUMES || call->g->stopping) return 0;
    /* 1000: the gateway or the service closed it on purpose (nothing to continue). */
    if (close_code == 1000) return 0;
    call->resumes++;
    gw_log(call, "session_lost", "close_code=%d resume=%u", close_code, call->resumes);
    call->resuming = 1;
    return 1;
}

void gw_continuity_reconnect(gw_call *call) {
    call->resuming = 0;
    azaudio_realtime_destroy(call->rt);
    call->rt = NULL;
    call->responding = 0;
    gw_playout_flush(&call->out);
    if (gw_connect_start(call->g, call, call->format) != 0) gw_call_end(call, "session_closed");
}

void gw_continuity_resumed(gw_call *call, azaudio_realtime_session *rt) {
    call->rt = rt;
    call->session_id[0] = 0;
    gw_log(call, "session_resumed", "resume=%u history_bytes=%zu", call->resumes, strlen(call->history));
    if (call->history[0]) {
        char text[sizeof call->history + 96];
        re_snprintf(text, sizeof text, "This phone call continues from an earlier session. So far:\n%s", call->history);
        if (azaudio_realtime_create_text_item(rt, "system", text) != AZAUDIO_OK)
            gw_log(call, "error", "what=continuity_history");
    }
}
