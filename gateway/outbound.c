/* outbound.c - calls the gateway places: `--call URI` at start-up, or `POST /call` on the status endpoint with the
 * SIP URI as the body. The realtime session is opened first (asynchronously, as for an incoming call), so that the
 * agent is ready when the called party answers; then the INVITE goes out offering PCMU (the session's law), PCMA
 * (converted to and from it if the called party picks it) and RFC 4733 digits. When the called party answers, the
 * agent speaks first (a response is asked for) and the call runs like any other: same media, barge-in, tools, BYE
 * from either side. */
#include <string.h>

#include "call.h"

int gw_outbound_place(gw *g, const char *uri) {
    if (g->stopping) return ESHUTDOWN;
    if (gw_active_calls(g) >= g->cfg->max_calls) return EBUSY;
    if (!uri || strncmp(uri, "sip:", 4) != 0 || strlen(uri) >= sizeof(((gw_call *)0)->to)) return EINVAL;
    gw_call *call = gw_call_new(g);
    if (!call) return ENOMEM;
    g->n.calls_total++;
    g->n.calls_placed++;
    call->outbound = 1;
    re_snprintf(call->to, sizeof call->to, "%s", uri);
    re_snprintf(call->callid, sizeof call->callid, "-");
    int err = gw_call_media_open(call);
    if (!err) err = gw_connect_start(g, call, call->format) != 0 ? EIO : 0;
    if (err) {
        g->n.calls_failed++;
        gw_call_end(call, "no_media_port");
        return err;
    }
    gw_log(call, "dialing", "to=\"%s\"", uri);
    return 0;
}

void gw_outbound_connected(gw_call *call, azaudio_result rc, const char *error) {
    gw *g = call->g;
    if (rc != AZAUDIO_OK) {
        g->n.rejected_service++;
        char why[160];
        gw_log_quote(error, why, sizeof why);
        gw_log(call, "rejected", "what=session result=%d reason=\"%s\"", (int)rc, why);
        gw_call_end(call, "service_refused");
        return;
    }
    struct mbuf *offer = NULL;
    int err = sdp_encode(&offer, call->sdp, true);
    if (!err) err = gw_sip_dial(call, offer);
    mem_deref(offer);
    if (err) {
        gw_log(call, "error", "what=dial err=\"%m\"", err);
        g->n.calls_failed++;
        gw_call_end(call, "dial_failed");
        return;
    }
    gw_log(call, "invite_sent", NULL);
}
