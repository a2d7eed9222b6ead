/* sip_server.c - the SIP side: the stack and its transports, new INVITEs (486 past --max-calls, 488 without a
 * common codec, 180 while the realtime session opens), OPTIONS (health probes), optional registration, and the
 * session handlers libre calls for re-INVITEs, ACK, BYE and CANCEL. */
#include <stdio.h>
#include <string.h>

#include "call.h"

#define ALLOW_HDR "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, REFER, NOTIFY\r\n"

static int offer_handler(struct mbuf **descp, const struct sip_msg *msg, void *arg) {
    gw_call *call = arg;
    int err = sdp_decode(call->sdp, msg->mb, true);
    if (err) return err;
    if (gw_call_apply_sdp(call) != 0) return EPROTO; /* libre answers 488 */
    gw_log(call, "reinvite", "hold=%d", call->on_hold);
    return sdp_encode(descp, call->sdp, false);
}

static int answer_handler(const struct sip_msg *msg, void *arg) {
    gw_call *call = arg;
    int err = sdp_decode(call->sdp, msg->mb, false);
    if (err) return err;
    return gw_call_apply_sdp(call) != 0 ? EPROTO : 0;
}

static void estab_handler(const struct sip_msg *msg, void *arg) {
    gw_call *call = arg;
    (void)msg;
    call->established = 1;
    gw_log(call, "established", NULL);
    if (call->outbound && !call->answered) gw_call_answered(call); /* the called party took the call */
}

static void progress_handler(const struct sip_msg *msg, void *arg) {
    gw_call *call = arg;
    gw_log(call, "progress", "status=%u", msg->scode);
}

static void close_handler(int err, const struct sip_msg *msg, void *arg) {
    gw_call *call = arg;
    char reason[96];
    /* libre reports a BYE from the caller (and a CANCEL before the answer) as ECONNRESET. */
    if (err == ECONNRESET)
        re_snprintf(reason, sizeof reason,
                    !call->answered  ? "cancelled"
                    : call->outbound ? "callee_bye"
                                     : "caller_bye");
    else if (msg && !msg->req)
        re_snprintf(reason, sizeof reason, "sip_%u", msg->scode);
    else
        re_snprintf(reason, sizeof reason, "sip_error_%m", err);
    gw_call_end(call, reason);
}

static void refer_handler(struct sip *sip, const struct sip_msg *msg, void *arg) {
    (void)arg;
    (void)sip_treply(NULL, sip, msg, 603, "Decline"); /* the gateway does not take transfers */
}

/* Rejects a new INVITE outside any session. */
static void reject(gw *g, const struct sip_msg *msg, uint16_t scode, const char *reason, const char *why) {
    (void)sip_treplyf(NULL, NULL, g->sip, msg, true, scode, reason,
                      "Warning: 399 azaudio-gateway \"%s\"\r\nContent-Length: 0\r\n\r\n", why);
}

static void invite_handler(const struct sip_msg *msg, void *arg) {
    gw *g = arg;
    g->n.calls_total++;
    if (g->stopping) {
        reject(g, msg, 503, "Service Unavailable", "shutting down");
        return;
    }
    if (gw_active_calls(g) >= g->cfg->max_calls) {
        g->n.rejected_busy++;
        reject(g, msg, 486, "Busy Here", "max-calls reached");
        return;
    }
    gw_call *call = gw_call_alloc(g, msg);
    if (!call || gw_call_media_open(call) != 0) {
        if (call) gw_call_end(call, "no_media_port");
        g->n.calls_failed++;
        reject(g, msg, 503, "Service Unavailable", "no RTP port free");
        return;
    }
    call->late_offer = mbuf_get_left(msg->mb) == 0;
    if (!call->late_offer) {
        if (sdp_decode(call->sdp, msg->mb, true) != 0 || gw_call_apply_sdp(call) != 0) {
            g->n.rejected_codec++;
            gw_log(call, "rejected", "status=488 reason=no_common_codec");
            reject(g, msg, 488, "Not Acceptable Here", "offer has no PCMU or PCMA audio");
            gw_call_end(call, "no_common_codec");
            return;
        }
    }
    int err = sipsess_accept(&call->sess, g->sess_sock, msg, 180, "Ringing", "azaudio", "application/sdp", NULL, NULL,
                             NULL, false, offer_handler, answer_handler, estab_handler, NULL, refer_handler,
                             close_handler, call, ALLOW_HDR);
    if (err) {
        gw_log(call, "error", "what=sipsess_accept err=\"%m\"", err);
        reject(g, msg, 500, "Server Internal Error", "cannot accept");
        gw_call_end(call, "accept_failed");
        return;
    }
    gw_log(call, "invite", "codec=%s", call->format == AZAUDIO_FORMAT_ALAW ? "PCMA" : "PCMU");
    /* Late offer: the codec is chosen from the answer in the ACK; the session is g711_ulaw unless PCMA was offered. */
    if (gw_connect_start(g, call, call->format) != 0) {
        (void)sipsess_reject(call->sess, 503, "Service Unavailable", "Warning: 399 azaudio-gateway \"no session\"\r\n");
        call->rejected = 1;
        gw_call_end(call, "connect_failed");
    }
}

