/* connector.c - opens a call's realtime session without blocking the libre loop: azaudio_realtime_connect_async()
 * returns the session at once, the loop watches its readiness descriptor from then on (agent.c), and the outcome
 * arrives as an event like any other: AZAUDIO_EVENT_CONNECTED (answer the call, or dial it) or
 * AZAUDIO_EVENT_CONNECT_FAILED (refuse it with 503). No thread of the gateway's is involved. A call that ends while
 * its session is still connecting destroys the session, which cancels the connect. */
#include <errno.h>
#include <string.h>

#include "call.h"

int gw_connect_start(gw *g, gw_call *call, int audio_format) {
    azaudio_realtime_options opts;
    AZAUDIO_INIT(realtime_options, &opts);
    opts.deployment = g->cfg->deployment;
    opts.instructions = g->cfg->instructions;
    opts.voice = g->cfg->voice;
    opts.tools_json = g->cfg->tools_json;
    opts.tool_choice = g->cfg->tool_choice;
    /* The phone's codec both ways: G.711 frames pass straight through (base64 only, no resampling). */
    opts.input_audio_format = audio_format;
    opts.output_audio_format = audio_format;
    opts.barge_in = 1;
    /* Continuity: the library itself reopens a lost or expiring session and replays the conversation into it
     * (RECONNECTING / RECONNECTED, RENEWING / RENEWED); the call and its RTP carry on meanwhile. */
    opts.reconnect_max_attempts = g->cfg->reconnect_attempts;
    if (g->cfg->renewal_margin_ms != UINT32_MAX) opts.renewal_margin_ms = g->cfg->renewal_margin_ms;
    azaudio_realtime_session *rt = NULL;
    if (azaudio_realtime_connect_async(g->client, &opts, &rt) != AZAUDIO_OK) {
        gw_log(call, "error", "what=connect reason=\"%s\"", azaudio_last_error());
        return -1;
    }
    call->connecting = 1;
    int err = gw_agent_attach(call, rt);
    if (err) {
        gw_log(call, "error", "what=event_fd err=\"%m\"", err);
        gw_agent_detach(call);
        return -1;
    }
    return 0;
}

void gw_connect_outcome(gw_call *call, const azaudio_realtime_event *e) {
    call->connecting = 0;
    if (azaudio_realtime_event_type(e) == AZAUDIO_EVENT_CONNECTED)
        gw_call_connected(call, AZAUDIO_OK, NULL);
    else
        gw_call_connected(call, azaudio_realtime_event_result(e), azaudio_realtime_event_text(e));
}
