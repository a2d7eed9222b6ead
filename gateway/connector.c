/* connector.c - opens a call's realtime session without blocking the libre loop. azaudio_realtime_connect()
 * blocks until the session is ready (handshake, session.created, session.update), so each connect runs on a
 * short-lived worker thread that only calls the library and then hands the result to the loop through libre's
 * mqueue. Media never touches these threads: once connected, the loop takes the session's events when its
 * readiness descriptor wakes it, and the library's own I/O thread carries every call's WebSocket. A call that ends
 * while its connect is in flight is detached: the loop destroys the session when the result arrives. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"

typedef struct gw_pending {
    gw *g;
    gw_call *call; /* NULL once the call ended; touched on the loop thread only */
    azaudio_realtime_options opts;
    azaudio_realtime_session *session;
    azaudio_result rc;
    char error[256];
} gw_pending;

static void *connect_worker(void *arg) {
    gw_pending *p = arg;
    p->rc = azaudio_realtime_connect(p->g->client, &p->opts, &p->session);
    if (p->rc != AZAUDIO_OK) {
        const char *msg = azaudio_last_error(); /* per thread: copied before the thread ends */
        strncpy(p->error, msg ? msg : "", sizeof p->error - 1);
    }
    gw *g = p->g;
    if (mqueue_push(g->mq, 0, p) != 0) {
        /* The loop is gone (shutdown): nobody will take the result. */
        azaudio_realtime_destroy(p->session);
        free(p);
    }
    atomic_fetch_sub(&g->connecting, 1); /* last: main() keeps the mqueue until no worker can push */
    return NULL;
}

int gw_connect_start(gw *g, gw_call *call, int audio_format) {
    gw_pending *p = calloc(1, sizeof *p);
    if (!p) return -1;
    p->g = g;
    p->call = call;
    AZAUDIO_INIT(realtime_options, &p->opts);
    p->opts.deployment = g->cfg->deployment;
    p->opts.instructions = g->cfg->instructions;
    p->opts.voice = g->cfg->voice;
    p->opts.tools_json = g->cfg->tools_json;
    p->opts.tool_choice = g->cfg->tool_choice;
    /* The phone's codec both ways: G.711 frames pass straight through (base64 only, no resampling). */
    p->opts.input_audio_format = audio_format;
    p->opts.output_audio_format = audio_format;
    p->opts.barge_in = 1;
    /* Continuity: the library itself reopens a lost or expiring session and replays the conversation into it
     * (RECONNECTING / RECONNECTED, RENEWING / RENEWED); the call and its RTP carry on meanwhile. */
    p->opts.reconnect_max_attempts = g->cfg->reconnect_attempts;
    if (g->cfg->renewal_margin_ms != UINT32_MAX) p->opts.renewal_margin_ms = g->cfg->renewal_margin_ms;
    pthread_attr_t attr;
    pthread_t tid;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    atomic_fetch_add(&g->connecting, 1);
    int err = pthread_create(&tid, &attr, connect_worker, p);
    pthread_attr_destroy(&attr);
    if (err) {
        atomic_fetch_sub(&g->connecting, 1);
        free(p);
        return -1;
    }
    call->pending = p;
    return 0;
}

void gw_connect_detach(gw_call *call) {
    if (call->pending) call->pending->call = NULL;
    call->pending = NULL;
}

void gw_connect_done(int id, void *data, void *arg) {
    gw_pending *p = data;
    (void)id;
    (void)arg;
    gw_call *call = p->call;
    if (!call || call->ended) {
        azaudio_realtime_destroy(p->session);
    } else {
        call->pending = NULL;
        gw_call_connected(call, p->session, p->rc, p->error);
    }
    free(p);
}
