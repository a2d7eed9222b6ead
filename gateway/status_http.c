/* status_http.c - on --http-listen: GET /status (or /) answers the live counters as JSON; POST /call with a SIP
 * URI as the body places a call (202 with the call's number, 503 at --max-calls, 400 for a bad URI); anything
 * else 404. Bind it to a trusted address: it has no authentication. */
#include <string.h>

#include "call.h"

static void place_call(gw *g, struct http_conn *conn, const struct http_msg *msg) {
    char uri[128] = "";
    struct pl body;
    pl_set_mbuf(&body, msg->mb);
    while (body.l && (body.p[body.l - 1] == '\n' || body.p[body.l - 1] == '\r' || body.p[body.l - 1] == ' ')) body.l--;
    if (body.l == 0 || body.l >= sizeof uri || pl_strcpy(&body, uri, sizeof uri) != 0) {
        (void)http_creply(conn, 400, "Bad Request", "text/plain", "the body must be a SIP URI (sip:user@host:port)\n");
        return;
    }
    int err = gw_outbound_place(g, uri);
    if (err == EBUSY || err == ESHUTDOWN)
        (void)http_creply(conn, 503, "Service Unavailable", "text/plain", "%s\n",
                          err == EBUSY ? "max-calls reached" : "shutting down");
    else if (err == EINVAL)
        (void)http_creply(conn, 400, "Bad Request", "text/plain", "not a SIP URI: %s\n", uri);
    else if (err)
        (void)http_creply(conn, 500, "Internal Server Error", "text/plain", "%m\n", err);
    else
        (void)http_creply(conn, 202, "Accepted", "application/json", "{\"call\":%u}\n", g->next_call_id);
}

static void status_handler(struct http_conn *conn, const struct http_msg *msg, void *arg) {
    gw *g = arg;
    if (pl_strcmp(&msg->met, "POST") == 0 && pl_strcmp(&msg->path, "/call") == 0) {
        place_call(g, conn, msg);
        return;
    }
    if (pl_strcmp(&msg->met, "GET") != 0 ||
        (pl_strcmp(&msg->path, "/status") != 0 && pl_strcmp(&msg->path, "/") != 0)) {
        (void)http_ereply(conn, 404, "Not Found");
        return;
    }
    const gw_counters *n = &g->n;
    (void)http_creply(conn, 200, "OK", "application/json",
                      "{\"uptime_s\":%llu,\"calls_active\":%u,\"max_calls\":%u,\"calls_total\":%llu,"
                      "\"calls_answered\":%llu,\"calls_failed\":%llu,\"calls_placed\":%llu,\"rejected_busy\":%llu,"
                      "\"rejected_codec\":%llu,"
                      "\"rejected_service\":%llu,\"rtp_in\":%llu,\"rtp_out\":%llu,\"rtp_foreign\":%llu,"
                      "\"rtp_dropped_busy\":%llu,\"rtp_concealed\":%llu,\"digits\":%llu,\"barge_ins\":%llu,"
                      "\"replies\":%llu}\n",
                      (unsigned long long)((azaudio_monotonic_us() - g->started_us) / 1000000), gw_active_calls(g),
                      g->cfg->max_calls, (unsigned long long)n->calls_total, (unsigned long long)n->calls_answered,
                      (unsigned long long)n->calls_failed, (unsigned long long)n->calls_placed,
                      (unsigned long long)n->rejected_busy, (unsigned long long)n->rejected_codec,
                      (unsigned long long)n->rejected_service, (unsigned long long)n->rtp_in,
                      (unsigned long long)n->rtp_out, (unsigned long long)n->rtp_foreign,
                      (unsigned long long)n->rtp_dropped_busy, (unsigned long long)n->rtp_concealed,
                      (unsigned long long)n->digits, (unsigned long long)n->barge_ins, (unsigned long long)n->replies);
}

int gw_status_start(gw *g) {
    if (!g->cfg->http_port) return 0;
    struct sa laddr;
    int err = sa_set_str(&laddr, g->cfg->http_host, g->cfg->http_port);
    if (!err) err = http_listen(&g->http, &laddr, status_handler, g);
    if (err)
        re_fprintf(stderr, "azaudio-gateway: --http-listen %s:%u: %m\n", g->cfg->http_host, g->cfg->http_port, err);
    return err;
}
