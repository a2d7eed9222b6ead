/* status_http.c - GET /status (or /) on --http-listen answers the live counters as JSON; anything else 404. */
#include <string.h>

#include "call.h"

static void status_handler(struct http_conn *conn, const struct http_msg *msg, void *arg) {
    gw *g = arg;
    if (pl_strcmp(&msg->met, "GET") != 0 ||
        (pl_strcmp(&msg->path, "/status") != 0 && pl_strcmp(&msg->path, "/") != 0)) {
        (void)http_ereply(conn, 404, "Not Found");
        return;
    }
    const gw_counters *n = &g->n;
    (void)http_creply(conn, 200, "OK", "application/json",
                      "{\"uptime_s\":%llu,\"calls_active\":%u,\"max_calls\":%u,\"calls_total\":%llu,"
                      "\"calls_answered\":%llu,\"calls_failed\":%llu,\"rejected_busy\":%llu,\"rejected_codec\":%llu,"
                      "\"rejected_service\":%llu,\"rtp_in\":%llu,\"rtp_out\":%llu,\"rtp_foreign\":%llu,"
                      "\"rtp_dropped_busy\":%llu,\"rtp_concealed\":%llu,\"digits\":%llu,\"barge_ins\":%llu,"
                      "\"replies\":%llu}\n",
                      (unsigned long long)((azaudio_monotonic_us() - g->started_us) / 1000000), gw_active_calls(g),
                      g->cfg->max_calls, (unsigned long long)n->calls_total, (unsigned long long)n->calls_answered,
                      (unsigned long long)n->calls_failed, (unsigned long long)n->rejected_busy,
                      (unsigned long long)n->rejected_codec, (unsigned long long)n->rejected_service,
                      (unsigned long long)n->rtp_in, (unsigned long long)n->rtp_out, (unsigned long long)n->rtp_foreign,
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