/* Requests no session took: OPTIONS answered (load balancers probe with it), anything else left to libre. */
static bool request_handler(const struct sip_msg *msg, void *arg) {
    gw *g = arg;
    if (pl_strcmp(&msg->met, "OPTIONS") == 0) {
        (void)sip_treplyf(NULL, NULL, g->sip, msg, false, 200, "OK",
                          ALLOW_HDR "Accept: application/sdp\r\nContent-Length: 0\r\n\r\n");
        return true;
    }
    if (pl_strcmp(&msg->met, "INVITE") != 0 && pl_strcmp(&msg->met, "ACK") != 0) {
        (void)sip_treply(NULL, g->sip, msg, 405, "Method Not Allowed");
        return true;
    }
    return false;
}

static int auth_handler(char **user, char **pass, const char *realm, void *arg) {
    gw *g = arg;
    (void)realm;
    if (!g->cfg->user || !g->cfg->password) return EAUTH;
    int err = str_dup(user, g->cfg->user);
    return err ? err : str_dup(pass, g->cfg->password);
}

int gw_sip_dial(gw_call *call, struct mbuf *offer) {
    gw *g = call->g;
    char from[96];
    re_snprintf(from, sizeof from, "sip:azaudio@%j:%u", &g->media_ip, g->cfg->sip_port);
    re_snprintf(call->from, sizeof call->from, "%s", from);
    int err = sipsess_connect(&call->sess, g->sess_sock, call->to, "azaudio", from, "azaudio", NULL, 0,
                              "application/sdp", offer, auth_handler, g, false, offer_handler, answer_handler,
                              progress_handler, estab_handler, NULL, refer_handler, close_handler, call, ALLOW_HDR);
    if (!err) {
        const char *callid = sip_dialog_callid(sipsess_dialog(call->sess));
        re_snprintf(call->callid, sizeof call->callid, "%s", callid ? callid : "");
    }
    return err;
}

static void register_handler(int err, const struct sip_msg *msg, void *arg) {
    (void)arg;
    if (err)
        re_printf("event=register status=error err=\"%m\"\n", err);
    else
        re_printf("event=register status=%u\n", msg ? msg->scode : 0);
    fflush(stdout);
}

int gw_sip_start(gw *g) {
    struct sa laddr;
    int err = sa_set_str(&laddr, g->cfg->sip_host, g->cfg->sip_port);
    if (err) {
        re_fprintf(stderr, "azaudio-gateway: --sip-listen %s: not an IP address\n", g->cfg->sip_host);
        return err;
    }
    g->media_ip = laddr;
    sa_set_port(&g->media_ip, 0);
    if (sa_is_any(&g->media_ip) && net_default_source_addr_get(sa_af(&laddr), &g->media_ip) != 0) {
        re_fprintf(stderr, "azaudio-gateway: no local address for RTP\n");
        return EADDRNOTAVAIL;
    }
    /* DNS only matters for --register with a host name; the system's servers, as resolv.conf lists them. */
    struct sa nsv[4];
    uint32_t nsn = 4;
    char domain[64] = "";
    if (dns_srv_get(domain, sizeof domain, nsv, &nsn) != 0) nsn = 0;
    err = dnsc_alloc(&g->dnsc, NULL, nsv, nsn);
    if (!err) err = sip_alloc(&g->sip, g->dnsc, 64, 64, 64, "azaudio-gateway", NULL, NULL);
    if (!err) err = sip_transp_add(g->sip, SIP_TRANSP_UDP, &laddr);
    if (!err) err = sip_transp_add(g->sip, SIP_TRANSP_TCP, &laddr);
    if (err) {
        re_fprintf(stderr, "azaudio-gateway: cannot listen for SIP on %J: %m\n", &laddr, err);
        return err;
    }
    err = sipsess_listen(&g->sess_sock, g->sip, 64, invite_handler, g);
    if (!err) err = sip_listen(&g->lsnr, g->sip, true, request_handler, g);
    if (!err && g->cfg->register_uri) {
        char contact_user[] = "azaudio";
        err = sipreg_register(&g->reg, g->sip, g->cfg->register_uri, g->cfg->register_uri, NULL, g->cfg->register_uri,
                              600, contact_user, NULL, 0, 0, auth_handler, g, false, register_handler, g, NULL, NULL);
    }
    return err;
}

void gw_sip_stop(gw *g) {
    g->reg = mem_deref(g->reg);
    if (g->sess_sock) sipsess_close_all(g->sess_sock);
    g->lsnr = mem_deref(g->lsnr);
    g->sess_sock = mem_deref(g->sess_sock);
    /* Forced: transactions still open (an unregistration nobody answered) must not keep the stack alive. */
    if (g->sip) sip_close(g->sip, true);
    g->sip = mem_deref(g->sip);
    g->dnsc = mem_deref(g->dnsc);
}
